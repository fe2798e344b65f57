/// Corruption: every byte flip and every truncation of a small segment is caught or harmless.

import Testing
@testable import StarlingFormat
import StarlingColumns
import StarlingEncoding
import StarlingCompression

@Suite("SegmentReader corruption")
struct SegmentCorruptionTests {
    /// A small segment with several types, encodings, codecs and two row groups.
    static func smallSegment() throws -> (bytes: [UInt8], values: [[Value]]) {
        let columns = [
            ColumnSchema(name: "id", type: .integer),
            ColumnSchema(name: "amount", type: .decimal(precision: 12, scale: 2)),
            ColumnSchema(name: "region", type: .varchar),
            ColumnSchema(name: "day", type: .date),
        ]
        let values: [[Value]] = [
            (0..<40).map { .integer(Int64($0)) },
            (0..<40).map { $0 % 9 == 0 ? .null : .integer(Int64($0 * 125)) },
            (0..<40).map { .string(["ASIA", "EUROPE", "AMERICA"][$0 % 3]) },
            (0..<40).map { .integer(8035 + Int64($0 / 10)) },
        ]
        var options = SegmentWriteOptions()
        options.rowGroupSize = 25
        options.columnCompression = ["region": CompressionSetting(.lz4), "day": CompressionSetting(.zstd)]
        options.compression = CompressionSetting(.none)
        options.skipIncompressibleChunks = false
        let vectors = zip(columns, values).map { ColumnVector(type: $0.type, values: $1) }
        return (try SegmentWriter.encode(columns: columns, vectors: vectors, options: options), values)
    }

    /// Opens and decodes everything; returns the values or throws.
    static func readAll(_ bytes: [UInt8]) throws(SegmentError) -> [[Value]] {
        let reader = try SegmentReader(bytes: bytes.withUnsafeBytes { ByteStorage(copying: $0) }, path: "fuzz.stsg")
        try reader.verify()
        var result: [[Value]] = []
        for column in reader.footer.columns.indices {
            result.append(try reader.readColumn(column).flatMap(\.values))
        }
        return result
    }

    @Test("every single-byte flip gives a typed error or identical data")
    func byteFlips() throws {
        let (bytes, values) = try Self.smallSegment()
        #expect(try Self.readAll(bytes) == values)
        var caught = 0
        for offset in bytes.indices {
            for mask in [0x01, 0x80, 0xFF] as [UInt8] {
                var corrupt = bytes
                corrupt[offset] ^= mask
                do {
                    let decoded = try Self.readAll(corrupt)
                    // Only bytes no reader looks at (reserved header bytes) may change silently.
                    #expect(decoded == values, "flip at \(offset) changed the data silently")
                } catch {
                    #expect(error.path == "fuzz.stsg")
                    caught += 1
                }
            }
        }
        #expect(caught > bytes.count * 3 - 30)
    }

    @Test("every truncation gives a typed error")
    func truncations() throws {
        let (bytes, _) = try Self.smallSegment()
        for length in 0..<bytes.count {
            #expect(throws: SegmentError.self, "length \(length)") { _ = try Self.readAll(Array(bytes[0..<length])) }
        }
    }

    @Test("foreign files and future versions are refused by name")
    func foreignAndFuture() throws {
        let (bytes, _) = try Self.smallSegment()
        do {
            _ = try Self.readAll(Array("PAR1 not ours at all, but long enough".utf8))
            Issue.record("foreign file accepted")
        } catch {
            #expect(error.kind == .notASegment)
        }
        // A file that needs reader version 2: patch header and footer, recompute the footer checksum.
        var future = bytes
        future[6] = 2
        let trailer = future.count - SegmentFormat.trailerSize
        let footerLength = Int(future[trailer]) | Int(future[trailer + 1]) << 8 | Int(future[trailer + 2]) << 16
        let footerStart = trailer - footerLength
        future[footerStart + 2] = 2
        future[footerStart] = 2
        var checksum = XXHash64.hash(Array(future[footerStart..<trailer])).littleEndian
        withUnsafeBytes(of: &checksum) { for index in 0..<8 { future[trailer + 4 + index] = $0[index] } }
        do {
            _ = try Self.readAll(future)
            Issue.record("future version accepted")
        } catch {
            #expect(error.kind == .unsupportedVersion)
            #expect(error.description.contains("reader version 2"))
        }
    }
}
