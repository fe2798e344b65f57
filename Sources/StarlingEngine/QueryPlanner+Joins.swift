/// Physical planning of a join graph in its chosen order: scans that read only what the query
/// needs, star joins by row code where a fact references a dimension, hash joins otherwise.

import StarlingColumns
import StarlingExecution
import StarlingSQL
import StarlingStorage

/// A planned FROM: the node, and where each FROM-scope column sits in its output.
struct JoinResult {
    var node: PlanNode
    var positions: [Int: Int]
}

extension QueryPlanner {
    /// The physical plan of a join graph, in the order the join-order rule chose: scans that
    /// read only the `needed` columns (and keys and residual inputs) with their leaf's filters
    /// pushed in, star joins by row code (the fact's scan testing the dimension's codes), hash
    /// joins building on the smaller side, residuals as soon as their leaves are joined, and the
    /// subquery joins.
    func planJoins(_ graph: JoinGraph, needed: Set<Int>) throws(SQLError) -> JoinResult {
        let from = graph.from
        let order = graph.order ?? orderJoins(graph)
        let edges = order.edges
        let steps = order.steps
        let leafFilters = order.leafFilters
        let leafJoins = order.leafJoins
        let pendingJoins = order.pendingJoins
        // Dimension columns a star join may need to fetch (read once per dimension, cached).
        var dimensionColumns = needed
        for edge in edges {
            dimensionColumns.formUnion(edge.left.columnsUsed)
            dimensionColumns.formUnion(edge.right.columnsUsed)
        }
        for residual in order.residuals { dimensionColumns.formUnion(residual.columnsUsed) }
        var dimensionPlans: [Int: DimensionPlan] = [:]
        // Columns each leaf must output: what the query needs, hash keys and residual inputs
        // (a star join reads the fact's row codes instead of its keys).
        let starEdges = Set(steps.compactMap(\.star))
        let usedEdges = Set(steps.flatMap(\.edges))
        var required = needed
        for (index, edge) in edges.enumerated() where usedEdges.contains(index) && !starEdges.contains(index) {
            required.formUnion(edge.left.columnsUsed)
            required.formUnion(edge.right.columnsUsed)
        }
        for residual in order.residuals { required.formUnion(residual.columnsUsed) }
        for join in leafJoins.values.joined() { required.formUnion(join.probeColumnsUsed) }
        for join in pendingJoins { required.formUnion(join.probeColumnsUsed) }

        // Per scanned leaf: the reference columns read as row codes, each with its dimension,
        // whose qualifying codes the scan tests (when the dimension has conditions).
        var codeColumns = [Int: [Int: DimensionInput?]]()
        for step in steps {
            if let star = step.star {
                let fact = joinedSide(edges[star], dimensionLeaf: step.leaf)
                let plan = try dimensionPlan(
                    from, step.leaf, columns: dimensionColumns, filters: leafFilters[step.leaf], cache: &dimensionPlans)
                codeColumns[from.leaf(of: fact), default: [:]][fact] = plan.input.predicate == nil ? nil : plan.input
            }
        }
        // A scanned leaf's own plan: its scan, then the subquery joins that filter it alone.
        func scannedLeaf(_ leaf: Int) throws(SQLError) -> PartialPlan {
            var plan = try leafPlan(
                from, leaf, required: required, filters: leafFilters[leaf], codeColumns: codeColumns[leaf] ?? [:])
            plan.node = try applySubqueryJoins(leafJoins[leaf] ?? [], to: plan.node, positions: plan.positions)
            return plan
        }
        var result = try scannedLeaf(order.start)
        var pending = order.residuals
        var done: Set<Int> = [order.start]
        result = applyResiduals(result, &pending, done: done, from: from)
        let gathered = Set(steps.flatMap(\.gathered))
        for (index, step) in steps.enumerated() where !gathered.contains(index) {
            let leaf = step.leaf
            if let star = step.star {
                let fact = joinedSide(edges[star], dimensionLeaf: leaf)
                guard let codePosition = result.codePositions[fact] else {
                    throw SQLError("internal: star join without a row-code column", at: SourcePosition(0))
                }
                let plan = try dimensionPlan(
                    from, leaf, columns: dimensionColumns, filters: leafFilters[leaf], cache: &dimensionPlans)
                result = try starJoin(
                    result, from: from, dimensionLeaf: leaf, codePosition: codePosition, required: required,
                    dimension: plan)
            } else {
                // The step's leaf joined with the steps gathered under it, each with its own.
                func subtree(_ step: JoinStep) throws(SQLError) -> PartialPlan {
                    var right = try scannedLeaf(step.leaf)
                    for later in step.gathered {
                        let next = steps[later]
                        right = hashJoin(
                            right, try subtree(next), edges: next.edges.map { edges[$0] }, rightLeaf: next.leaf,
                            leafTableRows: from.leaves[next.leaf].estimatedRows,
                            fanout: joinFanout(from, leaf: next.leaf, edges: edges, edgeIndices: next.edges))
                        done.insert(next.leaf)
                    }
                    return right
                }
                let right = try subtree(step)
                result = hashJoin(
                    result, right, edges: step.edges.map { edges[$0] }, rightLeaf: leaf,
                    leafTableRows: from.leaves[leaf].estimatedRows,
                    fanout: joinFanout(from, leaf: leaf, edges: edges, edgeIndices: step.edges))
            }
            done.insert(leaf)
            result = applyResiduals(result, &pending, done: done, from: from)
        }
        // The other subquery joins once every inner join is done.
        result.node = try applySubqueryJoins(pendingJoins, to: result.node, positions: result.positions)
        return JoinResult(node: result.node, positions: result.positions)
    }

