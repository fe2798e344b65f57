/// Corruption: every byte flip and every truncation of a small segment is caught or harmless.

import Foundation
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
        // A file that needs reader version 4.
        let future = #expect(throws: SegmentError.self, "future version accepted") {
            try Self.readAll(Self.withVersions(bytes, write: 4, read: 4))
        }
        #expect(future?.kind == .unsupportedVersion)
        #expect(future?.description.contains("reader version 4") == true)
    }

    @Test("a file declaring read version 1 may not use a version 2 encoding")
    func encodingNewerThanReadVersion() throws {
        let (bytes, values) = try Self.smallSegment()
        let reader = try SegmentReader(bytes: bytes.withUnsafeBytes { ByteStorage(copying: $0) }, path: "small.stsg")
        #expect(reader.footer.readVersion == 2)
        #expect(reader.footer.rowGroups[0].chunks[3].encoding == .packedRunLength)
        #expect(try Self.readAll(bytes) == values)
        let refused = #expect(throws: SegmentError.self, "packed runs accepted in a read version 1 file") {
            try Self.readAll(Self.withVersions(bytes, write: UInt8(SegmentFormat.writeVersion), read: 1))
        }
        #expect(refused?.kind == .malformed)
        #expect(refused?.description.contains("needs read version 2") == true)
    }

    /// The keyed fixture: `item`, `quantity`, and `price` keyed by `item`, in two row groups.
    static func keyedFixture() throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: FixtureTests.path("segment-v3-keyed.stsg"))))
    }

    /// What a reader makes of the keyed fixture's bytes: both row groups' key columns for `price`,
    /// and the other two columns' values.
    static func readKeyed(_ bytes: [UInt8]) throws(SegmentError) -> [[Value]] {
        let reader = try SegmentReader(bytes: bytes.withUnsafeBytes { ByteStorage(copying: $0) }, path: "fuzz.stsg")
        try reader.verify()
        var keys: [Value] = []
        for rowGroup in reader.footer.rowGroups.indices {
            keys.append(try reader.keyColumn(rowGroup: rowGroup, column: 2).map { .integer(Int64($0)) } ?? .null)
        }
        return [keys, try reader.readColumn(0).flatMap(\.values), try reader.readColumn(1).flatMap(\.values)]
    }

    @Test("every byte flip of a keyed segment gives a typed error or identical data")
    func keyedByteFlips() throws {
        let bytes = try Self.keyedFixture()
        let values = try Self.readKeyed(bytes)
        #expect(values[0] == [.integer(0), .integer(0)])
        for offset in bytes.indices {
            for mask in [0x01, 0x80, 0xFF] as [UInt8] {
                var corrupt = bytes
                corrupt[offset] ^= mask
                do {
                    #expect(try Self.readKeyed(corrupt) == values, "flip at \(offset) changed the data silently")
                } catch {
                    #expect(error.path == "fuzz.stsg")
                }
            }
        }
    }

    @Test("a keyed chunk must name another integer column whose chunk is not keyed")
    func keyedChunkChecks() throws {
        let bytes = try Self.keyedFixture()
        // The first keyed chunk is at offset 36: validity 00, then the key column as a u32.
        #expect(Array(bytes[36..<41]) == [0, 0, 0, 0, 0])
        for (key, reason) in [(2, "is not another"), (3, "is not another"), (0x0100_0000, "is not another")] {
            let patched = Self.withChunkBytes(bytes, offset: 36, replacing: [0] + withUnsafeBytes(of: UInt32(key).littleEndian) { Array($0) })
            let error = #expect(throws: SegmentError.self, "key \(key)") { _ = try Self.readKeyed(patched) }
            #expect(error?.kind == .malformed)
            #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
        }
        // NULLs marked in a keyed chunk, or bytes after the index.
        let withNulls = Self.withChunkBytes(bytes, offset: 36, replacing: [1, 0, 0, 0, 0])
        #expect(throws: SegmentError.self) { _ = try Self.readKeyed(withNulls) }
        // Key column 1 (quantity, SMALLINT without NULLs) is well-formed: the reader reports it.
        let other = Self.withChunkBytes(bytes, offset: 36, replacing: [0, 1, 0, 0, 0])
        #expect(try Self.readKeyed(other)[0] == [.integer(1), .integer(0)])
    }

    /// `bytes` with the 5-byte uncompressed chunk at `offset` replaced, its checksum in the
    /// footer and the footer's checksum redone.
    static func withChunkBytes(_ bytes: [UInt8], offset: Int, replacing chunk: [UInt8]) -> [UInt8] {
        var patched = bytes
        let old = XXHash64.hash(Array(bytes[offset..<(offset + chunk.count)]))
        patched.replaceSubrange(offset..<(offset + chunk.count), with: chunk)
        let trailer = patched.count - SegmentFormat.trailerSize
        let footerLength = Int(patched[trailer]) | Int(patched[trailer + 1]) << 8 | Int(patched[trailer + 2]) << 16
        let footerStart = trailer - footerLength
        let oldBytes = withUnsafeBytes(of: old.littleEndian) { Array($0) }
        let newBytes = withUnsafeBytes(of: XXHash64.hash(chunk).littleEndian) { Array($0) }
        // The first chunk record with that checksum (later chunks may hold the same bytes).
        if let start = (footerStart..<(trailer - 8)).first(where: { Array(patched[$0..<($0 + 8)]) == oldBytes }) {
            patched.replaceSubrange(start..<(start + 8), with: newBytes)
        }
        var checksum = XXHash64.hash(Array(patched[footerStart..<trailer])).littleEndian
        withUnsafeBytes(of: &checksum) { for index in 0..<8 { patched[trailer + 4 + index] = $0[index] } }
        return patched
    }

    @Test("a compressed chunk whose footer claims a size its bytes cannot hold is refused before it is allocated")
    func implausibleDecompressedSize() throws {
        // Found by the segment fuzz harness: a footer said a few LZ4 bytes decode to hundreds of MB,
        // which the reader allocated and zeroed before the decoder failed.
        let (bytes, _) = try Self.smallSegment()
        let reader = try SegmentReader(bytes: bytes.withUnsafeBytes { ByteStorage(copying: $0) }, path: "big.stsg")
        var footer = reader.footer
        for group in footer.rowGroups.indices {
            for column in footer.columns.indices where footer.rowGroups[group].chunks[column].compression != .none {
                footer.rowGroups[group].chunks[column].encodedLength = 1 << 29
            }
        }
        let patched = Self.withFooter(footer, dataOf: bytes, footerOffset: reader.footerOffset)
        let big = try SegmentReader(bytes: patched.withUnsafeBytes { ByteStorage(copying: $0) }, path: "big.stsg")
        let region = try #require(footer.columns.firstIndex { $0.name == "region" })  // LZ4
        let error = #expect(throws: SegmentError.self) { _ = try big.read(rowGroup: 0, column: region) }
        #expect(error?.kind == .compression)
        #expect(error?.reason.contains("cannot hold the 536870912 bytes recorded") == true)
        let day = try #require(footer.columns.firstIndex { $0.name == "day" })  // ZSTD
        #expect(throws: SegmentError.self) { _ = try big.integerView(rowGroup: 0, column: day) }
        #expect(throws: SegmentError.self) { _ = try big.read(rowGroup: 0, column: day) }
    }

    /// The header and data region of `bytes` (up to `footerOffset`) followed by `footer` and a
    /// trailer that checks out.
    static func withFooter(_ footer: SegmentFooter, dataOf bytes: [UInt8], footerOffset: Int) -> [UInt8] {
        let serialized = footer.serialized()
        var patched = Array(bytes[0..<footerOffset]) + serialized
        withUnsafeBytes(of: UInt32(serialized.count).littleEndian) { patched.append(contentsOf: $0) }
        withUnsafeBytes(of: XXHash64.hash(serialized).littleEndian) { patched.append(contentsOf: $0) }
        patched.append(contentsOf: SegmentFormat.magic)
        return patched
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
