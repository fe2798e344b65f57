/// Planning one SELECT block: FROM and WHERE, GROUP BY and aggregates, the select list, ORDER BY.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    func planSelect(_ select: Select, orderBy: [OrderItem], limit: Expression?, offset: Expression?) throws(SQLError) -> LogicalOperator {
        var from = try planFrom(select.from)
        var conjuncts: [BoundExpression] = from.conditions
        var subqueryJoins: [SubqueryJoin] = []
        var deferred: [Expression] = []
        if let whereClause = select.whereClause {
            if whereClause.containsAggregate {
                throw SQLError("aggregate functions are not allowed in WHERE", at: whereClause.position, hint: "use HAVING")
            }
            let bound = try bindWhere(whereClause, from: &from, items: select.from)
            conjuncts += bound.conjuncts
            subqueryJoins = bound.joins
            deferred = bound.deferred
        }
        // Correlated subqueries used as values: joins after FROM's, adding columns to the scope.
        var values = ValueSubqueries(from: from)
        var late: [BoundExpression] = []
        for part in deferred {
            let rewritten = unnestValueSubqueries(part, from: from, into: &values)
            let bound = try coerce(try bind(rewritten, ExpressionContext(scope: values.scope, clause: "WHERE")), to: .boolean, at: part.position, what: "WHERE")
            if bound.columnsUsed.contains(where: { $0 >= values.scopeCount }) { late.append(bound) } else { conjuncts.append(bound) }
        }
        conjuncts = conjuncts.flatMap { if case .and(let parts) = $0 { return parts }; return [$0] }

        // The select list, with * expanded.
        var items: [(expression: Expression, name: String)] = []
        // Items `*` expanded, by item: the FROM column each is (two may share a name).
        var starColumns: [Int: Int] = [:]
        for item in select.items {
            if case .star(let qualifier, let position) = item.expression {
                let entries = from.scope.entries.enumerated().filter { entry in
                    if let qualifier { return entry.element.qualifier == qualifier.name }
                    return !entry.element.hidden
                }
                if entries.isEmpty {
                    throw SQLError(qualifier.map { "no table \"\($0.name)\" in FROM" } ?? "SELECT * needs a FROM clause", at: position)
                }
                for entry in entries {
                    let column = Expression.column(qualifier: entry.element.qualifier.map { Identifier($0, at: position) }, name: Identifier(entry.element.name, at: position))
                    starColumns[items.count] = entry.offset
                    items.append((column, entry.element.name))
                }
            } else {
                items.append((item.expression, item.alias?.name ?? item.expression.outputName))
            }
        }

        let groupBy = groupByExpressions(select, items: items)
        var orderBy = expandingOrderByAll(orderBy, count: items.count)
        var qualifyClause = select.qualify.map { Self.substitutingAliases($0, items: items, scope: from.scope) }
        if let keys = select.distinctOn {
            qualifyClause = try distinctOnCondition(
                keys, orderBy: orderBy, items: items, qualify: qualifyClause, at: select.position)
        }
        let aggregated = !groupBy.isEmpty || select.groupingSets != nil || select.having != nil
            || items.contains { $0.expression.containsAggregate }
            || orderBy.contains { $0.expression.containsAggregate } || qualifyClause?.containsAggregate == true
        let windows = WindowContext(named: select.windows)
        var havingClause = select.having
        var grouped: ValueSubqueries?
        if !aggregated {
            for index in items.indices where items[index].expression.containsSubquery {
                items[index].expression = unnestValueSubqueries(items[index].expression, from: from, into: &values)
            }
        }
        // FROM and WHERE as one join graph, then the value joins and the conditions on them: the
        // block's rows, which the aggregation (and the groups its subqueries read) take as input.
        var current = applyValueJoins(values, to: graph(from, conditions: conjuncts, subqueryJoins: subqueryJoins))
        if !late.isEmpty {
            current = LogicalOperator(.filter(current, .and(late)), columns: current.columns, estimatedRows: max(1, current.estimatedRows / 2))
        }
        var aggregation: AggregationContext?
        var outputContext = ExpressionContext(scope: values.scope, clause: "SELECT")
        if aggregated {
            var groups: [BoundExpression] = []
            let groupContext = ExpressionContext(scope: from.scope, clause: "GROUP BY")
            var positions: [Int] = []
            var aliases: [String: Int] = [:]
            for expression in groupBy {
                var target = expression
                var alias: String?
                if let position = try orderPosition(expression, count: items.count) {
                    target = items[position].expression
                } else if case .column(nil, let name) = expression, try from.scope.resolve(qualifier: nil, name: name) == nil,
                          let item = items.first(where: { $0.name == name.name }) {
                    target = item.expression
                    alias = name.name
                }
                if target.containsAggregate { throw SQLError("aggregate functions are not allowed in GROUP BY", at: expression.position) }
                let bound = try bind(target, groupContext)
                let index = groups.firstIndex(of: bound) ?? groups.count
                if index == groups.count { groups.append(bound) }
                positions.append(index)
                if let alias { aliases[alias] = index }
            }
            let context = AggregationContext(
                groups: groups, inputContext: ExpressionContext(scope: from.scope, clause: "an aggregate"),
                sets: boundGroupingSets(select, positions: positions))
            context.groupAliases = aliases
            aggregation = context
            outputContext = ExpressionContext(scope: from.scope, aggregation: aggregation, clause: "SELECT")
            grouped = try unnestAboveAggregation(
                context, from: from, input: current, items: &items, having: &havingClause, orderBy: &orderBy)
        }
        var having: BoundExpression?
        if let condition = havingClause {
            var context = outputContext
            context.clause = "HAVING"
            having = try coerce(try bind(condition, context), to: .boolean, at: condition.position, what: "HAVING")
        }
        outputContext.windows = windows
        var outputs: [BoundExpression] = []
        for (index, item) in items.enumerated() {
            if !aggregated, let column = starColumns[index] {
                outputs.append(.column(column, values.scope.entries[column].type))
            } else {
                outputs.append(try bind(item.expression, outputContext))
            }
        }
        var qualify: BoundExpression?
        if let condition = qualifyClause {
            var context = outputContext
            context.clause = "QUALIFY"
            qualify = try coerce(try bind(condition, context), to: .boolean, at: condition.position, what: "QUALIFY")
        }
        // ORDER BY: an output position, an output name, or an expression (hidden when not selected).
        var sortTargets: [(index: Int, item: OrderItem)] = []
        var hidden: [BoundExpression] = []
        for item in orderBy {
            if let position = try orderPosition(item.expression, count: items.count) {
                sortTargets.append((position, item))
                continue
            }
            // An output name wins over a FROM column (as in PostgreSQL and DuckDB).
            if case .column(nil, let name) = item.expression, let index = items.firstIndex(where: { $0.name == name.name }) {
                sortTargets.append((index, item))
                continue
            }
            var context = outputContext
            context.clause = "ORDER BY"
            let bound = try bind(item.expression, context)
            if let index = outputs.firstIndex(of: bound) {
                sortTargets.append((index, item))
            } else {
                if select.distinct {
                    throw SQLError("for SELECT DISTINCT, ORDER BY expressions must appear in the select list", at: item.expression.position)
                }
                hidden.append(bound)
                sortTargets.append((items.count + hidden.count - 1, item))
            }
        }

        // Correlated subqueries over the groups bound to placeholders: now their columns' places.
        if let aggregation, grouped != nil {
            outputs = outputs.map(aggregation.resolvingLateColumns)
            having = having.map(aggregation.resolvingLateColumns)
            hidden = hidden.map(aggregation.resolvingLateColumns)
            qualify = qualify.map(aggregation.resolvingLateColumns)
            windows.mapFunctions(aggregation.resolvingLateColumns)
        }
        if let aggregation {
            // Named as written out, for EXPLAIN.
            let text = ExpressionText(names: values.scope.displayNames, limit: 60)
            let columns = aggregation.groups.map { PlanColumn(name: text($0), type: $0.type) }
                + aggregation.aggregates.map { PlanColumn(name: LogicalPlanExplainer.aggregate($0, text), type: $0.type) }
            if let sets = aggregation.sets {
                current = LogicalOperator(
                    .groupingSets(current, groups: aggregation.groups, aggregates: aggregation.aggregates, sets: sets),
                    columns: columns, estimatedRows: Self.groupingSetsEstimate(current.estimatedRows, sets: sets))
            } else {
                let estimate = aggregation.groups.isEmpty ? 1 : max(1, current.estimatedRows / 10)
                current = LogicalOperator(
                    .aggregate(current, groups: aggregation.groups, aggregates: aggregation.aggregates),
                    columns: columns, estimatedRows: estimate)
            }
            if let grouped { current = applyValueJoins(grouped, to: current) }
            if let having {
                current = LogicalOperator(.filter(current, having), columns: current.columns, estimatedRows: current.estimatedRows)
            }
        }
        if !windows.functions.isEmpty || qualify != nil {
            current = windowed(current, windows, outputs: &outputs, hidden: &hidden, qualify: qualify)
        }
        let projected = outputs + hidden
        var columns = zip(items, outputs).map { PlanColumn(name: $0.name, type: $1.type) }
        columns += hidden.enumerated().map { PlanColumn(name: "sort\($0.offset + 1)", type: $0.element.type) }
        current = LogicalOperator(.projection(current, projected), columns: columns, estimatedRows: current.estimatedRows)
        if select.distinct {
            current = LogicalOperator(.distinct(current), columns: current.columns, estimatedRows: current.estimatedRows)
        }
        let keys = sortTargets.map { target in
            SortKey(expression: .column(target.index, columns[target.index].type), descending: target.item.descending, nullsFirst: target.item.nullsFirst ?? false)
        }
        current = try addSortAndLimit(current, keys: keys, limit: limit, offset: offset)
        if !hidden.isEmpty {
            let visible = (0..<items.count).map { BoundExpression.column($0, columns[$0].type) }
            current = LogicalOperator(.projection(current, visible), columns: Array(columns.prefix(items.count)), estimatedRows: current.estimatedRows)
        }
        return current
    }
}

