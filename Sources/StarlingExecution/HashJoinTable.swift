/// The build side of a hash join: its rows, and their keys in a hash table with row chains.

import CPrefetch
import StarlingColumns

/// Built once from the smaller input, then probed by every worker at the same time (read-only).
///
/// One integer-class key (the usual join on a key column) goes through an ``IntegerHashIndex``
/// over the key values themselves. Several integer-class keys go through one too when one of
/// them nearly tells the build rows apart (`o_custkey = c_custkey AND s_nationkey =
/// c_nationkey`): that lead key is indexed, and the others are compared on each pair its chains
/// give. Other keys are encoded into word tuples for a ``KeyTable``. Either way each distinct
/// (lead) key has a chain of build rows, in build order.
final class HashJoinTable: @unchecked Sendable {
    /// Every build row.
    let rows: Chunk
    private enum Index {
        /// The integer index over key `lead`; the other keys are checked pair by pair.
        case integer(IntegerHashIndex, lead: Int)
        /// The integer index over every integer key packed into one value (``PackedKeys``).
        case packed(IntegerHashIndex, PackedKeys)
        /// Word tuples (``KeyEncoder``): strings numbered by the interner, intervals by the
        /// numbering (both filled by the build, only read by the probes).
        case general(KeyTable, StringInterner, IntervalNumbering, width: Int)
    }
    private let index: Index
    /// A lead key's chains may hold at most this many build rows per distinct value on average.
    static let leadChainLimit = 4
    /// First build row of each distinct key, and the next row with the same key (-1 ends).
    private var heads: [Int32] = []
    private var next: [Int32]
    let keyCount: Int
    /// The build rows' keys, evaluated once (the join's key filters read them too).
    let keyVectors: [Vector]

    /// Rows inserted between two looks at `control`: a cancelled query stops building within
    /// one slice (a few milliseconds), not after the whole build side.
    static let sliceRows = 1 << 20

    init(rows: Chunk, keys: [BoundExpression], threads: Int = 1, control: QueryControl? = nil) throws(QueryError) {
        self.rows = rows
        keyCount = keys.count
        next = IntegerHashIndex.filledArray(-1, count: rows.count, threads: threads)
        let keyVectors = try keys.map { (key) throws(QueryError) -> Vector in
            try ExpressionEvaluator.evaluate(key, rows)
        }
        self.keyVectors = keyVectors
        let leadChoice = Self.leadKey(keyVectors)
        let lead = leadChoice?.key
        // Several keys: packed into one, unless the lead key alone takes direct slots (a key
        // column's dense range: TPC-H Q5's customers by c_custkey, then c_nationkey compared)
        // and tells the rows apart nearly as well; the packed value's range is wider and hashed.
        var leadIndex: (IntegerHashIndex, [Int32])?
        var leadTried = false
        if keyVectors.count > 1, let lead, let slots = leadChoice?.slots,
            IntegerHashIndex.directFits(span: slots, keyCount: rows.count)
        {
            leadTried = true
            leadIndex = try Self.integerIndex(
                keyVectors[lead], rows: rows.count, range: leadChoice?.range, threads: threads, control: control)
            if let (integerIndex, _) = leadIndex, integerIndex.count &* Self.leadChainLimit < rows.count {
                leadIndex = nil
            }
        }
        if let lead, let (integerIndex, numbers) = leadIndex {
            index = .integer(integerIndex, lead: lead)
            try chain(numbers, distinct: integerIndex.count, threads: threads, control: control)
        } else if keyVectors.count > 1, let packing = PackedKeys(build: keyVectors, count: rows.count),
            let (integerIndex, numbers) = try Self.integerIndex(
                packing.pack(keyVectors, count: rows.count), rows: rows.count, threads: threads, control: control)
        {
            index = .packed(integerIndex, packing)
            try chain(numbers, distinct: integerIndex.count, threads: threads, control: control)
        } else if let lead, !leadTried,  // a lead tried above had chains too long, and would again
            let (integerIndex, numbers) = try Self.integerIndex(
                keyVectors[lead], rows: rows.count, range: leadChoice?.range, threads: threads, control: control),
            keyVectors.count == 1 || integerIndex.count &* Self.leadChainLimit >= rows.count
        {
            index = .integer(integerIndex, lead: lead)
            try chain(numbers, distinct: integerIndex.count, threads: threads, control: control)
        } else {
            let interner = StringInterner()
            let intervals = IntervalNumbering()
            let width = KeyEncoder.width(keys.count)
            let table = KeyTable(width: width, capacity: rows.count)
            let words = KeyEncoder.encode(
                keyVectors, count: rows.count, interner: interner, insert: true, intervals: intervals)
            var numbers = [Int32](repeating: -1, count: rows.count)
            var start = 0
            while start < rows.count {
                try control?.check()
                let end = min(rows.count, start + Self.sliceRows)
                words.withUnsafeBufferPointer { words in
                    guard let base = words.baseAddress else { return }
                    for row in start..<end where !KeyEncoder.hasNull(words, start: row * width, columnCount: keys.count)
                    {
                        numbers[row] = table.findOrInsert(base + row * width)
                    }
                }
                start = end
            }
            index = .general(table, interner, intervals, width: width)
            try chain(numbers, distinct: table.count, threads: threads, control: control)
        }
    }

