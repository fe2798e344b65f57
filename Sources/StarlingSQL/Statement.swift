/// The parsed form of SQL statements (the abstract syntax tree).

import StarlingColumns

/// A name as written: unquoted names are lower-cased, double-quoted names keep their case.
public struct Identifier: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let position: SourcePosition

    public init(_ name: String, at position: SourcePosition) {
        self.name = name
        self.position = position
    }

    public var description: String { name }

    /// `name` as a double-quoted SQL identifier (quotes doubled), whatever it holds: safe for
    /// reserved words and any character, for SQL that Starling writes itself.
    public static func quoted(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }
}

/// One parsed statement and the slice of the script it came from.
public struct ParsedStatement: Sendable {
    public let statement: Statement
    /// The statement's text, without the terminating `;`.
    public let text: String
    /// Where the statement starts in the script.
    public let position: SourcePosition
}

/// A SQL statement.
public enum Statement: Sendable {
    case createTable(CreateTable)
    case dropTable(DropTable)
    case alterTableAddColumn(AlterTableAddColumn)
    case insertValues(InsertValues)
    /// `COPY table FROM 'file' | STDIN …`.
    case copy(CopyFrom)
    /// `COPY table | (query) TO 'file' | STDOUT …`.
    case copyTo(CopyTo)
    /// A query: `SELECT …`, `WITH … SELECT …`, `VALUES`-free.
    case query(Query)
    /// `INSERT INTO name [(columns…)] SELECT …`.
    case insertQuery(InsertQuery)
    /// `CREATE TABLE name [PARTITION BY …] [WITH (…)] AS SELECT …`.
    case createTableAs(CreateTableAs)
    /// `EXPLAIN [ANALYZE] query`.
    case explain(Query, analyze: Bool)
    /// `CREATE [OR REPLACE] VIEW [IF NOT EXISTS] name [(columns)] AS query`.
    case createView(CreateView)
    /// `DROP VIEW [IF EXISTS] name`.
    case dropView(DropView)
    /// `SHOW TABLES`, `DESCRIBE name`, `SHOW setting` and the like: answered with rows.
    case show(ShowStatement)
    /// `SET name = value`, `RESET name`: a setting of the session.
    case set(SetStatement)
}

/// `INSERT INTO name [(columns…)] query`.
public struct InsertQuery: Sendable {
    public var table: Identifier
    public var columns: [Identifier]?
    public var query: Query

    public init(table: Identifier, columns: [Identifier]?, query: Query) {
        self.table = table
        self.columns = columns
        self.query = query
    }
}

/// `CREATE TABLE [IF NOT EXISTS] name [PARTITION BY …] [WITH (…)] AS query`.
public struct CreateTableAs: Sendable {
    public var name: Identifier
    public var ifNotExists: Bool
    public var partitionBy: PartitionClause?
    public var options: [TableOption]
    public var query: Query
    public var position: SourcePosition

    public init(name: Identifier, ifNotExists: Bool, partitionBy: PartitionClause?, options: [TableOption], query: Query, position: SourcePosition) {
        self.name = name
        self.ifNotExists = ifNotExists
        self.partitionBy = partitionBy
        self.options = options
        self.query = query
        self.position = position
    }
}

/// `COPY table [(columns)] FROM 'file' | STDIN [(option [value], …)]`, the SQL form of
/// `starling load`.
public struct CopyFrom: Sendable {
    public var table: Identifier
    /// The input's columns, in order, by table column name (the `columns` option's list).
    public var columns: [Identifier]?
    /// The files named; empty when the rows come from the client (`STDIN`).
    public var files: [String]
    /// `FROM STDIN`: the rows come from a client of `starling serve`.
    public var fromStandardInput: Bool
    /// Options by lower-cased name; flags without a value hold `"true"`.
    public var options: [CopyOption]

    public init(table: Identifier, columns: [Identifier]?, files: [String], fromStandardInput: Bool, options: [CopyOption]) {
        self.table = table
        self.columns = columns
        self.files = files
        self.fromStandardInput = fromStandardInput
        self.options = options
    }
}

/// `COPY table [(columns)] TO 'file' | STDOUT [options]` or `COPY (query) TO …`.
public struct CopyTo: Sendable {
    /// What is written: a table's rows (some of its columns) or a query's.
    public enum Source: Sendable {
        case table(Identifier, columns: [Identifier]?)
        /// The query and where its text is in the statement (byte offsets).
        case query(Query, text: Range<Int>)
    }

