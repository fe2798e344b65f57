/// Tests of the Parquet writer's encodings: the Thrift compact protocol and the RLE /
/// bit-packing hybrid, against the byte sequences their specifications give.

import Testing

@testable import StarlingInterchange

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
}