    /// The key to index when every key is integer-valued: the only one, or the one whose values
    /// (NULLs aside) span the widest range (the likeliest to tell rows apart); nil otherwise.
    /// Also its smallest and largest value (`low > high` when it has none), and the slots its
    /// range needs (nil when it has no values or the range is too wide to count).
    private static func leadKey(_ keyVectors: [Vector]) -> (key: Int, range: (Int64, Int64), slots: Int?)? {
        var best: (key: Int, span: UInt64, range: (Int64, Int64), slots: Int?)?
        for (key, vector) in keyVectors.enumerated() {
            guard case .integers(let values) = vector.data else { return nil }
            let (low, high) = values.withUnsafeBufferPointer {
                IntegerHashIndex.range(UnsafeBufferPointer(rebasing: $0.prefix(vector.count)), nulls: vector.nulls)
            }
            let span = low <= high ? UInt64(bitPattern: high &- low) : 0
            if best == nil || span > (best?.span ?? 0) {
                best = (key, span, (low, high), low <= high ? IntegerHashIndex.span(low, high) : nil)
            }
        }
        return best.map { ($0.key, $0.range, $0.slots) }
    }

    /// An integer index over `vector`'s values, inserted a slice at a time (the first slice
    /// finds the range itself and goes direct when it is narrow), and each row's key number.
    private static func integerIndex(
        _ vector: Vector, rows count: Int, range: (Int64, Int64)? = nil, threads: Int, control: QueryControl?
    ) throws(QueryError) -> (IntegerHashIndex, [Int32])? {
        guard case .integers(let values) = vector.data, values.count >= count else { return nil }
        let nulls = vector.nulls
        let (low, high) =
            range
            ?? values.withUnsafeBufferPointer { values in
                IntegerHashIndex.range(UnsafeBufferPointer(rebasing: values.prefix(count)), nulls: nulls)
            }
        // Keys in a narrow range, many of them: numbered on every core.
        if threads > 1, count >= Self.parallelBuildRows, low <= high, let span = IntegerHashIndex.span(low, high),
            IntegerHashIndex.directFits(span: span, keyCount: count)
        {
            return try values.withUnsafeBufferPointer { (values) throws(QueryError) in
                try IntegerHashIndex.buildDirect(
                    UnsafeBufferPointer(rebasing: values.prefix(count)), nulls: nulls, low: low, span: span,
                    threads: threads, control: control)
            }
        }
        let integerIndex = IntegerHashIndex(expected: count)
        var numbers = [Int32](repeating: -1, count: count)
        // Sized once for every row's key (at most that many distinct), from their range.
        integerIndex.reserve(keys: count, low: low, high: high)
        var start = 0
        while start < count {
            try control?.check()
            let end = min(count, start + Self.sliceRows)
            let sliceNulls = nulls.map { Array($0[start..<end]) }
            values.withUnsafeBufferPointer { values in
                numbers.withUnsafeMutableBufferPointer { numbers in
                    integerIndex.findOrInsert(
                        UnsafeBufferPointer(rebasing: values[start..<end]), nulls: sliceNulls,
                        into: UnsafeMutableBufferPointer(rebasing: numbers[start..<end]))
                }
            }
            start = end
        }
        return (integerIndex, numbers)
    }