    /// Where the rows go.
    public enum Target: Sendable, Equatable {
        /// To the client of `starling serve`.
        case standardOutput
        case file(String)
    }

    public var source: Source
    public var target: Target
    public var options: [CopyOption]
    /// Where the statement starts.
    public var position: SourcePosition

    /// For a table source, the SELECT of its columns (all, or those listed) whose rows COPY
    /// writes; nil for a query.
    public var tableQueryText: String? {
        guard case .table(let table, let columns) = source else { return nil }
        let list = columns.map { $0.map { Identifier.quoted($0.name) }.joined(separator: ", ") } ?? "*"
        return "SELECT \(list) FROM \(Identifier.quoted(table.name))"
    }
}

/// One option of `COPY … (…)`.
public struct CopyOption: Sendable {
    public var name: Identifier
    public var value: String
    public var valuePosition: SourcePosition

    public init(name: Identifier, value: String, valuePosition: SourcePosition) {
        self.name = name
        self.value = value
        self.valuePosition = valuePosition
    }
}

/// `CREATE TABLE name (columns…) [PARTITION BY …] [WITH (…)]`.
public struct CreateTable: Sendable {
    public var name: Identifier
    public var ifNotExists: Bool
    public var columns: [ColumnDefinition]
    /// The table-level `PRIMARY KEY (…)`, if given.
    public var primaryKey: [Identifier]?
    public var primaryKeyPosition: SourcePosition?
    public var partitionBy: PartitionClause?
    public var options: [TableOption]
    public var position: SourcePosition

    public init(name: Identifier, ifNotExists: Bool, columns: [ColumnDefinition], primaryKey: [Identifier]?, primaryKeyPosition: SourcePosition?, partitionBy: PartitionClause?, options: [TableOption], position: SourcePosition) {
        self.name = name
        self.ifNotExists = ifNotExists
        self.columns = columns
        self.primaryKey = primaryKey
        self.primaryKeyPosition = primaryKeyPosition
        self.partitionBy = partitionBy
        self.options = options
        self.position = position
    }
}

/// One column of a `CREATE TABLE` or `ALTER TABLE … ADD COLUMN`.
public struct ColumnDefinition: Sendable {
    public var name: Identifier
    public var type: LogicalType
    public var typePosition: SourcePosition
    public var notNull: Bool
    public var primaryKey: Bool
    public var references: ReferencesClause?

    public init(name: Identifier, type: LogicalType, typePosition: SourcePosition, notNull: Bool, primaryKey: Bool, references: ReferencesClause?) {
        self.name = name
        self.type = type
        self.typePosition = typePosition
        self.notNull = notNull
        self.primaryKey = primaryKey
        self.references = references
    }
}

/// `REFERENCES table [(column)]`.
public struct ReferencesClause: Sendable {
    public var table: Identifier
    /// `nil` means the referenced table's primary key.
    public var column: Identifier?
    public var position: SourcePosition
}

/// `PARTITION BY day|month|year (column)`.
public struct PartitionClause: Sendable {
    public enum Granularity: String, Sendable, Codable, CaseIterable {
        case day, month, year
    }
    public var granularity: Granularity
    public var column: Identifier
    public var position: SourcePosition
}

/// `name = value` inside `WITH (…)`. Values are kept as text (strings unquoted, words lower-cased).
public struct TableOption: Sendable {
    public var name: Identifier
    public var value: String
    public var valuePosition: SourcePosition
}

/// `DROP TABLE [IF EXISTS] name`.
public struct DropTable: Sendable {
    public var name: Identifier
    public var ifExists: Bool
}

/// `ALTER TABLE name ADD [COLUMN] definition`.
public struct AlterTableAddColumn: Sendable {
    public var table: Identifier
    public var column: ColumnDefinition
}

/// `INSERT INTO name [(columns…)] VALUES (…), (…)`.
public struct InsertValues: Sendable {
    public var table: Identifier
    public var columns: [Identifier]?
    public var rows: [[Literal]]
}

/// A constant in SQL text.
public struct Literal: Sendable {
    public enum Kind: Sendable, Equatable {
        case null
        case boolean(Bool)
        /// A number as written (sign included), converted when its target type is known.
        case number(String)
        case string(String)
        /// `DATE '…'`, `TIMESTAMP '…'` and the like: the type keyword and the text.
        case typed(type: String, text: String)
    }
    public var kind: Kind
    public var position: SourcePosition
}

extension Literal {
    /// A literal made by a rewrite rather than parsed.
    public init(_ kind: Kind, at position: SourcePosition) {
        self.init(kind: kind, position: position)
    }
}
