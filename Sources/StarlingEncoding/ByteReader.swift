/// Reads little-endian integers from untrusted bytes, checking every length first.

/// A cursor over bytes that may be corrupt: every read checks the remaining length and throws
/// ``EncodedDataError`` instead of reading past the end.
public struct ByteReader {
    /// The bytes being read.
    public let buffer: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    public var offset: Int { position }
    /// Stored for ``offset``; settable inside the module only (and by the inlinable readers).
    @usableFromInline var position: Int
    /// Added to offsets in errors, so they name a position in the enclosing file or chunk.
    public let baseOffset: Int

    public init(_ buffer: UnsafeRawBufferPointer, baseOffset: Int = 0) {
        self.buffer = buffer
        self.position = 0
        self.baseOffset = baseOffset
    }

    /// Bytes not yet read.
    @inlinable
    public var remaining: Int { buffer.count - offset }

    /// An error at the current position.
    @inlinable
    public func error(_ reason: String) -> EncodedDataError {
        EncodedDataError(offset: baseOffset + offset, reason: reason)
    }

    /// Throws unless `count` more bytes are available.
    @inlinable
    public func require(_ count: Int, for what: String) throws(EncodedDataError) {
        guard count >= 0, count <= remaining else {
            throw error("\(what) needs \(count) bytes but only \(remaining) remain")
        }
    }

    @inlinable
    public mutating func readByte(_ what: String) throws(EncodedDataError) -> UInt8 {
        try require(1, for: what)
        let value = buffer[offset]
        position += 1
        return value
    }

    /// Reads a little-endian integer of `T`'s width.
    @inlinable
    public mutating func read<T: FixedWidthInteger>(_ type: T.Type, _ what: String) throws(EncodedDataError) -> T {
        let size = MemoryLayout<T>.size
        try require(size, for: what)
        let value = T(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: T.self))
        position += size
        return value
    }

    /// Reads a `u32` length or count and checks it is at most `limit`.
    @inlinable
    public mutating func readCount(_ what: String, limit: Int) throws(EncodedDataError) -> Int {
        let value = Int(try read(UInt32.self, what))
        guard value <= limit else {
            throw EncodedDataError(offset: baseOffset + offset - 4, reason: "\(what) \(value) exceeds the limit \(limit)")
        }
        return value
    }

    /// Returns the next `count` bytes and moves past them.
    @inlinable
    public mutating func readBytes(_ count: Int, _ what: String) throws(EncodedDataError) -> UnsafeRawBufferPointer {
        try require(count, for: what)
        let slice = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)])
        position += count
        return slice
    }

    /// Reads a `u16` length then that many bytes of UTF-8, which must be valid.
    public mutating func readShortString(_ what: String) throws(EncodedDataError) -> String {
        let length = Int(try read(UInt16.self, "\(what) length"))
        let start = offset
        let bytes = try readBytes(length, what)
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw EncodedDataError(offset: baseOffset + start, reason: "\(what) is not valid UTF-8")
        }
        return string
    }

    /// Throws unless every byte has been read.
    public func requireEnd(_ what: String) throws(EncodedDataError) {
        guard remaining == 0 else {
            throw error("\(remaining) unexpected bytes after \(what)")
        }
    }
}
