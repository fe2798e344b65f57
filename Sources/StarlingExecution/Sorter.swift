/// ORDER BY: a stable sort of row indices by key columns, and the top-N.

import StarlingColumns
import StarlingEncoding

/// Sorts rows by keys. Strings are first replaced by their rank among the distinct strings
/// (byte order, as DuckDB's default collation), and intervals by theirs (in SQL order), so every
/// comparison is on numbers.
enum Sorter {
    enum KeyValues {
        case integers([Int64])
        case doubles([Double])
        /// Strings compared in place, byte by byte: a top-N compares few rows, so ranking every
        /// string first would cost more than the comparisons.
        case strings(Vector)
    }

    /// The order of `chunk`'s rows under `keys` (ties keep input order), first `limit` only.
    static func order(_ chunk: Chunk, keys: [SortKey], limit: Int?, control: QueryControl? = nil) throws(QueryError) -> [Int32] {
        let count = chunk.count
        var prepared: [(values: KeyValues, nulls: [Bool]?, descending: Bool, nullsFirst: Bool)] = []
        let isTopN = limit.map { $0 < count / 8 } ?? false
        for key in keys {
            let vector = try ExpressionEvaluator.evaluate(key.expression, chunk)
            let values: KeyValues
            switch vector.data {
            case .strings, .dictionary: values = isTopN ? .strings(vector) : try rankValues(vector, control: control)
            default: values = try rankValues(vector, control: control)
            }
            prepared.append((values, vector.nulls, key.descending, key.nullsFirst))
        }
        if let limit, isTopN {
            let rows = (0..<count).map { Int32($0) }
            // Numbers only: compared as normalized keys through raw pointers (no enum, array or
            // reference touched per comparison: Q10's top 20 of 381 K groups took 60 ms).
            if !prepared.contains(where: { if case .strings = $0.values { return true }; return false }) {
                return try withNormalizedKeys(prepared, count: count, control: control) { (less) throws(QueryError) in
                    try topN(rows, limit: limit, by: less, control: control)
                }
            }
            return try topN(rows, limit: limit, by: comparator(prepared), control: control)
        }
        if var packed = try packedOrder(prepared, count: count, control: control) {
            if let limit, limit < packed.count { packed.removeSubrange(limit...) }
            return packed
        }
        var indices = try withNormalizedKeys(prepared, count: count, control: control) { (less) throws(QueryError) in
            try sortedInRuns((0..<count).map { Int32($0) }, by: less, control: control)
        }
        if let limit, limit < indices.count { indices.removeSubrange(limit...) }
        return indices
    }

    /// The order of two rows under `prepared` keys, ties broken by row number: the top-N's
    /// comparison, which looks at few rows (the full sort compares normalized keys instead).
    static func comparator(_ prepared: [(values: KeyValues, nulls: [Bool]?, descending: Bool, nullsFirst: Bool)]) -> (Int32, Int32) -> Bool {
        { left, right in
            let l = Int(left), r = Int(right)
            for key in prepared {
                let leftNull = key.nulls?[l] ?? false
                let rightNull = key.nulls?[r] ?? false
                if leftNull || rightNull {
                    if leftNull && rightNull { continue }
                    return leftNull == key.nullsFirst
                }
                var order = 0
                switch key.values {
                case .integers(let values): order = values[l] < values[r] ? -1 : (values[l] > values[r] ? 1 : 0)
                case .doubles(let values): order = ExpressionEvaluator.orderDoubles(values[l], values[r])
                case .strings(let vector): order = compareBytes(vector.stringBytes(at: l), vector.stringBytes(at: r))
                }
                if order != 0 { return key.descending ? order > 0 : order < 0 }
            }
            return left < right
        }
    }

    /// One key as numbers whose signed order is the wanted order (descending keys negated
    /// bitwise), with its NULL flags: the full sort compares these through raw pointers, with no
    /// enum, array or reference touched per comparison.
    struct NormalizedKey {
        let values: UnsafeMutablePointer<Int64>
        let nulls: UnsafeMutablePointer<Bool>?
        let nullsFirst: Bool
    }