    /// Build sides with at least this many rows are numbered and chained on every core.
    static let parallelBuildRows = ExecutionTuning.parallelBuildRows

    /// Links each row with a key number (NULL keys, -1, never match) into its key's chain; in
    /// reverse, so each chain lists rows in build order. With several threads and many rows,
    /// each worker takes a range of key numbers: it reads every row's number and links the rows
    /// of its own keys, so no two workers write the same head or link, and chains come out the
    /// same as on one thread.
    private func chain(_ numbers: [Int32], distinct: Int, threads: Int, control: QueryControl?) throws(QueryError) {
        heads = IntegerHashIndex.filledArray(-1, count: distinct, threads: threads)
        let parts = threads > 1 && numbers.count >= Self.parallelBuildRows ? threads : 1
        try numbers.withUnsafeBufferPointer { (numbers) throws(QueryError) in
            try heads.withUnsafeMutableBufferPointer { (heads) throws(QueryError) in
                try next.withUnsafeMutableBufferPointer { (next) throws(QueryError) in
                    let shared = UncheckedSendable((numbers, heads, next))
                    try QueryExecutor.forEachTask(parts, threads: parts, control: control) { (part, _) in
                        let (numbers, heads, next) = shared.value
                        let first = distinct * part / parts
                        let end = distinct * (part + 1) / parts
                        for row in stride(from: numbers.count - 1, through: 0, by: -1) {
                            let number = Int(numbers[row])
                            guard number >= first, number < end else { continue }
                            next[row] = heads[number]
                            heads[number] = Int32(truncatingIfNeeded: row)
                        }
                    }
                }
            }
        }
    }

    /// The key number of each probe row (-1: no build row has that key, or it is NULL).
    private func keyNumbers(_ keyVectors: [Vector], count: Int) throws(QueryError) -> [Int32] {
        var numbers = [Int32](repeating: -1, count: count)
        switch index {
        case .integer(let integerIndex, let lead):
            guard keyVectors.indices.contains(lead), case .integers(let values) = keyVectors[lead].data else {
                // Both sides are converted to one type when planned; an integer type is integers.
                throw .invalid("a hash join's probe key is not integer-valued like its build key")
            }
            let nulls = keyVectors[lead].nulls
            values.withUnsafeBufferPointer { values in
                numbers.withUnsafeMutableBufferPointer { numbers in
                    integerIndex.find(UnsafeBufferPointer(rebasing: values[0..<count]), nulls: nulls, into: numbers)
                }
            }
        case .packed(let integerIndex, let packing):
            guard
                keyVectors.allSatisfy({
                    if case .integers = $0.data { return true }
                    return false
                })
            else {
                throw .invalid("a hash join's probe keys are not integer-valued like its build keys")
            }
            let packed = packing.pack(keyVectors, count: count)
            guard case .integers(let values) = packed.data else { break }
            values.withUnsafeBufferPointer { values in
                numbers.withUnsafeMutableBufferPointer { numbers in
                    integerIndex.find(
                        UnsafeBufferPointer(rebasing: values[0..<count]), nulls: packed.nulls, into: numbers)
                }
            }
        case .general(let table, let interner, let intervals, let width):
            let words = KeyEncoder.encode(
                keyVectors, count: count, interner: interner, insert: false, intervals: intervals)
            words.withUnsafeBufferPointer { words in
                guard let base = words.baseAddress else { return }
                for row in 0..<count where !KeyEncoder.hasNull(words, start: row * width, columnCount: keyCount) {
                    numbers[row] = table.find(base + row * width)
                }
            }
        }
        return numbers
    }

