/// An open-addressing hash table over fixed-width tuples of 64-bit words: group and join keys.

import StarlingColumns
import StarlingEncoding

/// Maps key tuples (`width` words each) to dense numbers 0, 1, 2, … in order of first insertion.
/// Keys are stored back to back in one buffer, by number; slots hold numbers and each number's
/// hash is kept, so growing rehashes numbers only and a probe compares keys only when the hashes
/// agree. Linear probing, load factor at most one half. The batch entry points prepare the room
/// once and loop over local pointers (no per-row checks of the table's own state).
final class KeyTable {
    let width: Int
    /// `count * width` words.
    private var keyStorage: UnsafeMutablePointer<Int64>
    private var hashes: UnsafeMutablePointer<UInt64>
    private var numberCapacity: Int
    private var slots: UnsafeMutablePointer<Int32>
    private var slotCount: Int
    private(set) var count = 0

    init(width: Int, capacity: Int = 16) {
        precondition(width >= 1)
        self.width = width
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slotCount = size
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
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
            slots = .allocate(capacity: size)
            slots.initialize(repeating: -1, count: size)
            slotCount = size
            let mask = size - 1
            for number in 0..<count {
                var slot = Int(truncatingIfNeeded: hashes[number]) & mask
                while slots[slot] >= 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(truncatingIfNeeded: number)
            }
        }
    }

    /// The number of `key`, inserting it when new.
    func findOrInsert(_ key: UnsafePointer<Int64>) -> Int32 {
        var number: Int32 = 0
        withUnsafeMutablePointer(to: &number) { number in
            findOrInsert(UnsafeBufferPointer(start: key, count: width), rows: 1, into: UnsafeMutableBufferPointer(start: number, count: 1))
        }
        return number
    }

    /// The numbers of `rows` keys laid back to back in `words`, inserting new ones.
    func findOrInsert(_ words: UnsafeBufferPointer<Int64>, rows: Int, into numbers: UnsafeMutableBufferPointer<Int32>) {
        precondition(words.count >= rows * width && numbers.count >= rows)
        guard rows > 0, let input = words.baseAddress else { return }
        prepare(incoming: rows)
        let width = self.width, slots = self.slots, mask = slotCount - 1
        let keyStorage = self.keyStorage, hashes = self.hashes
        var next = count
        for row in 0..<rows {
            let key = input + row * width
            let hash = Self.hash(key, width)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let number = slots[slot]
                if number < 0 {
                    slots[slot] = Int32(truncatingIfNeeded: next)
                    (keyStorage + next * width).update(from: key, count: width)
                    hashes[next] = hash
                    numbers[row] = Int32(truncatingIfNeeded: next)
                    next += 1
                    break
                }
                if hashes[Int(number)] == hash && Self.equal(keyStorage + Int(number) * width, key, width) {
                    numbers[row] = number
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        count = next
    }

    /// The number of `key`, or -1 when absent.
    func find(_ key: UnsafePointer<Int64>) -> Int32 {
        let hash = Self.hash(key, width)
        let mask = slotCount - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let number = slots[slot]
            if number < 0 { return -1 }
            if hashes[Int(number)] == hash && Self.equal(keyStorage + Int(number) * width, key, width) { return number }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private static func equal(_ stored: UnsafePointer<Int64>, _ key: UnsafePointer<Int64>, _ width: Int) -> Bool {
        for index in 0..<width where stored[index] != key[index] { return false }
        return true
    }

    /// Approximate bytes held.
    var byteCount: Int { numberCapacity * (width * 8 + 8) + slotCount * 4 }
}

/// Numbers strings, so string keys become 64-bit words.
///
/// Strings are numbered by their UTF-8 bytes, hashed (xxHash64) and compared in place: a row's
/// key costs no `String` and no allocation; each distinct string is kept once, as bytes, and made
/// a `String` only when asked for (``string(_:)``, for results).
final class StringInterner {
    /// Each distinct string's bytes, back to back, and where each starts (`count + 1` offsets).
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Numbers by slot, -1 for empty; linear probing, load at most one half.
    private var slots = [Int32](repeating: -1, count: 64)
    /// Per dictionary seen (keyed by its offsets storage, which is kept alive here so the key
    /// cannot be reused): the number of each entry interned so far, `unknown` for the others. A
    /// star join's dimension attributes arrive as the same dictionary in every morsel, so each
    /// entry is interned once per query, not once per morsel.
    private var dictionaries: [ObjectIdentifier: (dictionary: StringStorage, numbers: [Int64])] = [:]
    static let unknown = Int64.min

    /// How many strings have numbers.
    var count: Int { hashes.count }

    /// The string numbered `number`.
    func string(_ number: Int) -> String {
        bytes.withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[starts[number]..<starts[number + 1]]), as: UTF8.self) }
    }

    /// Every string numbered so far, in number order (at least one: the empty string when none).
    func storage() -> StringStorage {
        var builder = StringStorageBuilder()
        bytes.withUnsafeBytes { stored in
            for number in 0..<count { builder.append(bytes: UnsafeRawBufferPointer(rebasing: stored[starts[number]..<starts[number + 1]])) }
        }
        if count == 0 { builder.append(bytes: UnsafeRawBufferPointer(start: nil, count: 0)) }
        return builder.finish()
    }

    /// The numbers of `codes`' entries of `dictionary`, interning those not yet seen.
    func intern(codes: [UInt32], of dictionary: StringStorage, count: Int) -> [Int64] {
        let identifier = ObjectIdentifier(dictionary.offsets)
        var entry = dictionaries.removeValue(forKey: identifier) ?? (dictionary, [Int64](repeating: Self.unknown, count: dictionary.count))
        if entry.dictionary.bytes !== dictionary.bytes || entry.numbers.count != dictionary.count {
            entry = (dictionary, [Int64](repeating: Self.unknown, count: dictionary.count))
        }
        var result = [Int64](repeating: 0, count: count)
        for row in 0..<count {
            let code = Int(codes[row])
            var number = entry.numbers[code]
            if number == Self.unknown {
                number = intern(bytes: dictionary.bytes(at: code))
                entry.numbers[code] = number
            }
            result[row] = number
        }
        dictionaries[identifier] = entry
        return result
    }

    /// The number of `text`, assigning the next one when new.
    func intern(_ text: String) -> Int64 {
        var text = text
        return text.withUTF8 { intern(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The number of `text`, or `nil` when never interned.
    func lookup(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { lookup(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The number here of the string numbered `number` in `other`, assigning the next one when
    /// new: its bytes are read in place and its hash reused (merging workers' groups).
    func intern(_ number: Int, of other: StringInterner) -> Int64 {
        other.bytes.withUnsafeBytes { stored in
            intern(bytes: UnsafeRawBufferPointer(rebasing: stored[other.starts[number]..<other.starts[number + 1]]), hash: other.hashes[number])
        }
    }

    /// The strings numbered `numbers` (the empty string where `nulls` says so), as storage.
    func storage(of numbers: [Int64], nulls: [Bool]) -> StringStorage {
        var builder = StringStorageBuilder()
        bytes.withUnsafeBytes { stored in
            for (index, number) in numbers.enumerated() {
                if nulls[index] || number < 0 || Int(number) >= count {
                    builder.append(bytes: UnsafeRawBufferPointer(start: nil, count: 0))
                } else {
                    builder.append(bytes: UnsafeRawBufferPointer(rebasing: stored[starts[Int(number)]..<starts[Int(number) + 1]]))
                }
            }
        }
        return builder.finish()
    }

    /// The number of the string with these UTF-8 bytes, assigning the next one when new.
    func intern(bytes text: UnsafeRawBufferPointer) -> Int64 {
        intern(bytes: text, hash: XXHash64.hash(text))
    }

    private func intern(bytes text: UnsafeRawBufferPointer, hash: UInt64) -> Int64 {
        if let number = find(text, hash: hash) { return number }
        if (hashes.count + 1) * 2 > slots.count { grow() }
        let number = hashes.count
        bytes.append(contentsOf: text)
        starts.append(bytes.count)
        hashes.append(hash)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(truncatingIfNeeded: number)
        return Int64(number)
    }

    /// The number of the string with these UTF-8 bytes, or `nil` when never interned.
    func lookup(bytes text: UnsafeRawBufferPointer) -> Int64? {
        find(text, hash: XXHash64.hash(text))
    }

    private func find(_ text: UnsafeRawBufferPointer, hash: UInt64) -> Int64? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            bytes.withUnsafeBytes { stored in
                while true {
                    let number = Int(slots[slot])
                    if number < 0 { return nil }
                    if hashes[number] == hash {
                        let candidate = UnsafeRawBufferPointer(rebasing: stored[starts[number]..<starts[number + 1]])
                        if candidate.count == text.count && candidate.elementsEqual(text) { return Int64(number) }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private func grow() {
        let size = slots.count * 2
        var newSlots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for number in 0..<hashes.count {
            var slot = Int(truncatingIfNeeded: hashes[number]) & mask
            while newSlots[slot] >= 0 { slot = (slot + 1) & mask }
            newSlots[slot] = Int32(truncatingIfNeeded: number)
        }
        slots = newSlots
    }
}

/// Encodes key columns row by row into tuples of words: one word per column (integers as
/// themselves, doubles by normalised bit pattern, booleans 0/1, strings interned), then NULL
/// flags (one bit per column, 64 to a word), so NULLs group together but never equal a value.
enum KeyEncoder {
    /// Words per row for `columnCount` key columns.
    static func width(_ columnCount: Int) -> Int { columnCount + nullWords(columnCount) }

    /// Words of NULL flags for `columnCount` key columns (at least one).
    static func nullWords(_ columnCount: Int) -> Int { max(1, (columnCount + 63) / 64) }

    /// `count * width` words. With `insert` false, a string never interned gets a number no
    /// interned string has (it then matches nothing).
    static func encode(_ vectors: [Vector], count: Int, interner: StringInterner, insert: Bool) -> [Int64] {
        let width = Self.width(vectors.count)
        var words = [Int64](repeating: 0, count: count * width)
        words.withUnsafeMutableBufferPointer { words in
            for (column, vector) in vectors.enumerated() {
                switch vector.data {
                case .integers(let values):
                    values.withUnsafeBufferPointer { values in
                        for row in 0..<count { words[row * width + column] = values[row] }
                    }
                case .doubles(let values):
                    for row in 0..<count { words[row * width + column] = normalisedBits(values[row]) }
                case .booleans(let values):
                    for row in 0..<count { words[row * width + column] = values[row] ? 1 : 0 }
                case .dictionary(let codes, let dictionary):
                    if insert {
                        let numbers = interner.intern(codes: codes, of: dictionary, count: count)
                        for row in 0..<count { words[row * width + column] = numbers[row] }
                    } else if !Vector.perEntry(entries: dictionary.count, rows: count) {
                        for row in 0..<count {
                            let text = dictionary.bytes(at: Int(codes[row]))
                            words[row * width + column] = interner.lookup(bytes: text) ?? -1
                        }
                    } else {
                        // Probing: only the entries this chunk uses are looked up.
                        var numbers = [Int64?](repeating: nil, count: dictionary.count)
                        for row in 0..<count {
                            let code = Int(codes[row])
                            let number = numbers[code] ?? (interner.lookup(bytes: dictionary.bytes(at: code)) ?? -1)
                            numbers[code] = number
                            words[row * width + column] = number
                        }
                    }
                case .strings(let strings):
                    for row in 0..<count {
                        let text = strings.bytes(at: row)
                        words[row * width + column] = insert ? interner.intern(bytes: text) : (interner.lookup(bytes: text) ?? -1)
                    }
                }
                if let nulls = vector.nulls {
                    let flagWord = vectors.count + column / 64
                    let flag = Int64(bitPattern: 1 << UInt64(column % 64))
                    for row in 0..<count where nulls[row] {
                        words[row * width + column] = 0
                        words[row * width + flagWord] |= flag
                    }
                }
            }
        }
        return words
    }

    /// Doubles equal under SQL equality get one bit pattern (-0.0 as 0.0, every NaN alike).
    @inline(__always)
    static func normalisedBits(_ value: Double) -> Int64 {
        if value == 0 { return 0 }
        if value.isNaN { return Int64(bitPattern: Double.nan.bitPattern) }
        return Int64(bitPattern: value.bitPattern)
    }

    /// Whether key column `column` is NULL in one encoded key (`key` holds its `width` words).
    @inline(__always)
    static func isNull(_ key: UnsafeBufferPointer<Int64>, column: Int, columnCount: Int) -> Bool {
        key[columnCount + column / 64] & Int64(bitPattern: 1 << UInt64(column % 64)) != 0
    }

    /// Whether a row's key (starting at `start`, for `columnCount` columns) has any NULL column.
    @inline(__always)
    static func hasNull(_ words: UnsafeBufferPointer<Int64>, start: Int, columnCount: Int) -> Bool {
        for word in 0..<nullWords(columnCount) where words[start + columnCount + word] != 0 { return true }
        return false
    }
}