    /// `body` with the order of rows under `prepared` keys, each key normalized to `Int64`s
    /// (integers as they are, doubles by IEEE total order with -0 as 0 and NaN last, strings by
    /// rank), ties broken by row number: what the full sort and a top-N of numbers compare.
    static func withNormalizedKeys<Result>(
        _ prepared: [(values: KeyValues, nulls: [Bool]?, descending: Bool, nullsFirst: Bool)], count: Int,
        control: QueryControl?, _ body: ((Int32, Int32) -> Bool) throws(QueryError) -> Result
    ) throws(QueryError) -> Result {
        let keys = UnsafeMutableBufferPointer<NormalizedKey>.allocate(capacity: prepared.count)
        var normalizedCount = 0
        defer {
            for index in 0..<normalizedCount {
                keys[index].values.deallocate()
                keys[index].nulls?.deallocate()
            }
            keys.deallocate()
        }
        for key in prepared {
            // Ranked before anything is allocated here: ranking may stop at a cancel.
            var stringRanks: [Int64] = []
            if case .strings(let vector) = key.values, case .integers(let ranks) = try rankValues(vector, control: control) {
                stringRanks = ranks
            }
            let values = UnsafeMutablePointer<Int64>.allocate(capacity: max(count, 1))
            switch key.values {
            case .integers(let numbers): for row in 0..<count { values[row] = numbers[row] }
            case .doubles(let numbers):
                for row in 0..<count { values[row] = canonicalOrderKey(numbers[row]) }
            case .strings:
                for row in 0..<min(count, stringRanks.count) { values[row] = stringRanks[row] }
            }
            if key.descending { for row in 0..<count { values[row] = ~values[row] } }
            var nulls: UnsafeMutablePointer<Bool>?
            if let flags = key.nulls {
                let pointer = UnsafeMutablePointer<Bool>.allocate(capacity: max(count, 1))
                for row in 0..<count { pointer[row] = flags[row] }
                nulls = pointer
            }
            keys[normalizedCount] = NormalizedKey(values: values, nulls: nulls, nullsFirst: key.nullsFirst)
            normalizedCount += 1
        }
        let keyCount = normalizedCount
        let less: (Int32, Int32) -> Bool = { left, right in
            let l = Int(left), r = Int(right)
            for index in 0..<keyCount {
                let key = keys[index]
                if let nulls = key.nulls {
                    let leftNull = nulls[l], rightNull = nulls[r]
                    if leftNull != rightNull { return leftNull == key.nullsFirst }
                    if leftNull { continue }
                }
                let a = key.values[l], b = key.values[r]
                if a != b { return a < b }
            }
            return left < right
        }
        return try body(less)
    }

    /// Rows sorted per run of ``runLength``, then runs merged pairwise; a cancelled query stops
    /// between runs and every ``runLength`` merged rows, so Ctrl-C is prompt inside a large sort.
    /// `less` must be a strict total order (ties broken by row number), so the result is stable.
    static let runLength = 1 << 16

    static func sortedInRuns(_ rows: [Int32], by less: (Int32, Int32) -> Bool, control: QueryControl?) throws(QueryError) -> [Int32] {
        guard rows.count > runLength else { return rows.sorted(by: less) }
        var current = rows
        var start = 0
        while start < current.count {
            try control?.check()
            let end = min(start + runLength, current.count)
            current[start..<end].sort(by: less)
            start = end
        }
        var width = runLength
        var merged = [Int32](repeating: 0, count: current.count)
        while width < current.count {
            var output = 0
            var left = 0
            while left < current.count {
                let middle = min(left + width, current.count), right = min(left + 2 * width, current.count)
                var i = left, j = middle
                while i < middle || j < right {
                    if output & (runLength - 1) == 0 { try control?.check() }
                    if j >= right || (i < middle && !less(current[j], current[i])) {
                        merged[output] = current[i]; i += 1
                    } else {
                        merged[output] = current[j]; j += 1
                    }
                    output += 1
                }
                left = right
            }
            swap(&current, &merged)
            width *= 2
        }
        return current
    }

    /// The first `limit` rows in order, keeping a sorted buffer of the best seen.
    static func topN(_ indices: [Int32], limit: Int, by less: (Int32, Int32) -> Bool, control: QueryControl? = nil)
        throws(QueryError) -> [Int32]
    {
        guard limit > 0 else { return [] }
        var best: [Int32] = []
        best.reserveCapacity(limit + 1)
        for (position, index) in indices.enumerated() {
            if position & 0xFFFF == 0xFFFF { try control?.check() }
            if best.count == limit, let last = best.last, !less(index, last) { continue }
            // Binary search for the insertion point.
            var low = 0, high = best.count
            while low < high {
                let middle = (low + high) / 2
                if less(best[middle], index) { low = middle + 1 } else { high = middle }
            }
            best.insert(index, at: low)
            if best.count > limit { best.removeLast() }
        }
        return best
    }

