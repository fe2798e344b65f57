/// Integer chunk views kept between queries, by file identity.

import Foundation
import Testing
@testable import StarlingFormat
import StarlingColumns
import StarlingCompression
import StarlingEncoding

@Suite("Chunk view cache")
struct ChunkViewCacheTests {
    /// A segment of one run-length INTEGER column stored with LZ4 (or, with `packed`, in packed
    /// runs and uncompressed), in row groups of 1,000 rows.
    static func writeSegment(_ path: String, rows: Int, shift: Int64, packed: Bool = false) throws {
        let columns = [ColumnSchema(name: "customer", type: .integer)]
        let vector = ColumnVector(type: .integer, values: (0..<rows).map { .integer(Int64($0 / 4) + shift) })
        var options = SegmentWriteOptions()
        options.rowGroupSize = 1000
        options.compression = CompressionSetting(packed ? .none : .lz4)
        options.forcedEncodings = ["customer": packed ? .packedRunLength : .runLength]
        options.skipIncompressibleChunks = false
        let bytes = try SegmentWriter.encode(columns: columns, vectors: [vector], options: options)
        try Data(bytes).write(to: URL(fileURLWithPath: path + ".partial"))
        _ = rename(path + ".partial", path)
    }

    @Test("a settled file's decompressed chunks are kept and give the same values; a replaced file is read afresh")
    func keepsDecompressedChunks() throws {
        let path = NSTemporaryDirectory() + "starling-decompressed-\(UUID().uuidString).stsg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.writeSegment(path, rows: 3000, shift: 0)
        Thread.sleep(forTimeInterval: Double(FileIdentity.settledSeconds) + 0.2)
        let cache = ChunkViewCache(budget: 1 << 20)
        let reader = try SegmentReader(path: path)
        #expect(reader.footer.rowGroups[1].chunks[0].compression == .lz4)
        let first = try #require(try reader.integerView(rowGroup: 1, column: 0, cache: cache))
        #expect(cache.usage.chunks == 1)
        let second = try #require(try reader.integerView(rowGroup: 1, column: 0, cache: cache))
        #expect(cache.usage.chunks == 1)
        let expected = (1000..<2000).map { Int64($0 / 4) }
        #expect(try first.gather(nil) == expected)
        #expect(try second.gather(nil) == expected)
        // The same path, new contents: the new file's identity differs, so nothing kept applies.
        try Self.writeSegment(path, rows: 3000, shift: 7)
        let replaced = try SegmentReader(path: path)
        let fresh = try #require(try replaced.integerView(rowGroup: 1, column: 0, cache: cache))
        #expect(try fresh.gather(nil) == expected.map { $0 + 7 })
        // Without a cache nothing is kept.
        _ = try reader.integerView(rowGroup: 2, column: 0)
        #expect(cache.usage.chunks == 1)
    }

    @Test("views of packed runs are kept with their runs; plain bit-packed views are not; a replaced file is read afresh")
    func keepsRuns() throws {
        let path = NSTemporaryDirectory() + "starling-runs-\(UUID().uuidString).stsg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.writeSegment(path, rows: 3000, shift: 0, packed: true)
        Thread.sleep(forTimeInterval: Double(FileIdentity.settledSeconds) + 0.2)
        let cache = ChunkViewCache(budget: 1 << 20)
        let reader = try SegmentReader(path: path)
        #expect(reader.footer.rowGroups[0].chunks[0].encoding == .packedRunLength)
        let first = try #require(try reader.integerView(rowGroup: 0, column: 0, cache: cache))
        // 250 runs of 4 rows: 250 values and 250 ends kept, and the run directory of the 1,000
        // rows (16 words of run starts and 16 counts).
        #expect(cache.usage.chunks == 1 && cache.usage.bytes == 250 * 12 + 16 * 12)
        let again = try #require(try reader.integerView(rowGroup: 0, column: 0, cache: cache))
        #expect(cache.usage.chunks == 1)
        #expect(try first.gather(nil) == (0..<1000).map { Int64($0 / 4) })
        #expect(try again.select(from: 10, through: 11, among: nil) == Array(40..<48))
        try Self.writeSegment(path, rows: 3000, shift: 5, packed: true)
        let replaced = try SegmentReader(path: path)
        #expect(try #require(try replaced.integerView(rowGroup: 0, column: 0, cache: cache)).gather([0]) == [5])
        // A budget of 0 keeps nothing.
        let none = ChunkViewCache(budget: 0)
        _ = try reader.integerView(rowGroup: 0, column: 0, cache: none)
        #expect(none.usage.chunks == 0)
    }
}
