/// A full sort whose keys, each cut to the bits its range of values needs, fit together in one
/// 64-bit word per row: the words sorted by a least-significant-digit radix sort, with no
/// comparison function at all.

import StarlingColumns

extension Sorter {
    /// Bits per radix digit (2,048 counters, which stay in the first-level cache).
    static let radixDigitBits = 11

    /// The order of `count` rows under `prepared` keys (ties in row order), or nil when the keys'
    /// ranges need more than 64 bits together (or a key is a string compared in place).
    ///
    /// Each key becomes an unsigned code: its normalized value minus the key's least one (the
    /// greatest minus it when descending), with NULL as the code before or after every value.
    /// Codes are packed first key highest, so comparing words compares the keys in order.
    static func packedOrder(
        _ prepared: [(values: KeyValues, nulls: [Bool]?, descending: Bool, nullsFirst: Bool)], count: Int,
        control: QueryControl?
    ) throws(QueryError) -> [Int32]? {
        guard count > 1, count <= Int(Int32.max) else { return nil }
        var normalized: [[Int64]] = []
        var layouts: [(low: Int64, span: UInt64, hasNulls: Bool, width: Int)] = []
        var totalBits = 0
        for key in prepared {
            let values: [Int64]
            switch key.values {
            case .integers(let numbers): values = numbers
            case .doubles(let numbers):
                values = numbers.map(canonicalOrderKey)
            case .strings: return nil
            }
            var low = Int64.max
            var high = Int64.min
            var hasNulls = false
            if let nulls = key.nulls {
                for row in 0..<count {
                    if nulls[row] {
                        hasNulls = true
                    } else {
                        low = min(low, values[row])
                        high = max(high, values[row])
                    }
                }
            } else {
                values.withUnsafeBufferPointer { buffer in
                    for value in buffer {
                        low = min(low, value)
                        high = max(high, value)
                    }
                }
            }
            if low > high { (low, high) = (0, 0) }
            let span = UInt64(bitPattern: high) &- UInt64(bitPattern: low)
            let codes = span.addingReportingOverflow(hasNulls ? 1 : 0)
            if codes.overflow { return nil }
            let width = codes.partialValue == 0 ? 0 : UInt64.bitWidth - codes.partialValue.leadingZeroBitCount
            totalBits += width
            guard totalBits <= 64 else { return nil }
            normalized.append(values)
            layouts.append((low, span, hasNulls, width))
        }
        var words = [UInt64](repeating: 0, count: count)
        for (index, key) in prepared.enumerated() {
            let layout = layouts[index]
            guard layout.width > 0 else { continue }
            let values = normalized[index]
            let nulls = key.nulls ?? []
            let nullCode: UInt64 = key.nullsFirst ? 0 : layout.span &+ (layout.hasNulls ? 1 : 0)
            let shift: UInt64 = key.nullsFirst && layout.hasNulls ? 1 : 0
            let low = UInt64(bitPattern: layout.low)
            let span = layout.span
            let descending = key.descending
            let width = UInt64(layout.width % 64)
            values.withUnsafeBufferPointer { values in
                nulls.withUnsafeBufferPointer { nulls in
                    words.withUnsafeMutableBufferPointer { words in
                        for row in 0..<count {
                            var code = UInt64(bitPattern: values[row]) &- low
                            if descending { code = span &- code }
                            code &+= shift
                            if !nulls.isEmpty && nulls[row] { code = nullCode }
                            words[row] = (words[row] << width) | code
                        }
                    }
                }
            }
        }
        return try radixOrder(words, bits: totalBits, control: control)
    }

    /// Row numbers sorted by `words` (whose values use the low `bits` bits), stable.
    static func radixOrder(_ words: [UInt64], bits: Int, control: QueryControl?) throws(QueryError) -> [Int32] {
        let count = words.count
        var keys = words
        var rows = (0..<count).map { Int32(truncatingIfNeeded: $0) }
        guard bits > 0 else { return rows }
        var nextKeys = [UInt64](repeating: 0, count: count)
        var nextRows = [Int32](repeating: 0, count: count)
        let radix = 1 << radixDigitBits
        let mask = UInt64(radix - 1)
        var counts = [Int](repeating: 0, count: radix)
        var shift = 0
        while shift < bits {
            try control?.check()
            for index in 0..<radix { counts[index] = 0 }
            keys.withUnsafeBufferPointer { source in
                counts.withUnsafeMutableBufferPointer { counts in
                    for key in source { counts[Int((key >> UInt64(shift)) & mask)] += 1 }
                    var total = 0
                    for index in 0..<radix {
                        let size = counts[index]
                        counts[index] = total
                        total += size
                    }
                }
            }
            keys.withUnsafeBufferPointer { sourceKeys in
                rows.withUnsafeBufferPointer { sourceRows in
                    nextKeys.withUnsafeMutableBufferPointer { targetKeys in
                        nextRows.withUnsafeMutableBufferPointer { targetRows in
                            counts.withUnsafeMutableBufferPointer { offsets in
                                for index in 0..<count {
                                    let key = sourceKeys[index]
                                    let digit = Int((key >> UInt64(shift)) & mask)
                                    let target = offsets[digit]
                                    offsets[digit] = target + 1
                                    targetKeys[target] = key
                                    targetRows[target] = sourceRows[index]
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &nextKeys)
            swap(&rows, &nextRows)
            shift += radixDigitBits
        }
        return rows
    }
}
