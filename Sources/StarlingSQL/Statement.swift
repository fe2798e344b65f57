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
    case copy(CopyFrom)
}

/// `COPY table FROM 'file' [(option [value], …)]`, the SQL form of `starling load`.
public struct CopyFrom: Sendable {
    public var table: Identifier
    public var files: [String]
    /// Options by lower-cased name; flags without a value hold `"true"`.
    public var options: [CopyOption]
}

/// One option of `COPY … (…)`.
public struct CopyOption: Sendable {
    public var name: Identifier
    public var value: String
    public var valuePosition: SourcePosition
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
}

/// One column of a `CREATE TABLE` or `ALTER TABLE … ADD COLUMN`.
public struct ColumnDefinition: Sendable {
    public var name: Identifier
    public var type: LogicalType
    public var typePosition: SourcePosition
    public var notNull: Bool
    public var primaryKey: Bool
    public var references: ReferencesClause?
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
