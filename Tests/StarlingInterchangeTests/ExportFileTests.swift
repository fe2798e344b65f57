/// Tests that exported files appear whole or not at all, and that a Parquet file is framed.

import Foundation
import StarlingColumns
import StarlingExecution
import Testing

@testable import StarlingInterchange

@Suite("Export files")
struct ExportFileTests {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "starling-export-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a committed file holds every byte; an abandoned one leaves nothing, not even its temporary")
    func commitAndAbandon() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/out.bin"
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let file = try ExportFile(path: path)
        try file.write([1, 2, 3])
        #expect(!FileManager.default.fileExists(atPath: path))
        try file.write(bytes)
        #expect(file.position == 3 + bytes.count)
        try file.commit()
        #expect(FileManager.default.contents(atPath: path) == Data([1, 2, 3] + bytes))

        let other = directory + "/other.bin"
        let abandoned = try ExportFile(path: other)
        try abandoned.write(bytes)
        abandoned.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["out.bin"])
        do {
            let dropped = try ExportFile(path: other)
            try dropped.write([9])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["out.bin"])
    }

    @Test("a Parquet file starts and ends with PAR1 and its footer length fits; INTERVAL is refused")
    func parquetFraming() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/t.parquet"
        let columns = [PlanColumn(name: "n", type: .bigint), PlanColumn(name: "s", type: .varchar)]
        let sink = ExportSink(path: path, format: .parquet(ParquetWriterOptions()))
        try sink.start(columns)
        let chunk = Chunk(
            columns: [
                Vector(type: .bigint, values: [.integer(1), .null, .integer(3)]),
                Vector(type: .varchar, values: [.string("a"), .string("b"), .null]),
            ], count: 3)
        #expect(try sink.write(chunk))
        try sink.finish()
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(bytes.prefix(4) == Data("PAR1".utf8))
        #expect(bytes.suffix(4) == Data("PAR1".utf8))
        let length = bytes.dropLast(4).suffix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(length > 0 && length < bytes.count - 12)

        let interval = ExportSink(path: directory + "/i.parquet", format: .parquet(ParquetWriterOptions()))
        #expect(throws: QueryError.self) { try interval.start([PlanColumn(name: "i", type: .interval)]) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["t.parquet"])
    }
}
