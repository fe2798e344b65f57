/// A hash index over single 64-bit integer keys: the typed fast path of joins and aggregates.

import CPrefetch

/// Maps 64-bit integer keys to dense numbers 0, 1, 2, … in order of first insertion.
///
/// The common join and group key is one integer column (`l_orderkey`, `o_custkey`). The general
/// ``KeyTable`` encodes every row's key into a tuple of words with a NULL-flag word first; this
/// index keeps the key itself in its slot, next to the number, in flat buffers.
///
/// Two modes. *Direct*: when the keys' range is narrow (at most 16 slots per key, plus 64 K,
/// and at most 2²⁶ slots), slot `k - base` belongs to key `k`: no hashing, no comparison, and
/// keys that arrive in order touch memory in order. The range widens as keys arrive. *Hashed*:
/// otherwise, Fibonacci hashing (the top bits of `key × 2⁶⁴/φ`) with linear probing at a load
/// factor of at most one half. Batches are checked once, up front, so the per-row loops neither
/// grow nor change mode. NULL keys are the caller's business; ``findOrInsertNull()`` gives NULL
/// a number of its own for GROUP BY. Not thread-safe: one writer, or readers once built.
final class IntegerHashIndex {
    /// Keys by slot (hashed mode only; meaningful where `slotNumbers` is not -1).
    private var slotKeys: UnsafeMutablePointer<Int64>
    /// The number of the key in each slot, -1 for an empty slot.
    private var slotNumbers: UnsafeMutablePointer<Int32>
    private var capacity: Int
    private var shift: UInt64
    private var direct: Bool
    private var base: Int64 = 0
    /// Keys by number (`count` of them; 0 for NULL's number).
    private var keyStorage: UnsafeMutablePointer<Int64>
    private var keyCapacity: Int
    private(set) var count = 0
    /// Whether ``reserve(keys:low:high:)`` chose the mode: the first batch does not again.
    private var reserved = false
    /// The number given to NULL by ``findOrInsertNull()``, -1 until then.
    private(set) var nullNumber: Int32 = -1

    /// The most slots direct mode uses (256 MiB of numbers).
    static let directSlotLimit = 1 << 26

    /// Whether `span` slots are few enough, in direct mode, for `keyCount` keys.
    @inline(__always)
    static func directFits(span: Int, keyCount: Int) -> Bool {
        span <= directSlotLimit && span <= 16 * keyCount + 65_536
    }

    /// An empty index with room for `expected` keys by number. Its slots are sized by the first
    /// batch, which also decides the mode: direct when that batch's keys are narrow enough.
    init(expected: Int = 16) {
        direct = false
        capacity = Self.hashedSize(for: 0)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        slotKeys = .allocate(capacity: capacity)
        slotNumbers = .allocate(capacity: capacity)
        slotNumbers.initialize(repeating: -1, count: capacity)
        keyCapacity = max(16, expected)
        keyStorage = .allocate(capacity: keyCapacity)
    }

    /// A built direct-mode index taking over its buffers: `slotNumbers` (`span` slots, slot `k -
    /// base` holding key `k`'s number or -1) and `keys` (room for `keyCapacity` keys by number,
    /// the first `count` set). Preconditions: every number in the slots is below `count`, and
    /// `keys[n]` is the key whose slot holds `n`.
    init(
        directSlots slotNumbers: UnsafeMutablePointer<Int32>, base: Int64, span: Int,
        keys: UnsafeMutablePointer<Int64>, keyCapacity: Int, count: Int
    ) {
        direct = true
        reserved = true
        self.base = base
        capacity = span
        shift = 0
        slotKeys = .allocate(capacity: 1)
        self.slotNumbers = slotNumbers
        keyStorage = keys
        self.keyCapacity = keyCapacity
        self.count = count
    }

    deinit {
        slotKeys.deallocate()
        slotNumbers.deallocate()
        keyStorage.deallocate()
    }

    /// Keys by number.
    var keys: [Int64] { Array(UnsafeBufferPointer(start: keyStorage, count: count)) }

