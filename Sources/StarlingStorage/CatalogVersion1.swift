/// The JSON of a catalog format 1 snapshot file, read so that older warehouses open and migrate.

/// The payload of a format 1 snapshot file (`Formats/catalog-v1.md` §4.2): the whole catalog,
/// every segment of every partition, and the history of every commit.
package struct CatalogVersion1: Codable, Sendable {
    var snapshot: Int
    var committedMicros: Int64
    var nextTableIdentifier: Int
    var tables: [CatalogTable]
    var views: [CatalogView]?
    var history: [HistoryEntry]

    /// The catalog it describes; its commit is the history's last entry.
    var catalog: Catalog {
        Catalog(
            snapshot: snapshot, committedMicros: committedMicros, nextTableIdentifier: nextTableIdentifier,
            tables: tables, views: views, commit: history.last)
    }

    /// The loaded files of each table (`loadedFiles`, v1 §4.4), by table identifier: the in-memory
    /// ``CatalogTable`` does not carry them (format 2 reads them only when a load needs them), so
    /// they are decoded from the same payload apart.
    struct LoadedFiles: Decodable {
        struct Table: Decodable {
            var identifier: Int
            var loadedFiles: [LoadedFile]?
        }
        var tables: [Table]

        var byTable: [Int: [LoadedFile]] {
            var result: [Int: [LoadedFile]] = [:]
            for table in tables { if let files = table.loadedFiles { result[table.identifier] = files } }
            return result
        }
    }

    init(_ catalog: Catalog, history: [HistoryEntry]) {
        snapshot = catalog.snapshot
        committedMicros = catalog.committedMicros
        nextTableIdentifier = catalog.nextTableIdentifier
        tables = catalog.tables
        views = catalog.views
        self.history = history
    }

    /// A format 1 snapshot file's bytes, as the last format 1 writer (write version 3) wrote
    /// them: for tests of reading and migrating older warehouses.
    package static func encode(_ catalog: Catalog, history: [HistoryEntry]) -> [UInt8] {
        let keyed = catalog.tables.contains { !($0.keyedColumns ?? []).isEmpty }
        return CatalogEnvelope.encode(
            JSONCoding.encode(CatalogVersion1(catalog, history: history)), magic: CatalogFile.magic,
            writeVersion: 3, readVersion: keyed ? 2 : 1)
    }
}
