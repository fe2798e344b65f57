/// A view in the catalog: a named query, kept as the SQL text it was written in.

import StarlingColumns

/// One view (`CREATE VIEW name [(columns)] AS query`). The catalog keeps the query's text as
/// written; the engine parses and binds it wherever the view's name is used, so a view always
/// reads its tables as they are in the snapshot being read. Views hold no rows and name no
/// files: they are catalog entries only, versioned with the snapshots like tables.
public struct CatalogView: Codable, Sendable, Equatable {
    /// The normalised view name; no table or other view of the catalog has it.
    public var name: String
    /// The query after `AS`, exactly as written (without the statement's `;`).
    public var sql: String
    /// The column names given in `CREATE VIEW name (a, b) AS …`; absent when none were given.
    /// They rename the query's first columns whenever the view is used.
    public var columnNames: [String]?
    /// The view's columns as bound when it was created (or replaced): names and types.
    /// Informative: the engine binds the text again on every use.
    public var columns: [CatalogViewColumn]
    /// The snapshot that created (or last replaced) the view.
    public var createdSnapshot: Int

    public init(name: String, sql: String, columnNames: [String]?, columns: [CatalogViewColumn], createdSnapshot: Int) {
        self.name = name
        self.sql = sql
        self.columnNames = columnNames
        self.columns = columns
        self.createdSnapshot = createdSnapshot
    }

    /// `CREATE VIEW name [(columns)] AS query;` with the names quoted where SQL needs it.
    public var createStatement: String {
        var text = "CREATE VIEW " + Self.quoted(name)
        if let columnNames { text += " (" + columnNames.map(Self.quoted).joined(separator: ", ") + ")" }
        return text + " AS " + sql + ";"
    }

    /// A name as SQL: bare when it is a plain lower-case word, else in double quotes.
    public static func quoted(_ name: String) -> String {
        let plain =
            name.first.map { $0 == "_" || ($0.isASCII && $0.isLowercase) } ?? false
            && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }
        guard !plain else { return name }
        return "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}

/// One column of a view: its name and type when the view was created.
public struct CatalogViewColumn: Codable, Sendable, Equatable {
    public var name: String
    public var type: LogicalType

    public init(name: String, type: LogicalType) {
        self.name = name
        self.type = type
    }

    /// The type as the catalog stores it (`LogicalType.description`).
    public var typeName: String { type.description }

    private enum CodingKeys: String, CodingKey {
        case name, typeName
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        let typeName = try container.decode(String.self, forKey: .typeName)
        guard let type = LogicalType(canonicalName: typeName) else {
            throw StorageError(.corrupt, "view column \(name) has unknown type \(typeName)")
        }
        self.type = type
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(typeName, forKey: .typeName)
    }
}
