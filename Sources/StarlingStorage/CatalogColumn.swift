/// A column in the catalog, and what it references.

import StarlingColumns

/// One column. In the catalog JSON its type is the text `typeName` (`LogicalType.description`);
/// in memory it is parsed once, when the catalog is read.
public struct CatalogColumn: Codable, Sendable, Equatable {
    public var identifier: Int
    public var name: String
    /// The declared type (what users load and select).
    public var type: LogicalType
    public var notNull: Bool
    public var references: ColumnReference?

    public init(identifier: Int, name: String, type: LogicalType, notNull: Bool, references: ColumnReference?) {
        self.identifier = identifier
        self.name = name
        self.type = type
        self.notNull = notNull
        self.references = references
    }

    /// The declared type, as `LogicalType.description` prints it (and the catalog stores it).
    public var typeName: String { type.description }

    /// The type stored in segment files: INTEGER row codes for a column that references a dimension.
    public var storedType: LogicalType { references == nil ? type : .integer }

    private enum CodingKeys: String, CodingKey {
        case identifier, name, typeName, notNull, references
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        identifier = try container.decode(Int.self, forKey: .identifier)
        name = try container.decode(String.self, forKey: .name)
        let typeName = try container.decode(String.self, forKey: .typeName)
        guard let type = LogicalType(canonicalName: typeName) else {
            throw StorageError(.corrupt, "column \(name) has unknown type \(typeName)")
        }
        self.type = type
        notNull = try container.decode(Bool.self, forKey: .notNull)
        references = try container.decodeIfPresent(ColumnReference.self, forKey: .references)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(identifier, forKey: .identifier)
        try container.encode(name, forKey: .name)
        try container.encode(typeName, forKey: .typeName)
        try container.encode(notNull, forKey: .notNull)
        try container.encodeIfPresent(references, forKey: .references)
    }
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
