/// What a window operator computes: each function's kind, arguments, partitioning, order and
/// frame, all over the operator's input columns.

import StarlingColumns

/// One window function call: `rank() OVER (PARTITION BY a ORDER BY b)`,
/// `sum(x) OVER (ORDER BY d ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)`.
public struct WindowFunction: Sendable {
    public enum Kind: Sendable, Equatable {
        case rowNumber, rank, denseRank, percentRank, cumeDist, ntile
        /// `lag(x [, offset [, default]])`, `lead(…)`: the value `offset` rows before or after.
        case lag, lead
        case firstValue, lastValue, nthValue
        /// An aggregate over the frame (`count(*)` is `.countStar`).
        case aggregate(AggregateSpecification.Function)
        /// An aggregate with a state of its own over each frame (variances, string_agg, mode,
        /// quantiles, …): the whole call, its arguments, FILTER and ORDER BY inside it.
        case stateAggregate(AggregateSpecification)

        /// Whether the frame matters (the ranking functions and lag/lead ignore it).
        public var usesFrame: Bool {
            switch self {
            case .firstValue, .lastValue, .nthValue, .aggregate, .stateAggregate: return true
            default: return false
            }
        }
    }

    public var kind: Kind
    /// The arguments over the input: the value (lag, lead, the value functions, aggregates), then
    /// the offset (lag, lead), the default (lag, lead; cast to the value's type), `n` (ntile,
    /// nth_value).
    public var arguments: [BoundExpression]
    /// `FILTER (WHERE …)` of an aggregate.
    public var filter: BoundExpression?
    public var partitionBy: [BoundExpression]
    public var orderBy: [SortKey]
    public var frame: WindowFrameSpecification
    public var type: LogicalType

    public init(
        kind: Kind, arguments: [BoundExpression], filter: BoundExpression?, partitionBy: [BoundExpression],
        orderBy: [SortKey], frame: WindowFrameSpecification, type: LogicalType
    ) {
        self.kind = kind
        self.arguments = arguments
        self.filter = filter
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
        self.type = type
    }

    /// Every expression the function reads.
    public var expressions: [BoundExpression] {
        var expressions = arguments + (filter.map { [$0] } ?? []) + partitionBy + orderBy.map(\.expression)
        if case .stateAggregate(let aggregate) = kind { expressions += aggregate.expressions }
        return expressions + frame.expressions
    }

    /// The same function with every expression rewritten.
    public func mapExpressions<Failure: Error>(_ transform: (BoundExpression) throws(Failure) -> BoundExpression)
        throws(Failure) -> WindowFunction
    {
        var copy = self
        for index in arguments.indices { copy.arguments[index] = try transform(arguments[index]) }
        if let filter { copy.filter = try transform(filter) }
        for index in partitionBy.indices { copy.partitionBy[index] = try transform(partitionBy[index]) }
        for index in orderBy.indices { copy.orderBy[index].expression = try transform(orderBy[index].expression) }
        copy.frame = try frame.mapExpressions(transform)
        if case .stateAggregate(let aggregate) = kind { copy.kind = .stateAggregate(try aggregate.mapExpressions(transform)) }
        return copy
    }

    /// Whether `other` partitions and orders its rows the same way (so one sort serves both).
    public func sortsLike(_ other: WindowFunction) -> Bool {
        partitionBy == other.partitionBy && orderBy.count == other.orderBy.count
            && zip(orderBy, other.orderBy).allSatisfy {
                $0.expression == $1.expression && $0.descending == $1.descending && $0.nullsFirst == $1.nullsFirst
            }
    }
}

/// Which rows around the current one a window function sees, in the partition's order.
public struct WindowFrameSpecification: Sendable {
    public enum Mode: String, Sendable {
        case rows = "ROWS"
        case range = "RANGE"
        case groups = "GROUPS"
    }

    /// One end of the frame.
    public enum Bound: Sendable {
        case unboundedPreceding
        /// `n PRECEDING` in ROWS or GROUPS mode.
        case preceding(Int64)
        case currentRow
        case following(Int64)
        case unboundedFollowing
        /// `n PRECEDING` or `n FOLLOWING` in RANGE mode: the expression computes, for each row,
        /// the ORDER BY value that bounds its frame (`key - n`, `key + n`, or the reverse for a
        /// descending key), compared against ``WindowFrameSpecification/rangeKey``.
        case value(BoundExpression)
    }

    public var mode: Mode
    public var start: Bound
    public var end: Bound
    /// RANGE frames with offsets: the ORDER BY key in the offsets' type.
    public var rangeKey: BoundExpression?

    public init(mode: Mode, start: Bound, end: Bound, rangeKey: BoundExpression? = nil) {
        self.mode = mode
        self.start = start
        self.end = end
        self.rangeKey = rangeKey
    }

    /// The default frame: the partition up to the current row's last peer with ORDER BY, the
    /// whole partition without.
    public static func defaultFrame(ordered: Bool) -> WindowFrameSpecification {
        WindowFrameSpecification(
            mode: .range, start: .unboundedPreceding, end: ordered ? .currentRow : .unboundedFollowing)
    }

    var expressions: [BoundExpression] {
        var result: [BoundExpression] = []
        if case .value(let expression) = start { result.append(expression) }
        if case .value(let expression) = end { result.append(expression) }
        if let rangeKey { result.append(rangeKey) }
        return result
    }

    func mapExpressions<Failure: Error>(_ transform: (BoundExpression) throws(Failure) -> BoundExpression)
        throws(Failure) -> WindowFrameSpecification
    {
        var copy = self
        if case .value(let expression) = start { copy.start = .value(try transform(expression)) }
        if case .value(let expression) = end { copy.end = .value(try transform(expression)) }
        if let rangeKey { copy.rangeKey = try transform(rangeKey) }
        return copy
    }
}
