/// Tests of bit packing and xxHash64.

import Testing
@testable import StarlingEncoding
import StarlingColumns

@Suite("BitPacking")
struct BitPackingTests {
    @Test("round-trips every width and many lengths")
    func roundTrip() {
        var random = SplitMix64(seed: 7)
        for width in 0...64 {
            for count in [0, 1, 2, 7, 8, 9, 63, 64, 65, 1000, 1024, 1031, 2049, 3000] {
                let mask: UInt64 = width == 64 ? ~0 : (UInt64(1) << UInt64(width)) - 1
                let values = (0..<count).map { _ in random.next() & mask }
                var writer = ByteWriter()
                BitPacking.pack(values, width: width, into: &writer)
                #expect(writer.count == BitPacking.packedByteCount(count: count, width: width))
                var decoded = [UInt64](repeating: 0, count: count)
                writer.bytes.withUnsafeBytes { bytes in
                    BitPacking.unpack(bytes, count: count, width: width) { decoded[$0] = $1 }
                }
                #expect(decoded == values, "width \(width) count \(count)")
            }
        }
    }

    @Test("unpacks whole groups of eight from any group on, never loading past the buffer")
    func groups() {
        var random = SplitMix64(seed: 11)
        for width in 1...BitPacking.widestGroupWidth {
            let mask: UInt64 = (UInt64(1) << UInt64(width)) - 1
            let values = (0..<203).map { _ in random.next() & mask }
            var writer = ByteWriter()
            BitPacking.pack(values, width: width, into: &writer)
            let bytes = writer.bytes
            for first in stride(from: 0, through: 200, by: 8) {
                var output = [UInt64](repeating: 0, count: 203)
                let done = bytes.withUnsafeBytes { bytes in
                    output.withUnsafeMutableBufferPointer { output in
                        BitPacking.unpackGroups(
                            bytes.baseAddress!, byteCount: bytes.count, first: first, count: 203 - first, width: width,
                            into: output.baseAddress!)
                    }
                }
                #expect(done % 8 == 0 && done <= 203 - first)
                // The last value unpacked was loaded as 8 bytes inside the buffer.
                #expect(done == 0 || ((first + done - 1) * width) / 8 + 8 <= bytes.count)
                // Every group whose last 8-byte load fits is unpacked: only a tail is left.
                let lastEnd = ((first + done + 7) * width) / 8 + 8
                #expect(done == (203 - first) / 8 * 8 || lastEnd > bytes.count, "width \(width) first \(first)")
                #expect(Array(output.prefix(done)) == Array(values[first..<(first + done)]), "width \(width) first \(first)")
            }
        }
    }

    @Test("packs least significant bit first")
    func layout() {
        var writer = ByteWriter()
        BitPacking.pack([1, 2, 3, 4, 5] as [UInt64], width: 3, into: &writer)
        // 001 010 011 100 101 → bits LSB-first: byte0 = 0b11_010_001, byte1 = 0b0_101_100_0
        #expect(writer.bytes == [0xD1, 0x58])
    }
}

@Suite("XXHash64")
struct XXHash64Tests {
    @Test("matches the reference implementation")
    func vectors() {
        #expect(XXHash64.hash([]) == 0xEF46_DB37_51D8_E999)
        #expect(XXHash64.hash(Array("a".utf8)) == 0xD24E_C4F1_A98C_6E5B)
        #expect(XXHash64.hash(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
        #expect(XXHash64.hash((0..<100).map { UInt8($0) }) == 0x6AC1_E580_3216_6597)
    }
}

@Suite("HyperLogLog")
struct HyperLogLogTests {
    @Test("estimates within a few percent")
    func estimate() {
        for count in [0, 1, 100, 10_000, 200_000] {
            var sketch = HyperLogLog()
            for value in 0..<count { sketch.add(hash: XXHash64.mix(UInt64(value))) }
            let estimate = Double(sketch.estimate)
            #expect(abs(estimate - Double(count)) <= max(2, Double(count) * 0.05), "\(count) → \(estimate)")
        }
    }
}

@Suite("XXHash64.Stream")
struct XXHash64StreamTests {
    @Test("pieces of any size hash like the whole")
    func pieces() {
        var random = SplitMix64(seed: 3)
        let bytes = (0..<10_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let whole = XXHash64.hash(bytes)
        for piece in [1, 3, 31, 32, 33, 100, 4096] {
            var stream = XXHash64.Stream()
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + piece, bytes.count)
                bytes[offset..<end].withUnsafeBytes { stream.update($0) }
                offset = end
            }
            #expect(stream.finish() == whole, "piece \(piece)")
        }
    }
}
