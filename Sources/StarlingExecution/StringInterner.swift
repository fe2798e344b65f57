/// Numbers strings by their bytes, so string keys become 64-bit words.

import CPrefetch
import StarlingColumns
import StarlingEncoding

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
    /// Numbers by slot, with a tag of their hash (``TaggedSlot``); linear probing, load at most
    /// one half.
    private var slots = [UInt64](repeating: TaggedSlot.empty, count: 64)
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
        bytes.withUnsafeBytes {
            String(decoding: UnsafeRawBufferPointer(rebasing: $0[starts[number]..<starts[number + 1]]), as: UTF8.self)
        }
    }

    /// Every string numbered so far, in number order (at least one: the empty string when none),
    /// copied in one piece.
    func storage() -> StringStorage {
        if count == 0 { return StringStorage([""]) }
        precondition(bytes.count <= Int(UInt32.max), "string storage exceeds 4 GiB")
        let offsets = ByteStorage(byteCount: starts.count * 4, zeroed: false)
        let offsetValues = offsets.typed(UInt32.self, count: starts.count)
        for index in starts.indices { offsetValues[index] = UInt32(truncatingIfNeeded: starts[index]) }
        let text = bytes.withUnsafeBytes { ByteStorage(copying: $0) }
        return StringStorage(offsets: offsets, bytes: text, count: count)
    }

    /// The numbers known so far of `dictionary`'s entries (all `unknown` for a dictionary not
    /// seen yet, or one whose storage changed under the same identity), taken out of the cache
    /// so they can be updated in place; the caller puts them back.
    private func takeEntry(_ identifier: ObjectIdentifier, _ dictionary: StringStorage)
        -> (dictionary: StringStorage, numbers: [Int64])
    {
        if let entry = dictionaries.removeValue(forKey: identifier), entry.dictionary.bytes === dictionary.bytes,
            entry.numbers.count == dictionary.count
        {
            return entry
        }
        return (dictionary, [Int64](repeating: Self.unknown, count: dictionary.count))
    }

    /// The numbers of `codes`' entries of `dictionary`, interning those not yet seen.
    func intern(codes: [UInt32], of dictionary: StringStorage, count: Int) -> [Int64] {
        let identifier = ObjectIdentifier(dictionary.offsets)
        var entry = takeEntry(identifier, dictionary)
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

    /// The number of every entry of `dictionary`, in entry order, interning those not yet seen:
    /// the entries are read in order (one pass over the dictionary's bytes, not a jump per row),
    /// so numbering a build side's whole column costs less than numbering its rows as they come.
    func numbersOfEveryEntry(of dictionary: StringStorage) -> [Int64] {
        let identifier = ObjectIdentifier(dictionary.offsets)
        var entry = takeEntry(identifier, dictionary)
        // Room for the entries not numbered yet (none when another worker numbered them all:
        // reserving the whole dictionary again would copy the bytes and rehash every slot).
        var missingStrings = 0, missingBytes = 0
        for code in 0..<entry.numbers.count where entry.numbers[code] == Self.unknown {
            missingStrings += 1
            missingBytes += dictionary.bytes(at: code).count
        }
        guard missingStrings > 0 else {
            dictionaries[identifier] = entry
            return entry.numbers
        }
        reserve(strings: missingStrings, bytes: missingBytes)
        // In batches: the batch's hashes first, with a prefetch of the slot each will probe, so
        // the table's cache misses overlap; then the inserts (the table no longer grows).
        let batch = 16
        let mask = slots.count - 1
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: batch) { hashes in
            entry.numbers.withUnsafeMutableBufferPointer { numbers in
                var start = 0
                while start < numbers.count {
                    let end = Swift.min(start + batch, numbers.count)
                    slots.withUnsafeBufferPointer { slots in
                        for code in start..<end {
                            let hash = XXHash64.hash(dictionary.bytes(at: code))
                            hashes[code - start] = hash
                            starling_prefetch(slots.baseAddress.map { $0 + (Int(truncatingIfNeeded: hash) & mask) })
                        }
                    }
                    for code in start..<end where numbers[code] == Self.unknown {
                        numbers[code] = intern(bytes: dictionary.bytes(at: code), hash: hashes[code - start])
                    }
                    start = end
                }
            }
        }
        dictionaries[identifier] = entry
        return entry.numbers
    }

    /// Room for `strings` more strings of `bytes` bytes in all, so interning them grows nothing.
    private func reserve(strings: Int, bytes byteCount: Int) {
        bytes.reserveCapacity(bytes.count + byteCount)
        starts.reserveCapacity(starts.count + strings)
        hashes.reserveCapacity(hashes.count + strings)
        var size = slots.count
        while size < (hashes.count + strings) * 2 { size <<= 1 }
        if size > slots.count { grow(to: size) }
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
            intern(
                bytes: UnsafeRawBufferPointer(rebasing: stored[other.starts[number]..<other.starts[number + 1]]),
                hash: other.hashes[number])
        }
    }

    /// The number of the string with these UTF-8 bytes, assigning the next one when new.
    func intern(bytes text: UnsafeRawBufferPointer) -> Int64 {
        intern(bytes: text, hash: XXHash64.hash(text))
    }

    private func intern(bytes text: UnsafeRawBufferPointer, hash: UInt64) -> Int64 {
        if (hashes.count + 1) * 2 > slots.count { grow() }
        let (found, slot) = probe(text, hash: hash)
        if let found { return found }
        let number = hashes.count
        bytes.append(contentsOf: text)
        starts.append(bytes.count)
        hashes.append(hash)
        slots[slot] = TaggedSlot.make(hash: hash, number: number)
        return Int64(number)
    }

    /// The number of the string with these UTF-8 bytes, or `nil` when never interned.
    func lookup(bytes text: UnsafeRawBufferPointer) -> Int64? {
        find(text, hash: XXHash64.hash(text))
    }

    private func find(_ text: UnsafeRawBufferPointer, hash: UInt64) -> Int64? {
        probe(text, hash: hash).number
    }

    /// The number of the string `text` (hashed `hash`), or nil and the empty slot where the probe
    /// ended (where it goes when interned next).
    private func probe(_ text: UnsafeRawBufferPointer, hash: UInt64) -> (number: Int64?, slot: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            bytes.withUnsafeBytes { stored in
                while true {
                    let entry = slots[slot]
                    if entry == TaggedSlot.empty { return (nil, slot) }
                    if TaggedSlot.matches(entry, hash: hash) {
                        let number = TaggedSlot.number(entry)
                        let candidate = UnsafeRawBufferPointer(rebasing: stored[starts[number]..<starts[number + 1]])
                        if candidate.count == text.count && compareBytes(candidate, text) == 0 {
                            return (Int64(number), slot)
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private func grow(to size: Int? = nil) {
        let size = size ?? slots.count * 2
        var newSlots = [UInt64](repeating: TaggedSlot.empty, count: size)
        let mask = size - 1
        for number in 0..<hashes.count {
            var slot = Int(truncatingIfNeeded: hashes[number]) & mask
            while newSlots[slot] != TaggedSlot.empty { slot = (slot + 1) & mask }
            newSlots[slot] = TaggedSlot.make(hash: hashes[number], number: number)
        }
        slots = newSlots
    }
}
