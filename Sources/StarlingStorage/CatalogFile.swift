/// The snapshot file: a checksummed envelope around the catalog's JSON.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StarlingColumns
import StarlingEncoding
import StarlingFormat

/// Encodes and decodes snapshot files (`snapshots/NNNNNNNNNNNNNNNNNNNN.stcat`), specified in
/// `Formats/catalog-v1.md`: magic `STCT`, write and read versions, payload length, xxHash64 of the
/// payload, the payload (the catalog as UTF-8 JSON), and the magic again.
public enum CatalogFile {
    public static let magic: [UInt8] = [0x53, 0x54, 0x43, 0x54]
    /// 2 since tables record keyed columns (`keyedColumns`), 3 since the catalog records views
    /// (`views`): a writer of an older version would drop them.
    public static let writeVersion: UInt16 = 3
    /// The read version of a catalog without keyed columns; one with them needs ``keyedReadVersion``.
    public static let readVersion: UInt16 = 1
    /// The read version of a catalog whose tables have keyed columns: a reader (or vacuum) that
    /// did not know `keyedColumns` would lose their side files, so it must refuse the catalog.
    public static let keyedReadVersion: UInt16 = 2
    public static let supportedReadVersion: UInt16 = 2
    static let headerSize = 24
    /// A catalog larger than this is refused as implausible.
    static let maximumPayload = 1 << 30

    /// The file's bytes for `catalog`.
    public static func encode(_ catalog: Catalog) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain Codable structs of strings and numbers cannot fail.
        let payload = (try? encoder.encode(catalog)).map { [UInt8]($0) } ?? []
        var writer = ByteWriter(reservingCapacity: payload.count + headerSize + 4)
        writer.write(bytes: magic)
        writer.write(littleEndian: writeVersion)
        writer.write(littleEndian: catalog.tables.contains { !($0.keyedColumns ?? []).isEmpty } ? keyedReadVersion : readVersion)
        writer.write(littleEndian: UInt64(payload.count))
        writer.write(littleEndian: XXHash64.hash(payload))
        writer.write(bytes: payload)
        writer.write(bytes: magic)
        return writer.bytes
    }

    /// Decodes a snapshot file, checking magic, versions, length and checksum before parsing.
    public static func decode(_ storage: ByteStorage, path: String) throws(StorageError) -> Catalog {
        let bytes = storage.bytes
        func corrupt(_ offset: Int, _ reason: String) -> StorageError {
            StorageError(.corrupt, "\(path): at byte \(offset): \(reason)")
        }
        guard bytes.count >= headerSize + 4 else { throw corrupt(bytes.count, "snapshot file is truncated (\(bytes.count) bytes)") }
        guard Array(bytes[0..<4]) == magic else { throw corrupt(0, "not a Starling snapshot file (no STCT magic)") }
        guard Array(bytes[(bytes.count - 4)...]) == magic else { throw corrupt(bytes.count - 4, "snapshot file is truncated (no STCT magic at the end)") }
        let fileReadVersion = bytes.loadUnaligned(fromByteOffset: 6, as: UInt16.self).littleEndian
        guard fileReadVersion <= supportedReadVersion else {
            throw corrupt(6, "snapshot needs reader version \(fileReadVersion); this build reads up to \(supportedReadVersion)")
        }
        let length = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian
        guard length <= UInt64(maximumPayload), Int(length) == bytes.count - headerSize - 4 else {
            throw corrupt(8, "payload length \(length) does not match the file size \(bytes.count)")
        }
        let checksum = bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian
        let payload = UnsafeRawBufferPointer(rebasing: bytes[headerSize..<(bytes.count - 4)])
        guard XXHash64.hash(payload) == checksum else { throw corrupt(headerSize, "catalog checksum mismatch") }
        do {
            let catalog = try JSONDecoder().decode(Catalog.self, from: Data(payload))
            try validate(catalog)
            return catalog
        } catch let error as StorageError {
            throw StorageError(.corrupt, "\(path): \(error.message)")
        } catch {
            throw corrupt(headerSize, "catalog JSON is invalid: \(error)")
        }
    }

    /// The write version of a snapshot file (0 when the file is too short to say).
    public static func writeVersion(of storage: ByteStorage) -> UInt16 {
        guard storage.byteCount >= 6 else { return 0 }
        return storage.bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self).littleEndian
    }

    /// Checks the invariants a reader relies on (catalog-v1.md §4): unique table names, partition
    /// keys distinct within a table, segment paths distinct across the catalog (a segment listed
    /// twice would be read twice), and per segment one statistics entry and one distinct
    /// identifier per file column. A segment's row and column counts are checked against its
    /// footer when it is opened.
    static func validate(_ catalog: Catalog) throws(StorageError) {
        var names = Set<String>()
        var segmentPaths = Set<String>()
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
                        Set(segment.columnIdentifiers).count == segment.columnIdentifiers.count
                    else {
                        throw StorageError(
                            .corrupt,
                            "segment entry \(segment.path) has \(segment.columnIdentifiers.count) column identifiers "
                                + "(distinct: \(Set(segment.columnIdentifiers).count)) and \(segment.statistics.count) statistics")
                    }
                }
            }
            try validateKeyedColumns(table, catalog: catalog)
        }
        try validateViews(catalog, tableNames: names)
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
        !path.contains("..") && !path.hasPrefix("/")
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
                  let dimension, entry.codes >= 0, entry.codes <= dimension.rowCount + 1, entry.entries >= 0, entry.bytes >= 0,
                  isWarehousePath(entry.path), pairs.insert([entry.column, entry.keyColumn]).inserted else {
                throw StorageError(.corrupt, "keyed column entry \(entry.path) of table \(table.name) is invalid")
            }
        }
    }
}
