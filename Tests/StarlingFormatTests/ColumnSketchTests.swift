/// Column sketches (`Formats/segment.md` §7.5): what the writer stores for each column, read
/// back, and damaged sketches refused.

import StarlingColumns
import StarlingEncoding
import StarlingFormat
import Testing

@Suite("Column sketches")
struct ColumnSketchTests {
    /// The sketch of `values` of `type`, written in one segment (in `appends` appends) and read back.
    static func stored(_ values: [Value], type: LogicalType, appends: Int = 1) throws -> ColumnSketch? {
        let columns = [ColumnSchema(name: "x", type: type)]
        var options = SegmentWriteOptions()
        options.rowGroupSize = 1000
        var writer = try SegmentWriter(columns: columns, options: options)
        let size = (values.count + appends - 1) / max(appends, 1)
        var start = 0
        while start < values.count {
            let part = Array(values[start..<min(start + size, values.count)])
            try writer.append([ColumnVector(type: type, values: part)])
            start += size
        }
        let bytes = writer.finish()
        let reader = try SegmentReader(bytes: bytes.withUnsafeBytes { ByteStorage(copying: $0) }, path: "sketch.stsg")
        try reader.verify()
        #expect(reader.footer.writeVersion == 4)
        return try reader.sketch(column: 0)
    }

    /// The registers of a HyperLogLog fed `hashes`.
    static func registers(_ hashes: [UInt64]) -> [UInt8] {
        var registers = [UInt8](repeating: 0, count: ColumnSketch.registerCount)
        for hash in hashes {
            let (register, rank) = HyperLogLog.slot(of: hash)
            registers[register] = max(registers[register], rank)
        }
        return registers
    }

