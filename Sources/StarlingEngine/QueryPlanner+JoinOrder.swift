/// The join-order rule: a join graph's conditions sorted into per-leaf filters, join keys and
/// residuals, and its leaves put in the order they join, from the catalog's row counts and
/// statistics (planning reads no rows).

import StarlingColumns
import StarlingExecution
import StarlingSQL
import StarlingStorage

/// An equality between two leaves, usable as a join key.
struct JoinEdge {
    var leftLeaf: Int
    var left: BoundExpression
    var rightLeaf: Int
    var right: BoundExpression
    var conjunct: BoundExpression
}

/// One leaf joining the leaves before it.
struct JoinStep {
    var leaf: Int
    /// The edges used as its join keys.
    var edges: [Int]
    /// The edge of a star join by row code (the leaf is a dimension the joined fact references).
    var star: Int?
    /// Later hash-join steps whose leaves hang off this one alone: they join this leaf first,
    /// as the build side's own subtree (customer filters orders before orders meets lineitem).
    var gathered: [Int] = []
}

/// How a join graph runs: each condition's place, and the leaves in join order.
struct JoinOrder {
    /// Conditions on one leaf alone (pushed into its scan).
    var leafFilters: [[BoundExpression]]
    var edges: [JoinEdge]
    /// Conditions over several leaves that are not keys, applied once their leaves are joined.
    var residuals: [BoundExpression]
    var start: Int
    var steps: [JoinStep]
    /// Semi joins that filter one scanned leaf before it joins (selective ones).
    var leafJoins: [Int: [SubqueryJoin]]
    /// Subquery joins applied once every inner join is done.
    var pendingJoins: [SubqueryJoin]
    /// The leaves' row estimates, lowered by their early semi joins.
    var leafEstimates: [Int]
    /// The rows expected out of the whole graph.
    var estimatedRows: Int
}

extension QueryPlanner {
    /// Orders `graph`'s joins. A selective semi join reading one scanned leaf filters that leaf
    /// before it is joined (and its estimate shrinks to the subquery's, so join order sees it
    /// small); the other subquery joins run once every inner join is done. Star joins by row
    /// code go first, the most selective dimension first; then hash joins, the one that leaves
    /// the fewest rows first (its leaf's share of rows kept times the join's fan-out).
    func orderJoins(_ graph: JoinGraph) -> JoinOrder {
        let from = graph.from
        var estimates = from.leaves.map(\.estimatedRows)
        var leafJoins: [Int: [SubqueryJoin]] = [:]
        var pendingJoins: [SubqueryJoin] = []
        for join in graph.subqueryJoins {
            let leaves = Set(join.probeColumnsUsed.map { from.leaf(of: $0) })
            // Early only when it looks selective: a semi join whose subquery is estimated to
            // return fewer rows than the leaf has. Otherwise the inner joins, which usually
            // shrink the rows more cheaply, go first and the subquery join probes what is left
            // (TPC-H Q21's EXISTS over all of lineitem; Q18's IN of 57 orders goes early).
            guard leaves.count == 1, let leaf = leaves.first, join.kind == .semi,
                join.plan.estimatedRows < estimates[leaf]
            else {
                pendingJoins.append(join)
                continue
            }
            leafJoins[leaf, default: []].append(join)
            estimates[leaf] = max(1, min(estimates[leaf], join.plan.estimatedRows))
        }
        var order = JoinOrder(
            leafFilters: [[BoundExpression]](repeating: [], count: from.leaves.count), edges: [], residuals: [],
            start: 0, steps: [], leafJoins: leafJoins, pendingJoins: pendingJoins, leafEstimates: estimates,
            estimatedRows: 1)
        classify(DisjunctionRules.factorCommonConjuncts(graph.conditions), from: from, into: &order)
        chooseSteps(from, &order)
        gatherHangingSteps(&order)
        // A star-joined leaf has no plan of its own to filter: its subquery joins wait for it.
        for step in order.steps where step.star != nil {
            order.pendingJoins += order.leafJoins.removeValue(forKey: step.leaf) ?? []
        }
        order.estimatedRows = estimate(from, order)
        return order
    }

