/// Renders an optimized logical plan for EXPLAIN: one operator per line, indented by depth, with
/// its conditions, keys and expressions written out, and each join graph shown as the tree of
/// joins the join-order rule chose.

import StarlingColumns
import StarlingExecution

enum LogicalPlanExplainer {
    /// One line of the tree and the lines under it.
    struct Line {
        var text: String
        var children: [Line] = []
    }

    static func lines(_ plan: LogicalOperator) -> [String] {
        var output: [String] = []
        flatten(tree(plan), depth: 0, into: &output)
        return output
    }

    static func flatten(_ line: Line, depth: Int, into output: inout [String]) {
        output.append(String(repeating: "  ", count: depth) + (depth > 0 ? "└─ " : "") + line.text)
        for child in line.children { flatten(child, depth: depth + 1, into: &output) }
    }

    static func tree(_ plan: LogicalOperator) -> Line {
        let rows = "  (~\(plan.estimatedRows) rows)"
        switch plan.kind {
        case .series(let start, let stop, let step):
            let text = ExpressionText(names: [])
            return Line(text: "SERIES \(text(start)) TO \(text(stop)) BY \(text(step))" + rows)
        case .parquetScan(let specification):
            return Line(text: ParquetScanText.text(specification) + rows)
        case .values(let chunks):
            return Line(text: "VALUES \(chunks.reduce(0) { $0 + $1.count }) rows" + (plan.origin.map { " " + $0 } ?? ""))
        case .joinGraph(let graph):
            return JoinGraphExplainer(graph: graph).tree(rows: rows)
        case .join(let join):
            let names = join.left.columns.map(\.name) + join.right.columns.map(\.name)
            let text = ExpressionText(names: names)
            var conditions: [String] = []
            for (left, right) in zip(join.leftKeys, join.rightKeys) {
                let shifted = right.remapColumns { $0 + join.left.columns.count }
                conditions.append(text(left) + " = " + text(shifted))
            }
            if let residual = join.residual { conditions.append(text(residual)) }
            let on = conditions.isEmpty ? "" : " ON " + conditions.joined(separator: " AND ")
            return Line(text: "\(join.kind.rawValue) JOIN" + on + rows, children: [tree(join.left), tree(join.right)])
        case .filter(let child, let predicate):
            let text = ExpressionText(names: child.columns.map(\.name))
            return Line(text: "FILTER " + text(predicate) + rows, children: [tree(child)])
        case .projection(let child, let expressions):
            let text = ExpressionText(names: child.columns.map(\.name), limit: 60)
            let items = zip(expressions, plan.columns).map { expression, column in
                let rendered = text(expression)
                return rendered == column.name ? rendered : rendered + " AS " + column.name
            }
            return Line(text: "PROJECTION " + items.joined(separator: ", ") + rows, children: [tree(child)])
        case .aggregate(let child, let groups, let aggregates):
            let text = ExpressionText(names: child.columns.map(\.name), limit: 60)
            var parts: [String] = []
            if !groups.isEmpty { parts.append("by " + groups.map(text.callAsFunction).joined(separator: ", ")) }
            if !aggregates.isEmpty { parts.append(aggregates.map { aggregate($0, text) }.joined(separator: ", ")) }
            return Line(text: "AGGREGATE " + parts.joined(separator: ": ") + rows, children: [tree(child)])
        case .groupingSets(let child, let groups, let aggregates, let sets):
            let text = ExpressionText(names: child.columns.map(\.name), limit: 60)
            let written = sets.map { "(" + $0.map { text(groups[$0]) }.joined(separator: ", ") + ")" }
            var parts = ["GROUPING SETS " + written.joined(separator: ", ")]
            if !aggregates.isEmpty { parts.append(aggregates.map { aggregate($0, text) }.joined(separator: ", ")) }
            return Line(text: "AGGREGATE " + parts.joined(separator: ": ") + rows, children: [tree(child)])
        case .order(let child, let keys):
            return Line(text: "ORDER BY " + sortKeys(keys, child) + rows, children: [tree(child)])
        case .topN(let child, let keys, let limit):
            return Line(text: "TOP \(limit) BY " + sortKeys(keys, child) + rows, children: [tree(child)])
        case .limit(let child, let limit, let offset):
            let text = "LIMIT \(limit.map(String.init) ?? "ALL")" + (offset > 0 ? " OFFSET \(offset)" : "")
            return Line(text: text + rows, children: [tree(child)])
        case .distinct(let child):
            return Line(text: "DISTINCT" + rows, children: [tree(child)])
        case .setOperation(let kind, let all, let left, let right):
            return Line(text: kind.rawValue + (all ? " ALL" : "") + rows, children: [tree(left), tree(right)])
        case .window(let child, let functions):
            let text = ExpressionText(names: child.columns.map(\.name), limit: 60)
            return Line(text: "WINDOW " + functions.map { window($0, text) }.joined(separator: ", ") + rows, children: [tree(child)])
        }
    }

