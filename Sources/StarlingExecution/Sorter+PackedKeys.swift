/// A full sort whose keys, each cut to the bits its range of values needs, fit together in one
/// 64-bit word per row: the words sorted by ``SortOrder``'s least-significant-digit radix sort
/// (the one segment sort keys use), with no comparison function at all.

import StarlingColumns

extension Sorter {
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
            } else if let bounds = AggregateState.bounds(values, count: count) {
                (low, high) = bounds
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
        let rows = (0..<count).map { Int32(truncatingIfNeeded: $0) }
        return try SortOrder.radixSort(rows: rows, keys: words, bits: totalBits) { () throws(QueryError) in
            try control?.check()
        }
    }
}
