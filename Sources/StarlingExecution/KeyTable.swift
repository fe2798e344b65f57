/// An open-addressing hash table over fixed-width tuples of 64-bit words: group and join keys.

import CPrefetch
import StarlingColumns
import StarlingEncoding

/// Maps key tuples (`width` words each) to dense numbers 0, 1, 2, … in order of first insertion.
/// Keys are stored back to back in one buffer, by number; slots hold numbers with a tag of their
/// hash (``TaggedSlot``), so a probe compares keys only when the tags agree, and each number's hash
/// is kept, so growing rehashes numbers only. Linear probing, load factor at most one half. The batch entry points prepare the room
/// once and loop over local pointers (no per-row checks of the table's own state).
final class KeyTable {
    let width: Int
    /// `count * width` words.
    private var keyStorage: UnsafeMutablePointer<Int64>
    private var hashes: UnsafeMutablePointer<UInt64>
    private var numberCapacity: Int
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotCount: Int
    private(set) var count = 0

    init(width: Int, capacity: Int = 16) {
        precondition(width >= 1)
        self.width = width
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slotCount = size
        slots = TaggedSlot.allocate(size)
        numberCapacity = max(16, capacity)
        keyStorage = .allocate(capacity: numberCapacity * width)
        hashes = .allocate(capacity: numberCapacity)
    }

    deinit {
        keyStorage.deallocate()
        hashes.deallocate()
        slots.deallocate()
    }

    /// Every key, `count * width` words, by number.
    var keys: [Int64] { Array(UnsafeBufferPointer(start: keyStorage, count: count * width)) }

    @inline(__always)
    static func hash(_ key: UnsafePointer<Int64>, _ width: Int) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
        for index in 0..<width {
            hash = (hash ^ UInt64(bitPattern: key[index])) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 31
        }
        return hash
    }

    /// Room for `incoming` more keys without growing.
    private func prepare(incoming: Int) {
        let total = count + incoming
        if total > numberCapacity {
            let capacity = max(total, numberCapacity * 2)
            let storage = UnsafeMutablePointer<Int64>.allocate(capacity: capacity * width)
            storage.update(from: keyStorage, count: count * width)
            keyStorage.deallocate()
            keyStorage = storage
            let newHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
            newHashes.update(from: hashes, count: count)
            hashes.deallocate()
            hashes = newHashes
            numberCapacity = capacity
        }
        if total * 2 > slotCount {
            var size = slotCount
            while size < total * 2 { size <<= 1 }
            slots.deallocate()
            slots = TaggedSlot.allocate(size)
            slotCount = size
            let mask = size - 1
            for number in 0..<count {
                var slot = Int(truncatingIfNeeded: hashes[number]) & mask
                while slots[slot] != TaggedSlot.empty { slot = (slot + 1) & mask }
                slots[slot] = TaggedSlot.make(hash: hashes[number], number: number)
            }
        }
    }

    /// The number of `key`, inserting it when new.
    func findOrInsert(_ key: UnsafePointer<Int64>) -> Int32 {
        var number: Int32 = 0
        withUnsafeMutablePointer(to: &number) { number in
            findOrInsert(
                UnsafeBufferPointer(start: key, count: width), rows: 1,
                into: UnsafeMutableBufferPointer(start: number, count: 1))
        }
        return number
    }

    /// The numbers of `rows` keys laid back to back in `words`, inserting new ones.
    func findOrInsert(_ words: UnsafeBufferPointer<Int64>, rows: Int, into numbers: UnsafeMutableBufferPointer<Int32>) {
        precondition(words.count >= rows * width && numbers.count >= rows)
        guard rows > 0, let input = words.baseAddress else { return }
        prepare(incoming: rows)
        let width = self.width
        let slots = self.slots
        let mask = slotCount - 1
        let keyStorage = self.keyStorage
        let hashes = self.hashes
        var next = count
        // Hashes a batch ahead, their slots fetched into the cache while this batch is placed.
        let batch = Self.prefetchDistance
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * batch) { buffer in
            // Two halves: the batch being placed, and the next one's hashes.
            guard let ahead = buffer.baseAddress else { return }
            Self.hashAhead(input, width, rows: rows, from: 0, into: ahead, slots, mask)
            for row in 0..<rows {
                if row & (batch - 1) == 0 {
                    Self.hashAhead(
                        input, width, rows: rows, from: row + batch, into: ahead + ((row / batch + 1) & 1) * batch,
                        slots,
                        mask)
                }
                let key = input + row * width
                let hash = ahead[((row / batch) & 1) * batch + (row & (batch - 1))]
                var slot = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let entry = slots[slot]
                    if entry == TaggedSlot.empty {
                        slots[slot] = TaggedSlot.make(hash: hash, number: next)
                        (keyStorage + next * width).update(from: key, count: width)
                        hashes[next] = hash
                        numbers[row] = Int32(truncatingIfNeeded: next)
                        next += 1
                        break
                    }
                    let number = TaggedSlot.number(entry)
                    if TaggedSlot.matches(entry, hash: hash) && Self.equal(keyStorage + number * width, key, width) {
                        numbers[row] = Int32(truncatingIfNeeded: number)
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        count = next
    }

    /// Keys hashed ahead of the one being placed (a power of two).
    static let prefetchDistance = 16

    /// The hashes of up to ``prefetchDistance`` keys from row `start` into `hashes`, each key's
    /// slot fetched into the cache (a hint only, which never faults).
    @inline(__always)
    private static func hashAhead(
        _ input: UnsafePointer<Int64>, _ width: Int, rows: Int, from start: Int,
        into hashes: UnsafeMutablePointer<UInt64>, _ slots: UnsafeMutablePointer<UInt64>, _ mask: Int
    ) {
        guard start < rows else { return }
        for row in start..<min(rows, start + prefetchDistance) {
            let hash = hash(input + row * width, width)
            hashes[row - start] = hash
            starling_prefetch(slots + (Int(truncatingIfNeeded: hash) & mask))
        }
    }

    /// The number of `key`, or -1 when absent.
    func find(_ key: UnsafePointer<Int64>) -> Int32 {
        let hash = Self.hash(key, width)
        let mask = slotCount - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == TaggedSlot.empty { return -1 }
            let number = TaggedSlot.number(entry)
            if TaggedSlot.matches(entry, hash: hash) && Self.equal(keyStorage + number * width, key, width) {
                return Int32(truncatingIfNeeded: number)
            }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private static func equal(_ stored: UnsafePointer<Int64>, _ key: UnsafePointer<Int64>, _ width: Int) -> Bool {
        for index in 0..<width where stored[index] != key[index] { return false }
        return true
    }

    /// Approximate bytes held.
    var byteCount: Int { numberCapacity * (width * 8 + 8) + slotCount * 8 }
}