    /// `rank() OVER (PARTITION BY a ORDER BY b DESC)`, with its frame when one matters.
    static func window(_ function: WindowFunction, _ text: ExpressionText) -> String {
        let name: String
        switch function.kind {
        case .rowNumber: name = "row_number"
        case .rank: name = "rank"
        case .denseRank: name = "dense_rank"
        case .percentRank: name = "percent_rank"
        case .cumeDist: name = "cume_dist"
        case .ntile: name = "ntile"
        case .lag: name = "lag"
        case .lead: name = "lead"
        case .firstValue: name = "first_value"
        case .lastValue: name = "last_value"
        case .nthValue: name = "nth_value"
        case .aggregate(let aggregate): name = aggregate == .countStar ? "count" : aggregate.rawValue
        case .stateAggregate(let aggregate): name = aggregate.function.rawValue
        }
        var arguments = function.kind == .aggregate(.countStar) ? "*" : function.arguments.map(text.callAsFunction).joined(separator: ", ")
        var filter = function.filter.map { " FILTER (WHERE \(text($0)))" } ?? ""
        if case .stateAggregate(let aggregate) = function.kind {
            arguments = [aggregate.argument, aggregate.secondArgument].compactMap { $0.map(text.callAsFunction) }
                .joined(separator: ", ")
            filter = aggregate.filter.map { " FILTER (WHERE \(text($0)))" } ?? ""
        }
        var parts: [String] = []
        if !function.partitionBy.isEmpty { parts.append("PARTITION BY " + function.partitionBy.map(text.callAsFunction).joined(separator: ", ")) }
        if !function.orderBy.isEmpty {
            parts.append("ORDER BY " + function.orderBy.map { text($0.expression) + ($0.descending ? " DESC" : "") + ($0.nullsFirst ? " NULLS FIRST" : "") }.joined(separator: ", "))
        }
        if function.kind.usesFrame { parts.append(frame(function.frame, text)) }
        return "\(name)(\(arguments))" + filter + " OVER (" + parts.joined(separator: " ") + ")"
    }

    static func frame(_ frame: WindowFrameSpecification, _ text: ExpressionText) -> String {
        func bound(_ bound: WindowFrameSpecification.Bound, start: Bool) -> String {
            switch bound {
            case .unboundedPreceding: return "UNBOUNDED PRECEDING"
            case .unboundedFollowing: return "UNBOUNDED FOLLOWING"
            case .currentRow: return "CURRENT ROW"
            case .preceding(let offset): return "\(offset) PRECEDING"
            case .following(let offset): return "\(offset) FOLLOWING"
            case .value(let expression): return "[" + text(expression) + "] " + (start ? "START" : "END")
            }
        }
        return "\(frame.mode.rawValue) BETWEEN \(bound(frame.start, start: true)) AND \(bound(frame.end, start: false))"
    }

    static func aggregate(_ aggregate: AggregateSpecification, _ text: ExpressionText) -> String {
        if aggregate.function == .grouping {
            return "grouping(" + aggregate.groupingColumns.map { "key \($0 + 1)" }.joined(separator: ", ") + ")"
        }
        let name = aggregate.function == .countStar ? "count" : aggregate.function.rawValue
        let argument = aggregate.argument.map { (aggregate.distinct ? "DISTINCT " : "") + text($0) } ?? "*"
        let filter = aggregate.filter.map { " FILTER (WHERE \(text($0)))" } ?? ""
        return "\(name)(\(argument))" + filter
    }

    static func sortKeys(_ keys: [SortKey], _ child: LogicalOperator) -> String {
        let text = ExpressionText(names: child.columns.map(\.name), limit: 60)
        return keys.map { key in
            text(key.expression) + (key.descending ? " DESC" : "") + (key.nullsFirst ? " NULLS FIRST" : "")
        }.joined(separator: ", ")
    }
}

/// A join graph drawn as the joins its order makes: the first leaf, each later leaf joined to
/// what came before (by row code or by hash), conditions under the join after which they apply,
/// and the semi and anti joins of WHERE's subqueries where they run.
struct JoinGraphExplainer {
    let graph: JoinGraph

