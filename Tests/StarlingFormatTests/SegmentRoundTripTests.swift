/// Round trips through whole segment files: every type × encoding × compression.

import Foundation
import Testing
@testable import StarlingFormat
import StarlingColumns
import StarlingEncoding
import StarlingCompression

@Suite("SegmentWriter and SegmentReader")
struct SegmentRoundTripTests {
    static let settings: [CompressionSetting] = [CompressionSetting(.none), CompressionSetting(.lz4), CompressionSetting(.zstd, level: 3)]

    func roundTrip(_ columns: [ColumnSchema], _ values: [[Value]], options: SegmentWriteOptions) throws -> SegmentReader {
        let vectors = zip(columns, values).map { ColumnVector(type: $0.type, values: $1) }
        let bytes = try SegmentWriter.encode(columns: columns, vectors: vectors, options: options)
        let reader = try SegmentReader(bytes: bytes.withUnsafeBytes { ByteStorage(copying: $0) }, path: "memory")
        #expect(reader.footer.columns == columns)
        #expect(reader.rowCount == values.first?.count ?? 0)
        try reader.verify()
        for index in columns.indices {
            let decoded = try reader.readColumn(index).flatMap(\.values)
            #expect(decoded == values[index], "\(columns[index].type)")
        }
        return reader
    }

    @Test("every type × encoding × compression round-trips", arguments: SampleColumns.types)
    func matrix(type: LogicalType) throws {
        for setting in Self.settings {
            for encoding in Encoding.valueEncodings where encoding.supports(type.physicalType.typeClass) {
                for count in [0, 1, 2, 100, 5000] {
                    var options = SegmentWriteOptions()
                    options.compression = setting
                    options.forcedEncodings = ["c": encoding]
                    options.skipIncompressibleChunks = false
                    options.rowGroupSize = 1024
                    let reader = try roundTrip([ColumnSchema(name: "c", type: type)], [SampleColumns.values(type, count: count)], options: options)
                    for group in reader.footer.rowGroups {
                        let chunk = group.chunks[0]
                        #expect(chunk.compression == setting.compression)
                        // A chunk with only NULLs is marked plain, whatever was asked.
                        #expect(chunk.encoding == encoding || chunk.statistics.nullCount == group.rowCount)
                    }
                }
            }
        }
    }

    @Test("a single NULL row, all-NULL columns and empty segments")
    func edgeCases() throws {
        let columns = SampleColumns.types.enumerated().map { ColumnSchema(name: "c\($0.offset)", type: $0.element) }
        _ = try roundTrip(columns, columns.map { _ in [.null] }, options: SegmentWriteOptions())
        _ = try roundTrip(columns, columns.map { _ in [Value](repeating: .null, count: 70_000) }, options: SegmentWriteOptions())
        let empty = try roundTrip(columns, columns.map { _ in [] }, options: SegmentWriteOptions())
        #expect(empty.footer.rowGroups.isEmpty)
    }

    @Test("row groups split rows and carry zone maps")
    func rowGroups() throws {
        let values: [Value] = (0..<10_000).map { .integer(Int64($0)) }
        var options = SegmentWriteOptions()
        options.rowGroupSize = 4096
        let reader = try roundTrip([ColumnSchema(name: "id", type: .bigint)], [values], options: options)
        #expect(reader.footer.rowGroups.map(\.rowCount) == [4096, 4096, 1808])
        #expect(reader.footer.rowGroups.map(\.firstRow) == [0, 4096, 8192])
        let statistics = reader.footer.rowGroups.map(\.chunks[0].statistics)
        #expect(statistics.map(\.minimum) == [.integer(0), .integer(4096), .integer(8192)])
        #expect(statistics.map(\.maximum) == [.integer(4095), .integer(8191), .integer(9999)])
        // Sequential keys rule out a dictionary, so the distinct counts are estimates (±2%).
        for (estimate, exact) in zip(statistics.map(\.distinctCount), [4096, 4096, 1808]) {
            #expect(abs(Double(estimate) - Double(exact)) <= Double(exact) * 0.02)
        }
        #expect(reader.footer.statistics(column: 0).statistics.maximum == .integer(9999))
    }

