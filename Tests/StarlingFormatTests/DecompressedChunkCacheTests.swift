/// Decompressed chunk bytes kept between queries, by file identity.

import Foundation
import Testing
@testable import StarlingFormat
import StarlingColumns
import StarlingCompression
import StarlingEncoding

@Suite("Decompressed chunk cache")
struct DecompressedChunkCacheTests {
    /// A segment of one run-length INTEGER column stored with LZ4, in row groups of 1,000 rows.
    static func writeSegment(_ path: String, rows: Int, shift: Int64) throws {
        let columns = [ColumnSchema(name: "customer", type: .integer)]
        let vector = ColumnVector(type: .integer, values: (0..<rows).map { .integer(Int64($0 / 4) + shift) })
        var options = SegmentWriteOptions()
        options.rowGroupSize = 1000
        options.compression = CompressionSetting(.lz4)
        options.forcedEncodings = ["customer": .runLength]
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
        let cache = DecompressedChunkCache(budget: 1 << 20)
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
}
