/// Binding the GROUP BY forms beyond a plain list: grouping sets and `grouping()`, `GROUP BY ALL`
/// and `ORDER BY ALL`, and `DISTINCT ON`, which becomes a `row_number()` filter.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// `grouping(…)` and its DuckDB spelling `grouping_id(…)`.
    static let groupingNames: Set<String> = ["grouping", "grouping_id"]

    /// Rows out of a grouping-sets aggregate over `inputRows`: a tenth per set, one for `()`.
    static func groupingSetsEstimate(_ inputRows: Int, sets: [[Int]]) -> Int {
        sets.reduce(0) { total, set in total &+ (set.isEmpty ? 1 : max(1, inputRows / 10)) }
    }

    /// GROUP BY's expressions: as written, or for `GROUP BY ALL` every select item without an
    /// aggregate or window function.
    func groupByExpressions(_ select: Select, items: [(expression: Expression, name: String)]) -> [Expression] {
        guard select.groupsByAll else { return select.groupBy }
        return items.map(\.expression).filter { !$0.containsAggregate && !$0.containsWindow }
    }

    /// ORDER BY with `ALL` (`.star`) replaced by every output column in turn.
    func expandingOrderByAll(_ orderBy: [OrderItem], count: Int) -> [OrderItem] {
        orderBy.flatMap { item -> [OrderItem] in
            guard case .star(_, let position) = item.expression else { return [item] }
            return (0..<count).map { index in
                var column = item
                column.expression = .literal(Literal(.number(String(index + 1)), at: position))
                return column
            }
        }
    }

    /// The grouping sets as positions in the bound `groups`, given each written GROUP BY
    /// expression's position there (`positions`); a key named twice in a set counts once.
    func boundGroupingSets(_ select: Select, positions: [Int]) -> [[Int]]? {
        guard let sets = select.groupingSets else { return nil }
        return sets.map { set in
            var seen = Set<Int>()
            return set.map { positions[$0] }.filter { seen.insert($0).inserted }.sorted()
        }
    }

    /// `grouping(a, b, …)` above the aggregation: an integer with one bit per argument, set when
    /// the row's grouping set leaves that key out (0 under a plain GROUP BY).
    func bindGrouping(_ call: FunctionCall, _ aggregation: AggregationContext) throws(SQLError) -> BoundExpression {
        let name = call.name.name
        guard !call.star, !call.distinct, call.filter == nil, call.withinGroup == nil else {
            throw SQLError("\(name)() takes GROUP BY expressions only", at: call.name.position)
        }
        try checkArgumentCount(name, call.arguments.count, 1...63, at: call.name.position)
        var columns: [Int] = []
        for argument in call.arguments {
            if case .column(nil, let name) = argument, let index = aggregation.groupAliases[name.name],
                try aggregation.inputContext.scope.resolve(qualifier: nil, name: name) == nil
            {
                columns.append(index)
                continue
            }
            let bound = try bind(argument, aggregation.inputContext)
            guard let index = aggregation.groups.firstIndex(of: bound) else {
                throw SQLError("the arguments of \(name)() must be GROUP BY expressions", at: argument.position)
            }
            columns.append(index)
        }
        guard aggregation.sets != nil else { return .constant(.integer(0), .bigint) }
        var specification = AggregateSpecification(
            function: .grouping, argument: nil, distinct: false, filter: nil, type: .bigint)
        specification.groupingColumns = columns
        return aggregation.column(for: specification)
    }

    /// QUALIFY's names of select-list aliases (`rank() OVER (…) AS r … QUALIFY r <= 3`) replaced
    /// by the aliased expressions, as DuckDB reads them; a name FROM's columns resolve (or find
    /// ambiguous) stays a column.
    static func substitutingAliases(
        _ condition: Expression, items: [(expression: Expression, name: String)], scope: BindingScope
    ) -> Expression {
        condition.replacing { node in
            guard case .column(nil, let name) = node, let item = items.first(where: { $0.name == name.name }) else {
                return nil
            }
            do {
                return try scope.resolve(qualifier: nil, name: name) == nil ? item.expression : nil
            } catch {
                return nil
            }
        }
    }

    /// `DISTINCT ON (keys)` as a QUALIFY condition: the first row of each key by ORDER BY
    /// (`row_number() OVER (PARTITION BY keys ORDER BY …) = 1`), joined to `qualify` if any.
    /// Output positions and names in the keys and the order are replaced by the items they name.
    func distinctOnCondition(
        _ keys: [Expression], orderBy: [OrderItem], items: [(expression: Expression, name: String)],
        qualify: Expression?, at position: SourcePosition
    ) throws(SQLError) -> Expression {
        func resolved(_ expression: Expression) throws(SQLError) -> Expression {
            if let index = try orderPosition(expression, count: items.count) { return items[index].expression }
            if case .column(nil, let name) = expression, let item = items.first(where: { $0.name == name.name }) {
                return item.expression
            }
            return expression
        }
        var order: [OrderItem] = []
        for item in orderBy {
            var copy = item
            copy.expression = try resolved(item.expression)
            order.append(copy)
        }
        var partition: [Expression] = []
        for key in keys { partition.append(try resolved(key)) }
        let window = WindowSpecification(partitionBy: partition, orderBy: order, position: position)
        let first = Expression.binary(
            .equal,
            .function(FunctionCall(name: Identifier("row_number", at: position), arguments: [], window: window)),
            .literal(Literal(.number("1"), at: position)), position: position)
        guard let qualify else { return first }
        return .binary(.and, qualify, first, position: position)
    }
}

extension Select {
    /// Whether this is `GROUP BY ALL`.
    var groupsByAll: Bool {
        guard groupBy.count == 1, case .star = groupBy[0] else { return false }
        return true
    }
}
