/// The parsed form of the catalog statements: views, SHOW and DESCRIBE, SET and RESET.

/// `CREATE [OR REPLACE] VIEW [IF NOT EXISTS] name [(columns)] AS query`.
public struct CreateView: Sendable {
    public var name: Identifier
    /// The column names given after the view's name, if any.
    public var columnNames: [Identifier]?
    public var query: Query
    /// The query as written: from its first token to the end of its last (comments after it
    /// and the statement's `;` left out). This is what the catalog keeps.
    public var text: String
    public var orReplace: Bool
    public var ifNotExists: Bool
    public var position: SourcePosition

    public init(
        name: Identifier, columnNames: [Identifier]?, query: Query, text: String, orReplace: Bool, ifNotExists: Bool,
        position: SourcePosition
    ) {
        self.name = name
        self.columnNames = columnNames
        self.query = query
        self.text = text
        self.orReplace = orReplace
        self.ifNotExists = ifNotExists
        self.position = position
    }
}

/// `DROP VIEW [IF EXISTS] name`.
public struct DropView: Sendable {
    public var name: Identifier
    public var ifExists: Bool
}

/// A statement that answers with rows about the catalog or the session.
public struct ShowStatement: Sendable {
    public enum Kind: Sendable {
        /// `SHOW TABLES [FROM schema]`: the names of the tables and views (or of a schema's
        /// system tables).
        case tables(schema: Identifier?)
        /// `SHOW ALL TABLES`: every table and view with its columns' names and types.
        case allTables
        /// `DESCRIBE [TABLE] name`, `SHOW TABLE name`, `SHOW COLUMNS FROM name`, `SHOW schema.name`:
        /// the columns of a table, view or system table.
        case describe(name: Identifier, schema: Identifier?)
        /// `DESCRIBE query`, `SHOW query`: the columns the query would return.
        case describeQuery(Query)
        /// `SHOW name`: a setting's value, or, when no setting has the name, `DESCRIBE name`.
        /// `spelling` is the name as written (case kept), which names the result's column.
        case setting(Identifier, spelling: String)
    }

    public var kind: Kind
    public var position: SourcePosition

    public init(_ kind: Kind, at position: SourcePosition) {
        self.kind = kind
        self.position = position
    }
}

/// `SET name = value`, `SET name TO DEFAULT`, `RESET name` and `RESET ALL`.
public struct SetStatement: Sendable {
    /// The setting's name as written (settings are matched without regard to case); nil for
    /// `RESET ALL`.
    public var name: Identifier?
    /// The new value; nil to go back to the default.
    public var value: SettingValue?
    public var position: SourcePosition

    public init(name: Identifier?, value: SettingValue?, at position: SourcePosition) {
        self.name = name
        self.value = value
        self.position = position
    }
}

/// The value of a `SET`: a quoted string, a number (with its sign) or a bare word, as written.
public struct SettingValue: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case string, number, word
    }

    public var kind: Kind
    public var text: String
    public var position: SourcePosition

    public init(kind: Kind, text: String, at position: SourcePosition) {
        self.kind = kind
        self.text = text
        self.position = position
    }
}