    @Test("up to 256 distinct values are kept as their exact hashes, NULLs left out, whatever the type")
    func exactHashes() throws {
        let integers: [Value] = (0..<3000).map { $0 % 7 == 0 ? .null : .integer(Int64($0 % 256) - 100) }
        let expected = Set((0..<256).map { ColumnSketch.hash(Int64($0) - 100) }).sorted()
        #expect(try Self.stored(integers, type: .bigint) == ColumnSketch(.hashes(expected)))
        #expect(try Self.stored(integers, type: .smallint, appends: 3) == ColumnSketch(.hashes(expected)))
        let strings: [Value] = (0..<500).map { .string(["", "ASIA", "Ünïcödé", "EUROPE"][$0 % 4]) }
        let stringHashes = ["", "ASIA", "Ünïcödé", "EUROPE"].map { text in
            Array(text.utf8).withUnsafeBytes { ColumnSketch.hash($0) }
        }
        #expect(try Self.stored(strings, type: .varchar) == ColumnSketch(.hashes(stringHashes.sorted())))
        // −0 and +0 are one value, every NaN one value.
        let doubles: [Value] = [.double(0), .double(-0.0), .double(.nan), .double(-.nan), .double(1.5), .null]
        let doubleHashes = [0, Double.nan, 1.5].map { ColumnSketch.hash(ColumnSketch.doubleKey($0)) }
        #expect(try Self.stored(doubles, type: .double) == ColumnSketch(.hashes(doubleHashes.sorted())))
        #expect(try Self.stored([.null, .null], type: .date) == ColumnSketch(.hashes([])))
        #expect(
            try Self.stored([.boolean(true), .boolean(false)], type: .boolean)
                == ColumnSketch(.hashes([ColumnSketch.hash(0), ColumnSketch.hash(1)].sorted())))
    }

    @Test("past 256 distinct values the registers hold every value's hash, across appends and row groups")
    func registersPastTheLimit() throws {
        let rows = SegmentWriter.sketchRegisterRows + 4_464
        let values: [Value] = (0..<rows).map { .integer(Int64($0 * 37 % 9_000)) }
        let expected = Self.registers((0..<9_000).map { ColumnSketch.hash(Int64($0)) })
        #expect(try Self.stored(values, type: .integer) == ColumnSketch(.registers(expected)))
        #expect(try Self.stored(values, type: .integer, appends: 7) == ColumnSketch(.registers(expected)))
        // 257 values: one past the exact form.
        let justOver: [Value] = (0..<rows).map { .string("value \($0 % 257)") }
        let hashes = (0..<257).map { index in Array("value \(index)".utf8).withUnsafeBytes { ColumnSketch.hash($0) } }
        #expect(try Self.stored(justOver, type: .varchar) == ColumnSketch(.registers(Self.registers(hashes))))
    }

    @Test("a segment of fewer rows than a row group stores exact sketches only: registers would cost it too much")
    func smallSegments() throws {
        let rows = SegmentWriter.sketchRegisterRows - 1
        #expect(try Self.stored((0..<rows).map { .integer(Int64($0)) }, type: .integer) == nil)
        let few = (0..<rows).map { Value.integer(Int64($0 % 100)) }
        #expect(
            try Self.stored(few, type: .integer)
                == ColumnSketch(.hashes((0..<100).map { ColumnSketch.hash(Int64($0)) }.sorted())))
    }

    @Test("a damaged sketch is an error naming the file, never a wrong sketch")
    func damagedSketches() throws {
        let values: [Value] = (0..<SegmentWriter.sketchRegisterRows).map { .integer(Int64($0)) }
        let columns = [ColumnSchema(name: "x", type: .integer)]
        let bytes = try SegmentWriter.encode(columns: columns, vectors: [ColumnVector(type: .integer, values: values)])
        let reader = try SegmentReader(bytes: bytes.withUnsafeBytes { ByteStorage(copying: $0) }, path: "sketch.stsg")
        let location = try #require(reader.footer.sketch(column: 0))
        #expect(location.length == 2 + ColumnSketch.registerCount)
        // A flipped byte: the checksum.
        var flipped = bytes
        flipped[location.offset + 100] ^= 0x40
        let damaged = try SegmentReader(
            bytes: flipped.withUnsafeBytes { ByteStorage(copying: $0) }, path: "sketch.stsg")
        let error = #expect(throws: SegmentError.self) { _ = try damaged.sketch(column: 0) }
        #expect(error?.kind == .checksumMismatch && error?.path == "sketch.stsg")
        // Fields that pass the checksum but not the checks.
        for (index, replacement) in [(0, UInt8(11)), (1, UInt8(2)), (2 + 5, UInt8(54))] {
            var patched = Array(bytes[location.offset..<(location.offset + location.length)])
            patched[index] = replacement
            let parse = #expect(throws: EncodedDataError.self) {
                _ = try patched.withUnsafeBytes { try ColumnSketch.parse($0, baseOffset: location.offset) }
            }
            #expect(parse?.offset == location.offset + index)
        }
        let unordered = ColumnSketch(.hashes([3, 2])).serialized()
        #expect(throws: EncodedDataError.self) {
            _ = try unordered.withUnsafeBytes { try ColumnSketch.parse($0, baseOffset: 0) }
        }
        let short = Array(ColumnSketch(.hashes([1, 2])).serialized().dropLast())
        #expect(throws: EncodedDataError.self) {
            _ = try short.withUnsafeBytes { try ColumnSketch.parse($0, baseOffset: 0) }
        }
    }

    @Test("a sketch location outside the data region, or half empty, is refused when the file opens")
    func locations() throws {
        let columns = [ColumnSchema(name: "x", type: .integer)]
        let bytes = try SegmentWriter.encode(
            columns: columns, vectors: [ColumnVector(type: .integer, values: [.integer(1)])])
        let reader = try SegmentReader(bytes: bytes.withUnsafeBytes { ByteStorage(copying: $0) }, path: "sketch.stsg")
        let good = try #require(reader.footer.sketch(column: 0))
        let bad = [
            SketchLocation(offset: reader.footerOffset - 4, length: good.length, checksum: good.checksum),
            SketchLocation(offset: 8, length: good.length, checksum: good.checksum),
            SketchLocation(offset: good.offset, length: ColumnSketch.maximumByteCount + 1, checksum: good.checksum),
            SketchLocation(offset: good.offset, length: 0, checksum: good.checksum),
        ]
        for location in bad {
            var footer = reader.footer
            footer.sketches = [location]
            let patched = SegmentCorruptionTests.withFooter(footer, dataOf: bytes, footerOffset: reader.footerOffset)
            let error = #expect(throws: SegmentError.self, "\(location)") {
                _ = try SegmentReader(bytes: patched.withUnsafeBytes { ByteStorage(copying: $0) }, path: "sketch.stsg")
            }
            #expect(error?.kind == .malformed)
        }
    }
}