    /// The column on the joined (fact) side of a star edge whose other side is `dimensionLeaf`.
    func joinedSide(_ edge: JoinEdge, dimensionLeaf: Int) -> Int {
        (edge.rightLeaf == dimensionLeaf ? edge.left : edge.right).scopeIndex ?? 0
    }

    /// A plan in progress: its node, scope positions, and row-code columns for star joins.
    struct PartialPlan {
        var node: PlanNode
        var positions: [Int: Int]
        var codePositions: [Int: Int] = [:]
    }

    func applyResiduals(_ plan: PartialPlan, _ pending: inout [BoundExpression], done: Set<Int>, from: FromClause) -> PartialPlan {
        let ready = from.takeReady(&pending, done: done)
        guard !ready.isEmpty else { return plan }
        let predicate = BoundExpression.and(ready).remapColumns { plan.positions[$0] ?? 0 }
        var result = plan
        result.node = node(.filter(plan.node, predicate), columns: plan.node.columns, estimatedRows: max(1, plan.node.estimatedRows / 2))
        return result
    }

    /// A leaf as a plan: a scan of the required columns with its filters pushed down, or its plan.
    func leafPlan(_ from: FromClause, _ leafIndex: Int, required: Set<Int>, filters: [BoundExpression], codeColumns: [Int: DimensionInput?]) throws(SQLError) -> PartialPlan {
        let leaf = from.leaves[leafIndex]
        switch leaf.source {
        case .plan(let plan):
            var wanted = Set(required.filter { leaf.range.contains($0) }.map { $0 - leaf.offset })
            for filter in filters { wanted.formUnion(filter.columnsUsed.map { $0 - leaf.offset }) }
            let lowered = try lower(plan, required: wanted)
            var positions: [Int: Int] = [:]
            for index in leaf.range { positions[index] = lowered.positions[index - leaf.offset] }
            var result = PartialPlan(node: lowered.node, positions: positions)
            if !filters.isEmpty {
                let predicate = BoundExpression.and(filters).remapColumns { positions[$0] ?? 0 }
                result.node = node(.filter(lowered.node, predicate), columns: lowered.node.columns, estimatedRows: max(1, lowered.node.estimatedRows / 2))
            }
            return result
        case .table(let table):
            var wanted = required.filter { leaf.range.contains($0) }
            for filter in filters { wanted.formUnion(filter.columnsUsed) }
            var columns: [ScanColumn] = []
            var positions: [Int: Int] = [:]
            for index in wanted.sorted() {
                let column = table.columns[index - leaf.offset]
                positions[index] = columns.count
                if let reference = column.references {
                    columns.append(ScanColumn(column: column, mode: .referenceKey(keys: try dimensionKeys(reference.table)), name: column.name))
                } else {
                    columns.append(ScanColumn(column: column, mode: .stored, name: column.name))
                }
            }
            var codePositions: [Int: Int] = [:]
            var codeFilters: [CodeFilter] = []
            for index in codeColumns.keys.sorted() {
                let column = table.columns[index - leaf.offset]
                codePositions[index] = columns.count
                if let dimension = codeColumns[index] ?? nil {
                    codeFilters.append(CodeFilter(scanColumn: columns.count, dimension: dimension))
                }
                columns.append(ScanColumn(column: column, mode: .rowCode, name: column.name + "#code"))
            }
            let filter = filters.isEmpty ? nil : BoundExpression.and(filters).remapColumns { positions[$0] ?? 0 }
            let predicates = filters.flatMap { zonePredicates($0, columns: columns, positions: positions) }
            let partitionPredicates = filters.flatMap { partitionKeyPredicates($0, table: table, columns: columns, positions: positions) }
            var specification = pruneSegments(table, columns: columns, filter: filter, zonePredicates: predicates, partitionPredicates: partitionPredicates)
            specification.codeFilters = codeFilters
            let remainingRows = specification.segments.reduce(0) { $0 + $1.rows }
            let estimate = max(1, Int(Double(remainingRows) * CardinalityEstimate.selectivity(of: filters, bounds: columnBounds(from, leafIndex))))
            let scan = node(.scan(specification), columns: columns.map { PlanColumn(name: $0.name, type: $0.type) }, estimatedRows: estimate)
            return PartialPlan(node: scan, positions: positions, codePositions: codePositions)
        }
    }

