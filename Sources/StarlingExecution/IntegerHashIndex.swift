/// A hash index over single 64-bit integer keys: the typed fast path of joins and aggregates.

/// Maps 64-bit integer keys to dense numbers 0, 1, 2, … in order of first insertion.
///
/// The common join and group key is one integer column (`l_orderkey`, `o_custkey`). The general
/// ``KeyTable`` encodes every row's key into a tuple of words with a NULL-flag word first; this
/// index keeps the key itself in its slot, next to the number, in two flat buffers, and hashes it
/// with one multiplication (Fibonacci hashing: the top bits of `key × 2⁶⁴/φ`). Linear probing;
/// the load factor stays at most one half. NULL keys are the caller's business (they never
/// reach the index). Not thread-safe: one writer, or any number of readers once built.
final class IntegerHashIndex {
    /// Keys by slot; meaningful where `slotNumbers` is not -1 (hashed mode only).
    private var slotKeys: UnsafeMutablePointer<Int64>
    /// The number of the key in each slot, -1 for an empty slot. In direct mode slot `k - base`
    /// belongs to key `k`.
    private var slotNumbers: UnsafeMutablePointer<Int32>
    private var capacity: Int
    private var shift: UInt64
    /// Direct mode: keys are slots' offsets from `base` (no hashing, no key comparison, and keys
    /// that arrive in order touch memory in order). Left for hashed mode when a key falls so far
    /// outside the range that the slots would outnumber the keys by too much.
    private var direct: Bool
    private var base: Int64 = 0
    /// Keys by number, `count` of them (0 for the NULL key's number).
    private(set) var keys: [Int64] = []
    /// The number given to NULL by ``findOrInsertNull()``, -1 until then. (Joins never insert
    /// NULL; a GROUP BY makes it one group.)
    private(set) var nullNumber: Int32 = -1

    var count: Int { keys.count }

    /// The most slots direct mode uses (256 MiB of numbers).
    static let directSlotLimit = 1 << 26

    /// Whether `span` slots are few enough, in direct mode, for `keyCount` keys.
    @inline(__always)
    static func directFits(span: Int, keyCount: Int) -> Bool {
        span <= directSlotLimit && span <= 8 * keyCount + 65_536
    }

    /// An index sized for `expected` keys without growing; direct when `range` (the smallest and
    /// largest key to come, if known) is narrow enough.
    init(expected: Int = 16, range: (low: Int64, high: Int64)? = nil) {
        if let range, range.high >= range.low, let span = Self.span(range.low, range.high), Self.directFits(span: span, keyCount: expected) {
            direct = true
            base = range.low
            capacity = span
            shift = 0
        } else {
            direct = false
            var size = 16
            while size < expected * 2 { size <<= 1 }
            capacity = size
            shift = UInt64(64 - size.trailingZeroBitCount)
        }
        slotKeys = .allocate(capacity: direct ? 1 : capacity)
        slotNumbers = .allocate(capacity: capacity)
        slotNumbers.initialize(repeating: -1, count: capacity)
        keys.reserveCapacity(expected)
    }

    deinit {
        slotKeys.deallocate()
        slotNumbers.deallocate()
    }

    /// `high - low + 1` when it fits an Int.
    @inline(__always)
    static func span(_ low: Int64, _ high: Int64) -> Int? {
        let (difference, overflow) = high.subtractingReportingOverflow(low)
        guard !overflow, difference < Int64(Int.max) else { return nil }
        return Int(difference) + 1
    }

