/// Appends little-endian integers and byte runs to a growing buffer.

/// A growable byte buffer with little-endian writers, used by every encoder and by the footer.
public struct ByteWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// The number of bytes written.
    public var count: Int { bytes.count }

    /// Makes room for at least `capacity` bytes in all, so appends up to it never copy what was
    /// written. Pages the writes never reach are only reserved, not touched.
    public mutating func reserveCapacity(_ capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: UInt8) { bytes.append(value) }

    /// Writes `value` in little-endian order at its full width.
    public mutating func write<T: FixedWidthInteger>(littleEndian value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes the low `width` bytes of `value`, little-endian (for values of a column's width).
    public mutating func write(_ value: Int64, byteWidth width: Int) {
        var remaining = UInt64(bitPattern: value)
        for _ in 0..<width {
            bytes.append(UInt8(truncatingIfNeeded: remaining))
            remaining >>= 8
        }
    }

    /// Appends `count` zero bytes and lets `fill` write them through a pointer to the first
    /// (nothing is called for `count == 0`).
    public mutating func appendZeroed(_ count: Int, _ fill: (UnsafeMutableRawPointer) -> Void) {
        guard count > 0 else { return }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            fill(base + start)
        }
    }

    public mutating func write(bytes newBytes: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: newBytes)
    }

    public mutating func write(bytes newBytes: [UInt8]) {
        bytes.append(contentsOf: newBytes)
    }

    /// Writes a string as a `u16` length then its UTF-8 bytes.
    ///
    /// - Precondition: the string is at most 65,535 bytes.
    public mutating func write(shortString string: String) {
        let utf8 = Array(string.utf8)
        precondition(utf8.count <= Int(UInt16.max), "short string too long")
        write(littleEndian: UInt16(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Overwrites the bytes at `offset` with `value` at its full width, little-endian (to patch a
    /// length or version written earlier).
    public mutating func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for index in 0..<MemoryLayout<T>.size {
            bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (index * 8))
        }
    }
}