    /// `column op constant` conditions a zone map can decide (stored columns only).
    func zonePredicates(_ conjunct: BoundExpression, columns: [ScanColumn], positions: [Int: Int]) -> [ZonePredicate] {
        func stored(_ expression: BoundExpression) -> ScanColumn? {
            guard case .column(let index, _) = expression, let position = positions[index] else { return nil }
            let column = columns[position]
            if case .stored = column.mode { return column }
            return nil
        }
        switch conjunct {
        case .comparison(let op, let left, .constant(let value, _)) where !value.isNull:
            if let column = stored(left) { return [ZonePredicate(columnIdentifier: column.column.identifier, comparison: op, constant: value)] }
        case .comparison(let op, .constant(let value, _), let right) where !value.isNull:
            if let column = stored(right) { return [ZonePredicate(columnIdentifier: column.column.identifier, comparison: op.swapped, constant: value)] }
        case .inList(let operand, let values, false):
            if let column = stored(operand), !values.isEmpty, !values.contains(where: \.isNull) {
                let type = column.column.storedType
                let sorted = values.sorted { ValueOrderingBridge.less($0, $1, type: type) }
                if let low = sorted.first, let high = sorted.last {
                    return [ZonePredicate(columnIdentifier: column.column.identifier, comparison: .greaterOrEqual, constant: low),
                            ZonePredicate(columnIdentifier: column.column.identifier, comparison: .lessOrEqual, constant: high)]
                }
            }
        default: break
        }
        return []
    }

    /// Conditions on the partition column, compared with each partition's date range (whether
    /// the column is stored as dates or as row codes of a date dimension).
    func partitionKeyPredicates(_ conjunct: BoundExpression, table: CatalogTable, columns: [ScanColumn], positions: [Int: Int]) -> [ZonePredicate] {
        guard let partitioning = table.partitioning else { return [] }
        func isPartitionColumn(_ expression: BoundExpression) -> ScanColumn? {
            guard case .column(let index, .date) = expression, let position = positions[index] else { return nil }
            let column = columns[position]
            return column.column.name == partitioning.column ? column : nil
        }
        switch conjunct {
        case .comparison(let op, let left, .constant(let value, .date)) where !value.isNull:
            if let column = isPartitionColumn(left) { return [ZonePredicate(columnIdentifier: column.column.identifier, comparison: op, constant: value)] }
        case .comparison(let op, .constant(let value, .date), let right) where !value.isNull:
            if let column = isPartitionColumn(right) { return [ZonePredicate(columnIdentifier: column.column.identifier, comparison: op.swapped, constant: value)] }
        case .inList(let operand, let values, false):
            if let column = isPartitionColumn(operand), !values.isEmpty, !values.contains(where: \.isNull) {
                let days = values.compactMap { if case .integer(let day) = $0 { return day }; return nil }
                if let low = days.min(), let high = days.max() {
                    return [ZonePredicate(columnIdentifier: column.column.identifier, comparison: .greaterOrEqual, constant: .integer(low)),
                            ZonePredicate(columnIdentifier: column.column.identifier, comparison: .lessOrEqual, constant: .integer(high))]
                }
            }
        default: break
        }
        return []
    }