    /// The matching (probe row, build row) pairs of a probe chunk's keys, in probe order, handed
    /// to `body` in batches of at most `batchPairs` pairs (a row's chain may continue into the
    /// next batch): a chunk whose matches run into the billions (a join on a key with few
    /// values) streams through in bounded memory. False, when `body` asked to stop.
    func probe(
        _ keyVectors: [Vector], count: Int, batchPairs: Int,
        _ body: (_ probe: [Int32], _ build: [Int32]) throws(QueryError) -> Bool
    ) throws(QueryError) -> Bool {
        let numbers = try keyNumbers(keyVectors, count: count)
        let limit = Swift.max(1, batchPairs)
        var cursor = ProbeCursor()
        while cursor.row < Swift.min(count, numbers.count) {
            let pairs: (probe: [Int32], build: [Int32])
            if case .integer(_, let lead) = index, keyCount > 1 {
                pairs = try probeByLead(
                    keyVectors, numbers: numbers, lead: lead, count: count, from: &cursor, limit: limit)
            } else {
                pairs = chainPairs(numbers, count: count, from: &cursor, limit: limit) { _, _ in true }
            }
            guard !pairs.probe.isEmpty else { continue }
            guard try body(pairs.probe, pairs.build) else { return false }
        }
        return true
    }

    /// Where a probe stopped when its batch filled: the probe row, and whether and where its
    /// chain goes on.
    struct ProbeCursor {
        var row = 0
        var resuming = false
        var buildRow: Int32 = -1
    }

    /// The (probe row, build row) pairs along each probe row's chain (`numbers[row]`, -1 for
    /// none) that `accept` takes, in probe order, from `cursor` on until `limit` pairs are made
    /// (`cursor` then says where to go on) or the rows end (`cursor.row` is then `count`); with
    /// `firstOnly`, each probe row's first only.
    @inline(__always)
    private func chainPairs(
        _ numbers: [Int32], count: Int, from cursor: inout ProbeCursor, limit: Int, firstOnly: Bool = false,
        fetching buildValues: UnsafePointer<Int64>? = nil, _ accept: (Int, Int) -> Bool
    ) -> (probe: [Int32], build: [Int32]) {
        var probeRows: [Int32] = []
        var buildRows: [Int32] = []
        let end = Swift.min(count, numbers.count)
        probeRows.reserveCapacity(Swift.min(limit, end - cursor.row))
        buildRows.reserveCapacity(Swift.min(limit, end - cursor.row))
        var position = cursor
        numbers.withUnsafeBufferPointer { numbers in
            heads.withUnsafeBufferPointer { heads in
                next.withUnsafeBufferPointer { next in
                    var row = position.row
                    while row < end {
                        Self.prefetchChains(row, numbers, heads, next, buildValues)
                        let number = Int(numbers[row])
                        var buildRow: Int32 = number >= 0 ? heads[number] : -1
                        if position.resuming {
                            buildRow = position.buildRow
                            position.resuming = false
                        }
                        while buildRow >= 0 {
                            if probeRows.count == limit {
                                position = ProbeCursor(row: row, resuming: true, buildRow: buildRow)
                                return
                            }
                            if accept(row, Int(buildRow)) {
                                probeRows.append(Int32(truncatingIfNeeded: row))
                                buildRows.append(buildRow)
                                if firstOnly { break }
                            }
                            buildRow = next[Int(buildRow)]
                        }
                        row += 1
                    }
                    position = ProbeCursor(row: end)
                }
            }
        }
        cursor = position
        return (probeRows, buildRows)
    }

    /// Probe rows looked ahead of the one whose chain is walked: the chain heads of the rows
    /// ``chainAhead`` ahead, and the first links (and `buildValues`, a lead-key join's other
    /// key) of the rows ``linkAhead`` ahead, whose heads should be in the cache by then, are
    /// fetched, so the misses of a table larger than the cache overlap (hints only: they never
    /// fault).
    static let chainAhead = 16
    static let linkAhead = 8

