/// Physical planning: an optimized logical plan lowered to the executor's `PlanNode`s, each
/// operator producing only the columns the operators above it read.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// Binds, optimizes and lowers a whole query; the result is ready to run.
    func physicalPlan(_ query: Query) throws(SQLError) -> PlanNode {
        try physical(optimize(try plan(query)))
    }

    /// The physical plan of an optimized logical plan, with its columns in order and pruned.
    func physical(_ logical: LogicalOperator) throws(SQLError) -> PlanNode {
        let lowered = try lower(logical, required: Set(logical.columns.indices))
        return pruned(exact(lowered, logical))
    }

    /// `logical` as physical operators producing at least the `required` columns: where each
    /// logical column went is in `positions` (a join graph's node may hold extra columns, such
    /// as row codes and keys; what nobody reads is removed later by ``pruned(_:)``).
    func lower(_ logical: LogicalOperator, required: Set<Int>) throws(SQLError) -> PrunedPlan {
        switch logical.kind {
        case .values(let chunks):
            let rows = node(.rows(chunks), columns: logical.columns, estimatedRows: logical.estimatedRows)
            return PrunedPlan(node: rows, positions: identityPositions(logical.columns.count))
        case .series(let start, let stop, let step):
            let series = node(
                .series(start: start, stop: stop, step: step), columns: logical.columns,
                estimatedRows: logical.estimatedRows)
            return PrunedPlan(node: series, positions: identityPositions(logical.columns.count))
        case .parquetScan(let specification):
            let scan = node(.parquetScan(specification), columns: logical.columns, estimatedRows: logical.estimatedRows)
            return PrunedPlan(node: scan, positions: identityPositions(logical.columns.count))
        case .joinGraph(let graph):
            let result = try planJoins(graph, needed: required)
            return PrunedPlan(node: result.node, positions: result.positions)
        case .join(let join):
            return try lowerJoin(join, logical: logical, required: required)
        case .filter(let child, let predicate):
            let input = try lower(child, required: required.union(predicate.columnsUsed))
            let estimate = scaled(logical, from: child, input.node)
            let filter = node(
                .filter(input.node, input.remap(predicate)), columns: input.node.columns, estimatedRows: estimate)
            return PrunedPlan(node: filter, positions: input.positions)
        case .projection(let child, let expressions):
            let kept = expressions.indices.filter { required.contains($0) }
            let input = try lower(child, required: Set(kept.flatMap { expressions[$0].columnsUsed }))
            let projection = node(
                .project(input.node, kept.map { input.remap(expressions[$0]) }),
                columns: kept.map { logical.columns[$0] },
                estimatedRows: input.node.estimatedRows)
            return PrunedPlan(node: projection, positions: positions(of: kept))
        case .aggregate(let child, let groups, let aggregates):
            return try lowerAggregate(logical, child, groups: groups, aggregates: aggregates, sets: nil, required: required)
        case .groupingSets(let child, let groups, let aggregates, let sets):
            return try lowerAggregate(logical, child, groups: groups, aggregates: aggregates, sets: sets, required: required)
        case .order(let child, let keys):
            return try lowerSort(child, keys: keys, limit: nil, required: required)
        case .topN(let child, let keys, let limit):
            return try lowerSort(child, keys: keys, limit: limit, required: required)
        case .limit(let child, let limit, let offset):
            let input = try lower(child, required: required)
            let estimate = min(input.node.estimatedRows, limit ?? Int.max)
            let limited = node(
                .limit(input.node, limit: limit, offset: offset), columns: input.node.columns, estimatedRows: estimate)
            return PrunedPlan(node: limited, positions: input.positions)
        case .distinct(let child):
            // Distinctness is over every column, and only those: the input comes exact.
            let input = exact(try lower(child, required: Set(child.columns.indices)), child)
            let distinct = node(.distinct(input), columns: input.columns, estimatedRows: input.estimatedRows)
            return PrunedPlan(node: distinct, positions: identityPositions(logical.columns.count))
        case .setOperation(let kind, let all, let leftChild, let rightChild):
            let left = exact(try lower(leftChild, required: Set(leftChild.columns.indices)), leftChild)
            let right = exact(try lower(rightChild, required: Set(rightChild.columns.indices)), rightChild)
            let combined =
                all
                ? node(
                    .setOperation(kind, all: true, left, right), columns: logical.columns,
                    estimatedRows: CardinalityEstimate.sum(left.estimatedRows, right.estimatedRows))
                : distinctSetOperation(kind, left, right, columns: logical.columns)
            return PrunedPlan(node: combined, positions: identityPositions(logical.columns.count))
        case .window(let child, let functions):
            let width = child.columns.count
            let used = functions.flatMap { $0.expressions.flatMap(\.columnsUsed) }
            let input = try lower(child, required: Set(required.filter { $0 < width }).union(used))
            var positions = input.positions.filter { $0.key < width }
            for index in functions.indices { positions[width + index] = input.node.columns.count + index }
            let window = node(
                .window(input.node, functions.map { $0.mapExpressions(input.remap) }, passing: Array(input.node.columns.indices)),
                columns: input.node.columns + logical.columns[width...], estimatedRows: input.node.estimatedRows)
            return PrunedPlan(node: window, positions: positions)
        }
    }

    /// `UNION`, `EXCEPT` or `INTERSECT` without ALL as a grouping, which runs on every core: the
    /// distinct rows of `UNION ALL`; for the other two, both inputs tagged 1 and 2, grouped by
    /// every column with the smallest and largest tag, and the groups kept that only the left
    /// input has (EXCEPT) or both have (INTERSECT). Groups treat NULLs as equal, as set
    /// operations do.
    func distinctSetOperation(_ kind: SetOperationKind, _ left: PlanNode, _ right: PlanNode, columns: [PlanColumn])
        -> PlanNode
    {
        let width = columns.count
        let keys = columns.indices.map { BoundExpression.column($0, columns[$0].type) }
        guard kind != .union else {
            let both = node(
                .setOperation(.union, all: true, left, right), columns: columns,
                estimatedRows: CardinalityEstimate.sum(left.estimatedRows, right.estimatedRows))
            return node(.distinct(both), columns: columns, estimatedRows: both.estimatedRows)
        }
        let tagColumn = PlanColumn(name: "__side", type: .integer)
        func tagged(_ input: PlanNode, _ tag: Int64) -> PlanNode {
            node(
                .project(input, keys + [.constant(.integer(tag), .integer)]), columns: columns + [tagColumn],
                estimatedRows: input.estimatedRows)
        }
        let both = node(
            .setOperation(.union, all: true, tagged(left, 1), tagged(right, 2)), columns: columns + [tagColumn],
            estimatedRows: CardinalityEstimate.sum(left.estimatedRows, right.estimatedRows))
        let tag = BoundExpression.column(width, .integer)
        let sides = [AggregateSpecification.Function.min, .max].map {
            AggregateSpecification(function: $0, argument: tag, distinct: false, filter: nil, type: .integer)
        }
        let grouped = node(
            .aggregate(both, groups: keys, aggregates: sides),
            columns: columns + [PlanColumn(name: "min(__side)", type: .integer), PlanColumn(name: "max(__side)", type: .integer)],
            estimatedRows: left.estimatedRows)
        let smallest = BoundExpression.column(width, .integer), largest = BoundExpression.column(width + 1, .integer)
        let one = BoundExpression.constant(.integer(1), .integer), two = BoundExpression.constant(.integer(2), .integer)
        let kept: BoundExpression =
            kind == .except
            ? .comparison(.equal, largest, one)
            : .and([.comparison(.equal, smallest, one), .comparison(.equal, largest, two)])
        let filtered = node(.filter(grouped, kept), columns: grouped.columns, estimatedRows: max(1, left.estimatedRows / 2))
        return node(.project(filtered, keys), columns: columns, estimatedRows: filtered.estimatedRows)
    }

    /// The lowered plan's node with exactly `logical`'s columns, in order.
    func exact(_ lowered: PrunedPlan, _ logical: LogicalOperator) -> PlanNode {
        let order = logical.columns.indices.map { lowered.positions[$0] ?? 0 }
        if order == Array(lowered.node.columns.indices) { return lowered.node }
        let columns = zip(order, logical.columns).map { PlanColumn(name: $1.name, type: lowered.node.columns[$0].type) }
        return node(
            .project(lowered.node, order.map { .column($0, lowered.node.columns[$0].type) }), columns: columns,
            estimatedRows: lowered.node.estimatedRows)
    }

    /// The physical estimate of `logical`, keeping its logical share of its input's rows.
    private func scaled(_ logical: LogicalOperator, from child: LogicalOperator, _ input: PlanNode) -> Int {
        let share = Double(logical.estimatedRows) / Double(max(1, child.estimatedRows))
        return max(1, Int(min(Double(Int.max / 4), Double(input.estimatedRows) * share)))
    }

    private func lowerAggregate(
        _ logical: LogicalOperator, _ child: LogicalOperator, groups: [BoundExpression],
        aggregates: [AggregateSpecification], sets: [[Int]]?, required: Set<Int>
    ) throws(SQLError) -> PrunedPlan {
        let (kept, used) = neededAggregates(groups: groups, aggregates: aggregates, required: required)
        let input = try lower(child, required: used)
        let lowered = kept.map { aggregates[$0].remapped(input.remap) }
        let outputs = Array(groups.indices) + kept.map { groups.count + $0 }
        let operation: PlanNode.Operator
        let estimate: Int
        if let sets {
            operation = .groupingSets(input.node, groups: groups.map(input.remap), aggregates: lowered, sets: sets)
            estimate = Self.groupingSetsEstimate(input.node.estimatedRows, sets: sets)
        } else {
            operation = .aggregate(input.node, groups: groups.map(input.remap), aggregates: lowered)
            estimate = groups.isEmpty ? 1 : max(1, input.node.estimatedRows / 10)
        }
        let aggregate = node(operation, columns: outputs.map { logical.columns[$0] }, estimatedRows: estimate)
        return PrunedPlan(node: aggregate, positions: positions(of: outputs))
    }

    private func lowerSort(_ child: LogicalOperator, keys: [SortKey], limit: Int?, required: Set<Int>)
        throws(SQLError) -> PrunedPlan
    {
        let input = try lower(child, required: required.union(keys.flatMap(\.expression.columnsUsed)))
        let lowered = keys.map { $0.remapped(input.remap) }
        let estimate = min(input.node.estimatedRows, limit ?? Int.max)
        let sort = node(.sort(input.node, lowered, limit: limit), columns: input.node.columns, estimatedRows: estimate)
        return PrunedPlan(node: sort, positions: input.positions)
    }

    /// LEFT and FULL joins and value joins: a star join by row code when a LEFT join is a fact
    /// to the dimension it references, a RIGHT hash join (building the preserved side) when the
    /// preserved side is much the smaller, a hash join otherwise.
    private func lowerJoin(_ join: LogicalJoin, logical: LogicalOperator, required: Set<Int>) throws(SQLError)
        -> PrunedPlan
    {
        let width = join.left.columns.count
        if join.kind == .left, join.residual == nil, join.leftKeys.count == 1,
            let star = try outerStarJoin(join, required: required)
        {
            return star
        }
        let (leftRequired, rightRequired) = joinInputsRequired(
            required, width: width, leftKeys: join.leftKeys, rightKeys: join.rightKeys,
            conditions: [join.residual, join.markNull], outputsRight: join.kind.outputsBuild)
        let left = try lower(join.left, required: leftRequired)
        let right = try lower(join.right, required: rightRequired)
        let combined = combine(left, right, width: width)
        let leftKeys = join.leftKeys.map(left.remap)
        let rightKeys = join.rightKeys.map(right.remap)
        let residual = join.residual?.remapColumns { combined[$0] ?? 0 }
        if join.kind == .left, !leftKeys.isEmpty, CardinalityEstimate.product(left.node.estimatedRows, 2) < right.node.estimatedRows {
            let joined = rightHashJoin(
                preserved: left.node, other: right.node, preservedKeys: leftKeys, otherKeys: rightKeys,
                residual: residual.map(\.conjuncts) ?? [])
            return PrunedPlan(node: joined, positions: combined)
        }
        var specification = HashJoinSpecification(
            kind: join.kind, probeKeys: leftKeys, buildKeys: rightKeys, residual: residual)
        specification.markNull = join.markNull?.remapColumns { combined[$0] ?? 0 }
        specification.position = join.position
        let columns: [PlanColumn]
        var positions = combined
        if join.kind == .mark {
            columns = left.node.columns + [PlanColumn(name: "mark", type: .boolean)]
            positions = left.positions
            positions[width] = left.node.columns.count
        } else {
            columns = left.node.columns + right.node.columns
        }
        let joined = node(
            .hashJoin(probe: left.node, build: right.node, specification), columns: columns,
            estimatedRows: max(left.node.estimatedRows, join.kind == .full ? right.node.estimatedRows : 0))
        return PrunedPlan(node: joined, positions: positions)
    }

    func identityPositions(_ count: Int) -> [Int: Int] {
        Dictionary(uniqueKeysWithValues: (0..<count).map { ($0, $0) })
    }

    func positions(of kept: [Int]) -> [Int: Int] {
        Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
    }

    /// `preserved LEFT JOIN other` when `preserved` is much the smaller: `preserved` is built and
    /// `other` streams through it (a RIGHT hash join: unmatched build rows come out at the end),
    /// then the columns are put back in the written order. `residual` reads the preserved
    /// columns, then the other's.
    func rightHashJoin(
        preserved: PlanNode, other: PlanNode, preservedKeys: [BoundExpression], otherKeys: [BoundExpression],
        residual: [BoundExpression]
    ) -> PlanNode {
        let preservedCount = preserved.columns.count
        let otherCount = other.columns.count
        let swapped = residual.map { $0.remapColumns { $0 < preservedCount ? otherCount + $0 : $0 - preservedCount } }
        let specification = HashJoinSpecification(
            kind: .right, probeKeys: otherKeys, buildKeys: preservedKeys,
            residual: swapped.isEmpty ? nil : .and(swapped))
        let columns = other.columns + preserved.columns
        let joined = node(
            .hashJoin(probe: other, build: preserved, specification), columns: columns,
            estimatedRows: max(preserved.estimatedRows, other.estimatedRows))
        let order = Array(otherCount..<(otherCount + preservedCount)) + Array(0..<otherCount)
        return node(
            .project(joined, order.map { .column($0, columns[$0].type) }), columns: order.map { columns[$0] },
            estimatedRows: joined.estimatedRows)
    }

    /// `fact LEFT JOIN dimension ON fact.reference = dimension.key [AND dimension conditions]` as a
    /// star join that keeps unmatched fact rows (NULL dimension columns); nil when the join is not
    /// of that shape. Conditions on the fact alone (pushed from WHERE) filter its scan.
    func outerStarJoin(_ join: LogicalJoin, required: Set<Int>) throws(SQLError) -> PrunedPlan? {
        guard case .joinGraph(let factGraph) = join.left.kind, case .joinGraph(let dimensionGraph) = join.right.kind,
            factGraph.from.leaves.count == 1, dimensionGraph.from.leaves.count == 1,
            factGraph.subqueryJoins.isEmpty, dimensionGraph.subqueryJoins.isEmpty,
            let factIndex = join.leftKeys.first?.scopeIndex, let dimensionIndex = join.rightKeys.first?.scopeIndex
        else { return nil }
        let factFrom = factGraph.from
        let dimensionFrom = dimensionGraph.from
        let width = factFrom.scope.entries.count
        let dimensionLeaf = dimensionFrom.leaves[0]
        let both = FromClause(
            leaves: [
                factFrom.leaves[0],
                FromLeaf(
                    source: dimensionLeaf.source, offset: width, entries: dimensionLeaf.entries,
                    estimatedRows: dimensionLeaf.estimatedRows),
            ], scope: BindingScope(entries: factFrom.scope.entries + dimensionFrom.scope.entries))
        let dimensionKey = BoundExpression.column(width + dimensionIndex, join.rightKeys[0].type)
        guard isStarJoin(both, factLeaf: 0, fact: join.leftKeys[0], dimensionLeaf: 1, dimension: dimensionKey) else {
            return nil
        }
        var cache: [Int: DimensionPlan] = [:]
        let dimensionColumns = Set(required.filter { $0 >= width }.map { $0 - width })
        let dimension = try dimensionPlan(
            dimensionFrom, 0, columns: dimensionColumns, filters: dimensionGraph.conditions, cache: &cache)
        let fact = try leafPlan(
            factFrom, 0, required: Set(required.filter { $0 < width }), filters: factGraph.conditions,
            codeColumns: [factIndex: nil])
        guard let codePosition = fact.codePositions[factIndex] else { return nil }
        let outputs = dimensionColumns.sorted().compactMap { index in dimension.positions[index].map { (index, $0) } }
        let specification = DimensionJoinSpecification(
            codeColumn: codePosition, dimension: dimension.input, outputColumns: outputs.map(\.1), keepUnmatched: true)
        let columns = fact.node.columns + outputs.map { dimension.input.scan.columns[$0.1] }
        var positions = fact.positions
        for (offset, output) in outputs.enumerated() { positions[width + output.0] = fact.node.columns.count + offset }
        let starNode = node(
            .dimensionJoin(fact.node, specification), columns: columns, estimatedRows: fact.node.estimatedRows)
        return PrunedPlan(node: starNode, positions: positions)
    }
}
