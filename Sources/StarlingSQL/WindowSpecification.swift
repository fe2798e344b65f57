/// The parsed form of window functions: `OVER (PARTITION BY … ORDER BY … frame)`, named
/// `WINDOW` clauses and their frames.

/// `OVER (…)` or `OVER name`: how a window function's rows are partitioned, ordered and framed.
public struct WindowSpecification: Sendable {
    /// `OVER w` or `OVER (w …)`: a window of the block's `WINDOW` clause this one starts from.
    public var reference: Identifier?
    public var partitionBy: [Expression]
    public var orderBy: [OrderItem]
    /// `ROWS|RANGE|GROUPS BETWEEN … AND …`; nil for the default frame.
    public var frame: WindowFrame?
    /// Where `OVER` (or a `WINDOW` clause's name) is.
    public var position: SourcePosition

    public init(
        reference: Identifier? = nil, partitionBy: [Expression] = [], orderBy: [OrderItem] = [],
        frame: WindowFrame? = nil, position: SourcePosition
    ) {
        self.reference = reference
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
        self.position = position
    }

    /// The expressions inside (partition keys, order keys and frame offsets).
    public var expressions: [Expression] {
        var result = partitionBy + orderBy.map(\.expression)
        if let frame { result += [frame.start, frame.end].compactMap(\.offset) }
        return result
    }

    /// The same window with every expression inside rewritten by `transform`.
    public func mapExpressions(_ transform: (Expression) -> Expression) -> WindowSpecification {
        var copy = self
        copy.partitionBy = partitionBy.map(transform)
        copy.orderBy = orderBy.map {
            OrderItem(expression: transform($0.expression), descending: $0.descending, nullsFirst: $0.nullsFirst)
        }
        copy.frame = frame.map {
            WindowFrame(
                mode: $0.mode, start: $0.start.mapOffset(transform), end: $0.end.mapOffset(transform),
                position: $0.position)
        }
        return copy
    }
}

/// A window frame: which rows around the current one an aggregate or value function sees.
public struct WindowFrame: Sendable {
    /// `ROWS` counts rows, `RANGE` measures the ORDER BY value, `GROUPS` counts peer groups.
    public enum Mode: String, Sendable {
        case rows = "ROWS"
        case range = "RANGE"
        case groups = "GROUPS"
    }

    /// One end of a frame.
    public enum Bound: Sendable {
        case unboundedPreceding
        case preceding(Expression)
        case currentRow
        case following(Expression)
        case unboundedFollowing

        /// The offset expression of `n PRECEDING` or `n FOLLOWING`.
        public var offset: Expression? {
            switch self {
            case .preceding(let offset), .following(let offset): return offset
            default: return nil
            }
        }

        func mapOffset(_ transform: (Expression) -> Expression) -> Bound {
            switch self {
            case .preceding(let offset): return .preceding(transform(offset))
            case .following(let offset): return .following(transform(offset))
            default: return self
            }
        }
    }

    public var mode: Mode
    public var start: Bound
    public var end: Bound
    /// Where the frame's first word is.
    public var position: SourcePosition

    public init(mode: Mode, start: Bound, end: Bound, position: SourcePosition) {
        self.mode = mode
        self.start = start
        self.end = end
        self.position = position
    }
}

/// `WINDOW name AS (…)` in a SELECT block.
public struct NamedWindow: Sendable {
    public var name: Identifier
    public var specification: WindowSpecification

    public init(name: Identifier, specification: WindowSpecification) {
        self.name = name
        self.specification = specification
    }
}
