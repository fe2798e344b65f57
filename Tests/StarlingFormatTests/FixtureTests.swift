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
        for (name, bytes) in files where !FileManager.default.fileExists(atPath: Self.path(name)) {
            try FileBytes.writeAtomically(bytes, to: Self.path(name))
        }
    }
}
