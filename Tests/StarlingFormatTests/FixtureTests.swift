/// Decodes the checked-in fixture segments to the values `Formats/segment.md` states.

import Foundation
import Testing
import StarlingColumns
import StarlingEncoding
import StarlingFormat
import StarlingCompression

@Suite("Fixture segments")
struct FixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path

    static func path(_ name: String) -> String { directory + "/" + name }

    @Test("the typed fixtures decode to the stated values", arguments: ["segment-v1-basic.stsg", "segment-v1-lz4.stsg", "segment-v1-zstd.stsg"])
    func typedFixtures(name: String) throws {
        let reader = try SegmentReader(path: Self.path(name))
        try reader.verify()
        #expect(reader.footer.columns == FixtureSegments.columns)
        #expect(reader.rowCount == 5)
        for index in FixtureSegments.columns.indices {
            #expect(try reader.readColumn(index).flatMap(\.values) == FixtureSegments.values[index], "\(name) column \(index)")
        }
        if name == "segment-v1-basic.stsg" {
            #expect(reader.footer.metadata == ["table": "fixture"])
            #expect(reader.footer.rowGroups.count == 1)
            let chunks = reader.footer.rowGroups[0].chunks
            #expect(chunks.map(\.encoding) == [.bitPacked, .plain, .plain, .plain, .plain, .dictionary, .bitPacked, .bitPacked, .dictionary, .dictionary])
            #expect(chunks[9].statistics == ChunkStatistics(nullCount: 0, distinctCount: 4, minimum: .string(""), maximum: .string("Ünïcödé")))
        } else {
            #expect(reader.footer.rowGroups.map(\.rowCount) == [3, 2])
            let codec: Compression = name.contains("lz4") ? .lz4 : .zstd
            #expect(reader.footer.rowGroups.allSatisfy { $0.chunks.allSatisfy { $0.compression == codec } })
        }
    }

    @Test("the encodings fixture holds one column per encoding")
    func encodingsFixture() throws {
        let reader = try SegmentReader(path: Self.path("segment-v1-encodings.stsg"))
        try reader.verify()
        #expect(reader.footer.rowGroups[0].chunks.map(\.encoding) == FixtureSegments.versionOneEncodings)
        #expect(reader.footer.writeVersion == 1 && reader.footer.readVersion == 1)
        for index in FixtureSegments.versionOneEncodings.indices {
            #expect(try reader.read(rowGroup: 0, column: index).values == FixtureSegments.encodingValues)
        }
    }

    @Test("the packed run-length fixture decodes, whole and as a view")
    func packedRunLengthFixture() throws {
        let reader = try SegmentReader(path: Self.path("segment-v2-packed-rle.stsg"))
        try reader.verify()
        #expect(reader.footer.writeVersion == 2 && reader.footer.readVersion == 2)
        #expect(reader.footer.columns == FixtureSegments.packedColumns)
        #expect(reader.footer.rowGroups[0].chunks.map(\.encoding) == [.packedRunLength, .packedRunLength, .packedRunLength])
        for index in FixtureSegments.packedColumns.indices {
            #expect(try reader.read(rowGroup: 0, column: index).values == FixtureSegments.packedValues[index])
        }
        // The chunk with a NULL is decoded whole; the others can be read encoded.
        #expect(try reader.integerView(rowGroup: 0, column: 0) == nil)
        for index in 1..<3 {
            let view = try #require(try reader.integerView(rowGroup: 0, column: index))
            #expect(try view.gather(nil).map { Value.integer($0) } == FixtureSegments.packedValues[index])
            #expect(try view.gather([1, 3, 7]).map { Value.integer($0) } == [1, 3, 7].map { FixtureSegments.packedValues[index][$0] })
        }
    }

    @Test("the keyed fixture names its key column per row group; its side file holds the prices")
    func keyedFixture() throws {
        let reader = try SegmentReader(path: Self.path("segment-v3-keyed.stsg"))
        try reader.verify()
        #expect(reader.footer.writeVersion == 3 && reader.footer.readVersion == 3)
        #expect(reader.footer.columns == FixtureSegments.keyedColumns)
        #expect(reader.footer.rowGroups.map(\.rowCount) == [4, 4])
        for rowGroup in 0..<2 {
            #expect(reader.footer.rowGroups[rowGroup].chunks.map(\.encoding) == [.bitPacked, .plain, .keyed])
            #expect(try reader.keyColumn(rowGroup: rowGroup, column: 2) == 0)
            #expect(try reader.keyColumn(rowGroup: rowGroup, column: 0) == nil)
            #expect(try reader.integerView(rowGroup: rowGroup, column: 2) == nil)
            // The zone map is the values': prices 250…1000 in the first group, 250…1000 in the second.
            let statistics = reader.footer.rowGroups[rowGroup].chunks[2].statistics
            #expect(statistics.nullCount == 0 && statistics.minimum == .integer(250) && statistics.maximum == .integer(1000))
            // A keyed chunk has no values to decode on its own.
            #expect(throws: SegmentError.self) { _ = try reader.read(rowGroup: rowGroup, column: 2) }
        }
        // Its values: the side file's at the item codes.
        let side = try SegmentReader(path: Self.path("keyed-values-v3.stsg"))
        try side.verify()
        #expect(side.footer.readVersion == 1 && side.footer.metadata == ["kind": "keyed values"])
        let prices = try side.readColumn(0).flatMap(\.values)
        #expect(prices == FixtureSegments.keyedPrices)
        let items = try reader.readColumn(0).flatMap(\.values)
        #expect(items.map { value -> Value in
            guard case .integer(let code) = value else { return .null }
            return prices[Int(code)]
        } == FixtureSegments.keyedValues[2])
        #expect(try reader.readColumn(1).flatMap(\.values) == FixtureSegments.keyedValues[1])
    }

    @Test("the sketches fixture holds a register sketch and an exact one, as §7.5 defines them")
    func sketchesFixture() throws {
        let reader = try SegmentReader(path: Self.path("segment-v4-sketches.stsg"))
        try reader.verify()
        #expect(reader.footer.writeVersion == 4 && reader.footer.readVersion == 1)
        #expect(reader.footer.columns == FixtureSegments.sketchColumns)
        for index in FixtureSegments.sketchColumns.indices {
            #expect(try reader.readColumn(index).flatMap(\.values) == FixtureSegments.sketchValues[index])
        }
        // Register h >> 52 holds the largest min(lzcnt(h << 12), 52) + 1 of the MurmurHash3
        // finalizer of 0…299.
        var registers = [UInt8](repeating: 0, count: 4096)
        for value in 0..<300 {
            var hash = UInt64(value)
            hash ^= hash >> 33
            hash &*= 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 33
            hash &*= 0xC4CE_B9FE_1A85_EC53
            hash ^= hash >> 33
            let register = Int(hash >> 52)
            registers[register] = max(registers[register], UInt8(min((hash << 12).leadingZeroBitCount, 52) + 1))
        }
        #expect(try reader.sketch(column: 0) == ColumnSketch(.registers(registers)))
        let hashes = FixtureSegments.sketchRegions.map { Array($0.utf8).withUnsafeBytes { XXHash64.hash($0) } }.sorted()
        #expect(try reader.sketch(column: 1) == ColumnSketch(.hashes(hashes)))
        #expect(reader.footer.sketch(column: 1)?.length == 4 + 8 * 4)
    }

    /// Writes the fixtures when asked, never over existing files.
    @Test("write missing fixtures (only with STARLING_WRITE_FIXTURES=1)")
    func writeFixtures() throws {
        guard ProcessInfo.processInfo.environment["STARLING_WRITE_FIXTURES"] == "1" else { return }
        var files: [(String, [UInt8])] = []
        for (name, options) in FixtureSegments.files {
            let vectors = zip(FixtureSegments.columns, FixtureSegments.values).map { ColumnVector(type: $0.type, values: $1) }
            files.append((name, try SegmentWriter.encode(columns: FixtureSegments.columns, vectors: vectors, options: options)))
        }
        let encodingVectors = FixtureSegments.encodingColumns.map { _ in ColumnVector(type: .integer, values: FixtureSegments.encodingValues) }
        files.append(("segment-v1-encodings.stsg", try SegmentWriter.encode(columns: FixtureSegments.encodingColumns, vectors: encodingVectors, options: FixtureSegments.encodingOptions)))
        let packedVectors = zip(FixtureSegments.packedColumns, FixtureSegments.packedValues).map { ColumnVector(type: $0.type, values: $1) }
        files.append(("segment-v2-packed-rle.stsg", try SegmentWriter.encode(columns: FixtureSegments.packedColumns, vectors: packedVectors, options: FixtureSegments.packedOptions)))
        var keyedWriter = try SegmentWriter(columns: FixtureSegments.keyedColumns, options: FixtureSegments.keyedOptions)
        try keyedWriter.append(zip(FixtureSegments.keyedColumns, FixtureSegments.keyedValues).map { ColumnVector(type: $0.type, values: $1) }, keyed: [2: 0])
        files.append(("segment-v3-keyed.stsg", keyedWriter.finish()))
        files.append(("keyed-values-v3.stsg", try SegmentWriter.encode(
            columns: [ColumnSchema(name: "value", type: .integer)], vectors: [ColumnVector(type: .integer, values: FixtureSegments.keyedPrices)],
            options: FixtureSegments.keyedValuesOptions)))
        let sketchVectors = zip(FixtureSegments.sketchColumns, FixtureSegments.sketchValues).map { ColumnVector(type: $0.type, values: $1) }
        files.append(("segment-v4-sketches.stsg", try SegmentWriter.encode(
            columns: FixtureSegments.sketchColumns, vectors: sketchVectors, options: FixtureSegments.sketchOptions)))
        for (name, bytes) in files where !FileManager.default.fileExists(atPath: Self.path(name)) {
            try FileBytes.writeAtomically(bytes, to: Self.path(name))
        }
    }
}
