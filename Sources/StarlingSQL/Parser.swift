/// A recursive-descent parser for Starling's SQL statements.

import StarlingColumns

/// Parses a script of `;`-separated statements.
public struct Parser {
    let text: String
    let tokens: [Token]
    /// For each token, the offset just past it in `text` (not shifted by `base`).
    let tokenEnds: [Int]
    /// What every position is shifted by: 0 for a script; a view's text is parsed at an offset
    /// of its own, so that the planner can tell its positions from the statement's.
    let base: Int
    var index = 0
    /// How deeply nested the expression or query being parsed is (see `enterNesting()`).
    var depth = 0
    /// The stack address at which nesting stops (see `enterNesting()`); found on first use.
    var stackLimit: UInt?
    /// The height of the syntax tree node parsed last (see `grow(_:at:)`).
    var height = 0
    /// Whether the `(` at a token index encloses a query (see `isParenthesisedQuery(at:)`).
    var parenthesisedQueries: [Int: Bool] = [:]

    public init(_ text: String) throws(SQLError) {
        self.text = text
        let (tokens, ends) = try Lexer(text).tokensAndEnds()
        (self.tokens, self.tokenEnds) = Self.plainPostgresTokens(tokens, ends: ends)
        self.base = 0
    }

    /// A parser whose positions are all `base` bytes further on than their offsets in `text`.
    public init(_ text: String, base: Int) throws(SQLError) {
        self.text = text
        self.base = base
        do {
            let (lexed, lexedEnds) = try Lexer(text).tokensAndEnds()
            let (tokens, ends) = Self.plainPostgresTokens(lexed, ends: lexedEnds)
            self.tokens = tokens.map {
                Token(kind: $0.kind, text: $0.text, position: SourcePosition($0.position.offset + base))
            }
            self.tokenEnds = ends
        } catch {
            throw SQLError(error.message, at: SourcePosition(error.position.offset + base), hint: error.hint)
        }
    }

    /// The text from the token at `start` to the end of the token before the current one.
    func text(fromToken start: Int) -> String {
        let utf8 = Array(text.utf8)
        let from = max(0, min(tokens[min(start, tokens.count - 1)].position.offset - base, utf8.count))
        let to = max(from, min(index > 0 ? tokenEnds[min(index - 1, tokenEnds.count - 1)] : from, utf8.count))
        return String(decoding: utf8[from..<to], as: UTF8.self)
    }

    /// Parses every statement in `text`.
    public static func parse(_ text: String) throws(SQLError) -> [ParsedStatement] {
        var parser = try Parser(text)
        return try parser.parseScript()
    }

    mutating func parseScript() throws(SQLError) -> [ParsedStatement] {
        var statements: [ParsedStatement] = []
        while true {
            while current.isSymbol(";") { index += 1 }
            if current.kind == .end { return statements }
            let start = current.position
            let statement = try parseStatement()
            let end = current.position
            guard current.isSymbol(";") || current.kind == .end else {
                throw SQLError("expected \";\" or the end of the statement, found \(current.quoted)", at: current.position)
            }
            let utf8 = Array(text.utf8)
            let slice = utf8[start.offset..<min(end.offset, utf8.count)]
            statements.append(ParsedStatement(statement: statement, text: String(decoding: slice, as: UTF8.self).trailingWhitespaceRemoved, position: start))
        }
    }

    // MARK: Token helpers

    var current: Token { tokens[min(index, tokens.count - 1)] }

    func peek(_ offset: Int = 1) -> Token { tokens[min(index + offset, tokens.count - 1)] }

    mutating func advance() -> Token {
        let token = current
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// Consumes the keyword if present.
    mutating func accept(_ keyword: String) -> Bool {
        guard current.isKeyword(keyword) else { return false }
        index += 1
        return true
    }

    mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        index += 1
        return true
    }

    mutating func expect(_ keyword: String) throws(SQLError) {
        guard accept(keyword) else {
            throw SQLError("expected \(keyword.uppercased()), found \(current.quoted)", at: current.position)
        }
    }