    /// `high - low + 1` when it fits an Int.
    @inline(__always)
    static func span(_ low: Int64, _ high: Int64) -> Int? {
        let (difference, overflow) = high.subtractingReportingOverflow(low)
        guard !overflow, difference < Int64(Int.max) else { return nil }
        return Int(difference) + 1
    }

    static func hashedSize(for keys: Int) -> Int {
        var size = 16
        while size < keys * 2 { size <<= 1 }
        return size
    }

    @inline(__always)
    private static func hashSlot(_ key: Int64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Room for `total` keys by number.
    private func reserveKeys(_ total: Int) {
        guard total > keyCapacity else { return }
        let newCapacity = max(total, keyCapacity * 2)
        let storage = UnsafeMutablePointer<Int64>.allocate(capacity: newCapacity)
        storage.update(from: keyStorage, count: count)
        keyStorage.deallocate()
        keyStorage = storage
        keyCapacity = newCapacity
    }

    /// Makes room for `incoming` more keys lying in `low...high`: widens direct mode or leaves
    /// it, or grows the hashed table, so that inserting them changes nothing else.
    private func prepare(incoming: Int, low: Int64, high: Int64) {
        reserveKeys(count + incoming + 1)
        if direct {
            let newLow = Swift.min(base, low)
            let newHigh = Swift.max(base &+ Int64(capacity - 1), high)
            if newLow == base && newHigh == base &+ Int64(capacity - 1) { return }
            if let needed = Self.span(newLow, newHigh), Self.directFits(span: needed, keyCount: count + incoming) {
                // Twice what is needed when growing upwards, so keys arriving in order widen the
                // range once per doubling.
                let size = Swift.min(Swift.max(needed, capacity * 2), Swift.max(needed, Self.directSlotLimit))
                let numbers = UnsafeMutablePointer<Int32>.allocate(capacity: size)
                numbers.initialize(repeating: -1, count: size)
                (numbers + Int(base &- newLow)).update(from: slotNumbers, count: capacity)
                slotNumbers.deallocate()
                slotNumbers = numbers
                capacity = size
                base = newLow
                return
            }
            direct = false
            rehash(to: Self.hashedSize(for: count + incoming))
        } else if (count + incoming) * 2 > capacity {
            // Keys that came spread out at first (a GROUP BY over customer keys, each batch
            // reaching across the whole range) may be dense enough by now for direct slots:
            // switch rather than grow the hashed table.
            if let (keysLow, keysHigh) = storedRange(),
                let needed = Self.span(Swift.min(keysLow, low), Swift.max(keysHigh, high)),
                Self.directFits(span: needed, keyCount: count + incoming)
            {
                convertToDirect(low: Swift.min(keysLow, low), span: needed)
                return
            }
            rehash(to: Self.hashedSize(for: count + incoming))
        }
    }

    /// The smallest and largest key stored (NULL's number aside); nil when there is none.
    private func storedRange() -> (low: Int64, high: Int64)? {
        var low = Int64.max
        var high = Int64.min
        for number in 0..<count where number != Int(nullNumber) {
            low = Swift.min(low, keyStorage[number])
            high = Swift.max(high, keyStorage[number])
        }
        return low <= high ? (low, high) : nil
    }

    /// Moves the stored keys from hashed slots to `span` direct slots starting at `low` (which
    /// cover every stored key).
    private func convertToDirect(low: Int64, span: Int) {
        becomeDirect(low: low, span: span)
        for number in 0..<count where number != Int(nullNumber) {
            slotNumbers[Int(keyStorage[number] &- low)] = Int32(truncatingIfNeeded: number)
        }
    }

    /// Sizes the empty index for up to `keys` keys lying in `low...high` that will arrive in
    /// batches (a join's build side, inserted a slice at a time): the mode and the slots are
    /// chosen once for all of them, instead of by the first batch and grown (rehashed) batch by
    /// batch. TPC-H Q21 at SF 10 spent a tenth of its time rehashing 7.3 M order keys.
    func reserve(keys: Int, low: Int64, high: Int64) {
        guard count == 0, !direct, keys > 0, low <= high else { return }
        reserved = true
        if let span = Self.span(low, high), Self.directFits(span: span, keyCount: keys) {
            becomeDirect(low: low, span: span)
            reserveKeys(keys + 1)
        } else {
            prepare(incoming: keys, low: low, high: high)
        }
    }

    /// Switches the empty hashed index to direct mode, its `span` slots starting at `low`.
    private func becomeDirect(low: Int64, span: Int) {
        slotKeys.deallocate()
        slotNumbers.deallocate()
        direct = true
        base = low
        capacity = span
        slotKeys = .allocate(capacity: 1)
        slotNumbers = .allocate(capacity: span)
        slotNumbers.initialize(repeating: -1, count: span)
    }

    /// The smallest and largest of `values` not flagged in `nulls` (`low > high` when none).
    static func range(_ values: UnsafeBufferPointer<Int64>, nulls: [Bool]?) -> (low: Int64, high: Int64) {
        var low = Int64.max
        var high = Int64.min
        for row in 0..<values.count where !(nulls?[row] ?? false) {
            low = Swift.min(low, values[row])
            high = Swift.max(high, values[row])
        }
        return (low, high)
    }

    /// The number of `key`, inserting it when new.
    func findOrInsert(_ key: Int64) -> Int32 {
        prepare(incoming: 1, low: key, high: key)
        var number: Int32 = 0
        withUnsafePointer(to: key) { key in
            withUnsafeMutablePointer(to: &number) { number in
                insertBatch(
                    UnsafeBufferPointer(start: key, count: 1), nulls: nil,
                    into: UnsafeMutableBufferPointer(start: number, count: 1))
            }
        }
        return number
    }

    /// The numbers of `values`, inserting new keys; rows flagged in `nulls` get -1.
    func findOrInsert(
        _ values: UnsafeBufferPointer<Int64>, nulls: [Bool]?, into numbers: UnsafeMutableBufferPointer<Int32>
    ) {
        precondition(numbers.count >= values.count)
        let (low, high) = Self.range(values, nulls: nulls)
        guard low <= high else {
            for row in 0..<values.count { numbers[row] = -1 }
            return
        }
        if count == 0 && !direct && !reserved, let span = Self.span(low, high),
            Self.directFits(span: span, keyCount: values.count)
        {
            // The first keys are narrow: direct from here on, its slots covering them.
            becomeDirect(low: low, span: span)
        }
        prepare(incoming: values.count, low: low, high: high)
        insertBatch(values, nulls: nulls, into: numbers)
    }

    /// The insertion loop, over local copies of the index's state (prepared so nothing grows).
    private func insertBatch(
        _ values: UnsafeBufferPointer<Int64>, nulls: [Bool]?, into numbers: UnsafeMutableBufferPointer<Int32>
    ) {
        let slotNumbers = self.slotNumbers
        let slotKeys = self.slotKeys
        let keyStorage = self.keyStorage
        let mask = capacity - 1
        let shift = self.shift
        let base = self.base
        var next = count
        if direct {
            for row in 0..<values.count {
                if let nulls, nulls[row] {
                    numbers[row] = -1
                    continue
                }
                let key = values[row]
                let slot = Int(truncatingIfNeeded: key &- base)
                var number = slotNumbers[slot]
                if number < 0 {
                    number = Int32(truncatingIfNeeded: next)
                    slotNumbers[slot] = number
                    keyStorage[next] = key
                    next += 1
                }
                numbers[row] = number
            }
        } else {
            for row in 0..<values.count {
                // The slot a key a batch ahead will probe, fetched while this one is placed.
                if row & (Self.prefetchDistance - 1) == 0 {
                    Self.prefetchSlots(values, from: row + Self.prefetchDistance, slotNumbers, slotKeys, shift)
                }
                if let nulls, nulls[row] {
                    numbers[row] = -1
                    continue
                }
                let key = values[row]
                var slot = Self.hashSlot(key, shift)
                while true {
                    let number = slotNumbers[slot]
                    if number < 0 {
                        let new = Int32(truncatingIfNeeded: next)
                        slotNumbers[slot] = new
                        slotKeys[slot] = key
                        keyStorage[next] = key
                        next += 1
                        numbers[row] = new
                        break
                    }
                    if slotKeys[slot] == key {
                        numbers[row] = number
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        count = next
    }

    /// The number of the NULL key, numbered like any other key when first asked for.
    func findOrInsertNull() -> Int32 {
        if nullNumber < 0 {
            reserveKeys(count + 1)
            nullNumber = Int32(truncatingIfNeeded: count)
            keyStorage[count] = 0
            count += 1
        }
        return nullNumber
    }

    /// The number of `key`, or -1 when absent.
    @inline(__always)
    func find(_ key: Int64) -> Int32 {
        if direct {
            let offset = key &- base
            guard key >= base, offset >= 0, offset < Int64(capacity) else { return -1 }
            return slotNumbers[Int(offset)]
        }
        return Self.findHashed(key, slotNumbers, slotKeys, shift, mask: capacity - 1)
    }

    /// The number of `key` in hashed slots, or -1: linear probing from its hash's slot.
    @inline(__always)
    private static func findHashed(
        _ key: Int64, _ slotNumbers: UnsafeMutablePointer<Int32>, _ slotKeys: UnsafeMutablePointer<Int64>,
        _ shift: UInt64, mask: Int
    ) -> Int32 {
        var slot = hashSlot(key, shift)
        while true {
            let number = slotNumbers[slot]
            if number < 0 || slotKeys[slot] == key { return number }
            slot = (slot + 1) & mask
        }
    }

    /// The numbers of `values` (-1 for absent keys and rows flagged in `nulls`). In hashed mode
    /// the slots of the keys a batch ahead are fetched into the cache while a batch is looked
    /// up, so a large table's cache misses overlap instead of each stalling in turn.
    func find(_ values: UnsafeBufferPointer<Int64>, nulls: [Bool]?, into numbers: UnsafeMutableBufferPointer<Int32>) {
        precondition(numbers.count >= values.count)
        if direct {
            for row in 0..<values.count {
                numbers[row] = (nulls?[row] ?? false) ? -1 : find(values[row])
            }
            return
        }
        let slotNumbers = self.slotNumbers
        let slotKeys = self.slotKeys
        let shift = self.shift
        let mask = capacity - 1
        Self.prefetchSlots(values, from: 0, slotNumbers, slotKeys, shift)
        for row in 0..<values.count {
            if row & (Self.prefetchDistance - 1) == 0 {
                Self.prefetchSlots(values, from: row + Self.prefetchDistance, slotNumbers, slotKeys, shift)
            }
            let isNull = nulls?[row] ?? false
            numbers[row] = isNull ? -1 : Self.findHashed(values[row], slotNumbers, slotKeys, shift, mask: mask)
        }
    }

    /// Keys looked ahead of the one being placed or found, in hashed mode (a power of two).
    static let prefetchDistance = 16

    /// Fetches into the cache the slots (number and key) of up to ``prefetchDistance`` keys from
    /// `start`: a hint only, which never faults.
    @inline(__always)
    private static func prefetchSlots(
        _ values: UnsafeBufferPointer<Int64>, from start: Int, _ slotNumbers: UnsafeMutablePointer<Int32>,
        _ slotKeys: UnsafeMutablePointer<Int64>, _ shift: UInt64
    ) {
        guard start < values.count else { return }
        for row in start..<Swift.min(values.count, start + prefetchDistance) {
            let slot = hashSlot(values[row], shift)
            starling_prefetch(slotNumbers + slot)
            starling_prefetch(slotKeys + slot)
        }
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
        for number in 0..<count where number != Int(nullNumber) {
            let key = keyStorage[number]
            var slot = Self.hashSlot(key, shift)
            while slotNumbers[slot] >= 0 { slot = (slot + 1) & mask }
            slotNumbers[slot] = Int32(truncatingIfNeeded: number)
            slotKeys[slot] = key
        }
    }

    /// Approximate bytes held.
    var byteCount: Int { capacity * (direct ? 4 : 12) + keyCapacity * 8 }
}
