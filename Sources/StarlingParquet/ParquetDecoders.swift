/// Parquet's value and level encodings, decoded from untrusted bytes: the RLE / bit-packing
/// hybrid, DELTA_BINARY_PACKED, and the bit unpacking both use.

import StarlingEncoding

enum ParquetDecoders {
    /// Reads `count` values of `bitWidth` bits in the hybrid encoding (no length prefix) from
    /// `reader`. Runs past `count` (a bit-packed group's padding) are read and dropped.
    static func hybrid(_ reader: inout ByteReader, bitWidth: Int, count: Int) throws(EncodedDataError) -> [UInt32] {
        guard (0...32).contains(bitWidth) else { throw reader.error("a bit width of \(bitWidth)") }
        var values: [UInt32] = []
        values.reserveCapacity(count)
        while values.count < count {
            let header = try varint(&reader, "a run header")
            if header & 1 == 0 {
                let run = header >> 1
                guard run > 0 else { throw reader.error("an empty RLE run") }
                var value: UInt32 = 0
                for byte in 0..<(bitWidth + 7) / 8 {
                    value |= UInt32(try reader.readByte("an RLE value")) << UInt32(8 * byte)
                }
                guard bitWidth == 32 || value >> UInt32(bitWidth) == 0 else {
                    throw reader.error("an RLE value wider than \(bitWidth) bits")
                }
                let take = Int(min(run, UInt64(count - values.count)))
                values.append(contentsOf: repeatElement(value, count: take))
            } else {
                let groups = header >> 1
                guard groups > 0, groups <= UInt64(reader.remaining) + 1 else {
                    throw reader.error("a bit-packed run of \(groups) groups runs past the end")
                }
                let bytes = try reader.readBytes(Int(groups) * bitWidth, "a bit-packed run")
                let take = min(Int(groups) * 8, count - values.count)
                unpack(bytes, bitWidth: bitWidth, count: take, into: &values)
            }
        }
        return values
    }

    /// Appends `count` values of `bitWidth` bits packed least significant bit first.
    ///
    /// - Precondition: `bytes` holds at least `count * bitWidth` bits.
    static func unpack(_ bytes: UnsafeRawBufferPointer, bitWidth: Int, count: Int, into values: inout [UInt32]) {
        precondition(bytes.count * 8 >= count * bitWidth, "too few bytes to unpack")
        guard bitWidth > 0 else {
            values.append(contentsOf: repeatElement(0, count: count))
            return
        }
        let mask = bitWidth == 32 ? UInt64(UInt32.max) : (UInt64(1) << UInt64(bitWidth)) - 1
        values.reserveCapacity(values.count + count)
        var done = 0
        var next = 0
        if bitWidth <= 8 {
            // Whole groups of 8 values (`bitWidth` bytes) from one 64-bit load each, while 8 bytes
            // remain to load.
            let width = UInt64(bitWidth)
            while count - done >= 8, next + 8 <= bytes.count {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: next, as: UInt64.self))
                for slot in 0..<8 { values.append(UInt32(truncatingIfNeeded: (word >> (UInt64(slot) * width)) & mask)) }
                done += 8
                next += bitWidth
            }
        }
        // A window of bits, refilled a byte at a time: at most 7 + 32 bits are held.
        var window: UInt64 = 0
        var held = 0
        for _ in done..<count {
            while held < bitWidth {
                window |= UInt64(bytes[next]) << UInt64(held)
                next += 1
                held += 8
            }
            values.append(UInt32(truncatingIfNeeded: window & mask))
            window >>= UInt64(bitWidth)
            held -= bitWidth
        }
    }

    /// Reads DELTA_BINARY_PACKED integers: exactly the header's count, which must be `count`
    /// when given. Arithmetic wraps, as the encoding's does.
    static func deltaBinaryPacked(_ reader: inout ByteReader, count expected: Int?) throws(EncodedDataError) -> [Int64]
    {
        let blockSize = try varint(&reader, "a block size")
        let miniblocks = try varint(&reader, "a miniblock count")
        let total = try varint(&reader, "a value count")
        var previous = try zigzag(&reader, "a first value")
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20, miniblocks > 0,
            blockSize % miniblocks == 0, (blockSize / miniblocks) % 32 == 0
        else { throw reader.error("a DELTA_BINARY_PACKED header of \(blockSize) values in \(miniblocks) miniblocks") }
        guard total <= UInt64(Int32.max), expected.map({ UInt64($0) == total }) ?? true else {
            throw reader.error("DELTA_BINARY_PACKED holds \(total) values, not \(expected ?? 0)")
        }
        let perMiniblock = Int(blockSize / miniblocks)
        var values: [Int64] = []
        values.reserveCapacity(Int(total))
        if total > 0 { values.append(previous) }
        var deltas: [UInt64] = []
        while values.count < Int(total) {
            let minimum = try zigzag(&reader, "a minimum delta")
            let widths = try reader.readBytes(Int(miniblocks), "miniblock bit widths")
            for miniblock in 0..<Int(miniblocks) where values.count < Int(total) {
                let width = Int(widths[miniblock])
                guard width <= 64 else { throw reader.error("a miniblock bit width of \(width)") }
                let bytes = try reader.readBytes(perMiniblock * width / 8, "a miniblock")
                deltas.removeAll(keepingCapacity: true)
                unpackWide(bytes, bitWidth: width, count: perMiniblock, into: &deltas)
                for delta in deltas where values.count < Int(total) {
                    previous = previous &+ minimum &+ Int64(bitPattern: delta)
                    values.append(previous)
                }
            }
        }
        return values
    }

    /// `count` values of up to 64 bits, least significant bit first.
    private static func unpackWide(
        _ bytes: UnsafeRawBufferPointer, bitWidth: Int, count: Int, into values: inout [UInt64]
    ) {
        guard bitWidth > 0 else {
            values.append(contentsOf: repeatElement(0, count: count))
            return
        }
        for index in 0..<count {
            var value: UInt64 = 0
            for bit in 0..<bitWidth {
                let position = index * bitWidth + bit
                if bytes[position / 8] >> UInt8(position % 8) & 1 != 0 { value |= 1 << UInt64(bit) }
            }
            values.append(value)
        }
    }

    static func varint(_ reader: inout ByteReader, _ what: String) throws(EncodedDataError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try reader.readByte(what)
            guard shift < 64, shift < 63 || byte <= 1 else { throw reader.error("\(what): a varint past 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    static func zigzag(_ reader: inout ByteReader, _ what: String) throws(EncodedDataError) -> Int64 {
        let raw = try varint(&reader, what)
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }
}

/// Unsigned LEB128 varints, as Thrift's compact protocol and the hybrid encoding's run headers
/// write them: seven bits a byte, least significant first, the high bit set on all but the last.
package enum ULEB128 {
    package static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
