/// Segment readers kept between queries: by file identity, within a byte budget.

import Foundation
import Testing
@testable import StarlingFormat
import StarlingColumns

@Suite("Segment reader cache")
struct SegmentReaderCacheTests {
    /// A segment of `rows` INTEGER rows written to `path` through a temporary name and a rename,
    /// as the warehouse writes them.
    static func writeSegment(_ path: String, rows: Int) throws {
        let columns = [ColumnSchema(name: "n", type: .integer)]
        let vector = ColumnVector(type: .integer, values: (0..<rows).map { .integer(Int64($0)) })
        let bytes = try SegmentWriter.encode(columns: columns, vectors: [vector], options: SegmentWriteOptions())
        try Data(bytes).write(to: URL(fileURLWithPath: path + ".partial"))
        _ = rename(path + ".partial", path)
    }

    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "starling-reader-cache-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Files must be unchanged for FileIdentity.settledSeconds before they are kept.
    static func settle() {
        Thread.sleep(forTimeInterval: Double(FileIdentity.settledSeconds) + 0.2)
    }

    @Test("a settled file's reader is kept and shared; a replaced file is opened afresh; a new file is not kept")
    func keepsByIdentity() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = directory + "/1.stsg", second = directory + "/2.stsg"
        try Self.writeSegment(first, rows: 10)
        Self.settle()
        let cache = SegmentReaderCache(budget: 1 << 30)
        let a = try cache.reader(path: first)
        let b = try cache.reader(path: first)
        #expect(a.file === b.file)
        #expect(cache.usage.readers == 1)
        // Replaced under the same name (a new inode): never the old mapping.
        try Self.writeSegment(first, rows: 20)
        let replaced = try cache.reader(path: first)
        #expect(replaced.file !== a.file)
        #expect(replaced.rowCount == 20)
        #expect(a.rowCount == 10)
        // A file written just now has no settled identity: read, not kept.
        try Self.writeSegment(second, rows: 5)
        #expect(try cache.reader(path: second).rowCount == 5)
        #expect(cache.usage.readers <= 1)
        #expect(throws: SegmentError.self) { try cache.reader(path: directory + "/missing.stsg") }
    }

    @Test("the budget bounds the mapped bytes kept, dropping the least recently used; 0 keeps nothing")
    func budget() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let paths = (1...3).map { directory + "/\($0).stsg" }
        for path in paths { try Self.writeSegment(path, rows: 1000) }
        Self.settle()
        let size = try SegmentReader(path: paths[0]).file.byteCount
        let cache = SegmentReaderCache(budget: size * 2)
        let first = try cache.reader(path: paths[0])
        _ = try cache.reader(path: paths[1])
        _ = try cache.reader(path: paths[0])  // paths[1] is now the least recently used
        _ = try cache.reader(path: paths[2])
        #expect(cache.usage.readers == 2)
        #expect(cache.usage.bytes <= size * 2)
        #expect(try cache.reader(path: paths[0]).file === first.file)
        cache.removeAll()
        #expect(cache.usage.readers == 0)
        let off = SegmentReaderCache(budget: 0)
        #expect(try off.reader(path: paths[0]).file !== off.reader(path: paths[0]).file)
        #expect(off.usage.readers == 0)
        let small = SegmentReaderCache(budget: size - 1)
        _ = try small.reader(path: paths[0])
        #expect(small.usage.readers == 0)
    }
}
