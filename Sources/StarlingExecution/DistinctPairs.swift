/// The (group, value) pairs a DISTINCT aggregate has seen, so each value counts once per group.

/// Every (group, word) pair a `count(DISTINCT x)`, `sum(DISTINCT x)` or `avg(DISTINCT x)` has
/// seen, a value as one 64-bit word (``KeyEncoder``: an integer as itself, a double by its
/// normalised bits, a string or interval by its number).
///
/// With few groups (`count(DISTINCT l_partkey)` by ship mode, by order status) each group keeps
/// its words in an ``IntegerHashIndex`` of its own: one word per key, direct slots when a
/// group's values are dense. Past ``perGroupLimit`` groups the pairs move to one ``KeyTable``
/// of two-word keys, whose size does not grow with the number of groups.
final class DistinctPairs {
    /// The most groups with an index each; more go into one table of pairs.
    static let perGroupLimit = 64

    /// One index per group, while there are few; empty once `table` holds the pairs.
    private var perGroup: [IntegerHashIndex] = []
    private var table: KeyTable?

    init() {}

    /// Adds the pairs `keys[2 i], keys[2 i + 1]` (group, word), calling `fresh` for each pair
    /// not seen before: in row order within each group (so sums of doubles add in the same order
    /// whichever way the pairs are kept). Groups are never negative.
    func insert(_ keys: [Int64], fresh: (Int, Int64) throws(QueryError) -> Void) throws(QueryError) {
        let rows = keys.count / 2
        guard rows > 0 else { return }
        var largest: Int64 = 0
        for row in 0..<rows { largest = max(largest, keys[row * 2]) }
        if table == nil, largest >= Int64(Self.perGroupLimit) { moveToTable() }
        if let table {
            try Self.insert(keys, rows: rows, into: table, fresh: fresh)
            return
        }
        while perGroup.count <= Int(largest) { perGroup.append(IntegerHashIndex()) }
        try insertPerGroup(keys, rows: rows, fresh: fresh)
    }

    /// The pairs into the per-group indexes: the rows sorted by group (stable), then each
    /// group's words in one batch.
    private func insertPerGroup(
        _ keys: [Int64], rows: Int, fresh: (Int, Int64) throws(QueryError) -> Void
    ) throws(QueryError) {
        var starts = [Int](repeating: 0, count: perGroup.count + 1)
        for row in 0..<rows { starts[Int(keys[row * 2]) + 1] += 1 }
        for group in 0..<perGroup.count { starts[group + 1] += starts[group] }
        var words = [Int64](repeating: 0, count: rows)
        var filled = starts
        for row in 0..<rows {
            let group = Int(keys[row * 2])
            words[filled[group]] = keys[row * 2 + 1]
            filled[group] += 1
        }
        var numbers = [Int32](repeating: -1, count: rows)
        for group in 0..<perGroup.count where starts[group + 1] > starts[group] {
            let index = perGroup[group]
            let range = starts[group]..<starts[group + 1]
            var next = Int32(truncatingIfNeeded: index.count)
            words.withUnsafeBufferPointer { words in
                numbers.withUnsafeMutableBufferPointer { numbers in
                    index.findOrInsert(
                        UnsafeBufferPointer(rebasing: words[range]), nulls: nil,
                        into: UnsafeMutableBufferPointer(rebasing: numbers[range]))
                }
            }
            // New words get the next numbers, in row order.
            for position in range where numbers[position] == next {
                next += 1
                try fresh(group, words[position])
            }
        }
    }

    /// The pairs into one table of two-word keys.
    private static func insert(
        _ keys: [Int64], rows: Int, into table: KeyTable, fresh: (Int, Int64) throws(QueryError) -> Void
    ) throws(QueryError) {
        var numbers = [Int32](repeating: 0, count: rows)
        var next = table.count
        keys.withUnsafeBufferPointer { keys in
            numbers.withUnsafeMutableBufferPointer { numbers in table.findOrInsert(keys, rows: rows, into: numbers) }
        }
        for row in 0..<rows where Int(numbers[row]) == next {
            next += 1
            try fresh(Int(keys[row * 2]), keys[row * 2 + 1])
        }
    }

    /// Moves the per-group indexes' pairs into one table, for more groups than indexes.
    private func moveToTable() {
        let moved = KeyTable(width: 2, capacity: perGroup.reduce(0) { $0 + $1.count })
        let pairs = self.pairs
        var numbers = [Int32](repeating: 0, count: pairs.count / 2)
        pairs.withUnsafeBufferPointer { pairs in
            numbers.withUnsafeMutableBufferPointer { numbers in
                moved.findOrInsert(pairs, rows: pairs.count / 2, into: numbers)
            }
        }
        table = moved
        perGroup = []
    }

    /// Every pair seen, as (group, word) words back to back.
    var pairs: [Int64] {
        if let table { return table.keys }
        var pairs: [Int64] = []
        pairs.reserveCapacity(2 * perGroup.reduce(0) { $0 + $1.count })
        for (group, index) in perGroup.enumerated() {
            for word in index.keys {
                pairs.append(Int64(group))
                pairs.append(word)
            }
        }
        return pairs
    }

    /// Approximate bytes held.
    var byteCount: Int { (table?.byteCount ?? 0) + perGroup.reduce(0) { $0 + $1.byteCount + 64 } }
}
