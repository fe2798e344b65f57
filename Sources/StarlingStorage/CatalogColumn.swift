/// A column in the catalog, and what it references.

import StarlingColumns

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
