/// Distinct counts in the catalog: estimated from a segment's chunk counts when it is written,
/// kept in manifests from manifest write version 2 on, and unknown in older manifests.

import Foundation
import StarlingColumns
import StarlingEncoding
import StarlingEngine
import Testing

@testable import StarlingStorage

@Suite("Catalog distinct counts", .serialized)
struct DistinctCountTests {
    /// The payload of the manifest of `Formats/catalog-v2.md` §4.2 (manifest write version 1),
    /// byte for byte: a fixture of the old layout, never regenerated.
    static let versionOnePayload: [UInt8] = hexBytes(
        "010100000000000000030000000000000007000000323032352d3033010000001b000000646174612f312d662f703d"
            + "323032352d30332f332d312e7374736701000000000000000f01000000000000030000000000000002000000010000"
            + "00000000000200000000000000020000000100000000000000000000000000000001b44e00000000000001b44e0000"
            + "0000000002000000000000000000000000000000010100000000000000010100000000000000")

    static func hexBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    @Test("chunk counts combine between the largest and the sum, by the parts' uniqueness, within the span")
    func combining() {
        // A key: unique in every part, so the sum.
        var key = DistinctCountEstimate()
        for _ in 0..<4 { key.add(distinct: 65_536, nonNullRows: 65_536) }
        #expect(key.estimate() == 262_144)
        #expect(key.estimate(span: 100_000) == 100_000)
        // Five values repeated in every part: about five.
        var few = DistinctCountEstimate()
        for _ in 0..<4 { few.add(distinct: 5, nonNullRows: 65_536) }
        #expect(few.estimate() == 5)
        // Half unique: the largest plus half of the rest; never above the non-NULL rows.
        var half = DistinctCountEstimate()
        half.add(distinct: 50, nonNullRows: 100)
        half.add(distinct: 50, nonNullRows: 100)
        #expect(half.estimate() == 75)
        // Parts without non-NULL rows add nothing; nothing at all is zero; bad figures are clamped.
        var empty = DistinctCountEstimate()
        empty.add(distinct: 0, nonNullRows: 0)
        #expect(empty.estimate() == 0)
        var odd = DistinctCountEstimate()
        odd.add(distinct: -3, nonNullRows: 10)
        odd.add(distinct: 1_000, nonNullRows: 10)
        #expect(odd.estimate() == 10)
        #expect(DistinctCountEstimate.span(minimum: .integer(-5), maximum: .integer(5)) == 11)
        #expect(DistinctCountEstimate.span(minimum: .string("a"), maximum: .string("b")) == nil)
        #expect(
            DistinctCountEstimate.span(minimum: .integer(.min), maximum: .integer(.max)) == 18_446_744_073_709_551_616)
    }

    @Test("a written segment's catalog entry has each column's distinct count")
    func writtenCounts() throws {
        let test = try TestWarehouse()
        var text = "k,v,s\n"
        for k in 1...200_000 { text += "\(k),\(k % 10),x\(k % 3)\n" }
        let csv = test.directory + "/t.csv"
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        try test.run(
            """
            CREATE TABLE t (k BIGINT, v INTEGER, s VARCHAR); COPY t FROM '\(csv)' (HEADER);
            CREATE TABLE u (a INTEGER, b DOUBLE); INSERT INTO u VALUES (NULL, 1.5), (NULL, 1.5), (NULL, 2.5)
            """)
        let catalog = try test.warehouse.catalog()
        let counts = { (name: String) throws -> [[Int?]] in
            let table = try #require(catalog.table(named: name))
            return table.partitions.flatMap(\.segments).map { $0.statistics.map(\.distinctCount) }
        }
        // Four row groups of the key, each unique: their sum; v and s repeat in every group.
        #expect(try counts("t") == [[200_000, 10, 3]])
        #expect(try counts("u") == [[0, 2]])
    }

    @Test("manifests keep distinct counts; version 1 manifests read with none; bad counts are refused")
    func manifestCoding() throws {
        let statistics = [
            ColumnStatistics(
                columnIdentifier: 1, nullCount: 0, minimum: .integer(1), maximum: .integer(5), distinctCount: 5),
            ColumnStatistics(columnIdentifier: 2, nullCount: 5, minimum: nil, maximum: nil, distinctCount: 0),
            ColumnStatistics(columnIdentifier: 3, nullCount: 1, minimum: .string("a"), maximum: .string("b")),
        ]
        let segment = CatalogSegment(
            path: "data/1-t/all/3-1.stsg", rows: 5, bytes: 900, columnIdentifiers: [1, 2, 3], statistics: statistics,
            snapshot: 3)
        let document = ManifestDocument(
            kind: ManifestDocument.partitionKind, table: 1, snapshot: 3, partition: "", segments: [segment],
            loadedFiles: nil)
        let payload = ManifestFile.payload(document)
        #expect(try ManifestFile.document(payload) == document)
        for length in 0..<payload.count {
            #expect(throws: EncodedDataError.self) { try ManifestFile.document(Array(payload.prefix(length))) }
        }
        // The same document in the version 1 layout: 3 × 8 bytes shorter, and read without counts.
        let old = ManifestFile.payload(document, version: 1)
        #expect(old.count == payload.count - 24)
        var unknown = document
        unknown.segments?[0].statistics = statistics.map { entry in
            var entry = entry
            entry.distinctCount = nil
            return entry
        }
        #expect(try ManifestFile.document(old, version: 1) == unknown)
        // The last statistics entry's count is the payload's last 8 bytes: −1 is unknown, other
        // negative values and counts above the segment's rows are refused.
        let cases: [(Int64, Int?)] = [(-1, nil), (5, 5), (0, 0), (-2, nil), (6, nil), (.min, nil)]
        for (value, expected) in cases {
            var patched = payload
            withUnsafeBytes(of: value.littleEndian) { patched.replaceSubrange((payload.count - 8)..., with: $0) }
            if value == -1 || expected != nil {
                let decoded = try ManifestFile.document(patched)
                #expect(decoded.segments?[0].statistics[2].distinctCount == expected)
            } else {
                #expect(throws: EncodedDataError.self) { try ManifestFile.document(patched) }
            }
        }
    }

    @Test("the version 1 manifest of catalog-v2.md §4.2 still decodes, envelope and all, with no distinct counts")
    func versionOneFile() throws {
        let bytes = CatalogEnvelope.encode(
            Self.versionOnePayload, magic: ManifestFile.magic, writeVersion: 1, readVersion: 1)
        #expect(bytes.count == 207)
        #expect(Array(bytes[16..<24]) == [0xF7, 0x7B, 0x1B, 0x06, 0x42, 0x5C, 0x5E, 0xA8])
        let storage = bytes.withUnsafeBytes { ByteStorage(copying: $0) }
        let decoded = try ManifestFile.decode(storage, path: "manifests/1/3-3.stman")
        #expect(decoded.checksum == "a85e5c42061b7bf7")
        let segment = try #require(decoded.document.segments?.first)
        #expect(segment.path == "data/1-f/p=2025-03/3-1.stsg")
        #expect(segment.statistics.map(\.minimum) == [.integer(20148), .integer(1)])
        #expect(segment.statistics.allSatisfy { $0.distinctCount == nil })
        // Version 2 files carry read version 2: a version 1 reader refuses them instead of misreading.
        let (current, _) = ManifestFile.encode(decoded.document)
        #expect(Array(current[4..<8]) == [2, 0, 2, 0])
        let currentStorage = current.withUnsafeBytes { ByteStorage(copying: $0) }
        #expect(throws: StorageError.self) {
            _ = try CatalogEnvelope.decode(
                currentStorage, magic: ManifestFile.magic, supportedReadVersion: 1, kind: "manifest", path: "m")
        }
    }

    @Test("a catalog whose distinct count is negative or above the segment's rows is refused")
    func validation() throws {
        var catalog = Catalog(snapshot: 3, committedMicros: 0, nextTableIdentifier: 2)
        var table = CatalogTable(
            identifier: 1, name: "t",
            columns: [CatalogColumn(identifier: 1, name: "a", type: .integer, notNull: false, references: nil)],
            primaryKey: [], partitioning: nil, options: [:], createdSnapshot: 2)
        for (count, valid) in [(nil, true), (0, true), (4, true), (5, false), (-1, false)] as [(Int?, Bool)] {
            let statistics = ColumnStatistics(
                columnIdentifier: 1, nullCount: 0, minimum: .integer(1), maximum: .integer(4), distinctCount: count)
            table.partitions = [
                CatalogPartition(
                    key: "",
                    segments: [
                        CatalogSegment(
                            path: "data/1-t/all/3-1.stsg", rows: 4, bytes: 10, columnIdentifiers: [1],
                            statistics: [statistics], snapshot: 3)
                    ])
            ]
            catalog.tables = [table]
            if valid {
                #expect(throws: Never.self) { try CatalogFile.validate(catalog) }
            } else {
                #expect(throws: StorageError.self) { try CatalogFile.validate(catalog) }
            }
        }
    }
}
