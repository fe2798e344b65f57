/// The JSON of a catalog format 2 snapshot file: every table's definition, and for its rows the
/// manifests that list them.

import StarlingColumns

/// The payload of a format 2 snapshot file (`Formats/catalog-v2.md` §3). It holds what changes
/// rarely (tables, views) and names the manifests that hold what grows (segments, loaded files),
/// so a commit rewrites only the manifests it changed, and the history lives in an append-only
/// log instead of in every snapshot.
package struct CatalogRoot: Codable, Sendable {
    var snapshot: Int
    var committedMicros: Int64
    var nextTableIdentifier: Int
    var tables: [RootTable]
    var views: [CatalogView]?
    /// The commit that made this snapshot (also appended to the history log).
    var commit: HistoryEntry
}

/// A table in a format 2 root: a ``CatalogTable`` without its partitions and loaded files, which
/// are in manifests.
struct RootTable: Codable, Sendable {
    var identifier: Int
    var name: String
    var columns: [CatalogColumn]
    var primaryKey: [String]
    var partitioning: Partitioning?
    var options: [String: String]
    var nextColumnIdentifier: Int
    var createdSnapshot: Int
    var keyedColumns: [CatalogKeyedColumn]?
    /// One per partition that holds a segment, sorted by key.
    var partitionManifests: [PartitionManifestReference]
    /// The pages of the loaded-files list, in order; absent until the table's first load.
    var loadedFileManifests: [ManifestReference]?

    /// `table`'s definition, with `partitions` and `loadedFiles` referred to by these manifests.
    init(_ table: CatalogTable, partitions: [PartitionManifestReference], loadedFiles: [ManifestReference]?) {
        identifier = table.identifier
        name = table.name
        columns = table.columns
        primaryKey = table.primaryKey
        partitioning = table.partitioning
        options = table.options
        nextColumnIdentifier = table.nextColumnIdentifier
        createdSnapshot = table.createdSnapshot
        keyedColumns = table.keyedColumns
        partitionManifests = partitions
        loadedFileManifests = loadedFiles
    }

    /// The table, with the partitions read from its manifests. (Its loaded files are read only
    /// when a load asks for them: ``Warehouse/loadedFiles(table:snapshot:)``.)
    func table(partitions: [CatalogPartition]) -> CatalogTable {
        var table = CatalogTable(
            identifier: identifier, name: name, columns: columns, primaryKey: primaryKey,
            partitioning: partitioning, options: options, createdSnapshot: createdSnapshot)
        table.nextColumnIdentifier = nextColumnIdentifier
        table.keyedColumns = keyedColumns
        table.partitions = partitions
        return table
    }
}

/// Where a manifest file is, and what the root expects of it: its payload checksum ties the file
/// to the root, so a manifest replaced or edited (even with a valid checksum of its own) is
/// refused.
struct ManifestReference: Codable, Sendable, Equatable {
    /// Relative to the warehouse directory (`manifests/<table id>/<snapshot>-<n>.stman`).
    var path: String
    /// The manifest's payload checksum (xxHash64), 16 lower-case hexadecimal digits.
    var checksum: String
    /// The entries it lists: loaded files.
    var entries: Int
}

/// A partition's manifest, with the partition's key and totals.
struct PartitionManifestReference: Codable, Sendable, Equatable {
    /// The partition key (`""` for an unpartitioned table).
    var key: String
    var path: String
    var checksum: String
    /// Segment files the manifest lists.
    var segments: Int
    /// Rows over those segments.
    var rows: Int
}

/// The manifests a snapshot's root names, by table identifier: what a writer compares its new
/// catalog with to rewrite only what changed.
struct ManifestIndex: Sendable {
    var partitions: [Int: [String: PartitionManifestReference]] = [:]
    var loadedFiles: [Int: [ManifestReference]] = [:]

    /// Every manifest path named.
    var paths: [String] {
        partitions.values.flatMap { $0.values.map(\.path) } + loadedFiles.values.flatMap { $0.map(\.path) }
    }
}