    var names: [String] { graph.from.scope.displayNames }

    func tree(rows: String) -> LogicalPlanExplainer.Line {
        let text = ExpressionText(names: names)
        guard let order = graph.order else {
            let leaves = graph.from.leaves.indices.map { leaf($0, filters: []) }
            let conditions = graph.conditions.map(text.callAsFunction).joined(separator: " AND ")
            return .init(
                text: "JOIN GRAPH" + (conditions.isEmpty ? "" : " WHERE " + conditions) + rows, children: leaves)
        }
        var pending = order.residuals
        var done: Set<Int> = [order.start]
        var current = filtered(leafWithJoins(order.start, order), &pending, done: done, text: text)
        let gathered = Set(order.steps.flatMap(\.gathered))
        // A step's leaf joined with the steps gathered under it, each with its own (as planned).
        func subtree(_ step: JoinStep) -> LogicalPlanExplainer.Line {
            var right = leafWithJoins(step.leaf, order)
            for later in step.gathered {
                let next = order.steps[later]
                right = join(right, subtree(next), next, order, text)
                done.insert(next.leaf)
            }
            return right
        }
        for (index, step) in order.steps.enumerated() where !gathered.contains(index) {
            current = join(current, subtree(step), step, order, text)
            done.insert(step.leaf)
            current = filtered(current, &pending, done: done, text: text)
        }
        current = subqueryJoins(order.pendingJoins, over: current, text: text)
        // A lone FROM subquery is its own plan's line, which shows that plan's estimate already.
        if !current.text.hasSuffix(" rows)") { current.text += rows }
        return current
    }

    private func join(
        _ left: LogicalPlanExplainer.Line, _ right: LogicalPlanExplainer.Line, _ step: JoinStep, _ order: JoinOrder,
        _ text: ExpressionText
    ) -> LogicalPlanExplainer.Line {
        let keys = step.edges.map { text(order.edges[$0].conjunct) }.joined(separator: " AND ")
        let how = step.star != nil ? "INNER JOIN by row code" : (keys.isEmpty ? "CROSS PRODUCT" : "INNER JOIN")
        return .init(text: how + (keys.isEmpty ? "" : " ON " + keys), children: [left, right])
    }

    /// A leaf with its own conditions and the semi joins that filter it before it joins.
    private func leafWithJoins(_ index: Int, _ order: JoinOrder) -> LogicalPlanExplainer.Line {
        subqueryJoins(
            order.leafJoins[index] ?? [], over: leaf(index, filters: order.leafFilters[index]),
            text: ExpressionText(names: names))
    }

    private func leaf(_ index: Int, filters: [BoundExpression]) -> LogicalPlanExplainer.Line {
        let text = ExpressionText(names: names)
        let condition = filters.isEmpty ? "" : " WHERE " + text(.and(filters))
        let leaf = graph.from.leaves[index]
        switch leaf.source {
        case .table(let table):
            let alias = leaf.entries.first?.qualifier.flatMap { $0 == table.name ? nil : $0 }
            return .init(text: "GET \(table.name)" + (alias.map { " AS \($0)" } ?? "") + condition)
        case .plan(let plan):
            let inner = LogicalPlanExplainer.tree(plan)
            return filters.isEmpty ? inner : .init(text: "FILTER" + condition.dropFirst(6), children: [inner])
        }
    }

    private func filtered(
        _ line: LogicalPlanExplainer.Line, _ pending: inout [BoundExpression], done: Set<Int>, text: ExpressionText
    ) -> LogicalPlanExplainer.Line {
        let ready = graph.from.takeReady(&pending, done: done)
        guard !ready.isEmpty else { return line }
        return .init(text: "FILTER " + text(.and(ready)), children: [line])
    }

    private func subqueryJoins(_ joins: [SubqueryJoin], over line: LogicalPlanExplainer.Line, text: ExpressionText)
        -> LogicalPlanExplainer.Line
    {
        var current = line
        for join in joins {
            let inner = ExpressionText(names: join.plan.columns.map(\.name))
            let keys = zip(join.probeKeys, join.buildKeys).map { text($0) + " = " + inner($1) }
            let residual = join.residual.map { residual in
                ExpressionText(names: Array(names.prefix(join.scopeCount)) + join.plan.columns.map(\.name))(residual)
            }
            let on = (keys + (residual.map { [$0] } ?? [])).joined(separator: " AND ")
            current = .init(
                text: "\(join.kind.rawValue) JOIN ON " + on, children: [current, LogicalPlanExplainer.tree(join.plan)])
        }
        return current
    }
}
