/// A table in the catalog: its columns, keys, partitioning, options and partitions.

import StarlingColumns

/// One table.
public struct CatalogTable: Codable, Sendable, Equatable {
    /// A number unique in the warehouse's history; names the table's data directory.
    public var identifier: Int
    public var name: String
    public var columns: [CatalogColumn]
    /// Primary key column names (empty when none).
    public var primaryKey: [String]
    public var partitioning: Partitioning?
    /// `WITH (…)` options, names lower-cased.
    public var options: [String: String]
    public var partitions: [CatalogPartition]
    /// The next column identifier (identifiers are never reused, so a dropped and re-added
    /// column never sees old data).
    public var nextColumnIdentifier: Int
    /// The snapshot that created the table.
    public var createdSnapshot: Int
    /// The side files of columns stored once per dimension row code (absent until a load finds
    /// such a column; see ``KeyedValues``).
    public var keyedColumns: [CatalogKeyedColumn]?

    public init(identifier: Int, name: String, columns: [CatalogColumn], primaryKey: [String], partitioning: Partitioning?, options: [String: String], createdSnapshot: Int) {
        self.identifier = identifier
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
        self.partitioning = partitioning
        self.options = options
        self.partitions = []
        self.nextColumnIdentifier = (columns.map(\.identifier).max() ?? 0) + 1
        self.createdSnapshot = createdSnapshot
    }

    /// Rows over all partitions.
    public var rowCount: Int { partitions.reduce(0) { $0 + $1.rowCount } }
    /// Segment files over all partitions.
    public var segmentCount: Int { partitions.reduce(0) { $0 + $1.segments.count } }
    /// Bytes on disk over all segment files and keyed-values side files.
    public var byteCount: Int {
        partitions.reduce(0) { $0 + $1.segments.reduce(0) { $0 + $1.bytes } } + (keyedColumns ?? []).reduce(0) { $0 + $1.bytes }
    }

    /// The side file of column `column` keyed by column `keyColumn` (catalog identifiers).
    public func keyedColumn(_ column: Int, by keyColumn: Int) -> CatalogKeyedColumn? {
        keyedColumns?.first { $0.column == column && $0.keyColumn == keyColumn }
    }

    /// Whether other tables may reference this one: a single-column primary key and no partitioning,
    /// so its rows keep their order and each row's position is its row code.
    public var isReferenceable: Bool { primaryKey.count == 1 && partitioning == nil }

    /// The column named `name`.
    public func column(named name: String) -> CatalogColumn? {
        columns.first { $0.name == name }
    }

    /// The relative directory holding this table's segment files.
    public var dataDirectory: String { "data/\(identifier)-\(name.filter { $0.isLetter || $0.isNumber || $0 == "_" })" }
}

/// `PARTITION BY granularity (column)`.
public struct Partitioning: Codable, Sendable, Equatable {
    public var granularity: PartitionGranularity
    public var column: String

    public init(granularity: PartitionGranularity, column: String) {
        self.granularity = granularity
        self.column = column
    }
}

/// One partition's segment files. Unpartitioned tables have one partition with the key `""`.
public struct CatalogPartition: Codable, Sendable, Equatable {
    /// `2025-03-01` (day), `2025-03` (month), `2025` (year), or `""`.
    public var key: String
    public var segments: [CatalogSegment]

    public init(key: String, segments: [CatalogSegment] = []) {
        self.key = key
        self.segments = segments
    }

    public var rowCount: Int { segments.reduce(0) { $0 + $1.rows } }
}

/// A column stored once per row code of one of the table's reference columns: segments hold
/// its chunks as keyed chunks, whose values are this side file's at the key column's codes.
public struct CatalogKeyedColumn: Codable, Sendable, Equatable {
    /// The keyed column's identifier.
    public var column: Int
    /// The identifier of the reference column whose row codes index the values.
    public var keyColumn: Int
    /// The side file, relative to the warehouse directory (a one-column segment).
    public var path: String
    /// Rows of the side file: one past the highest code with a value.
    public var codes: Int
    /// Codes with a value.
    public var entries: Int
    /// Size of the side file.
    public var bytes: Int

    public init(column: Int, keyColumn: Int, path: String, codes: Int, entries: Int, bytes: Int) {
        self.column = column
        self.keyColumn = keyColumn
        self.path = path
        self.codes = codes
        self.entries = entries
        self.bytes = bytes
    }
}