    @Test("rows written through an order land in that order, for every type, with and without NULLs")
    func writtenInOrder() throws {
        var random = SplitMix64(seed: 11)
        let count = 5000
        let order = (0..<count).map { Int32($0) }.shuffled(using: &random)
        var columns: [ColumnSchema] = []
        var values: [[Value]] = []
        for (number, type) in SampleColumns.types.enumerated() {
            // The sample values hold NULLs (every 11th row); the first copy replaces them, so
            // fixed-width columns take the path that reads through the order directly.
            let withNulls = SampleColumns.values(type, count: count, seed: UInt64(number + 1))
            let firstValue = withNulls.first { $0 != .null } ?? .null
            columns.append(ColumnSchema(name: "\(type)", type: type))
            values.append(withNulls.map { $0 == .null ? firstValue : $0 })
            columns.append(ColumnSchema(name: "\(type) with NULLs", type: type))
            values.append(withNulls)
        }
        // Dictionary-coded strings (as the loader builds them), with and without NULLs: moved
        // into the order by their codes, numbered from them.
        for withNulls in [false, true] {
            let strings: [Value] = (0..<count).map { row in withNulls && row % 13 == 0 ? .null : .string(["AIR", "RAIL", "a longer mode than sixteen bytes"][row % 3]) }
            columns.append(ColumnSchema(name: "dictionary\(withNulls ? " with NULLs" : "")", type: .varchar))
            values.append(strings)
        }
        var options = SegmentWriteOptions()
        options.rowGroupSize = 1024
        var writer = try SegmentWriter(columns: columns, options: options)
        let vectors = zip(columns, values).map { column, values in
            var builder = ColumnVectorBuilder(type: column.type, dictionaryLimit: column.name.hasPrefix("dictionary") ? 16 : 0)
            for value in values { builder.append(value) }
            return builder.finish()
        }
        try writer.append(vectors, order: order)
        let bytes = writer.finish()
        let reader = try SegmentReader(bytes: bytes.withUnsafeBytes { ByteStorage(copying: $0) }, path: "memory")
        try reader.verify()
        #expect(reader.footer.rowGroups.map(\.rowCount) == [1024, 1024, 1024, 1024, 904])
        for index in columns.indices {
            #expect(try reader.readColumn(index).flatMap(\.values) == order.map { values[index][Int($0)] }, "\(columns[index].name)")
        }
    }

    @Test("long string statistics are cut at a character boundary and flagged")
    func truncatedStatistics() throws {
        let long = String(repeating: "é", count: 100)
        let reader = try roundTrip([ColumnSchema(name: "s", type: .varchar)], [[.string(long), .string("a")]], options: SegmentWriteOptions())
        let chunk = reader.footer.rowGroups[0].chunks[0]
        #expect(chunk.statistics.minimum == .string("a"))
        #expect(chunk.statistics.maximum == .string(String(repeating: "é", count: 32)))
        #expect(chunk.maximumTruncated && !chunk.minimumTruncated)
    }

    @Test("randomised multi-column segments with a fixed seed")
    func randomised() throws {
        var random = SplitMix64(seed: 2025)
        for trial in 0..<12 {
            let columnCount = 1 + Int(random.next() % 6)
            let rows = Int(random.next() % 20_000)
            let columns = (0..<columnCount).map { ColumnSchema(name: "col\($0)", type: SampleColumns.types[Int(random.next() % UInt64(SampleColumns.types.count))]) }
            let values = columns.map { SampleColumns.values($0.type, count: rows, seed: random.next()) }
            var options = SegmentWriteOptions()
            options.rowGroupSize = 1 + Int(random.next() % 8000)
            options.compression = Self.settings[trial % 3]
            options.metadata = ["table": "t\(trial)"]
            let reader = try roundTrip(columns, values, options: options)
            #expect(reader.footer.metadata == ["table": "t\(trial)"])
        }
    }

    @Test("atomic file writes land whole and read back")
    func fileRoundTrip() throws {
        let directory = "/tmp/starling-test-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/segment.stsg"
        let column = ColumnSchema(name: "v", type: .varchar)
        let bytes = try SegmentWriter.encode(columns: [column], vectors: [ColumnVector(type: .varchar, values: [.string("x")])])
        try FileBytes.writeAtomically(bytes, to: path)
        let reader = try SegmentReader(path: path)
        #expect(try reader.read(rowGroup: 0, column: 0).values == [.string("x")])
        #expect(throws: SegmentError.self) { try SegmentReader(path: directory + "/missing.stsg") }
        try FileManager.default.removeItem(atPath: directory)
    }
}