    /// The scan with segments (and whole partitions) the catalog's statistics and the partitions'
    /// date ranges rule out removed.
    func pruneSegments(_ table: CatalogTable, columns: [ScanColumn], filter: BoundExpression?, zonePredicates: [ZonePredicate], partitionPredicates: [ZonePredicate]) -> ScanSpecification {
        var kept: [CatalogSegment] = []
        var segmentsSkipped = 0
        var partitionsSkipped = 0
        for partition in table.partitions {
            if let granularity = table.partitioning?.granularity, let range = granularity.range(forKey: partition.key),
               partitionPredicates.contains(where: { ZoneMap.excludes($0.comparison, $0.constant, minimum: .integer(range.lowerBound), maximum: .integer(range.upperBound - 1), type: .date) }) {
                partitionsSkipped += 1
                segmentsSkipped += partition.segments.count
                continue
            }
            var keptHere = 0
            for segment in partition.segments {
                if segmentExcluded(segment, table: table, zonePredicates) {
                    segmentsSkipped += 1
                } else {
                    kept.append(segment)
                    keptHere += 1
                }
            }
            if keptHere == 0 && !partition.segments.isEmpty { partitionsSkipped += 1 }
        }
        return ScanSpecification(table: table, segments: kept, partitionCount: table.partitions.count, partitionsSkipped: partitionsSkipped, segmentsSkipped: segmentsSkipped, columns: columns, filter: filter, zonePredicates: zonePredicates)
    }

    func segmentExcluded(_ segment: CatalogSegment, table: CatalogTable, _ predicates: [ZonePredicate]) -> Bool {
        for predicate in predicates {
            guard let statistics = segment.statistics.first(where: { $0.columnIdentifier == predicate.columnIdentifier }),
                  let column = table.columns.first(where: { $0.identifier == predicate.columnIdentifier }) else { continue }
            if statistics.nullCount == segment.rows { return true }
            // String statistics may be truncated: only numbers, dates and booleans prune here.
            guard column.storedType.physicalType != .string else { continue }
            let minimum = statistics.minimum.map(ValueOrderingBridge.value) ?? .null
            let maximum = statistics.maximum.map(ValueOrderingBridge.value) ?? .null
            if ZoneMap.excludes(predicate.comparison, predicate.constant, minimum: minimum, maximum: maximum, type: column.storedType) { return true }
        }
        return false
    }

    /// A dimension star joins read whole, as planned: what the executor will read and test, the
    /// scope positions of its columns in that read, and the estimated share of rows that qualify.
    struct DimensionPlan {
        var input: DimensionInput
        var positions: [Int: Int]
        var selectivity: Double
    }

    /// Plans the whole-table read of a dimension leaf (once per planJoins) and its conditions;
    /// nothing is read until the query runs.
    func dimensionPlan(_ from: FromClause, _ leafIndex: Int, columns: Set<Int>, filters: [BoundExpression], cache: inout [Int: DimensionPlan]) throws(SQLError) -> DimensionPlan {
        if let cached = cache[leafIndex] { return cached }
        let leaf = from.leaves[leafIndex]
        guard case .table(let table) = leaf.source else { throw SQLError("internal: star join to a non-table", at: SourcePosition(0)) }
        let wanted = columns.union(filters.flatMap { $0.columnsUsed }).filter { leaf.range.contains($0) }
        let scan = try leafPlan(from, leafIndex, required: wanted, filters: [], codeColumns: [:])
        let predicate = filters.isEmpty ? nil : BoundExpression.and(filters).remapColumns { scan.positions[$0] ?? 0 }
        let input = DimensionInput(tableName: table.name, scan: scan.node, predicate: predicate, conditionCount: filters.count)
        let plan = DimensionPlan(input: input, positions: scan.positions, selectivity: CardinalityEstimate.selectivity(of: filters, bounds: columnBounds(from, leafIndex)))
        cache[leafIndex] = plan
        return plan
    }

