/// Binding window functions: `f(…) OVER (…)` calls in SELECT, QUALIFY and ORDER BY, named
/// windows, frames and their offsets, collected in a ``WindowContext`` for the window operator.

import StarlingColumns
import StarlingExecution
import StarlingSQL

/// The window function calls of one query block, collected while binding the clauses above the
/// window operator. Each call binds to a placeholder column from ``base`` on, which
/// ``resolving(_:inputWidth:)`` turns into the operator's output column.
final class WindowContext {
    /// The first placeholder index (far past any real column, and past late aggregate columns).
    static let base = 1 << 44
    /// The block's `WINDOW name AS (…)` clauses.
    let named: [String: WindowSpecification]
    private(set) var functions: [WindowFunction] = []

    init(named: [NamedWindow]) {
        var windows: [String: WindowSpecification] = [:]
        for window in named { windows[window.name.name] = window.specification }
        self.named = windows
    }

    /// Every function's expressions rewritten (late aggregate columns put in place).
    func mapFunctions(_ transform: (BoundExpression) -> BoundExpression) {
        functions = functions.map { $0.mapExpressions(transform) }
    }

    func add(_ function: WindowFunction) -> BoundExpression {
        functions.append(function)
        return .column(Self.base + functions.count - 1, function.type)
    }

    /// `expression` with placeholders moved to the window operator's output, after its input's
    /// `inputWidth` columns.
    func resolving(_ expression: BoundExpression, inputWidth: Int) -> BoundExpression {
        guard !functions.isEmpty else { return expression }
        return expression.remapColumns { $0 >= Self.base ? inputWidth + $0 - Self.base : $0 }
    }
}

extension QueryPlanner {
    /// Functions that exist only as window functions.
    /// The aggregates that also run as window functions.
    static let windowAggregateNames: Set<String> = ["count", "sum", "avg", "mean", "min", "max"]

    static let windowOnlyNames: Set<String> = [
        "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
        "last_value", "nth_value",
    ]

    /// `input` under the block's window operator and QUALIFY filter, with the expressions above
    /// them reading the functions' columns.
    func windowed(
        _ input: LogicalOperator, _ windows: WindowContext, outputs: inout [BoundExpression],
        hidden: inout [BoundExpression],
        qualify: BoundExpression?
    ) -> LogicalOperator {
        var current = input
        let width = input.columns.count
        if !windows.functions.isEmpty {
            let text = ExpressionText(names: input.columns.map(\.name), limit: 60)
            let columns = windows.functions.map {
                PlanColumn(name: LogicalPlanExplainer.window($0, text), type: $0.type)
            }
            current = LogicalOperator(
                .window(input, windows.functions), columns: input.columns + columns, estimatedRows: input.estimatedRows)
        }
        outputs = outputs.map { windows.resolving($0, inputWidth: width) }
        hidden = hidden.map { windows.resolving($0, inputWidth: width) }
        if let qualify {
            let condition = windows.resolving(qualify, inputWidth: width)
            current = LogicalOperator(
                .filter(current, condition), columns: current.columns, estimatedRows: max(1, current.estimatedRows / 2))
        }
        return current
    }

    /// Binds `call OVER (…)`: its arguments, partitions and order in `context` (so they may use
    /// the block's groups and aggregates), registered in the context's windows.
    func bindWindow(_ call: FunctionCall, _ context: ExpressionContext) throws(SQLError) -> BoundExpression {
        guard let windows = context.windows, let written = call.window else {
            throw SQLError("window functions are not allowed in \(context.clause)", at: call.name.position)
        }
        var inner = context
        inner.windows = nil
        inner.clause = "a window function's arguments"
        let specification = try resolveWindow(written, windows)
        let partitionBy = try specification.partitionBy.map { (key) throws(SQLError) -> BoundExpression in
            try bind(key, inner)
        }
        let orderBy = try specification.orderBy.map { (item) throws(SQLError) -> SortKey in
            SortKey(
                expression: try bind(item.expression, inner), descending: item.descending,
                nullsFirst: item.nullsFirst ?? false)
        }
        let (kind, arguments, filter, type) = try windowCall(call, inner)
        let frame = try bindFrame(specification, orderBy: orderBy, inner)
        let function = WindowFunction(
            kind: kind, arguments: arguments, filter: filter, partitionBy: partitionBy, orderBy: orderBy, frame: frame,
            type: type)
        return windows.add(function)
    }

    /// The window `written` with a named window it refers to filled in: the named window gives
    /// the partitions, and the order and frame unless the call gives its own (as in PostgreSQL).
    private func resolveWindow(_ written: WindowSpecification, _ windows: WindowContext) throws(SQLError)
        -> WindowSpecification
    {
        guard let reference = written.reference else { return written }
        guard var base = windows.named[reference.name] else {
            let hint = closestMatch(to: reference.name, in: Array(windows.named.keys)).map { "did you mean \($0)?" }
            throw SQLError(
                "unknown window \"\(reference.name)\"", at: reference.position,
                hint: hint ?? "name it in a WINDOW clause")
        }
        if let inner = base.reference {
            base = try resolveWindow(
                WindowSpecification(
                    reference: inner, partitionBy: base.partitionBy, orderBy: base.orderBy, frame: base.frame,
                    position: base.position), windows)
        }
        if !written.partitionBy.isEmpty {
            throw SQLError(
                "cannot override PARTITION BY of window \"\(reference.name)\"", at: written.partitionBy[0].position)
        }
        if !written.orderBy.isEmpty {
            guard base.orderBy.isEmpty else {
                throw SQLError(
                    "cannot override ORDER BY of window \"\(reference.name)\"",
                    at: written.orderBy[0].expression.position)
            }
            base.orderBy = written.orderBy
        }
        if let frame = written.frame { base.frame = frame }
        base.position = written.position
        return base
    }