    /// A vector's values as numbers that order the same way.
    static func rankValues(_ vector: Vector, control: QueryControl? = nil) throws(QueryError) -> KeyValues {
        switch vector.data {
        case .integers(let values): return .integers(values)
        case .doubles(let values): return .doubles(values)
        case .booleans(let values): return .integers(values.map { $0 ? 1 : 0 })
        case .dictionary(let codes, let dictionary) where !Vector.perEntry(entries: dictionary.count, rows: vector.count):
            return .integers(try ranksOf(count: vector.count, control: control) { dictionary.bytes(at: Int(codes[$0])) })
        case .dictionary(let codes, let dictionary):
            let ranks = try ranksOf(count: dictionary.count, control: control) { dictionary.bytes(at: $0) }
            return .integers(codes.map { Int(truncatingIfNeeded: $0) < ranks.count ? ranks[Int($0)] : 0 })
        case .strings(let strings):
            return .integers(try ranksOf(count: vector.count, control: control) { strings.bytes(at: $0) })
        case .intervals(let values):
            return .integers(intervalRanks(values))
        }
    }

    /// Each interval's rank in SQL order (30-day months, 24-hour days: equal intervals share a
    /// rank), from a sort of their normalised keys.
    static func intervalRanks(_ values: [Interval]) -> [Int64] {
        let keys = values.map(\.orderKey)
        let order = keys.indices.sorted { keys[$0] < keys[$1] }
        var ranks = [Int64](repeating: 0, count: values.count)
        var rank: Int64 = 0
        for (position, index) in order.enumerated() {
            if position > 0, keys[order[position - 1]] != keys[index] { rank += 1 }
            ranks[index] = rank
        }
        return ranks
    }

    /// Each of `count` strings' rank in byte order (equal strings share a rank). The strings are
    /// sorted by their first eight bytes as one big-endian integer, and only runs that share
    /// those bytes are compared in full (in place, with `memcmp`): most comparisons of a large
    /// sort are then integer ones.
    ///
    /// The entries are first spread over 256 buckets by their first byte (a counting sort), and
    /// each bucket sorted alone: a cancel is seen between buckets and between runs, not only
    /// after the whole sort.
    static func ranksOf(count: Int, control: QueryControl? = nil, _ bytes: (Int) -> UnsafeRawBufferPointer)
        throws(QueryError) -> [Int64]
    {
        var prefixes = [UInt64](repeating: 0, count: count)
        var starts = [Int](repeating: 0, count: 257)
        for index in 0..<count {
            let prefix = prefixKey(bytes(index))
            prefixes[index] = prefix
            starts[Int(prefix >> 56) + 1] += 1
        }
        for bucket in 0..<256 { starts[bucket + 1] += starts[bucket] }
        var entries = [(prefix: UInt64, index: Int32)](repeating: (0, 0), count: count)
        var next = starts
        for index in 0..<count {
            let bucket = Int(prefixes[index] >> 56)
            entries[next[bucket]] = (prefixes[index], Int32(truncatingIfNeeded: index))
            next[bucket] += 1
        }
        for bucket in 0..<256 where starts[bucket + 1] - starts[bucket] > 1 {
            try control?.check()
            entries[starts[bucket]..<starts[bucket + 1]].sort {
                $0.prefix != $1.prefix ? $0.prefix < $1.prefix : $0.index < $1.index
            }
        }
        var order = entries.map { Int($0.index) }
        var start = 0
        var compared = 0
        while start < count {
            var end = start + 1
            while end < count && entries[end].prefix == entries[start].prefix { end += 1 }
            if end - start > 1 {
                order[start..<end].sort { compareBytes(bytes($0), bytes($1)) < 0 }
                compared += end - start
                if compared >= 1 << 16 {
                    compared = 0
                    try control?.check()
                }
            }
            start = end
        }
        var ranks = [Int64](repeating: 0, count: count)
        var rank: Int64 = 0
        for (position, index) in order.enumerated() {
            if position > 0 {
                let previous = order[position - 1]
                if entries[position - 1].prefix != entries[position].prefix || compareBytes(bytes(previous), bytes(index)) != 0 { rank += 1 }
            }
            ranks[index] = rank
        }
        return ranks
    }

    /// The first eight bytes as a big-endian integer, zero-padded: integer order is byte order
    /// on those bytes (a shorter string that is a prefix compares equal here, and in full after).
    @inline(__always)
    static func prefixKey(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var key: UInt64 = 0
        for position in 0..<8 {
            key <<= 8
            if position < bytes.count { key |= UInt64(bytes[position]) }
        }
        return key
    }
}
