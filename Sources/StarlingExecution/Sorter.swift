/// ORDER BY: a stable sort of row indices by key columns, and the top-N.

import StarlingColumns
import StarlingEncoding

/// Sorts rows by keys. Strings are first replaced by their rank among the distinct strings
/// (byte order, as DuckDB's default collation), so every comparison is on numbers.
enum Sorter {
    enum KeyValues {
        case integers([Int64])
        case doubles([Double])
    }

    /// The order of `chunk`'s rows under `keys` (ties keep input order), first `limit` only.
    static func order(_ chunk: Chunk, keys: [SortKey], limit: Int?, control: QueryControl? = nil) throws(QueryError) -> [Int32] {
        let count = chunk.count
        var prepared: [(values: KeyValues, nulls: [Bool]?, descending: Bool, nullsFirst: Bool)] = []
        for key in keys {
            let vector = try ExpressionEvaluator.evaluate(key.expression, chunk)
            prepared.append((rankValues(vector), vector.nulls, key.descending, key.nullsFirst))
        }
        var indices = (0..<count).map { Int32($0) }
        let comparator: (Int32, Int32) -> Bool = { left, right in
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
                }
                if order != 0 { return key.descending ? order > 0 : order < 0 }
            }
            return left < right
        }
        if let limit, limit < count / 8 {
            return topN(indices, limit: limit, by: comparator)
        }
        indices = try sortedInRuns(indices, by: comparator, control: control)
        if let limit, limit < indices.count { indices.removeSubrange(limit...) }
        return indices
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
    static func topN(_ indices: [Int32], limit: Int, by less: (Int32, Int32) -> Bool) -> [Int32] {
        guard limit > 0 else { return [] }
        var best: [Int32] = []
        best.reserveCapacity(limit + 1)
        for index in indices {
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
    static func rankValues(_ vector: Vector) -> KeyValues {
        switch vector.data {
        case .integers(let values): return .integers(values)
        case .doubles(let values): return .doubles(values)
        case .booleans(let values): return .integers(values.map { $0 ? 1 : 0 })
        case .dictionary(let codes, let dictionary):
            let ranks = ranksOf((0..<dictionary.count).map { Array(dictionary.bytes(at: $0)) })
            return .integers(codes.map { ranks[Int($0)] })
        case .strings(let strings):
            return .integers(ranksOf((0..<vector.count).map { Array(strings.bytes(at: $0)) }))
        }
    }

    /// Each string's rank in byte order (equal strings share a rank).
    static func ranksOf(_ strings: [[UInt8]]) -> [Int64] {
        let order = strings.indices.sorted { strings[$0].lexicographicallyPrecedes(strings[$1]) }
        var ranks = [Int64](repeating: 0, count: strings.count)
        var rank: Int64 = 0
        for (position, index) in order.enumerated() {
            if position > 0 && strings[order[position - 1]] != strings[index] { rank += 1 }
            ranks[index] = rank
        }
        return ranks
    }
}
