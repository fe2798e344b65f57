/// The window operator: its input materialised, rows spread over buckets by partition key,
/// each bucket sorted and its partitions evaluated on all cores, results appended as columns.

import StarlingColumns

/// Runs window functions over a materialised input. Functions that partition and order alike
/// share one sort. The output is the input's `passing` columns then one column per function, in
/// the order of the last sort (partitions together, each in its ORDER BY order), in chunks.
enum WindowOperator {
    /// Inputs smaller than this are one bucket: spreading them costs more than it saves.
    static let bucketMinimumRows = 16_384

    /// One bucket of one sort group: its rows in order, and each function's results for them.
    struct Bucket: @unchecked Sendable {
        let order: [Int32]
        let results: [Vector]
    }

    static func run(_ input: Chunk, functions: [WindowFunction], passing: [Int], threads: Int, control: QueryControl?)
        throws(QueryError) -> [Chunk]
    {
        var groups: [[Int]] = []
        for index in functions.indices {
            if let group = groups.firstIndex(where: { functions[$0[0]].sortsLike(functions[index]) }) {
                groups[group].append(index)
            } else {
                groups.append([index])
            }
        }
        guard let last = groups.last, input.count > 0 else { return [] }
        // Every sort group but the last: results put back in input order.
        var inInputOrder: [Int: Vector] = [:]
        for group in groups.dropLast() {
            try control?.check()
            let buckets = try evaluate(
                input, functions: group.map { functions[$0] }, threads: threads, control: control)
            let order = buckets.flatMap(\.order)
            var inverse = [Int32](repeating: 0, count: order.count)
            for (position, row) in order.enumerated() { inverse[Int(row)] = Int32(position) }
            for (slot, index) in group.enumerated() {
                let whole = Vector.concatenate(buckets.map { $0.results[slot] }, type: functions[index].type)
                inInputOrder[index] = whole.gather(inverse)
            }
        }
        let buckets = try evaluate(input, functions: last.map { functions[$0] }, threads: threads, control: control)
        // The output in pieces, gathered on all cores.
        var pieces: [(bucket: Int, range: Range<Int>)] = []
        for (number, bucket) in buckets.enumerated() {
            let size = QueryExecutor.outputChunkRows
            for start in stride(from: 0, to: bucket.order.count, by: size) {
                pieces.append((number, start..<min(bucket.order.count, start + size)))
            }
        }
        let lastSlots = Dictionary(uniqueKeysWithValues: last.enumerated().map { ($1, $0) })
        let earlier = inInputOrder
        let chunks = pieces
        return try parallelMap(pieces.count, threads: threads, control: control) {
            (number) throws(QueryError) -> Chunk in
            let (index, range) = chunks[number]
            let bucket = buckets[index]
            let rows = Array(bucket.order[range])
            let local = range.map { Int32($0) }
            var columns = passing.map { input.columns[$0].gather(rows) }
            for function in functions.indices {
                if let slot = lastSlots[function] {
                    columns.append(
                        range.count == bucket.order.count ? bucket.results[slot] : bucket.results[slot].gather(local))
                } else if let vector = earlier[function] {
                    columns.append(vector.gather(rows))
                }
            }
            return Chunk(columns: columns, count: rows.count)
        }
    }

    /// `body(i)` for `i` in `0..<count` on up to `threads` workers, results in order.
    static func parallelMap<Result>(
        _ count: Int, threads: Int, control: QueryControl?, _ body: @Sendable (Int) throws(QueryError) -> Result
    ) throws(QueryError) -> [Result] {
        var results = [Result?](repeating: nil, count: count)
        try results.withUnsafeMutableBufferPointer { (buffer) throws(QueryError) in
            let output = ConcurrentSlots(buffer)
            try QueryExecutor.forEachTask(count, threads: threads, control: control) { (index, _) throws(QueryError) in
                output.pointer[index] = try body(index)
            }
        }
        return results.compactMap { $0 }
    }

    /// One sort group's buckets (the non-empty ones, in order), each sorted and evaluated on a
    /// worker.
    static func evaluate(_ input: Chunk, functions: [WindowFunction], threads: Int, control: QueryControl?)
        throws(QueryError) -> [Bucket]
    {
        let first = functions[0]
        let partitionVectors = try first.partitionBy.map { (key) throws(QueryError) -> Vector in
            try ExpressionEvaluator.evaluate(key, input)
        }
        let orderVectors = try first.orderBy.map { (key) throws(QueryError) -> Vector in
            try ExpressionEvaluator.evaluate(key.expression, input)
        }
        let bucketCount = partitionVectors.isEmpty || input.count < bucketMinimumRows ? 1 : max(1, threads) * 8
        let buckets = WindowKeys.buckets(partitionVectors, count: input.count, buckets: bucketCount).filter {
            !$0.isEmpty
        }
        let keyChunk = Chunk(columns: partitionVectors + orderVectors, count: input.count)
        let sortKeys =
            partitionVectors.indices.map {
                SortKey(expression: .column($0, partitionVectors[$0].type), descending: false, nullsFirst: false)
            }
            + first.orderBy.enumerated().map { offset, key in
                SortKey(
                    expression: .column(partitionVectors.count + offset, key.expression.type),
                    descending: key.descending, nullsFirst: key.nullsFirst)
            }
        let arguments = try WindowArguments(functions, input: input)
        return try parallelMap(buckets.count, threads: threads, control: control) {
            (index) throws(QueryError) -> Bucket in
            let rows = buckets[index]
            let local = keyChunk.gather(rows)
            let sorted = try Sorter.order(local, keys: sortKeys, limit: nil, control: control)
            let order = sorted.map { rows[Int($0)] }
            let sortedKeys = local.gather(sorted)
            let partitions = WindowPartitions(
                order: order, partitionKeys: Array(sortedKeys.columns.prefix(partitionVectors.count)),
                orderKeys: Array(sortedKeys.columns.dropFirst(partitionVectors.count)))
            var results: [Vector] = []
            for (slot, function) in functions.enumerated() {
                let column = try WindowEvaluator(
                    partitions: partitions, function: function, arguments: arguments.values[slot]
                ).evaluate()
                results.append(column.vector(type: function.type, picked: arguments.values[slot].picked))
            }
            return Bucket(order: order, results: results)
        }
    }
}
