/// The order that sorts a table's rows by key columns, for segments written in sort-key order.

/// Stable row orders by one or more key columns, ascending, NULLs last.
///
/// Each key is turned into unsigned 64-bit sort words that compare as its values do (integers and
/// dates offset by their minimum; doubles by their total-order key, offset likewise; strings by their
/// rank among the distinct strings, in byte order; booleans 0/1). The keys are then applied from
/// the last to the first with a stable least-significant-digit radix sort, so equal keys keep
/// their input order and the first key decides first. A key whose values span at most 2^16 (a
/// dimension's row codes, days of a few years) sorts in one counting pass.
public enum SortOrder {
    /// The row order (indices into the vectors) that sorts rows by `keys`, first key first.
    ///
    /// - Precondition: every key has the same count.
    public static func stable(by keys: [ColumnVector]) -> [Int32] {
        guard let count = keys.first?.count else { return [] }
        precondition(keys.allSatisfy { $0.count == count }, "sort keys of different lengths")
        precondition(count <= Int(Int32.max), "too many rows to sort")
        var order = (0..<count).map { Int32($0) }
        for key in keys.reversed() {
            order = sort(order, by: key)
        }
        return order
    }

    /// `order` sorted stably by `key`: rows with a value by their sort word, then NULL rows, each
    /// in the order `order` had them.
    static func sort(_ order: [Int32], by key: ColumnVector) -> [Int32] {
        let words = sortWords(key)
        var present: [Int32] = []
        var absent: [Int32] = []
        present.reserveCapacity(order.count)
        for row in order {
            if key.isNull(Int(row)) { absent.append(row) } else { present.append(row) }
        }
        return radixSort(present, words: words) + absent
    }

    /// Per row: an unsigned word whose order is the value's order (unspecified for NULL rows).
    static func sortWords(_ key: ColumnVector) -> [UInt64] {
        let count = key.count
        switch key.payload {
        case .fixed:
            // Doubles by their total-order key, so every fixed-width key is a signed order.
            var signed = key.widenedValues
            if key.type.physicalType == .float64 { signed = signed.map { totalOrderKey(ofDoubleBits: $0) } }
            var smallest = Int64.max
            for row in 0..<count where !key.isNull(row) { smallest = min(smallest, signed[row]) }
            return signed.map { UInt64(bitPattern: $0 &- smallest) }
        case .strings, .dictionary:
            // Ranks: rows sorted by their bytes, equal strings sharing a rank.
            let rows = (0..<count).filter { !key.isNull($0) }
            let sorted = rows.sorted { left, right in
                let order = compareBytes(key.stringBytes(at: left), key.stringBytes(at: right))
                return order != 0 ? order < 0 : left < right
            }
            var words = [UInt64](repeating: 0, count: count)
            var rank: UInt64 = 0
            for (position, row) in sorted.enumerated() {
                if position > 0, compareBytes(key.stringBytes(at: sorted[position - 1]), key.stringBytes(at: row)) != 0 { rank += 1 }
                words[row] = rank
            }
            return words
        }
    }

    /// `rows` sorted stably by `words[row]` (see ``radixSort(rows:keys:bits:beforePass:)``).
    static func radixSort(_ rows: [Int32], words: [UInt64]) -> [Int32] {
        guard rows.count > 1 else { return rows }
        var largest: UInt64 = 0
        let keys = rows.map { row in
            let word = words[Int(row)]
            largest = max(largest, word)
            return word
        }
        return radixSort(rows: rows, keys: keys, bits: 64 - largest.leadingZeroBitCount) { () throws(Never) in }
    }

    /// `rows` sorted stably by their keys (`keys[i]` is `rows[i]`'s, using its low `bits` bits),
    /// least significant digit first: one counting pass when the keys need at most 16 bits, else
    /// 11-bit digits (2,048 counters), as many as they need. Keys move with their rows (but for
    /// the last pass), so every pass reads both arrays in order. `beforePass` runs before each pass (a query's cancel).
    public static func radixSort<Failure: Error>(
        rows: [Int32], keys: [UInt64], bits: Int, beforePass: () throws(Failure) -> Void
    ) throws(Failure) -> [Int32] {
        precondition(rows.count == keys.count, "a key per row")
        guard rows.count > 1, bits > 0 else { return rows }
        let digitBits = bits <= 16 ? bits : 11
        let radix = 1 << digitBits
        let mask = UInt64(radix - 1)
        let count = rows.count
        var currentKeys = keys
        var currentRows = rows
        var nextKeys = [UInt64](repeating: 0, count: count)
        var nextRows = [Int32](repeating: 0, count: count)
        var counts = [Int](repeating: 0, count: radix)
        var shift = 0
        while shift < bits {
            try beforePass()
            // The last pass moves only the rows: nothing reads the keys after it.
            let movesKeys = shift + digitBits < bits
            for index in 0..<radix { counts[index] = 0 }
            currentKeys.withUnsafeBufferPointer { sourceKeys in
                currentRows.withUnsafeBufferPointer { sourceRows in
                    nextKeys.withUnsafeMutableBufferPointer { targetKeys in
                        nextRows.withUnsafeMutableBufferPointer { targetRows in
                            counts.withUnsafeMutableBufferPointer { offsets in
                                for key in sourceKeys { offsets[Int((key >> UInt64(shift)) & mask)] += 1 }
                                var total = 0
                                for digit in 0..<radix {
                                    let size = offsets[digit]
                                    offsets[digit] = total
                                    total += size
                                }
                                for index in 0..<count {
                                    let key = sourceKeys[index]
                                    let digit = Int((key >> UInt64(shift)) & mask)
                                    let target = offsets[digit]
                                    offsets[digit] = target + 1
                                    if movesKeys { targetKeys[target] = key }
                                    targetRows[target] = sourceRows[index]
                                }
                            }
                        }
                    }
                }
            }
            swap(&currentKeys, &nextKeys)
            swap(&currentRows, &nextRows)
            shift += digitBits
        }
        return currentRows
    }
}
