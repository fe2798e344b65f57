/// A bucket of a window operator's rows in sorted order: where its partitions and peer groups
/// start, and the key hashing that spreads rows over buckets.

import StarlingColumns

/// One bucket's rows sorted by partition then order keys, with the boundaries every window
/// function of the sort reads. Positions are indices into `order` (0..<count).
struct WindowPartitions {
    /// Input rows, sorted.
    let order: [Int32]
    /// Each partition's first position, then `count`.
    let partitionStarts: [Int]
    /// Each peer group's first position (rows equal under ORDER BY, all of a partition without
    /// it), then `count`; no peer group spans two partitions.
    let peerStarts: [Int32]
    /// The peer group of each position (an index into `peerStarts`).
    let peerGroup: [Int32]
    /// The ORDER BY vectors, in sorted order (RANGE frames search the first).
    let orderKeys: [Vector]

    var count: Int { order.count }

    init(order: [Int32], partitionKeys: [Vector], orderKeys: [Vector]) {
        let count = order.count
        self.order = order
        self.orderKeys = orderKeys
        var partitionStarts: [Int] = []
        var peerStarts: [Int32] = []
        var peerGroup = [Int32](repeating: 0, count: count)
        let partitionChanges = WindowKeys.changes(partitionKeys, count: count)
        let orderChanges = WindowKeys.changes(orderKeys, count: count)
        for position in 0..<count {
            let newPartition = position == 0 || partitionChanges[position]
            if newPartition { partitionStarts.append(position) }
            if newPartition || orderChanges[position] {
                peerStarts.append(Int32(position))
            }
            peerGroup[position] = Int32(peerStarts.count - 1)
        }
        partitionStarts.append(count)
        peerStarts.append(Int32(count))
        self.partitionStarts = partitionStarts
        self.peerStarts = peerStarts
        self.peerGroup = peerGroup
    }

    /// The first position of `position`'s peer group.
    @inline(__always)
    func peerStart(_ position: Int) -> Int { Int(peerStarts[Int(peerGroup[position])]) }

    /// The position after `position`'s peer group.
    @inline(__always)
    func peerEnd(_ position: Int) -> Int { Int(peerStarts[Int(peerGroup[position]) + 1]) }
}

/// Comparing and hashing window keys.
enum WindowKeys {
    /// For each of the first `count` rows, whether it differs from the row before in any of
    /// `vectors` (row 0: false). NULLs equal each other; doubles compare as values, so -0 equals
    /// 0, and NaN equals NaN; intervals as SQL compares them. Each vector's type is looked at
    /// once, then its values are compared in one loop (per row pair, the enum's arrays were
    /// retained and released: 45% of a two-window query's time).
    static func changes(_ vectors: [Vector], count: Int) -> [Bool] {
        var flags = [Bool](repeating: false, count: count)
        guard count > 1 else { return flags }
        flags.withUnsafeMutableBufferPointer { flags in
            for vector in vectors {
                let nulls = vector.nulls
                // Rows past a short vector's end (none, when vectors are whole) are left alone.
                let rows = min(count, vector.count, nulls?.count ?? count)
                // Marks the rows that differ from the one before: by NULL-ness, or both not NULL
                // and `differs` says so.
                func mark(_ length: Int, _ differs: (Int) -> Bool) {
                    let end = max(1, min(rows, length))
                    if let nulls {
                        for row in 1..<end {
                            let (before, this) = (nulls[row - 1], nulls[row])
                            if before != this || (!this && differs(row)) { flags[row] = true }
                        }
                    } else {
                        for row in 1..<end where differs(row) { flags[row] = true }
                    }
                }
                switch vector.data {
                case .integers(let values):
                    values.withUnsafeBufferPointer { values in mark(values.count) { values[$0] != values[$0 - 1] } }
                case .doubles(let values):
                    values.withUnsafeBufferPointer { values in
                        mark(values.count) { row in
                            let (x, y) = (values[row - 1], values[row])
                            return x != y && !(x.isNaN && y.isNaN)
                        }
                    }
                case .booleans(let values):
                    values.withUnsafeBufferPointer { values in mark(values.count) { values[$0] != values[$0 - 1] } }
                case .dictionary(let codes, let dictionary):
                    codes.withUnsafeBufferPointer { codes in
                        mark(codes.count) { row in
                            codes[row] != codes[row - 1]
                                && compareBytes(
                                    dictionary.bytes(at: Int(codes[row - 1])), dictionary.bytes(at: Int(codes[row])))
                                    != 0
                        }
                    }
                case .strings(let strings):
                    mark(strings.count) { compareBytes(strings.bytes(at: $0 - 1), strings.bytes(at: $0)) != 0 }
                case .intervals(let values):
                    values.withUnsafeBufferPointer { values in
                        mark(values.count) { values[$0].compare(values[$0 - 1]) != 0 }
                    }
                }
            }
        }
        return flags
    }

    /// Rows spread over `buckets` by a hash of their `vectors` values (equal keys, one bucket),
    /// each bucket's rows in input order.
    static func buckets(_ vectors: [Vector], count: Int, buckets: Int) -> [[Int32]] {
        guard buckets > 1 else { return [(0..<count).map { Int32($0) }] }
        var hashes = [UInt64](repeating: 0x9E37_79B9_7F4A_7C15, count: count)
        for vector in vectors { mix(vector, into: &hashes) }
        var sizes = [Int](repeating: 0, count: buckets)
        for hash in hashes { sizes[Int(hash % UInt64(buckets))] += 1 }
        var result = sizes.map { size -> [Int32] in
            var rows: [Int32] = []
            rows.reserveCapacity(size)
            return rows
        }
        for (row, hash) in hashes.enumerated() { result[Int(hash % UInt64(buckets))].append(Int32(row)) }
        return result
    }

    /// Each row's value of `vector` mixed into its hash (NULL as one constant).
    static func mix(_ vector: Vector, into hashes: inout [UInt64]) {
        let nulls = vector.nulls
        let nullValue: UInt64 = 0x5555_5555_5555_5555
        @inline(__always) func combine(_ row: Int, _ value: UInt64) {
            var x = (hashes[row] ^ (nulls?[row] == true ? nullValue : value)) &* 0xBF58_476D_1CE4_E5B9
            x ^= x >> 31
            hashes[row] = x &* 0x94D0_49BB_1331_11EB
        }
        switch vector.data {
        case .integers(let values):
            for row in hashes.indices { combine(row, UInt64(bitPattern: values[row])) }
        case .doubles(let values):
            for row in hashes.indices {
                let value = values[row]
                combine(row, (value.isNaN ? Double.nan : (value == 0 ? 0 : value)).bitPattern)
            }
        case .booleans(let values):
            for row in hashes.indices { combine(row, values[row] ? 1 : 0) }
        case .dictionary(let codes, let dictionary):
            let entries = (0..<dictionary.count).map { bytesHash(dictionary.bytes(at: $0)) }
            for row in hashes.indices {
                let code = Int(codes[row])
                combine(row, code < entries.count ? entries[code] : 0)
            }
        case .strings(let strings):
            for row in hashes.indices { combine(row, bytesHash(strings.bytes(at: row))) }
        case .intervals(let values):
            // Equal intervals (30 days and 1 month) share a normalised key, hence a hash.
            for row in hashes.indices {
                let key = values[row].orderKey
                combine(row, UInt64(bitPattern: key.months) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: key.micros))
            }
        }
    }

    /// FNV-1a of a string's bytes.
    static func bytesHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }
}
