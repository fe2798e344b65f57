/// GROUP BY with grouping sets (ROLLUP, CUBE, GROUPING SETS) in one pass over the input: each
/// worker feeds every chunk to one hash aggregate per set no other set contains, and the sets a
/// larger one contains (a ROLLUP's subtotals, a CUBE's margins) are summed from its groups rather
/// than from the rows.

import StarlingColumns

extension QueryExecutor {
    /// The rows of a `.groupingSets` node: for each set, its groups, the keys it leaves out NULL
    /// and `grouping(…)` its bits, set after set.
    func groupingSets(
        _ node: PlanNode, _ child: PlanNode, groups: [BoundExpression], aggregates: [AggregateSpecification],
        sets: [[Int]]
    ) throws(QueryError) -> [Chunk] {
        let source = try pipeline(child)
        // `grouping(…)` is a constant per set, made here; the others are hash aggregates.
        let computed = aggregates.indices.filter { aggregates[$0].function != .grouping }
        let computedAggregates = computed.map { aggregates[$0] }
        // Keys and arguments are evaluated once per chunk; the sets' states read them as columns.
        let shared = SharedInputs(groups: groups, aggregates: computedAggregates)
        let sources = Self.subtotalSources(sets)
        let fromInput = sets.indices.filter { sources[$0] == nil }
        let interners = sets.map { SharedStringInterner(columns: $0.count) }
        func state(_ set: Int) -> AggregateState {
            AggregateState(
                groups: sets[set].map { shared.groups[$0] }, aggregates: shared.aggregates, strings: interners[set])
        }
        let workers = (0..<threads).map { _ in fromInput.map(state) }
        let slots = WorkerSlots(workers)
        let budget = self.budget
        try runParallel(source) { (chunk, _, worker) throws(QueryError) in
            let began = monotonicNanoseconds()
            let inputs = try shared.evaluate(chunk)
            for state in slots.values[worker] {
                let before = state.byteCount
                try state.consume(inputs)
                let grown = state.byteCount - before
                if grown > 0 { try budget.reserve(grown, for: "HASH_AGGREGATE") }
            }
            let elapsed = monotonicNanoseconds() - began
            self.profile.record(node.identifier) {
                $0.rowsIn += chunk.count
                $0.nanoseconds += elapsed
            }
        }
        let began = monotonicNanoseconds()
        var states = [AggregateState?](repeating: nil, count: sets.count)
        for (position, set) in fromInput.enumerated() {
            let merged = workers[0][position]
            let beforeMerge = merged.byteCount
            for worker in workers.dropFirst() { try merged.merge(worker[position], control: control) }
            try control?.check()
            try budget.reserve(max(0, merged.byteCount - beforeMerge), for: "HASH_AGGREGATE")
            states[set] = merged
        }
        // Subtotals from their detail groups, the larger sets first (they are the others' sources).
        for set in sets.indices.sorted(by: { sets[$0].count > sets[$1].count }) {
            guard let source = sources[set], let finer = states[source] else { continue }
            let subtotal = state(set)
            try subtotal.absorb(finer, keyPositions: sets[set].compactMap { sets[source].firstIndex(of: $0) })
            try control?.check()
            try budget.reserve(subtotal.byteCount, for: "HASH_AGGREGATE")
            states[set] = subtotal
        }
        var output: [Chunk] = []
        for (index, set) in sets.enumerated() {
            guard let state = states[index] else { throw .invalid("grouping set \(index + 1) was not computed") }
            let types = set.map { groups[$0].type } + computedAggregates.map(\.type)
            let result = try state.finish(types: types, threads: threads, control: control)
            output.append(Self.widened(result, set: set, groups: groups, aggregates: aggregates, computed: computed))
        }
        let elapsed = monotonicNanoseconds() - began
        profile.record(node.identifier) { total in
            total.rowsOut += output.reduce(0) { $0 + $1.count }
            total.nanoseconds += elapsed
        }
        return output
    }

    /// For each grouping set, the set its groups are summed from instead of the input: the
    /// smallest set that holds all its keys, among the larger ones (or an equal one listed
    /// first). Nil for a set read from the input. Every aggregate merges exactly (as the workers'
    /// partial states do), so a subtotal of detail groups equals one of the rows.
    static func subtotalSources(_ sets: [[Int]]) -> [Int?] {
        sets.indices.map { set in
            let keys = Set(sets[set])
            let candidates = sets.indices.filter { other in
                other != set && keys.isSubset(of: sets[other])
                    && (sets[other].count > keys.count || other < set)
            }
            // Sources are themselves read from the input or from a larger set: no cycles, as an
            // equal set serves only those listed after it.
            return candidates.min { sets[$0].count < sets[$1].count }
        }
    }

    /// One set's result (its keys, then the computed aggregates) in the node's layout: every
    /// group key (NULL where the set leaves it out), then every aggregate in order.
    static func widened(
        _ result: Chunk, set: [Int], groups: [BoundExpression], aggregates: [AggregateSpecification], computed: [Int]
    ) -> Chunk {
        var columns: [Vector] = []
        columns.reserveCapacity(groups.count + aggregates.count)
        for (index, group) in groups.enumerated() {
            if let position = set.firstIndex(of: index) {
                columns.append(result.columns[position])
            } else {
                columns.append(Vector(constant: .null, type: group.type, count: result.count))
            }
        }
        for (index, aggregate) in aggregates.enumerated() {
            if let position = computed.firstIndex(of: index) {
                columns.append(result.columns[set.count + position])
            } else {
                let bits = groupingBits(aggregate.groupingColumns, set: set)
                columns.append(Vector(constant: .integer(bits), type: aggregate.type, count: result.count))
            }
        }
        return Chunk(columns: columns, count: result.count)
    }

    /// `grouping(…)` of a set: one bit per argument, the first the most significant, set when the
    /// set leaves that key out.
    static func groupingBits(_ columns: [Int], set: [Int]) -> Int64 {
        var bits: Int64 = 0
        for column in columns {
            bits = bits << 1 | (set.contains(column) ? 0 : 1)
        }
        return bits
    }
}

/// The group keys and aggregate arguments and filters of a grouping-sets aggregate as one list
/// of distinct expressions, evaluated once per chunk, and the keys and aggregates rewritten to
/// read its columns.
struct SharedInputs {
    let inputs: [BoundExpression]
    let groups: [BoundExpression]
    let aggregates: [AggregateSpecification]

    init(groups: [BoundExpression], aggregates: [AggregateSpecification]) {
        var inputs: [BoundExpression] = []
        func column(_ expression: BoundExpression) -> BoundExpression {
            let index = inputs.firstIndex(of: expression) ?? inputs.count
            if index == inputs.count { inputs.append(expression) }
            return .column(index, expression.type)
        }
        self.groups = groups.map(column)
        self.aggregates = aggregates.map { $0.mapExpressions(column) }
        self.inputs = inputs
    }

    /// The inputs' columns over `chunk`.
    func evaluate(_ chunk: Chunk) throws(QueryError) -> Chunk {
        var columns: [Vector] = []
        columns.reserveCapacity(inputs.count)
        for input in inputs { columns.append(try ExpressionEvaluator.evaluate(input, chunk)) }
        return Chunk(columns: columns, count: chunk.count)
    }
}
