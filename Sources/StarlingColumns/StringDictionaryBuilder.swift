/// Appends strings as numbers into a dictionary of the distinct strings, while they are few.

/// Builds a dictionary-coded string column: each appended string becomes the number of its
/// entry among the distinct strings seen so far (in order of first appearance), as long as there
/// are at most `limit` of them. A low-cardinality column (a status, a mode, a priority) is then
/// kept as 4-byte numbers and a handful of strings instead of every row's bytes, and whoever
/// writes it gets the numbering for free. Strings of up to 16 bytes are hashed and compared from
/// two loads each (``ShortByteRun``); longer ones word by word.
struct StringDictionaryBuilder {
    /// Each row's entry number.
    private(set) var codes: FixedValueBuffer
    /// The distinct strings, by number.
    private(set) var entries = StringStorageBuilder()
    private var entryHashes: [UInt64] = []
    private var entryWords: [(UInt64, UInt64)] = []
    /// Open addressing over entry numbers (-1: empty); at most half full.
    private var slots: [Int32]
    private var mask: Int
    /// The last short string appended (length -1: none yet) and its number.
    private var lastLength = -1
    private var lastWords: (UInt64, UInt64) = (0, 0)
    private var lastCode: Int64 = 0
    /// A hash's slot is its top bits: `hash >> shift`.
    private var shift: UInt64
    let limit: Int

    init(limit: Int, capacity: Int) {
        self.limit = limit
        codes = FixedValueBuffer(width: 4, capacity: capacity)
        slots = [Int32](repeating: -1, count: 64)
        mask = 63
        shift = 64 - 6
    }

    /// The number of rows appended.
    var count: Int { codes.count }

    /// Copies the numbers before writing when another copy of this builder shares them.
    @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&codes) { codes = codes.copy() }
    }

    /// Appends `bytes` as its entry's number; false (and nothing appended) when it is a new
    /// string and the dictionary already holds `limit` of them.
    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        makeUnique()
        let length = bytes.count
        let words: (UInt64, UInt64)
        let hash: UInt64
        if length <= ShortByteRun.limit, let base = bytes.baseAddress {
            words = ShortByteRun.words(base, count: length)
            // A repeat of the previous short string (runs, constant columns) needs no lookup.
            if length == lastLength, words == lastWords {
                codes.append(lastCode)
                return true
            }
            // Two independent multiplications; the slot is taken from the high bits, which
            // they mix well (the table is small, so a full finalizer costs more than it saves).
            hash = (words.0 &* 0x9E37_79B9_7F4A_7C15) ^ ((words.1 ^ UInt64(truncatingIfNeeded: length)) &* 0xC2B2_AE3D_27D4_EB4F)
        } else {
            words = (0, 0)
            hash = Self.longHash(bytes)
        }
        var index = Int(truncatingIfNeeded: hash >> shift)
        while true {
            let entry = Int(slots[index])
            if entry < 0 { break }
            if entryHashes[entry] == hash, matches(entry, bytes, words) {
                codes.append(Int64(entry))
                remember(entry, length, words)
                return true
            }
            index = (index &+ 1) & mask
        }
        guard entryHashes.count < limit else { return false }
        let entry = entryHashes.count
        slots[index] = Int32(entry)
        entryHashes.append(hash)
        entryWords.append(words)
        entries.append(bytes: bytes)
        codes.append(Int64(entry))
        remember(entry, length, words)
        if entryHashes.count * 2 > slots.count { grow() }
        return true
    }

    /// Notes the string just appended, when it is short, for the repeat check.
    @inline(__always)
    private mutating func remember(_ entry: Int, _ length: Int, _ words: (UInt64, UInt64)) {
        guard length <= ShortByteRun.limit else { return }
        lastLength = length
        lastWords = words
        lastCode = Int64(entry)
    }

    /// Whether entry `entry` holds `bytes` (whose short words are `words` when it is short).
    @inline(__always)
    private func matches(_ entry: Int, _ bytes: UnsafeRawBufferPointer, _ words: (UInt64, UInt64)) -> Bool {
        let length = entries.length(at: entry)
        guard length == bytes.count else { return false }
        if length <= ShortByteRun.limit { return entryWords[entry] == words }
        return entries.withBytes(at: entry) { compareBytes($0, bytes) == 0 }
    }

    /// Doubles the table and places every entry again.
    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        shift -= 1
        for (entry, hash) in entryHashes.enumerated() {
            var index = Int(truncatingIfNeeded: hash >> shift)
            while slots[index] >= 0 { index = (index &+ 1) & mask }
            slots[index] = Int32(entry)
        }
    }

    /// A hash of a run longer than 16 bytes, eight bytes at a time.
    static func longHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress else { return 0 }
        var hash = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        var offset = 0
        while offset &+ 8 <= bytes.count {
            hash = (hash ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
            offset &+= 8
        }
        let tail = ShortByteRun.words(base + offset, count: bytes.count - offset)
        return ShortByteRun.hash((hash ^ tail.0, tail.1), count: bytes.count)
    }

    /// Every row's string, plainly (when the dictionary overflows and the column goes on plain).
    func plainStrings() -> StringStorageBuilder {
        var plain = StringStorageBuilder()
        for row in 0..<codes.count {
            entries.withBytes(at: Int(codes.pointer.load(fromByteOffset: row * 4, as: UInt32.self))) { plain.append(bytes: $0) }
        }
        return plain
    }
}
