/// A segment file in the catalog, with its zone maps.

/// One immutable segment file and its statistics.
public struct CatalogSegment: Codable, Sendable, Equatable {
    /// Path relative to the warehouse directory.
    public var path: String
    public var rows: Int
    public var bytes: Int
    /// The catalog column identifier of each of the file's columns, in file order.
    public var columnIdentifiers: [Int]
    /// Per column (by identifier): NULL count, min/max of the stored values and distinct count.
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
    /// An estimate of the distinct non-NULL values (``DistinctCountEstimate`` over the segment's
    /// chunk counts), for planning only; nil when unknown (entries written before it was kept).
    public var distinctCount: Int?

    public init(
        columnIdentifier: Int, nullCount: Int, minimum: StoredValue?, maximum: StoredValue?, distinctCount: Int? = nil
    ) {
        self.columnIdentifier = columnIdentifier
        self.nullCount = nullCount
        self.minimum = minimum
        self.maximum = maximum
        self.distinctCount = distinctCount
    }
}
