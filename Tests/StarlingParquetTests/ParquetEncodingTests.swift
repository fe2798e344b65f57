/// Tests of the Parquet writer's encodings: the Thrift compact protocol and the RLE /
/// bit-packing hybrid, against the byte sequences their specifications give.

import StarlingEncoding
import Testing

@testable import StarlingParquet

@Suite("Parquet encodings")
struct ParquetEncodingTests {
    @Test("Thrift compact: short and long field deltas, zigzag varints, lists, nested structures")
    func thrift() {
        var thrift = ThriftCompactWriter()
        thrift.field(1, i32: 3)  // delta 1, i32: 0x15; zigzag(3) = 6
        thrift.field(20, i64: -1)  // delta 19: type byte 0x06, zigzag(20) = 40, zigzag(-1) = 1
        thrift.beginStruct(21)  // delta 1, struct: 0x1C
        thrift.field(1, bool: true)  // ids restart inside: 0x11
        thrift.endStruct()
        thrift.field(22, bool: false)  // delta 1 from 21: 0x12
        thrift.beginList(23, of: .i32, count: 2)  // 0x19, then 0x25
        thrift.element(i32: 1)
        thrift.element(i32: -2)
        thrift.beginList(24, of: .binary, count: 15)  // 15 elements: 0xF8 and a varint 15
        for _ in 0..<15 { thrift.element(binary: [0x61]) }
        thrift.field(25, i64: 300)  // zigzag 600 = 0xD8 0x04
        thrift.endStruct()
        let expected: [UInt8] =
            [0x15, 0x06, 0x06, 0x28, 0x01, 0x1C, 0x11, 0x00, 0x12, 0x19, 0x25, 0x02, 0x03, 0x19, 0xF8, 0x0F]
            + Array(repeating: [0x01, 0x61], count: 15).flatMap { $0 } + [0x16, 0xD8, 0x04, 0x00]
        #expect(thrift.bytes == expected)
    }

    @Test("hybrid: the specification's bit-packed example, RLE runs, and mixed input")
    func hybrid() {
        var packed = HybridEncoder(bitWidth: 3)
        let ramp: [UInt32] = [0, 1, 2, 3, 4, 5, 6, 7]
        ramp.withUnsafeBufferPointer { packed.encode($0) }
        #expect(packed.bytes == [0x03, 0x88, 0xC6, 0xFA])

        var repeated = HybridEncoder(bitWidth: 1)
        repeated.encode(repeating: 1, count: 10)
        #expect(repeated.bytes == [0x14, 0x01])

        // Eight values, then a run of 9: one bit-packed group (72 bits), then an RLE run.
        var mixed = HybridEncoder(bitWidth: 9)
        let values: [UInt32] = [1, 2, 3, 4, 5, 6, 7, 8] + Array(repeating: 300, count: 9)
        values.withUnsafeBufferPointer { mixed.encode($0) }
        #expect(mixed.bytes.count == 1 + 9 + 1 + 2)
        #expect(mixed.bytes[0] == 0x03)
        #expect(Array(mixed.bytes.suffix(3)) == [0x12, 0x2C, 0x01])
        #expect(HybridEncoder.bitWidth(forMaximum: 0) == 0)
        #expect(HybridEncoder.bitWidth(forMaximum: 255) == 8)
        #expect(HybridEncoder.bitWidth(forMaximum: 256) == 9)
    }

    @Test("hybrid: random values of every width decode to themselves")
    func hybridRoundTrip() {
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 17
        }
        for width in 1...32 {
            for count in [1, 7, 8, 9, 100, 1_000] {
                let mask = width == 32 ? UInt64(UInt32.max) : (1 << UInt64(width)) - 1
                // Runs of random length, so both run kinds appear.
                var values: [UInt32] = []
                while values.count < count {
                    let value = UInt32(next() & mask)
                    values += Array(repeating: value, count: min(count - values.count, Int(next() % 12) + 1))
                }
                var encoder = HybridEncoder(bitWidth: width)
                values.withUnsafeBufferPointer { encoder.encode($0) }
                #expect(
                    Self.decode(encoder.bytes, width: width, count: count) == values, "width \(width), \(count) values")
            }
        }
    }

    /// A reference reader of the hybrid encoding, bit by bit.
    static func decode(_ bytes: [UInt8], width: Int, count: Int) -> [UInt32] {
        var values: [UInt32] = []
        var offset = 0
        func varint() -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count {
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            return value
        }
        while values.count < count && offset < bytes.count {
            let header = varint()
            if header & 1 == 0 {
                var value: UInt32 = 0
                for byte in 0..<(width + 7) / 8 where offset + byte < bytes.count {
                    value |= UInt32(bytes[offset + byte]) << UInt32(8 * byte)
                }
                offset += (width + 7) / 8
                values += Array(repeating: value, count: Int(header >> 1))
            } else {
                let total = Int(header >> 1) * 8
                for index in 0..<total {
                    var value: UInt32 = 0
                    for bit in 0..<width {
                        let position = index * width + bit
                        guard offset + position / 8 < bytes.count else { break }
                        if bytes[offset + position / 8] >> UInt8(position % 8) & 1 == 1 { value |= 1 << UInt32(bit) }
                    }
                    values.append(value)
                }
                offset += total * width / 8
            }
        }
        return Array(values.prefix(count))
    }
}
