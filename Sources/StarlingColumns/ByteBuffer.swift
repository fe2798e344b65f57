/// A growable run of bytes that text is formatted into: query results a batch of rows at a time
/// (StarlingCommand's writers), generated extracts a block of rows at a time (StarlingSampleData).

/// Bytes appended at the end of one owned allocation, kept (with its capacity) from batch to batch.
///
/// Writers make room once per value with ``reserve(_:)`` and then append that value's bytes with
/// ``put(_:)``, which does not check the room again: the one check per value is the reservation.
/// Not copyable, so the allocation has exactly one owner and is freed with it.
public struct ByteBuffer: ~Copyable {
    /// The bytes written so far.
    @usableFromInline var written = 0
    /// The bytes allocated.
    @usableFromInline var capacity: Int
    /// The allocation.
    @usableFromInline var base: UnsafeMutablePointer<UInt8>

    /// An empty buffer with room for `capacity` bytes (64 KiB: a batch of a few columns).
    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 16)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far.
    @inlinable public var count: Int { written }

    /// Forgets the bytes, keeping the allocation.
    @inlinable public mutating func removeAll() { written = 0 }

    /// The last byte written, if any.
    @inlinable public var last: UInt8? { written > 0 ? base[written - 1] : nil }

    /// Forgets the last byte written. Precondition: one was.
    @inlinable public mutating func removeLast() {
        precondition(written > 0, "ByteBuffer.removeLast on an empty buffer")
        written -= 1
    }

    /// Makes room for `extra` more bytes, which ``put(_:)`` may then append without a check.
    @inlinable @inline(__always)
    public mutating func reserve(_ extra: Int) {
        if capacity - count < extra { grow(to: count + extra) }
    }

    /// Moves the bytes to an allocation of at least `needed` bytes, doubling the capacity.
    @usableFromInline @inline(never)
    mutating func grow(to needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends one byte into room made by ``reserve(_:)``.
    @inlinable @inline(__always)
    public mutating func put(_ byte: UInt8) {
        assert(written < capacity, "ByteBuffer.put without a reservation")
        base[written] = byte
        written += 1
    }

    /// The most digits a `UInt64` has.
    public static let maximumDigits = 20

    /// Appends the decimal digits of `value`, zero-padded to `minimumWidth`, into room made by
    /// ``reserve(_:)`` for `max(20, minimumWidth)` bytes.
    @inlinable @inline(__always)
    public mutating func putDigits(_ value: UInt64, minimumWidth: Int = 1) {
        let width = max(Self.digitCount(value), minimumWidth)
        assert(written + width <= capacity, "ByteBuffer.putDigits without a reservation")
        Self.writeDigits(value, width: width, to: base + written)
        written += width
    }

    /// The number of decimal digits of `value` (1 for 0).
    @inlinable @inline(__always)
    public static func digitCount(_ value: UInt64) -> Int {
        var width = 1
        var limit: UInt64 = 10
        while width < maximumDigits && value >= limit {
            width += 1
            limit &*= 10
        }
        return width
    }

    /// Writes the last `width` decimal digits of `value` (zero-padded) to `start`, two at a time
    /// from the end, from the table of "00" to "99".
    @inlinable @inline(__always)
    static func writeDigits(_ value: UInt64, width: Int, to start: UnsafeMutablePointer<UInt8>) {
        let pairs = digitPairs.utf8Start
        var rest = value
        var end = start + width
        while end - start >= 2 {
            let pair = Int(truncatingIfNeeded: rest % 100) &* 2
            rest /= 100
            end -= 2
            end[0] = pairs[pair]
            end[1] = pairs[pair + 1]
        }
        if end > start { start[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10) }
    }

    /// "00", "01", … "99", back to back.
    @usableFromInline static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// Appends `bytes` into room made by ``reserve(_:)``.
    @inlinable @inline(__always)
    public mutating func put(_ bytes: UnsafeRawBufferPointer) {
        assert(written + bytes.count <= capacity, "ByteBuffer.put without a reservation")
        Self.copy(bytes, to: base + written)
        written += bytes.count
    }

    /// Copies `bytes` to `destination`. A cell or a separator is a few bytes, for which a call
    /// to `memmove` costs more than the copy: up to 16 bytes are moved as two overlapping words
    /// (never reading or writing outside either range).
    @inlinable @inline(__always)
    public static func copy(_ bytes: UnsafeRawBufferPointer, to destination: UnsafeMutablePointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        let count = bytes.count
        let target = UnsafeMutableRawPointer(destination)
        if count >= 8 {
            guard count <= 16 else { return target.copyMemory(from: source, byteCount: count) }
            let head = source.loadUnaligned(as: UInt64.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            target.storeBytes(of: head, as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        } else if count > 0 {
            // One to three bytes: the first, the middle and the last (some the same).
            func copyByte(_ offset: Int) {
                target.storeBytes(
                    of: source.load(fromByteOffset: offset, as: UInt8.self), toByteOffset: offset, as: UInt8.self)
            }
            copyByte(0)
            copyByte(count >> 1)
            copyByte(count - 1)
        }
    }

    /// Makes room for `extra` more bytes and calls `body` with where they go; `body` writes
    /// at most that many and returns how many it wrote, which are then appended.
    @inlinable @inline(__always)
    public mutating func withRoom(_ extra: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(extra)
        let used = body(base + written)
        precondition(0 <= used && used <= extra, "wrote outside the room made")
        written += used
    }

    /// Appends `byte`, making room for it.
    @inlinable @inline(__always)
    public mutating func append(byte: UInt8) {
        reserve(1)
        put(byte)
    }

    /// Appends `bytes`, making room for them.
    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        put(bytes)
    }

    /// Appends `bytes`, making room for them.
    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(UnsafeRawBufferPointer(bytes))
    }

    /// Appends `bytes`, making room for them.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Appends the UTF-8 bytes of `text`.
    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Calls `body` with the bytes written so far.
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// The bytes written so far as text (invalid UTF-8, from stored strings, repaired with U+FFFD,
    /// as `String(decoding:as:)` repairs each string's bytes).
    public var text: String {
        String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }
}