    @inline(__always)
    private func slot(of key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The number of `key`, inserting it when new.
    @inline(__always)
    func findOrInsert(_ key: Int64) -> Int32 {
        if direct {
            let offset = key &- base
            if offset >= 0 && offset < Int64(capacity) && (key >= base) {
                let slot = Int(offset)
                let number = slotNumbers[slot]
                if number >= 0 { return number }
                let new = Int32(truncatingIfNeeded: keys.count)
                slotNumbers[slot] = new
                keys.append(key)
                return new
            }
            widen(toInclude: key)
            return findOrInsert(key)
        }
        if keys.count * 2 >= capacity { rehash(to: capacity * 2) }
        let mask = capacity - 1
        var slot = slot(of: key)
        while true {
            let number = slotNumbers[slot]
            if number < 0 {
                let new = Int32(truncatingIfNeeded: keys.count)
                slotNumbers[slot] = new
                slotKeys[slot] = key
                keys.append(key)
                return new
            }
            if slotKeys[slot] == key { return number }
            slot = (slot + 1) & mask
        }
    }

    /// The number of the NULL key, numbered like any other key when first asked for.
    func findOrInsertNull() -> Int32 {
        if nullNumber < 0 {
            nullNumber = Int32(truncatingIfNeeded: keys.count)
            keys.append(0)
        }
        return nullNumber
    }

    /// The number of `key`, or -1 when absent.
    @inline(__always)
    func find(_ key: Int64) -> Int32 {
        if direct {
            let offset = key &- base
            guard offset >= 0 && offset < Int64(capacity) && key >= base else { return -1 }
            return slotNumbers[Int(offset)]
        }
        let mask = capacity - 1
        var slot = slot(of: key)
        while true {
            let number = slotNumbers[slot]
            if number < 0 || slotKeys[slot] == key { return number }
            slot = (slot + 1) & mask
        }
    }

    /// The numbers of `values`, inserting new keys; rows flagged in `nulls` get -1.
    func findOrInsert(_ values: UnsafeBufferPointer<Int64>, nulls: [Bool]?, into numbers: UnsafeMutableBufferPointer<Int32>) {
        precondition(numbers.count >= values.count)
        if !direct && keys.count + values.count > capacity / 2 { reserve(keys.count + values.count) }
        for row in 0..<values.count {
            if let nulls, nulls[row] { numbers[row] = -1; continue }
            numbers[row] = findOrInsert(values[row])
        }
    }

    /// Room for `total` keys without growing (hashed mode).
    func reserve(_ total: Int) {
        guard !direct else { return }
        var size = capacity
        while size < total * 2 { size <<= 1 }
        if size > capacity { rehash(to: size) }
    }

    /// Direct mode, `key` outside the range: a wider range while it stays narrow enough (twice
    /// the needed width, so keys arriving in order widen it rarely), hashed mode otherwise.
    private func widen(toInclude key: Int64) {
        let low = Swift.min(base, key)
        let high = Swift.max(base &+ Int64(capacity - 1), key)
        if let needed = Self.span(low, high), Self.directFits(span: needed, keyCount: keys.count + 1) {
            let size = Swift.min(Swift.max(needed, capacity * 2), Swift.max(needed, Self.directSlotLimit))
            // The room beyond what is needed goes above: keys arriving in descending order
            // still widen at most once per doubling.
            let newBase = low
            let numbers = UnsafeMutablePointer<Int32>.allocate(capacity: size)
            numbers.initialize(repeating: -1, count: size)
            let shiftBy = Int(base &- newBase)
            (numbers + shiftBy).update(from: slotNumbers, count: capacity)
            slotNumbers.deallocate()
            slotNumbers = numbers
            capacity = size
            base = newBase
            return
        }
        direct = false
        var size = 16
        while size < (keys.count + 1) * 2 { size <<= 1 }
        rehash(to: size)
    }

    private func rehash(to size: Int) {
        slotKeys.deallocate()
        slotNumbers.deallocate()
        capacity = size
        shift = UInt64(64 - size.trailingZeroBitCount)
        slotKeys = .allocate(capacity: size)
        slotNumbers = .allocate(capacity: size)
        slotNumbers.initialize(repeating: -1, count: size)
        let mask = size - 1
        keys.withUnsafeBufferPointer { keys in
            for number in 0..<keys.count where number != Int(nullNumber) {
                var slot = slot(of: keys[number])
                while slotNumbers[slot] >= 0 { slot = (slot + 1) & mask }
                slotNumbers[slot] = Int32(truncatingIfNeeded: number)
                slotKeys[slot] = keys[number]
            }
        }
    }

    /// Approximate bytes held.
    var byteCount: Int { capacity * (direct ? 4 : 12) + keys.capacity * 8 }
}
