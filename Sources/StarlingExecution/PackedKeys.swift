/// Several integer join keys packed into one integer, so a composite key is one index lookup.

import StarlingColumns

/// How the integer keys of a join's build side pack into one 64-bit value: each key's value
/// minus its build-side minimum, in as many bits as the build side's span needs, side by side
/// (`l_partkey` in 21 bits beside `l_suppkey` in 17 at TPC-H SF 10). Two packed values are equal
/// exactly when every key is, so the packed value is indexed and probed like one key column.
/// A probe value outside a key's build-side range, or NULL, can match nothing: its row is
/// flagged NULL and finds no number.
struct PackedKeys: Sendable {
    /// Per key: its build-side minimum, and where its bits start.
    let lows: [Int64]
    let shifts: [UInt64]
    /// Per key: the largest offset from the minimum the build side has.
    let spans: [UInt64]

    /// The packing for `keys` (the build side's key vectors, `count` rows), or nil when one is
    /// not integer-valued or their spans need more than 62 bits together.
    init?(build keys: [Vector], count: Int) {
        var lows: [Int64] = []
        var shifts: [UInt64] = []
        var spans: [UInt64] = []
        var bits: UInt64 = 0
        for vector in keys {
            guard case .integers(let values) = vector.data, values.count >= count else { return nil }
            let (low, high) = values.withUnsafeBufferPointer { values in
                IntegerHashIndex.range(UnsafeBufferPointer(rebasing: values[0..<count]), nulls: vector.nulls)
            }
            // Every build key NULL: any range does, and nothing matches anyway.
            let span = low > high ? 0 : UInt64(bitPattern: high &- low)
            if low <= high, high.subtractingReportingOverflow(low).overflow { return nil }
            let width = UInt64(64 - span.leadingZeroBitCount)
            lows.append(low > high ? 0 : low)
            shifts.append(bits)
            spans.append(span)
            bits += width
            guard bits <= 62 else { return nil }
        }
        self.lows = lows
        self.shifts = shifts
        self.spans = spans
    }

    /// `keys` (`count` rows, integer-valued, one vector per key) packed into one BIGINT vector;
    /// a row with a NULL key or a value outside that key's build-side range is NULL.
    func pack(_ keys: [Vector], count: Int) -> Vector {
        var packed = [Int64](repeating: 0, count: count)
        var outside = [Bool](repeating: false, count: count)
        for (key, vector) in keys.enumerated() {
            guard case .integers(let values) = vector.data, values.count >= count else {
                for row in 0..<count { outside[row] = true }
                continue
            }
            let low = lows[key]
            let shift = shifts[key]
            let span = spans[key]
            values.withUnsafeBufferPointer { values in
                packed.withUnsafeMutableBufferPointer { packed in
                    outside.withUnsafeMutableBufferPointer { outside in
                        for row in 0..<count {
                            let offset = UInt64(bitPattern: values[row] &- low)
                            // Below the minimum wraps to a huge offset: outside too.
                            let out = offset > span || values[row] < low
                            outside[row] = outside[row] || out
                            packed[row] |= Int64(bitPattern: (out ? 0 : offset) << shift)
                        }
                    }
                }
            }
            if let nulls = vector.nulls {
                for row in 0..<count where nulls[row] { outside[row] = true }
            }
        }
        return Vector(type: .bigint, count: count, data: .integers(packed), nulls: outside)
    }
}
