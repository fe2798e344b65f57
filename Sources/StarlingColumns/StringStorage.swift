/// Variable-length strings as one offsets array and one byte array.

/// `count` UTF-8 strings stored back to back: string `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
///
/// Offsets are `UInt32`, so one storage holds at most 4 GiB of text; vectors are far smaller.
public struct StringStorage: Sendable {
    /// `count + 1` offsets, the first 0, non-decreasing.
    public let offsets: ByteStorage
    /// The concatenated bytes.
    public let bytes: ByteStorage
    /// The number of strings.
    public let count: Int

    /// Wraps existing storage. The caller guarantees the offsets are non-decreasing and in range;
    /// decoders check that before calling.
    public init(offsets: ByteStorage, bytes: ByteStorage, count: Int) {
        precondition(offsets.byteCount >= (count + 1) * 4, "offsets storage too small")
        self.offsets = offsets
        self.bytes = bytes
        self.count = count
    }

    /// Builds storage from Swift strings (for tests, literals and small dictionaries).
    public init<S: Sequence>(_ strings: S) where S.Element == String {
        var builder = StringStorageBuilder()
        for string in strings { builder.append(string) }
        self = builder.finish()
    }

    /// The offsets as a typed buffer of `count + 1` values.
    public var offsetValues: UnsafeMutableBufferPointer<UInt32> {
        offsets.typed(UInt32.self, count: count + 1)
    }

    /// The bytes of string `index`.
    @inlinable
    public func bytes(at index: Int) -> UnsafeRawBufferPointer {
        precondition(index >= 0 && index < count, "string index out of range")
        let offsetPointer = offsets.baseAddress.assumingMemoryBound(to: UInt32.self)
        let start = Int(offsetPointer[index])
        let end = Int(offsetPointer[index + 1])
        return UnsafeRawBufferPointer(start: bytes.baseAddress.advanced(by: start), count: end - start)
    }

    /// String `index` as a Swift `String` (invalid UTF-8 is repaired with U+FFFD).
    public func string(at index: Int) -> String {
        String(decoding: bytes(at: index), as: UTF8.self)
    }

    /// The total number of text bytes.
    public var byteCount: Int {
        count == 0 ? 0 : Int(offsets.baseAddress.assumingMemoryBound(to: UInt32.self)[count])
    }
}

/// Appends strings into growing buffers and produces a ``StringStorage``.
public struct StringStorageBuilder {
    private var offsets: [UInt32] = [0]
    private var bytes: [UInt8] = []

    public init() {}

    /// The number of strings appended.
    public var count: Int { offsets.count - 1 }

    /// The number of bytes appended (a storage holds at most `UInt32.max`).
    public var byteCount: Int { bytes.count }

    /// Appends one string.
    public mutating func append(_ string: String) {
        var copy = string
        copy.withUTF8 { append(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Appends one string given as UTF-8 bytes.
    public mutating func append(bytes newBytes: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: newBytes)
        precondition(bytes.count <= Int(UInt32.max), "string storage exceeds 4 GiB")
        offsets.append(UInt32(bytes.count))
    }

    /// Appends bytes to the string being built; ``closeString()`` ends it. (For strings made of
    /// several pieces, such as a concatenation, without assembling them first.)
    public mutating func appendPiece(_ newBytes: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: newBytes)
    }

    /// Ends the string being built by ``appendPiece(_:)`` (an empty one if nothing was appended).
    public mutating func closeString() {
        precondition(bytes.count <= Int(UInt32.max), "string storage exceeds 4 GiB")
        offsets.append(UInt32(bytes.count))
    }

    /// Appends `count` bytes that `body` writes in place to the string being built.
    public mutating func appendPiece(count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeMutableBytes { all in body(UnsafeMutableRawBufferPointer(rebasing: all[start..<(start + count)])) }
    }

    /// Appends one string of `count` bytes that `body` writes in place.
    public mutating func appendString(count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        appendPiece(count: count, body)
        closeString()
    }

    /// Room for `strings` more strings of `bytes` bytes in all.
    public mutating func reserveCapacity(strings: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(offsets.count + strings)
        bytes.reserveCapacity(bytes.count + byteCount)
    }

    /// The length of string `index`.
    func length(at index: Int) -> Int { Int(offsets[index + 1] - offsets[index]) }

    /// Calls `body` with string `index`'s bytes (valid only inside `body`).
    func withBytes<R>(at index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = Int(offsets[index]), end = Int(offsets[index + 1])
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Produces the storage.
    public func finish() -> StringStorage {
        let offsetStorage = offsets.withUnsafeBytes { ByteStorage(copying: $0) }
        let byteStorage = bytes.withUnsafeBytes { ByteStorage(copying: $0) }
        return StringStorage(offsets: offsetStorage, bytes: byteStorage, count: offsets.count - 1)
    }
}
