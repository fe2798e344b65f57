/// One bit per row saying whether the row's value is present (1) or NULL (0).

/// A validity bitmap: bit `i` (least significant bit first within each byte) is 1 when row `i`
/// holds a value and 0 when it is NULL. Columns without NULLs carry no bitmap at all.
public struct ValidityBitmap: Sendable {
    /// The packed bits, `(count + 63) / 64` words.
    public let storage: ByteStorage
    /// The number of rows covered.
    public let count: Int

    /// A bitmap of `count` rows, all valid.
    public init(allValid count: Int) {
        self.count = count
        storage = ByteStorage(byteCount: ValidityBitmap.wordCount(for: count) * 8)
        let words = storage.typed(UInt64.self, count: ValidityBitmap.wordCount(for: count))
        words.update(repeating: ~0)
    }

    /// A bitmap of `count` rows, all NULL.
    public init(allNull count: Int) {
        self.count = count
        storage = ByteStorage(byteCount: ValidityBitmap.wordCount(for: count) * 8)
    }

    /// A bitmap over existing storage (which must hold `wordCount(for: count)` words).
    public init(storage: ByteStorage, count: Int) {
        precondition(storage.byteCount >= ValidityBitmap.wordCount(for: count) * 8, "bitmap storage too small")
        self.storage = storage
        self.count = count
    }

    /// Words needed for `count` bits.
    public static func wordCount(for count: Int) -> Int { (count + 63) / 64 }

    /// The packed words.
    public var words: UnsafeMutableBufferPointer<UInt64> {
        storage.typed(UInt64.self, count: ValidityBitmap.wordCount(for: count))
    }

    /// Whether row `index` holds a value.
    @inlinable
    public func isValid(_ index: Int) -> Bool {
        precondition(index >= 0 && index < count, "validity index out of range")
        let word = storage.baseAddress.load(fromByteOffset: (index >> 6) * 8, as: UInt64.self)
        return (word >> UInt64(index & 63)) & 1 == 1
    }

    /// Marks row `index` valid or NULL. Only the vector's builder may call this.
    @inlinable
    public func set(_ index: Int, valid: Bool) {
        precondition(index >= 0 && index < count, "validity index out of range")
        let pointer = storage.baseAddress.advanced(by: (index >> 6) * 8).assumingMemoryBound(to: UInt64.self)
        let bit = UInt64(1) << UInt64(index & 63)
        if valid { pointer.pointee |= bit } else { pointer.pointee &= ~bit }
    }

    /// The number of NULL rows.
    public var nullCount: Int {
        let words = self.words
        var valid = 0
        for word in words { valid += word.nonzeroBitCount }
        // Bits past `count` in the last word are never set by the initialisers above,
        // except by init(allValid:), so subtract them.
        let tailBits = words.count * 64 - count
        if tailBits > 0, let last = words.last {
            valid -= (last >> UInt64(64 - tailBits)).nonzeroBitCount
        }
        return count - valid
    }
}