    mutating func expectSymbol(_ symbol: String) throws(SQLError) {
        guard acceptSymbol(symbol) else {
            throw SQLError("expected \"\(symbol)\", found \(current.quoted)", at: current.position)
        }
    }

    /// An identifier: any unquoted word (keywords included, so `date` names a table) or a quoted name.
    mutating func identifier(_ what: String) throws(SQLError) -> Identifier {
        let token = current
        guard token.kind == .word || token.kind == .quotedIdentifier else {
            throw SQLError("expected \(what), found \(token.quoted)", at: token.position)
        }
        index += 1
        return Identifier(token.text, at: token.position)
    }

    // MARK: Statements

    mutating func parseStatement() throws(SQLError) -> Statement {
        let token = current
        if atQueryStart || current.isSymbol("(") {
            return .query(try parseQuery())
        }
        if accept("explain") {
            let analyze = accept("analyze") || accept("analyse")
            guard atQueryStart else {
                throw SQLError("expected a query after EXPLAIN, found \(current.quoted)", at: current.position, hint: "EXPLAIN [ANALYZE] SELECT …")
            }
            return .explain(try parseQuery(), analyze: analyze)
        }
        if accept("create") {
            if ["view", "or", "temporary", "temp"].contains(where: current.isKeyword) {
                return try parseCreateView(at: token.position)
            }
            guard accept("table") else {
                throw SQLError("expected TABLE or VIEW after CREATE, found \(current.quoted)", at: current.position,
                               hint: "Starling supports CREATE TABLE and CREATE VIEW")
            }
            return try parseCreateTable(at: token.position)
        }
        if accept("drop") {
            if accept("view") { return .dropView(try parseDropView()) }
            guard accept("table") else {
                throw SQLError("expected TABLE or VIEW after DROP, found \(current.quoted)", at: current.position)
            }
            var ifExists = false
            if accept("if") {
                try expect("exists")
                ifExists = true
            }
            return .dropTable(DropTable(name: try identifier("a table name"), ifExists: ifExists))
        }
        if accept("show") { return .show(try parseShow(at: token.position)) }
        if accept("describe") || accept("desc") { return .show(try parseDescribe(at: token.position)) }
        if accept("set") { return .set(try parseSet(at: token.position)) }
        if accept("reset") { return .set(try parseReset(at: token.position)) }
        if accept("alter") {
            try expect("table")
            let table = try identifier("a table name")
            try expect("add")
            _ = accept("column")
            return .alterTableAddColumn(AlterTableAddColumn(table: table, column: try parseColumnDefinition()))
        }
        if accept("insert") {
            try expect("into")
            return try parseInsert()
        }
        if accept("copy") {
            return try parseCopy()
        }
        if let unsupported = Self.unsupportedStatement(token) { throw unsupported }
        let known = [
            "select", "with", "explain", "create", "drop", "alter", "insert", "copy", "values", "show", "describe",
            "set", "reset",
        ]
        let hint = token.kind == .word ? keywordMisspelling(token.text, of: known) : nil
        throw SQLError("expected a statement, found \(token.quoted)", at: token.position, hint: hint)
    }

    /// The error for a statement other systems have and Starling does not (yet), saying what to
    /// use instead; nil for any other first token.
    static func unsupportedStatement(_ token: Token) -> SQLError? {
        if token.isSymbol(".") {
            return SQLError(
                "dot commands such as .mode belong to the interactive shell, not to SQL", at: token.position,
                hint: "run the script with: starling shell --warehouse DIR < script.sql")
        }
        guard token.kind == .word else { return nil }
        let (what, hint): (String, String)
        switch token.text {
        case "update", "delete", "truncate", "merge":
            what = "\(token.text.uppercased()) is not supported"
            hint = "tables change through loads (starling load, COPY … FROM) and INSERT; "
                + "starling rollback undoes a commit"
        case "begin", "commit", "rollback", "start", "savepoint":
            what = "transactions (BEGIN … COMMIT) are not supported"
            hint = "every statement is its own transaction; starling rollback --to N returns to an earlier snapshot"
        case "pragma":
            what = "PRAGMA is not supported"
            hint = "use SHOW TABLES, DESCRIBE table, SET name = value or SELECT * FROM information_schema.tables"
        case "attach", "detach", "use", "install", "load":
            what = "\(token.text.uppercased()) is not supported"
            hint = "a warehouse is one directory: name it with --warehouse DIR"
        default:
            return nil
        }
        return SQLError(what, at: token.position, hint: hint)
    }

