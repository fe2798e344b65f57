/// Projection pruning: every operator produces only the columns something above it reads.

import StarlingExecution

/// A pruned node and where each column its parent may read went: `positions[old] = new`.
struct PrunedPlan {
    var node: PlanNode
    var positions: [Int: Int]

    func remap(_ expression: BoundExpression) -> BoundExpression {
        expression.remapColumns { positions[$0] ?? 0 }
    }
}

extension QueryPlanner {
    /// `plan` with the columns no operator reads removed all the way down: scans read fewer
    /// columns, joins carry fewer through, and unused aggregates are not computed. The root keeps
    /// all its columns, in order. (Outer joins and FROM subqueries are planned before the query
    /// around them says which of their columns it uses; this is where they learn.)
    func pruned(_ plan: PlanNode) -> PlanNode {
        prune(plan, required: Set(plan.columns.indices)).node
    }

    /// `node` producing at least the `required` columns (others when it cannot drop them).
    func prune(_ node: PlanNode, required: Set<Int>) -> PrunedPlan {
        switch node.operation {
        case .scan(var specification):
            var keep = required
            if let filter = specification.filter { keep.formUnion(filter.columnsUsed) }
            for codeFilter in specification.codeFilters { keep.insert(codeFilter.scanColumn) }
            let kept = specification.columns.indices.filter { keep.contains($0) }
            // Columns only the scan's own filter reads are read, then left out above it.
            guard kept.count < specification.columns.count else { return narrowed(PrunedPlan(node: node, positions: identity(node)), to: required) }
            let positions = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
            specification.columns = kept.map { specification.columns[$0] }
            specification.filter = specification.filter?.remapColumns { positions[$0] ?? 0 }
            specification.codeFilters = specification.codeFilters.map { CodeFilter(scanColumn: positions[$0.scanColumn] ?? 0, dimension: $0.dimension) }
            return narrowed(rebuilt(node, .scan(specification), columns: kept.map { node.columns[$0] }, positions: positions), to: required)
        case .series:
            return PrunedPlan(node: node, positions: identity(node))
        case .parquetScan(var specification):
            // Only the columns read above are decoded.
            let kept = node.columns.indices.filter { required.contains($0) }
            guard kept.count < node.columns.count, !kept.isEmpty else {
                return PrunedPlan(node: node, positions: identity(node))
            }
            specification.columns = kept.map { specification.columns[$0] }
            return rebuilt(
                node, .parquetScan(specification), columns: kept.map { node.columns[$0] }, positions: positions(of: kept))
        case .rows(let chunks):
            let kept = node.columns.indices.filter { required.contains($0) }
            guard kept.count < node.columns.count else { return PrunedPlan(node: node, positions: identity(node)) }
            let narrowed = chunks.map { chunk in Chunk(columns: kept.map { chunk.columns[$0] }, count: chunk.count) }
            return rebuilt(node, .rows(narrowed), columns: kept.map { node.columns[$0] }, positions: positions(of: kept))
        case .filter(let child, let predicate):
            let input = prune(child, required: required.union(predicate.columnsUsed))
            let filtered = rebuilt(node, .filter(input.node, input.remap(predicate)), columns: input.node.columns, positions: input.positions)
            return narrowed(filtered, to: required)
        case .project(let child, let expressions):
            let kept = expressions.indices.filter { required.contains($0) }
            let input = prune(child, required: Set(kept.flatMap { expressions[$0].columnsUsed }))
            return rebuilt(node, .project(input.node, kept.map { input.remap(expressions[$0]) }), columns: kept.map { node.columns[$0] }, positions: positions(of: kept))
        case .dimensionJoin(let child, var specification):
            let width = child.columns.count
            let input = prune(child, required: Set(required.filter { $0 < width }).union([specification.codeColumn]))
            let outputs = specification.outputColumns.indices.filter { required.contains(width + $0) }
            var positions = input.positions.filter { $0.key < width }
            for (new, old) in outputs.enumerated() { positions[width + old] = input.node.columns.count + new }
            specification.codeColumn = input.positions[specification.codeColumn] ?? 0
            specification.outputColumns = outputs.map { specification.outputColumns[$0] }
            let columns = input.node.columns + outputs.map { node.columns[width + $0] }
            return rebuilt(node, .dimensionJoin(input.node, specification), columns: columns, positions: positions)
        case .hashJoin(let probe, let build, var specification):
            let width = probe.columns.count
            let (probeRequired, buildRequired) = joinInputsRequired(
                required, width: width, leftKeys: specification.probeKeys, rightKeys: specification.buildKeys,
                conditions: [specification.residual, specification.markNull], outputsRight: specification.kind.outputsBuild)
            let left = prune(probe, required: probeRequired)
            let right = prune(build, required: buildRequired)
            let combined = combine(left, right, width: width)
            specification.probeKeys = specification.probeKeys.map(left.remap)
            specification.buildKeys = specification.buildKeys.map(right.remap)
            specification.residual = specification.residual?.remapColumns { combined[$0] ?? 0 }
            specification.markNull = specification.markNull?.remapColumns { combined[$0] ?? 0 }
            if specification.kind == .mark {
                // The mark stays, after the probe columns kept.
                var positions = left.positions
                positions[width] = left.node.columns.count
                return rebuilt(node, .hashJoin(probe: left.node, build: right.node, specification), columns: left.node.columns + [node.columns[width]], positions: positions)
            }
            let columns = left.node.columns + (specification.kind.outputsBuild ? right.node.columns : [])
            let positions = specification.kind.outputsBuild ? combined : left.positions
            return rebuilt(node, .hashJoin(probe: left.node, build: right.node, specification), columns: columns, positions: positions)
        case .crossJoin(let leftChild, let rightChild):
            let width = leftChild.columns.count
            let left = prune(leftChild, required: Set(required.filter { $0 < width }))
            let right = prune(rightChild, required: Set(required.filter { $0 >= width }.map { $0 - width }))
            return rebuilt(node, .crossJoin(left.node, right.node), columns: left.node.columns + right.node.columns, positions: combine(left, right, width: width))
        case .aggregate(let child, let groups, let aggregates):
            // Every group stays (they define the rows); aggregates nobody reads are dropped.
            let (kept, used) = neededAggregates(groups: groups, aggregates: aggregates, required: required)
            let input = prune(child, required: used)
            let newAggregates = kept.map { aggregates[$0].remapped(input.remap) }
            let outputs = Array(groups.indices) + kept.map { groups.count + $0 }
            return rebuilt(node, .aggregate(input.node, groups: groups.map(input.remap), aggregates: newAggregates),
                           columns: outputs.map { node.columns[$0] }, positions: positions(of: outputs))
        case .groupingSets(let child, let groups, let aggregates, let sets):
            let (kept, used) = neededAggregates(groups: groups, aggregates: aggregates, required: required)
            let input = prune(child, required: used)
            let newAggregates = kept.map { aggregates[$0].remapped(input.remap) }
            let outputs = Array(groups.indices) + kept.map { groups.count + $0 }
            let operation = PlanNode.Operator.groupingSets(
                input.node, groups: groups.map(input.remap), aggregates: newAggregates, sets: sets)
            return rebuilt(node, operation, columns: outputs.map { node.columns[$0] }, positions: positions(of: outputs))
        case .sort(let child, let keys, let limit):
            let input = prune(child, required: required.union(keys.flatMap(\.expression.columnsUsed)))
            let newKeys = keys.map { $0.remapped(input.remap) }
            return rebuilt(node, .sort(input.node, newKeys, limit: limit), columns: input.node.columns, positions: input.positions)
        case .limit(let child, let limit, let offset):
            let input = prune(child, required: required)
            return rebuilt(node, .limit(input.node, limit: limit, offset: offset), columns: input.node.columns, positions: input.positions)
        case .distinct(let child):
            // Distinctness is over every column: nothing below can go.
            let input = prune(child, required: Set(child.columns.indices))
            return rebuilt(node, .distinct(input.node), columns: input.node.columns, positions: input.positions)
        case .window(let child, let functions, let passing):
            // Functions nobody reads are not computed, and input columns nobody reads above are
            // not carried through (the window's sort would gather them).
            let width = passing.count
            let kept = functions.indices.filter { required.contains(width + $0) }
            let keptPassing = passing.indices.filter { required.contains($0) }
            let used = Set(kept.flatMap { functions[$0].expressions.flatMap(\.columnsUsed) }).union(keptPassing.map { passing[$0] })
            let input = prune(child, required: used)
            var positions: [Int: Int] = [:]
            for (new, old) in keptPassing.enumerated() { positions[old] = new }
            for (new, old) in kept.enumerated() { positions[width + old] = keptPassing.count + new }
            let newFunctions = kept.map { functions[$0].mapExpressions(input.remap) }
            let newPassing = keptPassing.map { input.positions[passing[$0]] ?? 0 }
            let columns = keptPassing.map { node.columns[$0] } + kept.map { node.columns[width + $0] }
            return rebuilt(node, .window(input.node, newFunctions, passing: newPassing), columns: columns, positions: positions)
        case .setOperation(let kind, let all, let leftChild, let rightChild):
            let left = prune(leftChild, required: Set(leftChild.columns.indices))
            let right = prune(rightChild, required: Set(rightChild.columns.indices))
            return rebuilt(node, .setOperation(kind, all: all, left.node, right.node), columns: left.node.columns, positions: left.positions)
        }
    }

