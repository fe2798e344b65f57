/// Dictionaries of a column chunk's values, for RLE_DICTIONARY pages.

import StarlingEncoding

/// A column chunk's distinct values in order of first appearance and each value's index among
/// them, built with an open-addressing table (linear probing, load at most a half) that gives up
/// once there are more than `limit` distinct values: a column that many values cannot shrink
/// much by a dictionary.
struct ParquetDictionary {
    /// Each value's entry.
    private(set) var indices: [UInt32]
    /// For integers (and doubles' bit patterns): the entries' values. For strings: the value
    /// index of each entry's first appearance.
    private(set) var entries: [Int64]

    private init(indices: [UInt32], entries: [Int64]) {
        self.indices = indices
        self.entries = entries
    }

    /// The dictionary of 64-bit `values`; nil past `limit` entries.
    static func integers(_ values: UnsafeBufferPointer<Int64>, limit: Int) -> ParquetDictionary? {
        var table = Table()
        var entries: [Int64] = []
        var indices = [UInt32](repeating: 0, count: values.count)
        for (position, value) in values.enumerated() {
            let hash = UInt64(bitPattern: value) &* 0x9E37_79B9_7F4A_7C15
            var slot = table.slot(for: hash)
            while true {
                let entry = table.slots[slot]
                if entry < 0 {
                    guard entries.count < limit else { return nil }
                    table.slots[slot] = Int32(entries.count)
                    indices[position] = UInt32(entries.count)
                    entries.append(value)
                    if table.needsGrowth(entries.count) {
                        table.grow(entries.count) { UInt64(bitPattern: entries[$0]) &* 0x9E37_79B9_7F4A_7C15 }
                    }
                    break
                }
                if entries[Int(entry)] == value {
                    indices[position] = UInt32(entry)
                    break
                }
                slot = (slot + 1) & table.mask
            }
        }
        return ParquetDictionary(indices: indices, entries: entries)
    }

    /// The dictionary of the strings of `column`; nil past `limit` entries.
    static func strings(_ column: ParquetColumnBuffer, limit: Int) -> ParquetDictionary? {
        column.stringBytes.withUnsafeBufferPointer { bytes in
            var table = Table()
            var entries: [Int64] = []
            var hashes: [UInt64] = []
            let count = column.valueCount
            var indices = [UInt32](repeating: 0, count: count)
            for position in 0..<count {
                let value = column.string(position, in: bytes)
                let hash = XXHash64.hash(UnsafeRawBufferPointer(value))
                var slot = table.slot(for: hash)
                while true {
                    let entry = table.slots[slot]
                    if entry < 0 {
                        guard entries.count < limit else { return nil }
                        table.slots[slot] = Int32(entries.count)
                        indices[position] = UInt32(entries.count)
                        entries.append(Int64(position))
                        hashes.append(hash)
                        if table.needsGrowth(entries.count) { table.grow(entries.count) { hashes[$0] } }
                        break
                    }
                    if hashes[Int(entry)] == hash,
                        value.elementsEqual(column.string(Int(entries[Int(entry)]), in: bytes))
                    {
                        indices[position] = UInt32(entry)
                        break
                    }
                    slot = (slot + 1) & table.mask
                }
            }
            return ParquetDictionary(indices: indices, entries: entries)
        }
    }

    /// The slots: each an entry number, or -1.
    private struct Table {
        var slots: [Int32]
        var mask: Int

        init() {
            let capacity = 1024
            slots = [Int32](repeating: -1, count: capacity)
            mask = capacity - 1
        }

        func slot(for hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> 32) & mask }

        func needsGrowth(_ entries: Int) -> Bool { entries * 2 > slots.count }

        /// Doubles the table, placing each of the `entries` again by its hash.
        mutating func grow(_ entries: Int, _ hash: (Int) -> UInt64) {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            mask = slots.count - 1
            for entry in 0..<entries {
                var slot = self.slot(for: hash(entry))
                while slots[slot] >= 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(entry)
            }
        }
    }
}