    /// `CREATE TABLE` after those two words: a column list (`.createTable`) or `AS query` (`.createTableAs`).
    mutating func parseCreateTable(at position: SourcePosition) throws(SQLError) -> Statement {
        var ifNotExists = false
        if accept("if") {
            try expect("not")
            try expect("exists")
            ifNotExists = true
        }
        let name = try identifier("a table name")
        if current.isSymbol("(") {
            return .createTable(try parseCreateTableColumns(name: name, ifNotExists: ifNotExists, at: position))
        }
        let partitionBy = try parsePartitionClause()
        let options = try parseTableOptions()
        guard accept("as") else {
            let expected = partitionBy == nil && options.isEmpty ? "\"(\" and column definitions, or AS and a query" : "AS and a query"
            throw SQLError("expected \(expected), found \(current.quoted)", at: current.position)
        }
        guard atQueryStart else {
            throw SQLError("expected a query after AS, found \(current.quoted)", at: current.position, hint: "CREATE TABLE name AS SELECT …")
        }
        let query = try parseQuery()
        return .createTableAs(CreateTableAs(name: name, ifNotExists: ifNotExists, partitionBy: partitionBy, options: options, query: query, position: position))
    }

    mutating func parseCreateTableColumns(name: Identifier, ifNotExists: Bool, at position: SourcePosition) throws(SQLError) -> CreateTable {
        var table = CreateTable(name: name, ifNotExists: ifNotExists, columns: [], primaryKey: nil, primaryKeyPosition: nil, partitionBy: nil, options: [], position: position)
        try expectSymbol("(")
        repeat {
            if current.isKeyword("primary") {
                let keyPosition = current.position
                index += 1
                try expect("key")
                guard table.primaryKey == nil else { throw SQLError("PRIMARY KEY is given twice", at: keyPosition) }
                table.primaryKey = try parseIdentifierList("a column name")
                table.primaryKeyPosition = keyPosition
            } else if current.isKeyword("foreign") {
                index += 1
                try expect("key")
                let columns = try parseIdentifierList("a column name")
                guard columns.count == 1 else {
                    throw SQLError("composite foreign keys are not supported", at: columns[1].position, hint: "reference a dimension's single-column key")
                }
                let referencesPosition = current.position
                try expect("references")
                let clause = try parseReferencesTarget(at: referencesPosition)
                for column in columns {
                    guard let columnIndex = table.columns.firstIndex(where: { $0.name.name == column.name }) else {
                        throw SQLError("FOREIGN KEY names column \"\(column.name)\", which is not defined above", at: column.position)
                    }
                    table.columns[columnIndex].references = clause
                }
            } else {
                table.columns.append(try parseColumnDefinition())
            }
        } while acceptSymbol(",")
        try expectSymbol(")")
        table.partitionBy = try parsePartitionClause()
        table.options = try parseTableOptions()
        return table
    }

    /// `PARTITION BY day|month|year (column)`, if present.
    mutating func parsePartitionClause() throws(SQLError) -> PartitionClause? {
        guard current.isKeyword("partition") else { return nil }
        let partitionPosition = current.position
        index += 1
        try expect("by")
        let granularityToken = current
        let granularityName = try identifier("day, month or year")
        guard let granularity = PartitionClause.Granularity(rawValue: granularityName.name.lowercased()) else {
            throw SQLError("cannot partition by \"\(granularityName.name)\"", at: granularityToken.position, hint: "use day, month or year, as in PARTITION BY month(order_date)")
        }
        try expectSymbol("(")
        let column = try identifier("a column name")
        try expectSymbol(")")
        return PartitionClause(granularity: granularity, column: column, position: partitionPosition)
    }

