/// Distinct byte runs of a chunk, numbered in order of first appearance.

import StarlingColumns

/// An open-addressing hash table over borrowed byte runs, giving each distinct run a number. Runs
/// of up to 16 bytes (most dictionary-worthy strings: codes, flags, modes) are hashed and compared
/// from two loads each; longer runs are hashed with xxHash64. The runs must outlive the table.
struct ByteSliceTable {
    private var slots: [Int32]
    private var hashes: [UInt64]
    private let mask: Int
    /// The distinct runs, by number.
    private(set) var distinct: [UnsafeRawBufferPointer] = []
    private(set) var distinctBytes = 0
    let limit: Int

    init(limit: Int) {
        self.limit = limit
        var capacity = 16
        while capacity < limit * 2 { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        hashes = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    /// The number of `bytes`, adding it if new; nil when the table is full and `bytes` is new.
    mutating func number(of bytes: UnsafeRawBufferPointer) -> Int32? {
        let hash = Self.hash(bytes)
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[index]
            if slot < 0 { break }
            if hashes[index] == hash {
                let candidate = distinct[Int(slot)]
                if Self.equal(candidate, bytes) { return slot }
            }
            index = (index + 1) & mask
        }
        guard distinct.count < limit else { return nil }
        let number = Int32(distinct.count)
        slots[index] = number
        hashes[index] = hash
        distinct.append(bytes)
        distinctBytes += bytes.count
        return number
    }

    /// A hash of `bytes` for this table only (never stored).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard bytes.count <= 16, let base = bytes.baseAddress else { return XXHash64.hash(bytes) }
        return ShortByteRun.hash(ShortByteRun.words(base, count: bytes.count), count: bytes.count)
    }

    /// Whether two runs hold the same bytes.
    @inline(__always)
    static func equal(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        guard left.count <= 16, let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return compareBytes(left, right) == 0 }
        return ShortByteRun.words(leftBase, count: left.count) == ShortByteRun.words(rightBase, count: right.count)
    }
}