    @inline(__always)
    private static func prefetchChains(
        _ row: Int, _ numbers: UnsafeBufferPointer<Int32>, _ heads: UnsafeBufferPointer<Int32>,
        _ next: UnsafeBufferPointer<Int32>, _ buildValues: UnsafePointer<Int64>?
    ) {
        guard let headBase = heads.baseAddress, let nextBase = next.baseAddress else { return }
        if row + chainAhead < numbers.count {
            let number = Int(numbers[row + chainAhead])
            if number >= 0, number < heads.count { starling_prefetch(headBase + number) }
        }
        if row + linkAhead < numbers.count {
            let number = Int(numbers[row + linkAhead])
            if number >= 0, number < heads.count {
                let first = Int(heads[number])
                if first >= 0, first < next.count {
                    starling_prefetch(nextBase + first)
                    if let buildValues { starling_prefetch(buildValues + first) }
                }
            }
        }
    }

    /// The probe rows whose key some build row has (each once, in order): all a semi or anti
    /// join without a residual needs.
    func matchingRows(_ keyVectors: [Vector], count: Int) throws(QueryError) -> [Int32] {
        let numbers = try keyNumbers(keyVectors, count: count)
        if case .integer(_, let lead) = index, keyCount > 1 {
            var cursor = ProbeCursor()
            return try probeByLead(
                keyVectors, numbers: numbers, lead: lead, count: count, from: &cursor, limit: Int.max, firstOnly: true
            ).probe
        }
        var rows: [Int32] = []
        rows.reserveCapacity(count)
        for row in 0..<count where numbers[row] >= 0 { rows.append(Int32(truncatingIfNeeded: row)) }
        return rows
    }

    /// The pairs the lead key's chains give whose other keys are equal too (neither NULL), from
    /// `cursor` on, at most `limit` of them (as ``chainPairs``); with `firstOnly`, each probe
    /// row's first such pair only (whether it has a match).
    private func probeByLead(
        _ keyVectors: [Vector], numbers: [Int32], lead: Int, count: Int, from cursor: inout ProbeCursor, limit: Int,
        firstOnly: Bool = false
    ) throws(QueryError) -> (probe: [Int32], build: [Int32]) {
        var others: [(probe: [Int64], probeNulls: [Bool]?, build: [Int64], buildNulls: [Bool]?)] = []
        for key in 0..<keyCount where key != lead {
            guard keyVectors.indices.contains(key), case .integers(let probeValues) = keyVectors[key].data,
                case .integers(let buildValues) = self.keyVectors[key].data,
                probeValues.count >= count, buildValues.count >= rows.count
            else {
                throw .invalid("a hash join's keys are not integer-valued on both sides")
            }
            others.append((probeValues, keyVectors[key].nulls, buildValues, self.keyVectors[key].nulls))
        }
        if others.count == 1, let other = others.first, other.probeNulls == nil, other.buildNulls == nil,
            other.probe.count >= count, other.build.count >= rows.count
        {
            // Two keys, neither with NULLs (TPC-H Q5's customer and nation): one raw loop.
            return other.probe.withUnsafeBufferPointer { probeKey in
                other.build.withUnsafeBufferPointer { buildKey in
                    chainPairs(
                        numbers, count: count, from: &cursor, limit: limit, firstOnly: firstOnly,
                        fetching: buildKey.baseAddress
                    ) {
                        probeKey[$0] == buildKey[$1]
                    }
                }
            }
        }
        return chainPairs(numbers, count: count, from: &cursor, limit: limit, firstOnly: firstOnly) { row, build in
            others.allSatisfy { key in
                key.probe[row] == key.build[build] && !(key.probeNulls?[row] ?? false)
                    && !(key.buildNulls?[build] ?? false)
            }
        }
    }

    /// Approximate bytes held.
    var byteCount: Int {
        let indexBytes: Int
        switch index {
        case .integer(let integerIndex, _), .packed(let integerIndex, _): indexBytes = integerIndex.byteCount
        case .general(let table, _, let intervals, _): indexBytes = table.byteCount + intervals.byteCount
        }
        return indexBytes + next.count * 4 + heads.count * 4
    }
}