    /// `WITH (name = value, …)`, if present.
    mutating func parseTableOptions() throws(SQLError) -> [TableOption] {
        guard accept("with") else { return [] }
        var options: [TableOption] = []
        try expectSymbol("(")
        repeat {
            let optionName = try identifier("an option name")
            try expectSymbol("=")
            let valueToken = advance()
            let value: String
            switch valueToken.kind {
            case .string, .number, .quotedIdentifier: value = valueToken.text
            case .word: value = valueToken.text
            case .symbol where valueToken.text == "-" && current.kind == .number: value = "-" + advance().text
            default: throw SQLError("expected an option value, found \(valueToken.quoted)", at: valueToken.position)
            }
            options.append(TableOption(name: optionName, value: value, valuePosition: valueToken.position))
        } while acceptSymbol(",")
        try expectSymbol(")")
        return options
    }

    mutating func parseIdentifierList(_ what: String) throws(SQLError) -> [Identifier] {
        try expectSymbol("(")
        var names: [Identifier] = []
        repeat {
            names.append(try identifier(what))
        } while acceptSymbol(",")
        try expectSymbol(")")
        return names
    }

    mutating func parseReferencesTarget(at position: SourcePosition) throws(SQLError) -> ReferencesClause {
        let table = try identifier("the referenced table")
        var column: Identifier?
        if acceptSymbol("(") {
            column = try identifier("the referenced column")
            try expectSymbol(")")
        }
        return ReferencesClause(table: table, column: column, position: position)
    }

    mutating func parseColumnDefinition() throws(SQLError) -> ColumnDefinition {
        let name = try identifier("a column name")
        let typePosition = current.position
        let type = try parseType()
        var column = ColumnDefinition(name: name, type: type, typePosition: typePosition, notNull: false, primaryKey: false, references: nil)
        while true {
            if accept("not") {
                try expect("null")
                column.notNull = true
            } else if accept("null") {
                continue
            } else if accept("primary") {
                try expect("key")
                column.primaryKey = true
            } else if current.isKeyword("references") {
                let position = current.position
                index += 1
                column.references = try parseReferencesTarget(at: position)
            } else {
                return column
            }
        }
    }

    // MARK: Types

    /// Every type name accepted, for "did you mean" suggestions.
    static let typeNames = [
        "boolean", "bool", "tinyint", "int1", "smallint", "int2", "integer", "int", "int4", "bigint", "int8",
        "double", "float8", "float", "real", "decimal", "numeric", "date", "timestamp", "varchar", "text",
        "char", "character", "string", "interval", "oid", "name",
    ]

    mutating func parseType() throws(SQLError) -> LogicalType {
        let token = current
        if token.kind == .quotedIdentifier, token.text == "char" {  // PostgreSQL's one-byte "char"
            index += 1
            return .varchar
        }
        guard token.kind == .word else {
            throw SQLError("expected a type name, found \(token.quoted)", at: token.position)
        }
        index += 1
        switch token.text {
        case "boolean", "bool": return .boolean
        case "tinyint", "int1": return .tinyint
        case "smallint", "int2": return .smallint
        case "integer", "int", "int4": return .integer
        case "bigint", "int8", "oid": return .bigint
        case "double":
            _ = accept("precision")
            return .double
        case "float8", "float", "real": return .double
        case "decimal", "numeric":
            guard acceptSymbol("(") else { return .decimal(precision: 18, scale: 3) }
            let precision = try integerArgument("precision")
            var scale = 0
            if acceptSymbol(",") { scale = try integerArgument("scale") }
            try expectSymbol(")")
            let type = LogicalType.decimal(precision: precision, scale: scale)
            guard type.isValid else {
                throw SQLError("DECIMAL(\(precision),\(scale)) is not supported", at: token.position, hint: "precision must be 1 to 18 and scale 0 to the precision")
            }
            return type
        case "date": return .date
        case "interval": return .interval
        case "timestamp":
            if accept("without") {
                try expect("time")
                try expect("zone")
            }
            return .timestamp
        case "varchar", "text", "char", "character", "string", "name":
            if token.text == "character" { _ = accept("varying") }
            if acceptSymbol("(") {
                _ = try integerArgument("length")
                try expectSymbol(")")
            }
            return .varchar
        default:
            let hint = closestMatch(to: token.text, in: Self.typeNames).map { "did you mean \($0.uppercased())?" }
            throw SQLError("unknown type \"\(token.text)\"", at: token.position, hint: hint)
        }
    }

