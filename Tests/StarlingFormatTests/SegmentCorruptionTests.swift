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
        options.forcedEncodings = ["day": .packedRunLength]
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
        let foreign = #expect(throws: SegmentError.self, "foreign file accepted") {
            try Self.readAll(Array("PAR1 not ours at all, but long enough".utf8))
        }
        #expect(foreign?.kind == .notASegment)
        // A file that needs reader version 3.
        let future = #expect(throws: SegmentError.self, "future version accepted") {
            try Self.readAll(Self.withVersions(bytes, write: 3, read: 3))
        }
        #expect(future?.kind == .unsupportedVersion)
        #expect(future?.description.contains("reader version 3") == true)
    }

    @Test("a file declaring read version 1 may not use a version 2 encoding")
    func encodingNewerThanReadVersion() throws {
        let (bytes, values) = try Self.smallSegment()
        let reader = try SegmentReader(bytes: bytes.withUnsafeBytes { ByteStorage(copying: $0) }, path: "small.stsg")
        #expect(reader.footer.readVersion == 2)
        #expect(reader.footer.rowGroups[0].chunks[3].encoding == .packedRunLength)
        #expect(try Self.readAll(bytes) == values)
        let refused = #expect(throws: SegmentError.self, "packed runs accepted in a read version 1 file") {
            try Self.readAll(Self.withVersions(bytes, write: 2, read: 1))
        }
        #expect(refused?.kind == .malformed)
        #expect(refused?.description.contains("needs read version 2") == true)
    }

    /// `bytes` with the versions in header and footer replaced and the footer checksum redone.
    static func withVersions(_ bytes: [UInt8], write: UInt8, read: UInt8) -> [UInt8] {
        var patched = bytes
        patched[4] = write
        patched[6] = read
        let trailer = patched.count - SegmentFormat.trailerSize
        let footerLength = Int(patched[trailer]) | Int(patched[trailer + 1]) << 8 | Int(patched[trailer + 2]) << 16
        let footerStart = trailer - footerLength
        patched[footerStart] = write
        patched[footerStart + 2] = read
        var checksum = XXHash64.hash(Array(patched[footerStart..<trailer])).littleEndian
        withUnsafeBytes(of: &checksum) { for index in 0..<8 { patched[trailer + 4 + index] = $0[index] } }
        return patched
    }
}
