/// The window operator: its input materialised, rows spread over buckets by partition key,
/// each bucket sorted and its partitions evaluated on all cores, results appended as columns.

import Dispatch
import StarlingColumns
import Synchronization

/// Runs window functions over a materialised input. Functions that partition and order alike
/// share one sort. The output is the input's columns then one column per function, in the
/// order of the last sort (partitions together, each in its ORDER BY order).
enum WindowOperator {
    /// Inputs smaller than this are one bucket: spreading them costs more than it saves.
    static let bucketMinimumRows = 16_384

    static func run(_ input: Chunk, functions: [WindowFunction], threads: Int, control: QueryControl?) throws(QueryError) -> Chunk {
        var groups: [[Int]] = []
        for index in functions.indices {
            if let group = groups.firstIndex(where: { functions[$0[0]].sortsLike(functions[index]) }) {
                groups[group].append(index)
            } else {
                groups.append([index])
            }
        }
        var results = [Vector?](repeating: nil, count: functions.count)
        var finalOrder: [Int32] = []
        for (number, group) in groups.enumerated() {
            try control?.check()
            let isLast = number == groups.count - 1
            let (order, vectors) = try evaluate(input, functions: group.map { functions[$0] }, threads: threads, control: control)
            if isLast {
                finalOrder = order
                for (slot, index) in group.enumerated() { results[index] = vectors[slot] }
            } else {
                // Results in this group's order, kept by input row until the last order is known.
                var inverse = [Int32](repeating: 0, count: order.count)
                for (position, row) in order.enumerated() { inverse[Int(row)] = Int32(position) }
                for (slot, index) in group.enumerated() { results[index] = vectors[slot].gather(inverse) }
            }
        }
        var columns = input.columns.map { $0.gather(finalOrder) }
        for (index, result) in results.enumerated() {
            guard let result else { throw .invalid("window function \(index) has no result") }
            columns.append(index < functions.count && groups.last?.contains(index) == true ? result : result.gather(finalOrder))
        }
        return Chunk(columns: columns, count: input.count)
    }

    /// One sort group: the rows' order (buckets one after another) and each function's result
    /// in that order.
    static func evaluate(_ input: Chunk, functions: [WindowFunction], threads: Int, control: QueryControl?) throws(QueryError) -> (order: [Int32], results: [Vector]) {
        let first = functions[0]
        let partitionVectors = try first.partitionBy.map { (key) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(key, input) }
        let orderVectors = try first.orderBy.map { (key) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(key.expression, input) }
        let bucketCount = partitionVectors.isEmpty || input.count < bucketMinimumRows ? 1 : max(1, threads) * 8
        let buckets = WindowKeys.buckets(partitionVectors, count: input.count, buckets: bucketCount)
        let keyChunk = Chunk(columns: partitionVectors + orderVectors, count: input.count)
        let sortKeys = partitionVectors.indices.map { SortKey(expression: .column($0, partitionVectors[$0].type), descending: false, nullsFirst: false) }
            + first.orderBy.enumerated().map { offset, key in
                SortKey(expression: .column(partitionVectors.count + offset, key.expression.type), descending: key.descending, nullsFirst: key.nullsFirst)
            }
        let arguments = try WindowArguments(functions, input: input)

        var pieces = [(order: [Int32], columns: [WindowColumn])?](repeating: nil, count: buckets.count)
        let failure = Mutex<QueryError?>(nil)
        let next = Atomic<Int>(0)
        pieces.withUnsafeMutableBufferPointer { buffer in
            let output = ConcurrentSlots(buffer)
            DispatchQueue.concurrentPerform(iterations: max(1, min(threads, buckets.count))) { _ in
                while failure.withLock({ $0 == nil }) {
                    let bucket = next.add(1, ordering: .relaxed).oldValue
                    guard bucket < buckets.count else { return }
                    do throws(QueryError) {
                        try control?.check()
                        let rows = buckets[bucket]
                        guard !rows.isEmpty else { continue }
                        let local = keyChunk.gather(rows)
                        let sorted = try Sorter.order(local, keys: sortKeys, limit: nil, control: control)
                        let order = sorted.map { rows[Int($0)] }
                        let sortedKeys = local.gather(sorted)
                        let partition = WindowPartitions(
                            order: order, partitionKeys: Array(sortedKeys.columns.prefix(partitionVectors.count)),
                            orderKeys: Array(sortedKeys.columns.dropFirst(partitionVectors.count)))
                        var columns: [WindowColumn] = []
                        for (slot, function) in functions.enumerated() {
                            columns.append(try WindowEvaluator(partitions: partition, function: function, arguments: arguments.values[slot]).evaluate())
                        }
                        output.pointer[bucket] = (order, columns)
                    } catch {
                        failure.withLock { if $0 == nil { $0 = error } }
                    }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let filled = pieces.compactMap { $0 }
        let order = filled.flatMap(\.order)
        let results = functions.indices.map { slot in
            WindowColumn.vector(filled.map { $0.columns[slot] }, type: functions[slot].type, values: arguments.values[slot].picked, count: order.count)
        }
        return (order, results)
    }
}