    /// The function's kind, bound arguments, FILTER and result type.
    private func windowCall(_ call: FunctionCall, _ context: ExpressionContext) throws(SQLError)
        -> (WindowFunction.Kind, [BoundExpression], BoundExpression?, LogicalType)
    {
        let name = call.name.name
        let position = call.name.position
        for argument in call.arguments where argument.containsWindow {
            throw SQLError("window function calls cannot be nested", at: argument.position)
        }
        if call.distinct, !Expression.aggregateNames.contains(name) {
            throw SQLError("DISTINCT applies to aggregates, not to \(name)", at: position)
        }
        var filter: BoundExpression?
        if let condition = call.filter {
            guard Expression.aggregateNames.contains(name) else {
                throw SQLError("FILTER applies to aggregates, not to \(name)", at: condition.position)
            }
            filter = try coerce(try bind(condition, context), to: .boolean, at: condition.position, what: "FILTER")
        }
        let arguments = try call.arguments.map { (argument) throws(SQLError) -> BoundExpression in
            try bind(argument, context)
        }
        func expectCount(_ range: ClosedRange<Int>) throws(SQLError) {
            try checkArgumentCount(name, arguments.count, range, at: position)
        }
        func integer(_ index: Int) throws(SQLError) -> BoundExpression {
            try coerce(arguments[index], to: .bigint, at: call.arguments[index].position, what: name)
        }
        if call.star && name != "count" { throw SQLError("\(name)(*) is not allowed; only count(*)", at: position) }
        switch name {
        case "row_number", "rank", "dense_rank", "percent_rank", "cume_dist":
            try expectCount(0...0)
            let kinds: [String: WindowFunction.Kind] = [
                "row_number": .rowNumber, "rank": .rank, "dense_rank": .denseRank, "percent_rank": .percentRank,
                "cume_dist": .cumeDist,
            ]
            let isRatio = name == "percent_rank" || name == "cume_dist"
            return (kinds[name] ?? .rowNumber, [], nil, isRatio ? .double : .bigint)
        case "ntile":
            try expectCount(1...1)
            return (.ntile, [try integer(0)], nil, .bigint)
        case "lag", "lead":
            try expectCount(1...3)
            var bound = [arguments[0]]
            if arguments.count > 1 { bound.append(try integer(1)) }
            if arguments.count > 2 {
                let fallback = arguments[2]
                bound.append(
                    isNullConstant(fallback)
                        ? .constant(.null, arguments[0].type)
                        : try fold(.cast(fallback, arguments[0].type), at: call.arguments[2].position))
            }
            return (name == "lag" ? .lag : .lead, bound, nil, arguments[0].type)
        case "first_value", "last_value":
            try expectCount(1...1)
            return (name == "first_value" ? .firstValue : .lastValue, arguments, nil, arguments[0].type)
        case "nth_value":
            try expectCount(2...2)
            return (.nthValue, [arguments[0], try integer(1)], nil, arguments[0].type)
        case _ where Self.groupingNames.contains(name):
            throw SQLError("\(name) is not a window function", at: position)
        case _ where Self.quantileNames.contains(name) || Self.moreAggregates[name] != nil:
            // Aggregates with a state of their own: the whole call goes to the window operator.
            let specification =
                Self.quantileNames.contains(name)
                ? try bindQuantile(call, context, filter: filter) : try bindMoreAggregate(call, context, filter: filter)
            if !specification.function.hasOwnState, !call.distinct, let argument = specification.argument {
                // bool_and and bool_or: min and max over booleans.
                return (.aggregate(specification.function), [argument], filter, specification.type)
            }
            return (.stateAggregate(specification), [], nil, specification.type)
        case "count" where call.star:
            return (.aggregate(.countStar), [], filter, .bigint)
        case _ where Self.windowAggregateNames.contains(name):
            try expectCount(1...1)
            let specification = try aggregate(call, argument: arguments[0], filter: filter)
            if call.distinct {
                // Frames grouped, each frame's distinct values kept (WindowStateAggregator); the
                // FILTER goes with the call.
                return (.stateAggregate(specification), [], nil, specification.type)
            }
            return (
                .aggregate(specification.function), specification.argument.map { [$0] } ?? [], filter,
                specification.type
            )
        default:
            let names = Array(Self.windowOnlyNames) + Array(Expression.aggregateNames)
            let hint = closestMatch(to: name, in: names).map { "did you mean \($0)?" }
            throw SQLError(
                "\(name) is not a window function", at: position,
                hint: hint ?? "window functions are ranking functions, lag/lead, value functions and aggregates")
        }
    }
}
