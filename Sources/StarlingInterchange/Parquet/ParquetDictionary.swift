/// Dictionaries of a column chunk's values, for RLE_DICTIONARY pages.

import StarlingColumns
import StarlingEncoding

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    /// The dictionary of 64-bit `values`; nil past `limit` entries. Values within a range of
    /// at most ``directRange`` (or four per value) are numbered through an array indexed by
    /// value, the rest through a hash table.
    static func integers(_ values: UnsafeBufferPointer<Int64>, limit: Int) -> ParquetDictionary? {
        guard let first = values.first else { return ParquetDictionary(indices: [], entries: []) }
        var low = first
        var high = first
        for value in values {
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        let (span, overflow) = high.subtractingReportingOverflow(low)
        if !overflow, span < Swift.max(directRange, 4 * values.count) {
            return direct(values, low: low, span: Int(span), limit: limit)
        }
        return hashed(values, limit: limit)
    }

    /// A hash table gives up after this many values if more than half of them were distinct:
    /// values that varied cannot shrink enough by a dictionary to pay for hashing them all.
    static let sample = 8192

    /// Ranges of values numbered through an array (4 bytes per value in the range).
    static let directRange = 1 << 16

    private static func direct(
        _ values: UnsafeBufferPointer<Int64>, low: Int64, span: Int, limit: Int
    ) -> ParquetDictionary? {
        var numbers = [Int32](repeating: -1, count: span + 1)
        var entries: [Int64] = []
        let indices = [UInt32](unsafeUninitializedCapacity: values.count) { indices, initialized in
            numbers.withUnsafeMutableBufferPointer { numbers in
                for (position, value) in values.enumerated() {
                    // In range: `low` and `low + span` bound every value.
                    let slot = Int(value &- low)
                    var number = numbers[slot]
                    if number < 0 {
                        guard entries.count < limit else { return }
                        number = Int32(entries.count)
                        numbers[slot] = number
                        entries.append(value)
                    }
                    indices[position] = UInt32(number)
                    initialized = position + 1
                }
            }
        }
        guard indices.count == values.count else { return nil }
        return ParquetDictionary(indices: indices, entries: entries)
    }

    private static func hashed(_ values: UnsafeBufferPointer<Int64>, limit: Int) -> ParquetDictionary? {
        let mixer: UInt64 = 0x9E37_79B9_7F4A_7C15
        guard
            let (indices, firsts) = numbered(
                count: values.count, limit: limit, hash: { UInt64(bitPattern: values[$0]) &* mixer },
                same: { values[$0] == values[$1] })
        else { return nil }
        return ParquetDictionary(indices: indices, entries: firsts.map { values[$0] })
    }

    /// The dictionary of the strings of `column`; nil past `limit` entries.
    static func strings(_ column: ParquetColumnBuffer, limit: Int) -> ParquetDictionary? {
        column.stringBytes.withUnsafeBufferPointer { bytes in
            guard
                let (indices, firsts) = numbered(
                    count: column.valueCount, limit: limit, hash: { Self.hash(column.string($0, in: bytes)) },
                    same: { Self.equal(column.string($0, in: bytes), column.string($1, in: bytes)) })
            else { return nil }
            return ParquetDictionary(indices: indices, entries: firsts.map { Int64($0) })
        }
    }

    /// Numbers `count` values by first appearance through the hash table: each value's entry, and
    /// each entry's first position; nil past `limit` entries, or when more than half of the first
    /// ``sample`` values differ. `same(a, b)` compares the values at positions `a` and `b`.
    private static func numbered(
        count: Int, limit: Int, hash: (Int) -> UInt64, same: (Int, Int) -> Bool
    ) -> (indices: [UInt32], firsts: [Int])? {
        var table = Table()
        var firsts: [Int] = []
        var hashes: [UInt64] = []
        var indices = [UInt32](repeating: 0, count: count)
        for position in 0..<count {
            if position == sample && firsts.count * 2 > sample { return nil }
            let code = hash(position)
            var slot = table.slot(for: code)
            while true {
                let entry = table.slots[slot]
                if entry < 0 {
                    guard firsts.count < limit else { return nil }
                    table.slots[slot] = Int32(firsts.count)
                    indices[position] = UInt32(firsts.count)
                    firsts.append(position)
                    hashes.append(code)
                    if table.needsGrowth(firsts.count) { table.grow(firsts.count) { hashes[$0] } }
                    break
                }
                if hashes[Int(entry)] == code, same(firsts[Int(entry)], position) {
                    indices[position] = UInt32(entry)
                    break
                }
                slot = (slot + 1) & table.mask
            }
        }
        return (indices, firsts)
    }

    /// A string's hash: two loads for one of at most 16 bytes, xxHash64 for longer ones.
    @inline(__always)
    static func hash(_ value: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard value.count <= ShortByteRun.limit else { return XXHash64.hash(UnsafeRawBufferPointer(value)) }
        guard let base = value.baseAddress else { return 0 }
        return ShortByteRun.hash(ShortByteRun.words(UnsafeRawPointer(base), count: value.count), count: value.count)
    }

    @inline(__always)
    static func equal(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        guard let a = left.baseAddress, let b = right.baseAddress else { return true }
        return memcmp(a, b, left.count) == 0
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
