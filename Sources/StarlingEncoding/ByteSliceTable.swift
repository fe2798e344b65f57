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

    /// The first and last (up to) eight bytes of a run of at most 16, as two words that together
    /// hold every byte (overlapping when the run is shorter than 16).
    @inline(__always)
    static func shortWords(_ base: UnsafeRawPointer, count: Int) -> (UInt64, UInt64) {
        if count >= 8 { return (base.loadUnaligned(as: UInt64.self), (base + count - 8).loadUnaligned(as: UInt64.self)) }
        if count >= 4 { return (UInt64(base.loadUnaligned(as: UInt32.self)), UInt64((base + count - 4).loadUnaligned(as: UInt32.self))) }
        if count > 0 {
            return (UInt64(base.load(as: UInt8.self)) | UInt64(base.load(fromByteOffset: count >> 1, as: UInt8.self)) << 8,
                    UInt64(base.load(fromByteOffset: count - 1, as: UInt8.self)))
        }
        return (0, 0)
    }

    /// A hash of `bytes` for this table only (never stored).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard bytes.count <= 16, let base = bytes.baseAddress else { return XXHash64.hash(bytes) }
        let (first, last) = shortWords(base, count: bytes.count)
        // Two multiplications, then MurmurHash3's finalizer so the low bits (the slot) mix well.
        var hash = (first &* 0x9E37_79B9_7F4A_7C15) ^ ((last ^ UInt64(bytes.count)) &* 0xC2B2_AE3D_27D4_EB4F)
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 33)
    }

    /// Whether two runs hold the same bytes.
    @inline(__always)
    static func equal(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        guard left.count <= 16, let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return compareBytes(left, right) == 0 }
        return shortWords(leftBase, count: left.count) == shortWords(rightBase, count: right.count)
    }
}