    /// `plan` without the columns only its own condition read (a filter's, a scan's), so what
    /// is above (a join's build side, a sort) does not carry them: a projection, which passes
    /// the kept vectors through without copying.
    private func narrowed(_ plan: PrunedPlan, to required: Set<Int>) -> PrunedPlan {
        let kept = required.compactMap { old in plan.positions[old].map { (old, $0) } }.sorted { $0.1 < $1.1 }
        guard kept.count < plan.node.columns.count else { return plan }
        let expressions = kept.map { BoundExpression.column($0.1, plan.node.columns[$0.1].type) }
        let projection = node(.project(plan.node, expressions), columns: kept.map { plan.node.columns[$0.1] }, estimatedRows: plan.node.estimatedRows)
        return PrunedPlan(node: projection, positions: Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1.0, $0) }))
    }

    private func identity(_ node: PlanNode) -> [Int: Int] {
        identityPositions(node.columns.count)
    }

    /// The aggregates whose outputs (after `groups.count` group columns) are among `required`,
    /// by index, and the input columns the groups and those aggregates read: every group stays
    /// (they define the rows), aggregates nobody reads are dropped.
    func neededAggregates(groups: [BoundExpression], aggregates: [AggregateSpecification], required: Set<Int>)
        -> (kept: [Int], used: Set<Int>)
    {
        let kept = aggregates.indices.filter { required.contains(groups.count + $0) }
        var used = Set(groups.flatMap(\.columnsUsed))
        for index in kept {
            for expression in aggregates[index].expressions { used.formUnion(expression.columnsUsed) }
        }
        return (kept, used)
    }

    /// The columns a join's two inputs must produce (left, then right, `width` columns on the
    /// left) for the `required` columns of its output: those read above (the right's only when
    /// the join outputs them), the keys, and what the join's other `conditions` read.
    func joinInputsRequired(
        _ required: Set<Int>, width: Int, leftKeys: [BoundExpression], rightKeys: [BoundExpression],
        conditions: [BoundExpression?], outputsRight: Bool
    ) -> (left: Set<Int>, right: Set<Int>) {
        let conditionsUsed = conditions.reduce(into: Set<Int>()) { $0.formUnion($1?.columnsUsed ?? []) }
        var left = Set(required.filter { $0 < width }).union(leftKeys.flatMap(\.columnsUsed))
        left.formUnion(conditionsUsed.filter { $0 < width })
        var right = Set(rightKeys.flatMap(\.columnsUsed))
        right.formUnion(conditionsUsed.filter { $0 >= width }.map { $0 - width })
        if outputsRight { right.formUnion(required.filter { $0 >= width }.map { $0 - width }) }
        return (left, right)
    }

    /// Positions over a join's two inputs: the left's, then the right's shifted past the left.
    func combine(_ left: PrunedPlan, _ right: PrunedPlan, width: Int) -> [Int: Int] {
        var positions = left.positions
        for (old, new) in right.positions { positions[width + old] = left.node.columns.count + new }
        return positions
    }

    /// The same node (same number, for EXPLAIN ANALYZE) unless the operator changed.
    private func rebuilt(_ original: PlanNode, _ operation: PlanNode.Operator, columns: [PlanColumn], positions: [Int: Int]) -> PrunedPlan {
        PrunedPlan(node: PlanNode(identifier: original.identifier, operation: operation, columns: columns, estimatedRows: original.estimatedRows), positions: positions)
    }
}

extension AggregateSpecification {
    /// The aggregate with its argument and filter rewritten by `remap`.
    func remapped(_ remap: (BoundExpression) -> BoundExpression) -> AggregateSpecification {
        mapExpressions(remap)
    }
}

extension SortKey {
    /// The key with its expression rewritten by `remap`.
    func remapped(_ remap: (BoundExpression) -> BoundExpression) -> SortKey {
        SortKey(expression: remap(expression), descending: descending, nullsFirst: nullsFirst)
    }
}