    /// Joins the plan to a dimension by row code: the dimension's conditions are a bitmap over
    /// row codes, and the columns the query needs are gathered by code.
    func starJoin(_ plan: PartialPlan, from: FromClause, dimensionLeaf: Int, codePosition: Int, required: Set<Int>, dimension: DimensionPlan) throws(SQLError) -> PartialPlan {
        let leaf = from.leaves[dimensionLeaf]
        let outputIndices = leaf.range.filter { required.contains($0) }
        var result = plan
        var columns = plan.node.columns
        var outputColumns: [Int] = []
        for index in outputIndices {
            guard let position = dimension.positions[index] else { continue }
            result.positions[index] = columns.count
            outputColumns.append(position)
            columns.append(dimension.input.scan.columns[position])
        }
        // The fact's scan tests the same dimension's codes (`codeColumns` in `plan`), so rows
        // reaching the join already qualify.
        let specification = DimensionJoinSpecification(codeColumn: codePosition, dimension: dimension.input, outputColumns: outputColumns, keepUnmatched: false,
                                                       prefiltered: dimension.input.predicate != nil)
        result.node = node(.dimensionJoin(plan.node, specification), columns: columns, estimatedRows: max(1, Int(Double(plan.node.estimatedRows) * dimension.selectivity)))
        return result
    }

    /// A hash join of the plan so far with a leaf, building on the smaller side. `fanout` is how
    /// many times the join multiplies the rows beyond the leaf's share (1 for a key join:
    /// ``joinFanout(_:leaf:edges:edgeIndices:)``).
    func hashJoin(
        _ plan: PartialPlan, _ leafPlan: PartialPlan, edges: [JoinEdge], rightLeaf: Int, leafTableRows: Int,
        fanout: Double = 1
    ) -> PartialPlan {
        var planKeys: [BoundExpression] = []
        var leafKeys: [BoundExpression] = []
        for edge in edges {
            let (inPlan, inLeaf) = edge.rightLeaf == rightLeaf ? (edge.left, edge.right) : (edge.right, edge.left)
            planKeys.append(inPlan.remapColumns { plan.positions[$0] ?? 0 })
            leafKeys.append(inLeaf.remapColumns { leafPlan.positions[$0] ?? 0 })
        }
        let buildOnLeaf = leafPlan.node.estimatedRows <= plan.node.estimatedRows
        let (probe, build) = buildOnLeaf ? (plan, leafPlan) : (leafPlan, plan)
        let specification = HashJoinSpecification(kind: .inner, probeKeys: buildOnLeaf ? planKeys : leafKeys, buildKeys: buildOnLeaf ? leafKeys : planKeys, residual: nil)
        // A join on a key keeps the share of the plan's rows that the leaf's conditions keep of
        // the leaf (a foreign key meets each key once), times the fan-out of a key the leaf repeats.
        let leafShare = min(1.0, Double(leafPlan.node.estimatedRows) / Double(max(1, leafTableRows)))
        let estimate = edges.isEmpty ? CardinalityEstimate.product(probe.node.estimatedRows, build.node.estimatedRows)
            : max(1, Int(min(Double(plan.node.estimatedRows) * leafShare * fanout, Double(CardinalityEstimate.maximumRows))))
        var positions = probe.positions
        for (index, position) in build.positions { positions[index] = probe.node.columns.count + position }
        var codePositions = probe.codePositions
        for (index, position) in build.codePositions { codePositions[index] = probe.node.columns.count + position }
        let joinNode = edges.isEmpty
            ? node(.crossJoin(probe.node, build.node), columns: probe.node.columns + build.node.columns, estimatedRows: estimate)
            : node(.hashJoin(probe: probe.node, build: build.node, specification), columns: probe.node.columns + build.node.columns, estimatedRows: estimate)
        return PartialPlan(node: joinNode, positions: positions, codePositions: codePositions)
    }
}

extension BoundExpression {
    /// The column index when the expression is a bare column.
    var scopeIndex: Int? {
        if case .column(let index, _) = self { return index }
        return nil
    }
}

/// Bridges catalog statistics to zone-map values and ordering.
enum ValueOrderingBridge {
    static func value(_ stored: StoredValue) -> Value {
        switch stored {
        case .integer(let number): return .integer(number)
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .boolean(let flag): return .boolean(flag)
        }
    }

    static func less(_ left: Value, _ right: Value, type: LogicalType) -> Bool {
        switch (left, right) {
        case (.integer(let a), .integer(let b)): return a < b
        case (.double(let a), .double(let b)): return a < b
        case (.string(let a), .string(let b)): return a.utf8.lexicographicallyPrecedes(b.utf8)
        case (.boolean(let a), .boolean(let b)): return !a && b
        default: return false
        }
    }
}
