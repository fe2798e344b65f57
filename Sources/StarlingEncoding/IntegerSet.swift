/// A fast set of 64-bit integers for counting distinct values in a chunk.

/// Open addressing with linear probing over a power-of-two table; no allocation after `init`,
/// no per-insert hashing beyond one multiply-shift. Stops growing at `limit` values.
struct IntegerSet {
    private var slots: [Int64]
    private var used: [Bool]
    private let mask: Int
    private(set) var count = 0
    let limit: Int

    /// A set that can hold up to `limit` values (at most half full).
    init(limit: Int) {
        self.limit = limit
        var capacity = 16
        while capacity < limit * 2 { capacity <<= 1 }
        slots = [Int64](repeating: 0, count: capacity)
        used = [Bool](repeating: false, count: capacity)
        mask = capacity - 1
    }

    /// Inserts `value`; returns false when the set is full and the value is new.
    @inline(__always)
    mutating func insert(_ value: Int64) -> Bool {
        var index = Int(truncatingIfNeeded: (UInt64(bitPattern: value) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while used[index] {
            if slots[index] == value { return true }
            index = (index + 1) & mask
        }
        guard count < limit else { return false }
        used[index] = true
        slots[index] = value
        count += 1
        return true
    }

    /// Every value, in no particular order.
    var values: [Int64] {
        var result: [Int64] = []
        result.reserveCapacity(count)
        for index in slots.indices where used[index] { result.append(slots[index]) }
        return result
    }
}