    /// Sorts conditions into one leaf's filters, equalities between two leaves (join keys) and
    /// residuals. An OR across leaves stays a residual, and what it implies for each leaf alone
    /// filters that leaf too.
    private func classify(_ conjuncts: [BoundExpression], from: FromClause, into order: inout JoinOrder) {
        for conjunct in conjuncts {
            let leaves = Set(conjunct.columnsUsed.map { from.leaf(of: $0) })
            if leaves.count > 1 {
                for (leaf, implied) in DisjunctionRules.impliedFilters(conjunct, groupOf: { from.leaf(of: $0) }) {
                    order.leafFilters[leaf].append(implied)
                }
            }
            if leaves.count == 1, let leaf = leaves.first {
                order.leafFilters[leaf].append(conjunct)
            } else if leaves.count == 2, case .comparison(.equal, let a, let b) = conjunct {
                let aLeaves = Set(a.columnsUsed.map { from.leaf(of: $0) })
                let bLeaves = Set(b.columnsUsed.map { from.leaf(of: $0) })
                if aLeaves.count == 1, bLeaves.count == 1, let aLeaf = aLeaves.first, let bLeaf = bLeaves.first,
                    aLeaf != bLeaf
                {
                    order.edges.append(
                        JoinEdge(leftLeaf: aLeaf, left: a, rightLeaf: bLeaf, right: b, conjunct: conjunct))
                } else {
                    order.residuals.append(conjunct)
                }
            } else {
                order.residuals.append(conjunct)
            }
        }
    }

    /// The greedy order: from the largest leaf, star joins first, then hash joins on edges,
    /// then what is left (cross products, smallest first). Unused edges become residuals.
    private func chooseSteps(_ from: FromClause, _ order: inout JoinOrder) {
        let edges = order.edges
        let estimates = order.leafEstimates
        let start = from.leaves.indices.max { estimates[$0] < estimates[$1] } ?? 0
        var joined: Set<Int> = [start]
        // Leaves read by a scan of their own (not gathered through a star join) can supply row codes.
        var scanned: Set<Int> = [start]
        var usedEdges = Set<Int>()
        let leafFilters = order.leafFilters
        let share = { (leaf: Int) in
            CardinalityEstimate.selectivity(of: leafFilters[leaf], bounds: self.columnBounds(from, leaf))
        }
        while joined.count < from.leaves.count {
            var choice: JoinStep?
            var bestSelectivity = Double.infinity
            // Without a star join, the hash join that leaves the fewest rows: its leaf's share of
            // rows kept (estimated from its conditions) times the join's fan-out (1 for a key
            // join, more when the leaf repeats its key: catalog distinct counts). Joined on its
            // key, it shrinks the rows every later join sees by that factor. Ties go to the
            // smaller leaf (the cheaper build).
            var hashChoice: (leaf: Int, score: (Double, Int))?
            for (index, edge) in edges.enumerated() where !usedEdges.contains(index) {
                for (inside, outside, factSide) in [
                    (edge.leftLeaf, edge.rightLeaf, edge.left), (edge.rightLeaf, edge.leftLeaf, edge.right),
                ] {
                    guard joined.contains(inside), !joined.contains(outside) else { continue }
                    let dimensionSide = factSide.scopeIndex == edge.left.scopeIndex ? edge.right : edge.left
                    if scanned.contains(inside),
                        isStarJoin(
                            from, factLeaf: inside, fact: factSide, dimensionLeaf: outside, dimension: dimensionSide)
                    {
                        // The most selective dimension first (by estimate: planning reads no rows).
                        let selectivity = share(outside)
                        if selectivity < bestSelectivity {
                            bestSelectivity = selectivity
                            choice = JoinStep(leaf: outside, edges: [index], star: index)
                        }
                    } else {
                        // The leaves that hang off this one alone join it first, so their
                        // conditions shrink it too: supplier with its nation's name (TPC-H Q21).
                        var kept = share(outside)
                        for hanging in hangingLeaves(from: outside, edges: edges, joined: joined) {
                            kept *= share(hanging)
                        }
                        let keys = Self.edges(between: joined, and: outside, edges, unused: usedEdges)
                        kept *= joinFanout(from, leaf: outside, edges: edges, edgeIndices: keys)
                        let score = (kept, estimates[outside])
                        if hashChoice == nil || score < (hashChoice?.score ?? score) { hashChoice = (outside, score) }
                    }
                }
            }
            if choice == nil, let hashChoice { choice = JoinStep(leaf: hashChoice.leaf, edges: [], star: nil) }
            let smallest = from.leaves.indices.filter { !joined.contains($0) }.min { estimates[$0] < estimates[$1] }
            var next = choice ?? JoinStep(leaf: smallest ?? 0, edges: [], star: nil)
            if next.star == nil { next.edges = Self.edges(between: joined, and: next.leaf, edges, unused: usedEdges) }
            usedEdges.formUnion(next.edges)
            joined.insert(next.leaf)
            if next.star == nil { scanned.insert(next.leaf) }
            order.steps.append(next)
        }
        order.start = start
        // Edges not used as keys are filters once both sides are joined.
        for (index, edge) in edges.enumerated() where !usedEdges.contains(index) {
            order.residuals.append(edge.conjunct)
        }
    }

