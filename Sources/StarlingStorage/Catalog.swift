/// The catalog: every table, its columns, partitions and segment files, as of one snapshot.

import StarlingColumns

/// The whole state of a warehouse at one snapshot. Each commit writes a new, complete catalog
/// under the next snapshot number; nothing is ever changed in place.
public struct Catalog: Codable, Sendable, Equatable {
    /// This snapshot's number (1 is the empty warehouse `starling init` creates).
    public var snapshot: Int
    /// When the snapshot was committed, microseconds since the Unix epoch.
    public var committedMicros: Int64
    /// The next table identifier to hand out (identifiers are never reused).
    public var nextTableIdentifier: Int
    public var tables: [CatalogTable]
    /// Every commit so far, oldest first, this snapshot's last.
    public var history: [HistoryEntry]

    public init(snapshot: Int, committedMicros: Int64, nextTableIdentifier: Int = 1, tables: [CatalogTable] = [], history: [HistoryEntry] = []) {
        self.snapshot = snapshot
        self.committedMicros = committedMicros
        self.nextTableIdentifier = nextTableIdentifier
        self.tables = tables
        self.history = history
    }

    /// The table named `name` (names are stored already normalised).
    public func table(named name: String) -> CatalogTable? {
        tables.first { $0.name == name }
    }

    /// Tables whose columns reference `table`.
    public func referencingTables(_ table: String) -> [CatalogTable] {
        tables.filter { $0.columns.contains { $0.references?.table == table } }
    }

    /// What kind of table `table` is: referenced by another (dimension), referencing others
    /// (fact), or neither (plain).
    public func kind(of table: CatalogTable) -> TableKind {
        if !referencingTables(table.name).isEmpty { return .dimension }
        if table.columns.contains(where: { $0.references != nil }) { return .fact }
        return table.isReferenceable && table.options["kind"]?.lowercased() == "dimension" ? .dimension : .plain
    }
}

/// The role a table plays in the star schema.
public enum TableKind: String, Sendable {
    case fact, dimension, plain
}

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
    /// Content hashes of the extract files loaded into the table (absent until the first load).
    public var loadedFiles: [LoadedFile]?

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
    /// Bytes on disk over all segment files.
    public var byteCount: Int { partitions.reduce(0) { $0 + $1.segments.reduce(0) { $0 + $1.bytes } } }

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

/// An extract file a load committed, remembered so the same content is not loaded twice.
public struct LoadedFile: Codable, Sendable, Equatable {
    /// xxHash64 of the file's bytes, 16 hexadecimal digits.
    public var contentHash: String
    public var name: String
    public var bytes: Int
    public var batch: String
    public var snapshot: Int

    public init(contentHash: String, name: String, bytes: Int, batch: String, snapshot: Int) {
        self.contentHash = contentHash
        self.name = name
        self.bytes = bytes
        self.batch = batch
        self.snapshot = snapshot
    }
}

/// One column.
public struct CatalogColumn: Codable, Sendable, Equatable {
    public var identifier: Int
    public var name: String
    /// The declared type, as `LogicalType.description` prints it.
    public var typeName: String
    public var notNull: Bool
    public var references: ColumnReference?

    public init(identifier: Int, name: String, type: LogicalType, notNull: Bool, references: ColumnReference?) {
        self.identifier = identifier
        self.name = name
        self.typeName = type.description
        self.notNull = notNull
        self.references = references
    }

    /// The declared type (what users load and select).
    public var type: LogicalType { LogicalType(canonicalName: typeName) ?? .varchar }

    /// The type stored in segment files: INTEGER row codes for a column that references a dimension.
    public var storedType: LogicalType { references == nil ? type : .integer }
}

/// `REFERENCES table (column)`.
public struct ColumnReference: Codable, Sendable, Equatable {
    public var table: String
    public var column: String

    public init(table: String, column: String) {
        self.table = table
        self.column = column
    }
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

/// One immutable segment file and its statistics.
public struct CatalogSegment: Codable, Sendable, Equatable {
    /// Path relative to the warehouse directory.
    public var path: String
    public var rows: Int
    public var bytes: Int
    /// The catalog column identifier of each of the file's columns, in file order.
    public var columnIdentifiers: [Int]
    /// Per column (by identifier): NULL count and min/max of the stored values.
    public var statistics: [ColumnStatistics]
    /// The snapshot that added the file.
    public var snapshot: Int

    public init(path: String, rows: Int, bytes: Int, columnIdentifiers: [Int], statistics: [ColumnStatistics], snapshot: Int) {
        self.path = path
        self.rows = rows
        self.bytes = bytes
        self.columnIdentifiers = columnIdentifiers
        self.statistics = statistics
        self.snapshot = snapshot
    }
}

/// A column's zone map within one segment (values as stored: row codes for references).
public struct ColumnStatistics: Codable, Sendable, Equatable {
    public var columnIdentifier: Int
    public var nullCount: Int
    public var minimum: StoredValue?
    public var maximum: StoredValue?

    public init(columnIdentifier: Int, nullCount: Int, minimum: StoredValue?, maximum: StoredValue?) {
        self.columnIdentifier = columnIdentifier
        self.nullCount = nullCount
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// One commit, as `starling history` shows it.
public struct HistoryEntry: Codable, Sendable, Equatable {
    public var snapshot: Int
    public var committedMicros: Int64
    /// `init`, `create table`, `drop table`, `alter table`, `insert`, `load`, `rollback`, …
    public var operation: String
    public var table: String?
    public var rowsAdded: Int
    public var rowsRemoved: Int
    public var filesAdded: Int
    public var filesRemoved: Int
    public var detail: String?

    public init(snapshot: Int, committedMicros: Int64, operation: String, table: String?, rowsAdded: Int = 0, rowsRemoved: Int = 0, filesAdded: Int = 0, filesRemoved: Int = 0, detail: String? = nil) {
        self.snapshot = snapshot
        self.committedMicros = committedMicros
        self.operation = operation
        self.table = table
        self.rowsAdded = rowsAdded
        self.rowsRemoved = rowsRemoved
        self.filesAdded = filesAdded
        self.filesRemoved = filesRemoved
        self.detail = detail
    }
}
