/// The optimizer: rules that rewrite a logical plan into one that computes the same rows with
/// less work. Filters are pushed down first (top-down); then, bottom-up, each join graph is
/// ordered, ORDER BY with LIMIT becomes a top-N, and an aggregate's repeated subexpressions are
/// computed once. Constants are folded earlier, as expressions are bound; subqueries are
/// unnested into joins as WHERE is bound; projection pruning happens as the plan is lowered.

import StarlingColumns
import StarlingExecution

extension QueryPlanner {
    /// `plan` after every rule.
    func optimize(_ plan: LogicalOperator) -> LogicalOperator {
        rewriteBottomUp(pushDown(plan, []))
    }

    // MARK: Filter pushdown

    /// `plan` with `conditions` (over its columns) applied as far down as they can go, and the
    /// filters inside it pushed down too. A condition crosses a projection by substituting the
    /// projected expressions, an aggregate when it reads only group keys, DISTINCT and ORDER BY
    /// as they are, a set operation into both inputs, a LEFT or mark join into its preserved
    /// side, and enters a join graph, where the conditions on one leaf that is itself a plan (a
    /// subquery, a CTE, an outer join) go on into it: a filter on a view reaches the table scan
    /// and its zone maps.
    func pushDown(_ plan: LogicalOperator, _ conditions: [BoundExpression]) -> LogicalOperator {
        switch plan.kind {
        case .filter(let child, let predicate):
            return pushDown(child, conditions + predicate.conjuncts)
        case .joinGraph(let graph):
            return plan.with(.joinGraph(pushDown(graph, conditions)))
        case .projection(let child, let expressions):
            let substituted = conditions.map { $0.substituting(expressions) }
            return plan.with(.projection(pushDown(child, substituted), expressions))
        case .aggregate(let child, let groups, let aggregates):
            // Conditions on group keys alone hold for a group exactly when they hold for its rows.
            var below: [BoundExpression] = []
            var above: [BoundExpression] = []
            for condition in conditions {
                let used = condition.columnsUsed
                if !groups.isEmpty, !used.isEmpty, used.allSatisfy({ $0 < groups.count }) {
                    below.append(condition.substituting(groups))
                } else {
                    above.append(condition)
                }
            }
            let aggregate = plan.with(.aggregate(pushDown(child, below), groups: groups, aggregates: aggregates))
            return filtered(aggregate, above)
        case .groupingSets(let child, let groups, let aggregates, let sets):
            // Only keys every set groups by are never made NULL: conditions on those alone go below.
            let everywhere = Set(groups.indices.filter { key in sets.allSatisfy { $0.contains(key) } })
            var below: [BoundExpression] = []
            var above: [BoundExpression] = []
            for condition in conditions {
                let used = condition.columnsUsed
                if !used.isEmpty, used.allSatisfy(everywhere.contains) {
                    below.append(condition.substituting(groups))
                } else {
                    above.append(condition)
                }
            }
            let grouped = plan.with(
                .groupingSets(pushDown(child, below), groups: groups, aggregates: aggregates, sets: sets))
            return filtered(grouped, above)
        case .distinct(let child):
            return plan.with(.distinct(pushDown(child, conditions)))
        case .order(let child, let keys):
            return plan.with(.order(pushDown(child, conditions), keys))
        case .setOperation(let kind, let all, let left, let right):
            return plan.with(.setOperation(kind, all: all, pushDown(left, conditions), pushDown(right, conditions)))
        case .join(var join):
            let width = join.left.columns.count
            var leftOnly: [BoundExpression] = []
            var rest: [BoundExpression] = []
            for condition in conditions {
                let used = condition.columnsUsed
                if join.kind != .full, !used.isEmpty, used.allSatisfy({ $0 < width }) {
                    leftOnly.append(condition)
                } else {
                    rest.append(condition)
                }
            }
            join.left = pushDown(join.left, leftOnly)
            join.right = pushDown(join.right, [])
            return filtered(plan.with(.join(join)), rest)
        case .limit(let child, let limit, let offset):
            return filtered(plan.with(.limit(pushDown(child, []), limit: limit, offset: offset)), conditions)
        case .topN(let child, let keys, let limit):
            return filtered(plan.with(.topN(pushDown(child, []), keys, limit: limit)), conditions)
        case .values, .series, .parquetScan:
            return filtered(plan, conditions)
        case .window(let child, let functions):
            // A condition on columns every function partitions by keeps or drops whole partitions.
            let width = child.columns.count
            var below: [BoundExpression] = []
            var above: [BoundExpression] = []
            for condition in conditions {
                let used = condition.columnsUsed
                let partitioned = !used.isEmpty && used.allSatisfy { column in
                    column < width && functions.allSatisfy { $0.partitionBy.contains { $0 == .column(column, child.columns[column].type) } }
                }
                if partitioned { below.append(condition) } else { above.append(condition) }
            }
            return filtered(plan.with(.window(pushDown(child, below), functions)), above)
        }
    }