    /// The unused edges between the `joined` leaves and `leaf`.
    static func edges(between joined: Set<Int>, and leaf: Int, _ edges: [JoinEdge], unused used: Set<Int>) -> [Int] {
        edges.indices.filter { index in
            !used.contains(index)
                && ((joined.contains(edges[index].leftLeaf) && edges[index].rightLeaf == leaf)
                    || (joined.contains(edges[index].rightLeaf) && edges[index].leftLeaf == leaf))
        }
    }

    /// Later hash-join steps whose leaves hang off a step's leaf alone join that leaf first, as
    /// the build side's own subtree (TPC-H Q3, Q10: the table built is the smaller join, not all
    /// of orders). A step that hangs off one gathered leaf alone joins that leaf first in turn
    /// (Q7: orders ⋈ (customer ⋈ nation), so the nation's name shrinks customer before orders
    /// meets it, not 15 M orders joined to every customer and then filtered).
    private func gatherHangingSteps(_ order: inout JoinOrder) {
        var gatheredSteps = Set<Int>()
        for index in order.steps.indices where !gatheredSteps.contains(index) && order.steps[index].star == nil {
            // Each leaf of the subtree, with the step it came from.
            var group: [Int: Int] = [order.steps[index].leaf: index]
            for later in order.steps.indices.dropFirst(index + 1)
            where order.steps[later].star == nil && !gatheredSteps.contains(later) {
                let next = order.steps[later]
                // The subtree's leaves its edges reach; it hangs when every edge reaches one.
                let touched = next.edges.map { edge -> Int? in
                    let (left, right) = (order.edges[edge].leftLeaf, order.edges[edge].rightLeaf)
                    return group[left] != nil ? left : (group[right] != nil ? right : nil)
                }
                guard !touched.isEmpty, !touched.contains(nil) else { continue }
                // Under the one gathered leaf it touches, or under the subtree's root.
                let leaves = Set(touched.compactMap { $0 })
                let parent = leaves.count == 1 ? (leaves.first.flatMap { group[$0] } ?? index) : index
                group[next.leaf] = later
                gatheredSteps.insert(later)
                order.steps[parent].gathered.append(later)
            }
        }
    }

