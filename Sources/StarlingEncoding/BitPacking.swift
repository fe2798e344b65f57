/// Packs unsigned integers of a fixed bit width into a little-endian bit stream, and back.

/// Bit packing, least significant bit first: value `i` occupies stream bits
/// `[i * width, (i + 1) * width)`, and stream bit `k` is bit `k % 8` of byte `k / 8`.
/// `n` values of `width` bits take `(n * width + 7) / 8` bytes.
public enum BitPacking {
    /// The number of bits needed for `value` (0 for 0).
    @inlinable
    public static func bitWidth(of value: UInt64) -> Int {
        64 - value.leadingZeroBitCount
    }

    /// Bytes taken by `count` values of `width` bits.
    @inlinable
    public static func packedByteCount(count: Int, width: Int) -> Int {
        (count * width + 7) / 8
    }

    /// How many of `count` values of `width` (1...57) bits packed in `byteCount` bytes can each be
    /// read with one unaligned 8-byte load that stays inside the bytes: value `i` starts at bit
    /// `i * width`, so it needs `(i * width) / 8 + 8 <= byteCount`. The rest need a shorter read.
    @inlinable @inline(__always)
    public static func wordReadableCount(byteCount: Int, count: Int, width: Int) -> Int {
        width > 0 && byteCount >= 8 ? Swift.min(count, ((byteCount &- 8) &* 8) / width &+ 1) : 0
    }

    /// Appends `values` (each already below `2^width`) packed at `width` bits.
    public static func pack<C: Collection>(_ values: C, width: Int, into writer: inout ByteWriter) where C.Element == UInt64 {
        var iterator = values.makeIterator()
        pack(count: values.count, width: width, into: &writer) { iterator.next() ?? 0 }
    }

    /// Appends `values[i] - reference` (each, modulo 2^64, already below `2^width`) packed at
    /// `width` bits: a frame of reference, read straight from the buffer.
    public static func pack(_ values: UnsafeBufferPointer<Int64>, minus reference: Int64, width: Int, into writer: inout ByteWriter) {
        let offset = UInt64(bitPattern: reference)
        var index = 0
        pack(count: values.count, width: width, into: &writer) {
            let value = UInt64(bitPattern: values[index]) &- offset
            index &+= 1
            return value
        }
    }

    /// Appends the `count` values `next` returns, packed at `width` bits: the packed bytes are
    /// reserved in `writer` at once and filled a 64-bit word at a time.
    @inline(__always)
    static func pack(count: Int, width: Int, into writer: inout ByteWriter, _ next: () -> UInt64) {
        precondition((0...64).contains(width), "bit width out of range")
        guard width > 0 else { return }
        let byteCount = packedByteCount(count: count, width: width)
        let mask: UInt64 = width == 64 ? ~0 : (UInt64(1) << UInt64(width)) - 1
        writer.appendZeroed(byteCount) { output in
            var accumulator: UInt64 = 0
            var accumulated = 0
            var position = 0
            for _ in 0..<count {
                let value = next() & mask
                accumulator |= value << UInt64(accumulated)
                if accumulated + width >= 64 {
                    // Full words end at or before `byteCount`: they hold the first bits written.
                    output.storeBytes(of: accumulator.littleEndian, toByteOffset: position, as: UInt64.self)
                    position &+= 8
                    // Smart shift: a shift by 64 yields 0, which is right when nothing carries over.
                    accumulator = value >> UInt64(64 - accumulated)
                    accumulated = accumulated + width - 64
                } else {
                    accumulated += width
                }
            }
            var tail = accumulator
            for _ in 0..<((accumulated + 7) / 8) {
                output.storeBytes(of: UInt8(truncatingIfNeeded: tail), toByteOffset: position, as: UInt8.self)
                position &+= 1
                tail >>= 8
            }
            precondition(position == byteCount, "packed \(position) bytes, expected \(byteCount)")
        }
    }

