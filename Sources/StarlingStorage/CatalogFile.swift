/// The snapshot file: a checksummed envelope around the catalog's JSON.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StarlingColumns
import StarlingEncoding
import StarlingFormat

/// Encodes and decodes snapshot files (`snapshots/NNNNNNNNNNNNNNNNNNNN.stcat`): the envelope of
/// ``CatalogEnvelope`` with the magic `STCT`. Format 2 files (write version 4,
/// `Formats/catalog-v2.md`) hold a ``CatalogRoot`` that names manifests; format 1 files (write
/// versions 1 to 3, `Formats/catalog-v1.md`) hold the whole catalog and its history, and are read
/// so that older warehouses open, then migrate on their next commit.
public enum CatalogFile {
    public static let magic: [UInt8] = [0x53, 0x54, 0x43, 0x54]
    /// 2 since tables record keyed columns (`keyedColumns`), 3 since the catalog records views
    /// (`views`), 4 since the catalog is a root and manifests (format 2): a writer of an older
    /// version would drop what it does not know.
    public static let writeVersion: UInt16 = 4
    /// The read version of a format 2 root: a reader of format 1 would find no partitions in it.
    public static let rootReadVersion: UInt16 = 3
    /// The highest read version this build reads.
    public static let supportedReadVersion: UInt16 = 3

    /// A decoded snapshot file.
    package enum Contents {
        /// Format 1: the whole catalog, every commit up to it, and each table's loaded files.
        case version1(Catalog, history: [HistoryEntry], loadedFiles: [Int: [LoadedFile]])
        /// Format 2: the root, whose manifests hold the rest.
        case root(CatalogRoot)
    }

    /// The file's bytes for `root`.
    static func encode(_ root: CatalogRoot) -> [UInt8] {
        CatalogEnvelope.encode(
            JSONCoding.encode(root), magic: magic, writeVersion: writeVersion, readVersion: rootReadVersion)
    }

    /// Decodes a snapshot file, checking magic, versions, length and checksum before parsing, and
    /// a format 1 catalog's invariants (a root's are checked once its manifests are read).
    package static func decode(_ storage: ByteStorage, path: String) throws(StorageError) -> (Contents, writeVersion: UInt16) {
        let contents = try CatalogEnvelope.decode(
            storage, magic: magic, supportedReadVersion: supportedReadVersion, kind: "snapshot file", path: path)
        do {
            if contents.writeVersion >= 4 {
                return (.root(try JSONCoding.decode(CatalogRoot.self, from: contents.payload)), contents.writeVersion)
            }
            let document = try JSONCoding.decode(CatalogVersion1.self, from: contents.payload)
            let catalog = document.catalog
            try validate(catalog)
            let loadedFiles = try JSONCoding.decode(CatalogVersion1.LoadedFiles.self, from: contents.payload).byTable
            return (.version1(catalog, history: document.history, loadedFiles: loadedFiles), contents.writeVersion)
        } catch let error as StorageError {
            throw StorageError(.corrupt, "\(path): \(error.message)")
        } catch {
            throw StorageError(.corrupt, "\(path): at byte \(CatalogEnvelope.headerSize): catalog JSON is invalid: \(error)")
        }
    }