    /// The rows the graph is expected to produce, by the same shares the physical plan's
    /// estimates use: the start leaf's filtered rows, a star join's dimension share, a hash
    /// join's leaf share times its fan-out (``joinFanout(_:leaf:edges:edgeIndices:)``: 1 for a
    /// key join or unknown distinct counts), half for each residual and semi join.
    private func estimate(_ from: FromClause, _ order: JoinOrder) -> Int {
        let share = { (leaf: Int) in
            CardinalityEstimate.selectivity(of: order.leafFilters[leaf], bounds: self.columnBounds(from, leaf))
        }
        let leafRows = { (leaf: Int) in max(1.0, Double(order.leafEstimates[leaf]) * share(leaf)) }
        var rows = leafRows(order.start)
        for step in order.steps {
            if step.star != nil {
                rows *= share(step.leaf)
            } else if step.edges.isEmpty {
                rows *= leafRows(step.leaf)
            } else {
                rows *= min(1.0, leafRows(step.leaf) / Double(max(1, from.leaves[step.leaf].estimatedRows)))
                rows *= joinFanout(from, leaf: step.leaf, edges: order.edges, edgeIndices: step.edges)
            }
        }
        for _ in order.residuals { rows /= 2 }
        for join in order.pendingJoins where join.kind == .semi { rows /= 2 }
        return Int(min(max(1, rows), Double(Int.max / 4)))
    }

    /// The leaves not yet joined that reach the joined ones only through `leaf`: the connected
    /// groups of the other unjoined leaves that touch `leaf` and no joined leaf (nation and
    /// region behind supplier).
    func hangingLeaves(from leaf: Int, edges: [JoinEdge], joined: Set<Int>) -> Set<Int> {
        var hanging = Set<Int>()
        var seen: Set<Int> = joined.union([leaf])
        let neighbours = { (node: Int) -> [Int] in
            edges.compactMap { edge in
                edge.leftLeaf == node ? edge.rightLeaf : (edge.rightLeaf == node ? edge.leftLeaf : nil)
            }
        }
        for start in neighbours(leaf) where !seen.contains(start) {
            // One connected group of unjoined leaves, found from a neighbour of `leaf`.
            var group: Set<Int> = [start]
            var pending = [start]
            var touchesJoined = false
            seen.insert(start)
            while let node = pending.popLast() {
                for other in neighbours(node) {
                    if joined.contains(other) { touchesJoined = true }
                    guard !seen.contains(other) else { continue }
                    seen.insert(other)
                    group.insert(other)
                    pending.append(other)
                }
            }
            if !touchesJoined { hanging.formUnion(group) }
        }
        return hanging
    }

    /// Whether `fact = dimension` joins a fact's reference column to the referenced key.
    func isStarJoin(
        _ from: FromClause, factLeaf: Int, fact: BoundExpression, dimensionLeaf: Int, dimension: BoundExpression
    ) -> Bool {
        guard case .table(let factTable) = from.leaves[factLeaf].source,
            case .table(let dimensionTable) = from.leaves[dimensionLeaf].source,
            let factIndex = fact.scopeIndex, let dimensionIndex = dimension.scopeIndex
        else { return false }
        let factColumn = factTable.columns[factIndex - from.leaves[factLeaf].offset]
        let dimensionColumn = dimensionTable.columns[dimensionIndex - from.leaves[dimensionLeaf].offset]
        guard let reference = factColumn.references else { return false }
        return reference.table == dimensionTable.name && reference.column == dimensionColumn.name
            && dimensionTable.isReferenceable
    }

    /// The smallest and largest stored value of a table leaf's integer-class columns (numbers,
    /// dates, decimals), by scope index, from the catalog's segment statistics.
    func columnBounds(_ from: FromClause, _ leafIndex: Int) -> (Int) -> ClosedRange<Int64>? {
        let leaf = from.leaves[leafIndex]
        guard case .table(let table) = leaf.source else { return { _ in nil } }
        return { index in
            guard leaf.range.contains(index) else { return nil }
            let column = table.columns[index - leaf.offset]
            guard column.references == nil, column.storedType.physicalType.isInteger,
                column.storedType.physicalType != .boolean
            else { return nil }
            var low = Int64.max
            var high = Int64.min
            for partition in table.partitions {
                for segment in partition.segments {
                    guard
                        let statistics = segment.statistics.first(where: { $0.columnIdentifier == column.identifier }),
                        case .integer(let smallest)? = statistics.minimum,
                        case .integer(let largest)? = statistics.maximum
                    else { return nil }
                    low = min(low, smallest)
                    high = max(high, largest)
                }
            }
            return low <= high ? low...high : nil
        }
    }
}