    mutating func integerArgument(_ what: String) throws(SQLError) -> Int {
        let token = advance()
        guard token.kind == .number, let value = Int(token.text), value >= 0, value <= 1_000_000 else {
            throw SQLError("expected the \(what) as a whole number, found \(token.quoted)", at: token.position)
        }
        return value
    }

    // MARK: INSERT

    /// `INSERT INTO` after those two words: `name [(columns)] VALUES …` or `name [(columns)] query`.
    mutating func parseInsert() throws(SQLError) -> Statement {
        let table = try identifier("a table name")
        var columns: [Identifier]?
        if current.isSymbol("("), !isParenthesisedQuery(at: index) {
            columns = try parseIdentifierList("a column name")
        }
        if accept("values") {
            return .insertValues(try parseInsertValues(table: table, columns: columns))
        }
        guard atQueryStart else {
            throw SQLError("expected VALUES or a query, found \(current.quoted)", at: current.position, hint: "INSERT INTO t VALUES (…) or INSERT INTO t SELECT …")
        }
        return .insertQuery(InsertQuery(table: table, columns: columns, query: try parseQuery()))
    }

    mutating func parseInsertValues(table: Identifier, columns: [Identifier]?) throws(SQLError) -> InsertValues {
        var rows: [[Literal]] = []
        repeat {
            try expectSymbol("(")
            var row: [Literal] = []
            repeat {
                row.append(try parseLiteral())
            } while acceptSymbol(",")
            try expectSymbol(")")
            rows.append(row)
        } while acceptSymbol(",")
        return InsertValues(table: table, columns: columns, rows: rows)
    }

    mutating func parseLiteral() throws(SQLError) -> Literal {
        let token = advance()
        switch token.kind {
        case .number:
            return Literal(kind: .number(token.text), position: token.position)
        case .string:
            return Literal(kind: .string(token.text), position: token.position)
        case .symbol where (token.text == "-" || token.text == "+") && current.kind == .number:
            let number = advance()
            return Literal(kind: .number(token.text == "-" ? "-" + number.text : number.text), position: token.position)
        case .word:
            switch token.text {
            case "null": return Literal(kind: .null, position: token.position)
            case "true": return Literal(kind: .boolean(true), position: token.position)
            case "false": return Literal(kind: .boolean(false), position: token.position)
            case "date", "timestamp":
                let value = advance()
                guard value.kind == .string else {
                    throw SQLError("expected a quoted \(token.text) after \(token.text.uppercased()), found \(value.quoted)", at: value.position)
                }
                return Literal(kind: .typed(type: token.text, text: value.text), position: token.position)
            default: break
            }
        default: break
        }
        throw SQLError("expected a constant value, found \(token.quoted)", at: token.position, hint: "INSERT … VALUES takes numbers, 'strings', DATE '…', TIMESTAMP '…', TRUE, FALSE or NULL")
    }
}

extension String {
    var trailingWhitespaceRemoved: String {
        var copy = Substring(self)
        while let last = copy.last, last.isWhitespace { copy.removeLast() }
        return String(copy)
    }
}