extension Expression {
    /// The column name a select item gets without an alias (as DuckDB names it).
    var outputName: String {
        switch self {
        case .column(_, let name): return name.name
        case .function(let call):
            let filter = call.filter.map { " FILTER (WHERE \($0.sqlText))" } ?? ""
            if call.star { return "count_star()" + filter }
            // DuckDB names grouping() columns in capitals.
            let name = QueryPlanner.groupingNames.contains(call.name.name) ? "GROUPING" : call.name.name
            let order = call.orderBy.isEmpty ? "" : " ORDER BY " + call.orderBy.map(\.sqlText).joined(separator: ", ")
            return name + "(" + (call.distinct ? "DISTINCT " : "") + call.arguments.map(\.sqlText).joined(separator: ", ")
                + order + ")" + filter
        default: return sqlText
        }
    }

    /// A readable rendering of the expression.
    var sqlText: String {
        switch self {
        case .literal(let literal):
            switch literal.kind {
            case .null: return "NULL"
            case .boolean(let flag): return flag ? "true" : "false"
            case .number(let text): return text
            case .string(let text): return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
            case .typed(let type, let text): return type.uppercased() + " '" + text + "'"
            }
        case .column(let qualifier, let name): return (qualifier.map { $0.name + "." } ?? "") + name.name
        case .star(let qualifier, _): return (qualifier.map { $0.name + "." } ?? "") + "*"
        case .unary(let op, let operand, _): return op == .not ? "(NOT \(operand.sqlText))" : op.rawValue + operand.sqlText
        case .binary(let op, let left, let right, _): return "(\(left.sqlText) \(op.rawValue) \(right.sqlText))"
        case .between(let value, let low, let high, let negated, _): return "(\(value.sqlText) \(negated ? "NOT " : "")BETWEEN \(low.sqlText) AND \(high.sqlText))"
        case .inList(let value, let list, let negated, _): return "(\(value.sqlText) \(negated ? "NOT " : "")IN (\(list.map(\.sqlText).joined(separator: ", "))))"
        case .inSubquery(let value, _, let negated, _): return "(\(value.sqlText) \(negated ? "NOT " : "")IN (SELECT …))"
        case .exists(_, let negated, _): return "\(negated ? "NOT " : "")EXISTS(SELECT …)"
        case .scalarSubquery: return "(SELECT …)"
        case .like(let value, let pattern, let escape, let negated, let insensitive, _):
            let escapeText = escape.map { " ESCAPE \($0.sqlText)" } ?? ""
            return "(\(value.sqlText) \(negated ? "NOT " : "")\(insensitive ? "ILIKE" : "LIKE") \(pattern.sqlText)\(escapeText))"
        case .isNull(let value, let negated, _): return "(\(value.sqlText) IS \(negated ? "NOT " : "")NULL)"
        case .caseWhen: return "CASE … END"
        case .cast(let value, let type, let orNull, _): return "\(orNull ? "TRY_CAST" : "CAST")(\(value.sqlText) AS \(type))"
        case .function(let call) where call.name.name == "row" && call.window == nil:
            return "(" + call.arguments.map(\.sqlText).joined(separator: ", ") + ")"
        case .function(let call):
            let filter = call.filter.map { " FILTER (WHERE \($0.sqlText))" } ?? ""
            return call.name.name + "(" + (call.star ? "*" : (call.distinct ? "DISTINCT " : "") + call.arguments.map(\.sqlText).joined(separator: ", ")) + ")" + filter
        case .interval(let interval): return interval.sqlText
        }
    }
}

extension OrderItem {
    /// `expression [DESC] [NULLS FIRST|LAST]` as written.
    var sqlText: String {
        expression.sqlText + (descending ? " DESC" : "")
            + (nullsFirst.map { $0 ? " NULLS FIRST" : " NULLS LAST" } ?? "")
    }
}