    /// A graph with `conditions` added, and those on one plan leaf alone moved into that leaf.
    private func pushDown(_ graph: JoinGraph, _ conditions: [BoundExpression]) -> JoinGraph {
        var result = graph
        var perLeaf = [[BoundExpression]](repeating: [], count: graph.from.leaves.count)
        result.conditions = []
        for condition in graph.conditions + conditions {
            let leaves = Set(condition.columnsUsed.map { graph.from.leaf(of: $0) })
            if leaves.count == 1, let leaf = leaves.first, case .plan = graph.from.leaves[leaf].source {
                let offset = graph.from.leaves[leaf].offset
                perLeaf[leaf].append(condition.remapColumns { $0 - offset })
            } else {
                result.conditions.append(condition)
            }
        }
        for (index, leaf) in graph.from.leaves.enumerated() {
            guard case .plan(let plan) = leaf.source else { continue }
            let pushed = pushDown(plan, perLeaf[index])
            result.from.leaves[index].source = .plan(pushed)
            result.from.leaves[index].estimatedRows = pushed.estimatedRows
        }
        for index in result.subqueryJoins.indices {
            result.subqueryJoins[index].plan = pushDown(result.subqueryJoins[index].plan, [])
        }
        return result
    }

    /// `plan` under a filter of `conditions` (itself when there are none).
    private func filtered(_ plan: LogicalOperator, _ conditions: [BoundExpression]) -> LogicalOperator {
        guard !conditions.isEmpty else { return plan }
        let estimate = max(1, Int(Double(plan.estimatedRows) * CardinalityEstimate.selectivity(of: conditions)))
        return LogicalOperator(.filter(plan, .and(conditions)), columns: plan.columns, estimatedRows: estimate)
    }

    // MARK: Bottom-up rules