    /// The write version of a snapshot file (0 when the file is too short to say).
    public static func writeVersion(of storage: ByteStorage) -> UInt16 {
        guard storage.byteCount >= 6 else { return 0 }
        return storage.bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self).littleEndian
    }

    /// Checks the invariants a reader relies on (catalog-v1.md §4, catalog-v2.md §5): unique table names, partition
    /// keys distinct within a table, segment paths distinct across the catalog (a segment listed
    /// twice would be read twice), and per segment one statistics entry and one distinct
    /// identifier per file column, distinct counts within the segment's rows. A segment's row
    /// and column counts are checked against its footer when it is opened.
    static func validate(_ catalog: Catalog) throws(StorageError) {
        try validateTotals(catalog)
        var names = Set<String>()
        var segmentPaths = Set<String>(minimumCapacity: catalog.tables.reduce(0) { $0 + $1.segmentCount })
        for table in catalog.tables {
            guard names.insert(table.name).inserted else { throw StorageError(.corrupt, "table \(table.name) appears twice") }
            guard table.identifier > 0, table.identifier < catalog.nextTableIdentifier else {
                throw StorageError(.corrupt, "table \(table.name) has identifier \(table.identifier)")
            }
            var keys = Set<String>()
            for partition in table.partitions {
                guard keys.insert(partition.key).inserted else {
                    throw StorageError(.corrupt, "table \(table.name) lists partition \"\(partition.key)\" twice")
                }
                for segment in partition.segments {
                    guard segment.rows >= 0, segment.bytes >= 0, isWarehousePath(segment.path) else {
                        throw StorageError(.corrupt, "segment entry \(segment.path) is invalid")
                    }
                    guard segmentPaths.insert(segment.path).inserted else {
                        throw StorageError(.corrupt, "segment \(segment.path) is listed twice")
                    }
                    guard segment.statistics.count == segment.columnIdentifiers.count,
                        allDistinct(segment.columnIdentifiers)
                    else {
                        throw StorageError(
                            .corrupt,
                            "segment entry \(segment.path) has \(segment.columnIdentifiers.count) column identifiers "
                                + "(distinct: \(Set(segment.columnIdentifiers).count)) and \(segment.statistics.count) statistics")
                    }
                    for statistics in segment.statistics {
                        guard let distinct = statistics.distinctCount else { continue }
                        guard distinct >= 0, distinct <= segment.rows else {
                            throw StorageError(
                                .corrupt,
                                "segment entry \(segment.path) has distinct count \(distinct) for column "
                                    + "\(statistics.columnIdentifier), outside 0...\(segment.rows)")
                        }
                    }
                }
            }
            try validateKeyedColumns(table, catalog: catalog)
        }
        try validateViews(catalog, tableNames: names)
    }

    /// The most rows a segment holds (`segment.md` §3: row_count) and the largest size taken for a file.
    static let maximumSegmentRows = (1 << 31 - 1) << 22
    static let maximumFileBytes = 1 << 53

    /// Each segment's rows and bytes within bounds, and every table's totals (rows; bytes with its
    /// keyed side files) within an `Int`, so that the sums taken from them later cannot overflow.
    static func validateTotals(_ catalog: Catalog) throws(StorageError) {
        for table in catalog.tables {
            var rows = 0
            var bytes = 0
            for partition in table.partitions {
                for segment in partition.segments {
                    guard (0...maximumSegmentRows).contains(segment.rows), (0...maximumFileBytes).contains(segment.bytes),
                        let newRows = checkedSum(rows, segment.rows), let newBytes = checkedSum(bytes, segment.bytes)
                    else {
                        throw StorageError(.corrupt, "segment entry \(segment.path) has \(segment.rows) rows and \(segment.bytes) bytes")
                    }
                    (rows, bytes) = (newRows, newBytes)
                }
            }
            for keyed in table.keyedColumns ?? [] {
                guard (0...maximumFileBytes).contains(keyed.bytes), let newBytes = checkedSum(bytes, keyed.bytes) else {
                    throw StorageError(.corrupt, "keyed column entry \(keyed.path) has \(keyed.bytes) bytes")
                }
                bytes = newBytes
            }
        }
    }

    /// `a + b`, or nil when it overflows.
    static func checkedSum(_ a: Int, _ b: Int) -> Int? {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : sum
    }

    /// Whether `values` holds no value twice (a segment's few column identifiers: compared in
    /// place, without building a set for each of thousands of segments).
    static func allDistinct(_ values: [Int]) -> Bool {
        if values.count > 32 { return Set(values).count == values.count }
        for index in values.indices {
            for other in values.indices where other > index && values[other] == values[index] { return false }
        }
        return true
    }

    /// Views: names distinct from each other and from the tables, a query text, and at least
    /// one column, their names distinct.
    static func validateViews(_ catalog: Catalog, tableNames: Set<String>) throws(StorageError) {
        var names = Set<String>()
        for view in catalog.allViews {
            guard !tableNames.contains(view.name) else {
                throw StorageError(.corrupt, "view \(view.name) has the name of a table")
            }
            guard names.insert(view.name).inserted else {
                throw StorageError(.corrupt, "view \(view.name) appears twice")
            }
            guard !view.sql.isEmpty, !view.columns.isEmpty, Set(view.columns.map(\.name)).count == view.columns.count,
                view.columnNames.map({ !$0.isEmpty && $0.count <= view.columns.count }) ?? true
            else {
                throw StorageError(.corrupt, "view \(view.name) is invalid (its text, columns or column names)")
            }
        }
    }

    /// Whether a catalog path stays inside the warehouse: relative, without `..`.
    static func isWarehousePath(_ path: String) -> Bool {
        // Over the UTF-8 bytes: `String.contains` of a string searches by characters, which took a
        // quarter of opening a catalog of 10,000 segments.
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "."), previous == UInt8(ascii: ".") { return false }
            previous = byte
        }
        return path.utf8.first != UInt8(ascii: "/")
    }

    /// A table's keyed columns: valid paths; a keyed column that is an integer (not BOOLEAN) and
    /// no reference; a key column that references a table of the catalog; at most one more code
    /// than that dimension has rows (its row codes run from 0, the unknown member); no pair twice.
    static func validateKeyedColumns(_ table: CatalogTable, catalog: Catalog) throws(StorageError) {
        var pairs = Set<[Int]>()
        for entry in table.keyedColumns ?? [] {
            let column = table.columns.first { $0.identifier == entry.column }
            let key = table.columns.first { $0.identifier == entry.keyColumn }
            let dimension = key?.references.flatMap { catalog.table(named: $0.table) }
            guard let column, column.references == nil, column.type.physicalType.typeClass == .integer, column.type != .boolean,
                  let dimension, entry.codes >= 0, entry.codes - 1 <= dimension.rowCount, entry.entries >= 0, entry.bytes >= 0,
                  isWarehousePath(entry.path), pairs.insert([entry.column, entry.keyColumn]).inserted else {
                throw StorageError(.corrupt, "keyed column entry \(entry.path) of table \(table.name) is invalid")
            }
        }
    }
}
