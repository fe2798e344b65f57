/// A segment file truncated while a reader has it mapped: reads past the new end are errors
/// naming the file, never a SIGBUS that kills the process.

import Foundation
import StarlingColumns
import StarlingCompression
import Testing

@testable import StarlingFormat

@Suite("Truncated mappings")
struct TruncatedMappingTests {
    /// A segment of `rows` BIGINT rows of scattered values (plain or bit-packed chunks, several
    /// row groups), written uncompressed or with LZ4.
    static func writeSegment(_ path: String, rows: Int, compression: CompressionSetting) throws {
        let columns = [ColumnSchema(name: "n", type: .bigint), ColumnSchema(name: "s", type: .varchar)]
        let numbers = ColumnVector(
            type: .bigint, values: (0..<rows).map { .integer(Int64(($0 &* 2_654_435_761) % 1_000_003)) })
        let strings = ColumnVector(type: .varchar, values: (0..<rows).map { .string("row \($0 * 7919 % 100_003)") })
        var options = SegmentWriteOptions()
        options.rowGroupSize = 16_384
        options.compression = compression
        let bytes = try SegmentWriter.encode(columns: columns, vectors: [numbers, strings], options: options)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test(
        "every chunk past the cut is an error naming the file, by read and by view",
        arguments: [CompressionSetting(.none), .default])
    func truncatedWhileMapped(compression: CompressionSetting) throws {
        let path = NSTemporaryDirectory() + "starling-truncated-\(UUID().uuidString).stsg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.writeSegment(path, rows: 100_000, compression: compression)
        let reader = try SegmentReader(path: path)
        #expect(!reader.file.fileWasTruncated)
        #expect(truncate(path, 8192) == 0)
        var failures = 0
        for rowGroup in reader.footer.rowGroups.indices {
            for column in reader.footer.columns.indices {
                do {
                    _ = try reader.read(rowGroup: rowGroup, column: column)
                    if let view = try reader.integerView(rowGroup: rowGroup, column: column) {
                        _ = try view.gather(nil)
                    }
                    try reader.checkNotTruncated()
                } catch let error as SegmentError {
                    failures += 1
                    #expect(error.kind == .truncated)
                    #expect(error.description.contains(path))
                    #expect(error.description.contains("truncated while it was being read"))
                }
            }
        }
        #expect(failures > 0)
        #expect(reader.file.fileWasTruncated)
    }

    @Test("memory that is not a mapping is never reported truncated")
    func heapIsNotAMapping() {
        #expect(!ByteStorage(byteCount: 128).fileWasTruncated)
    }
}
