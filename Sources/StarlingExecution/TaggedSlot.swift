/// The slot word of the executor's open-addressing tables: an entry's number and a tag of its hash.

/// A slot of ``KeyTable`` and ``StringInterner``: the upper 32 bits of the entry's hash beside
/// its number (below 2³¹), in one word. A probe compares tags in the slot array itself and reads
/// an entry's stored key only when the tag matches, so a miss touches one cache line, not the
/// key's hash, offsets and bytes elsewhere in memory. The slot index comes from the hash's
/// lower bits, so tag and index are independent.
enum TaggedSlot {
    /// An empty slot: no number reaches 2³² − 1.
    static let empty = UInt64.max

    @inline(__always)
    static func make(hash: UInt64, number: Int) -> UInt64 {
        (hash & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(truncatingIfNeeded: number))
    }

    @inline(__always)
    static func number(_ slot: UInt64) -> Int { Int(slot & 0xFFFF_FFFF) }

    /// Whether `slot` (not empty) may hold the entry hashed `hash`.
    @inline(__always)
    static func matches(_ slot: UInt64, hash: UInt64) -> Bool {
        (slot ^ hash) & 0xFFFF_FFFF_0000_0000 == 0
    }

    /// Room for `count` empty slots.
    static func allocate(_ count: Int) -> UnsafeMutablePointer<UInt64> {
        let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        slots.initialize(repeating: empty, count: count)
        return slots
    }
}