    /// Unpacks `count` values of `width` bits from `packed` and hands each to `store` with its index.
    ///
    /// A `store` that updates a captured variable (a running maximum, an error flag) keeps it in
    /// memory on every value: use ``unpackBlocks(_:count:width:_:)`` and fold a block's own
    /// local state in once per block instead.
    ///
    /// - Precondition: `packed` holds at least `packedByteCount(count:width:)` bytes (callers check
    ///   this against untrusted lengths before calling) and `width` is in `0...64`.
    @inlinable @inline(__always)
    public static func unpack(
        _ packed: UnsafeRawBufferPointer, count: Int, width: Int,
        _ store: (Int, UInt64) -> Void
    ) {
        unpackBlocks(packed, count: count, width: width) { first, values in
            for offset in 0..<values.count { store(first &+ offset, values[offset]) }
        }
    }

    /// Values per block of ``unpackBlocks(_:count:width:_:)``.
    @usableFromInline static let blockSize = 1024

    /// Unpacks `count` values of `width` bits from `packed` a block at a time, in order:
    /// `body(first, values)` gets values `first ..< first + values.count`, at most
    /// ``blockSize`` of them, in a buffer that is reused for the next block.
    ///
    /// - Precondition: `packed` holds at least `packedByteCount(count:width:)` bytes (callers check
    ///   this against untrusted lengths before calling) and `width` is in `0...64`.
    @inlinable @inline(__always)
    public static func unpackBlocks(
        _ packed: UnsafeRawBufferPointer, count: Int, width: Int,
        _ body: (Int, UnsafeBufferPointer<UInt64>) -> Void
    ) {
        precondition(
            (0...64).contains(width) && packed.count >= packedByteCount(count: count, width: width),
            "packed buffer too short")
        let mask: UInt64 = width == 64 ? ~0 : (UInt64(1) << UInt64(width)) &- 1
        let byteCount = packed.count
        // Values before `fastEnd` are read with one unaligned 8-byte load each.
        let fastEnd = width <= 57 ? wordReadableCount(byteCount: byteCount, count: count, width: width) : 0
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: blockSize) { buffer in
            guard let block = buffer.baseAddress else { return }
            var first = 0
            while first < count {
                let length = Swift.min(blockSize, count &- first)
                var done = 0
                if width == 0 {
                    block.update(repeating: 0, count: length)
                    done = length
                } else if let base = packed.baseAddress {
                    // Whole groups of eight by a loop made for the width (`first` is a multiple
                    // of the block size, so of eight), then the rest one value at a time.
                    if width <= widestGroupWidth && length >= 8 {
                        done = unpackGroups(
                            base, byteCount: byteCount, first: first, count: length, width: width, into: block)
                    }
                    while done < length {
                        let index = first &+ done, bit = index &* width
                        if index < fastEnd {
                            let word = UInt64(
                                littleEndian: base.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
                            block[done] = (word &>> UInt64(bit & 7)) & mask
                        } else {
                            block[done] = unpackSlowly(base, index: index, width: width) & mask
                        }
                        done &+= 1
                    }
                }
                body(first, UnsafeBufferPointer(start: block, count: done))
                first &+= length
            }
        }
    }

    /// Value `index`, gathered byte by byte: for the last values of a buffer, and for widths
    /// whose values can straddle nine bytes.
    @usableFromInline
    static func unpackSlowly(_ base: UnsafeRawPointer, index: Int, width: Int) -> UInt64 {
        let bit = index * width
        var value: UInt64 = 0
        var gathered = 0
        var byteIndex = bit >> 3
        var shift = bit & 7
        while gathered < width {
            let byte = UInt64(base.load(fromByteOffset: byteIndex, as: UInt8.self)) >> UInt64(shift)
            value |= byte << UInt64(gathered)
            gathered += 8 - shift
            shift = 0
            byteIndex += 1
        }
        return value
    }
}