    /// Children first, then the rules for the operator itself; estimates follow the children's.
    private func rewriteBottomUp(_ plan: LogicalOperator) -> LogicalOperator {
        switch plan.kind {
        case .values, .series, .parquetScan:
            return plan
        case .joinGraph(var graph):
            for (index, leaf) in graph.from.leaves.enumerated() {
                guard case .plan(let child) = leaf.source else { continue }
                let optimized = rewriteBottomUp(child)
                graph.from.leaves[index].source = .plan(optimized)
                graph.from.leaves[index].estimatedRows = optimized.estimatedRows
            }
            for index in graph.subqueryJoins.indices {
                graph.subqueryJoins[index].plan = rewriteBottomUp(graph.subqueryJoins[index].plan)
            }
            let order = orderJoins(graph)
            graph.order = order
            return LogicalOperator(.joinGraph(graph), columns: plan.columns, estimatedRows: order.estimatedRows)
        case .join(var join):
            join.left = rewriteBottomUp(join.left)
            join.right = rewriteBottomUp(join.right)
            let rows = max(join.left.estimatedRows, join.kind == .full ? join.right.estimatedRows : 0)
            return LogicalOperator(.join(join), columns: plan.columns, estimatedRows: rows)
        case .filter(let child, let predicate):
            let input = rewriteBottomUp(child)
            return LogicalOperator(
                .filter(input, predicate), columns: plan.columns,
                estimatedRows: max(1, Int(Double(input.estimatedRows) * CardinalityEstimate.selectivity(of: predicate)))
            )
        case .projection(let child, let expressions):
            let input = rewriteBottomUp(child)
            return LogicalOperator(
                .projection(input, expressions), columns: plan.columns, estimatedRows: input.estimatedRows)
        case .aggregate(let child, let groups, let aggregates):
            if groups.isEmpty, let answer = statisticsAnswer(child, aggregates, columns: plan.columns) {
                return answer
            }
            let (input, newGroups, newAggregates) = extractCommonSubexpressions(
                rewriteBottomUp(child), groups: groups, aggregates: aggregates)
            let rows = groups.isEmpty ? 1 : max(1, input.estimatedRows / 10)
            return LogicalOperator(
                .aggregate(input, groups: newGroups, aggregates: newAggregates), columns: plan.columns,
                estimatedRows: rows)
        case .groupingSets(let child, let groups, let aggregates, let sets):
            let (input, newGroups, newAggregates) = extractCommonSubexpressions(
                rewriteBottomUp(child), groups: groups, aggregates: aggregates)
            return LogicalOperator(
                .groupingSets(input, groups: newGroups, aggregates: newAggregates, sets: sets), columns: plan.columns,
                estimatedRows: Self.groupingSetsEstimate(input.estimatedRows, sets: sets))
        case .order(let child, let keys):
            let input = rewriteBottomUp(child)
            return LogicalOperator(.order(input, keys), columns: plan.columns, estimatedRows: input.estimatedRows)
        case .limit(let child, let limit, let offset):
            var input = rewriteBottomUp(child)
            // ORDER BY … LIMIT n OFFSET m keeps only the first n + m rows of the sort.
            if case .order(let sorted, let keys) = input.kind, let limit {
                let count = limit + offset
                input = LogicalOperator(
                    .topN(sorted, keys, limit: count), columns: input.columns,
                    estimatedRows: min(input.estimatedRows, count))
            }
            return LogicalOperator(
                .limit(input, limit: limit, offset: offset), columns: plan.columns,
                estimatedRows: min(input.estimatedRows, limit ?? Int.max))
        case .topN(let child, let keys, let limit):
            let input = rewriteBottomUp(child)
            return LogicalOperator(
                .topN(input, keys, limit: limit), columns: plan.columns, estimatedRows: min(input.estimatedRows, limit))
        case .distinct(let child):
            let input = rewriteBottomUp(child)
            return LogicalOperator(.distinct(input), columns: plan.columns, estimatedRows: input.estimatedRows)
        case .setOperation(let kind, let all, let leftChild, let rightChild):
            let left = rewriteBottomUp(leftChild)
            let right = rewriteBottomUp(rightChild)
            return LogicalOperator(
                .setOperation(kind, all: all, left, right), columns: plan.columns,
                estimatedRows: CardinalityEstimate.sum(left.estimatedRows, right.estimatedRows))
        case .window(let child, let functions):
            let input = rewriteBottomUp(child)
            return LogicalOperator(.window(input, functions), columns: plan.columns, estimatedRows: input.estimatedRows)
        }
    }
}

extension BoundExpression {
    /// The expression with each column `i` replaced by `expressions[i]` (what an operator's
    /// output column `i` is over its input).
    func substituting(_ expressions: [BoundExpression]) -> BoundExpression {
        replacing { node in
            guard case .column(let index, _) = node, expressions.indices.contains(index) else { return nil }
            return expressions[index]
        }
    }
}
