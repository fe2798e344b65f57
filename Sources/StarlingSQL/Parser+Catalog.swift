/// Parsing the catalog statements: CREATE and DROP VIEW, SHOW, DESCRIBE, SET and RESET.

extension Parser {
    /// Parses one query that makes up all of `text`, every position shifted by `base` (a view's
    /// text, told apart from the statement that uses it by its positions).
    public static func parseQuery(_ text: String, base: Int) throws(SQLError) -> Query {
        var parser = try Parser(text, base: base)
        let query = try parser.parseQuery()
        _ = parser.acceptSymbol(";")
        guard parser.current.kind == .end else {
            throw SQLError("expected the end of the query, found \(parser.current.quoted)", at: parser.current.position)
        }
        return query
    }

    /// `CREATE` followed by `[OR REPLACE] VIEW [IF NOT EXISTS] name [(columns)] AS query`.
    mutating func parseCreateView(at position: SourcePosition) throws(SQLError) -> Statement {
        var orReplace = false
        if accept("or") {
            try expect("replace")
            orReplace = true
        }
        if current.isKeyword("temporary") || current.isKeyword("temp") {
            throw SQLError(
                "temporary views are not supported", at: current.position,
                hint: "a view is kept in the warehouse: CREATE VIEW name AS …; a WITH query lasts one statement")
        }
        guard accept("view") else {
            let what =
                current.isKeyword("table")
                ? "CREATE OR REPLACE TABLE is not supported"
                : "expected VIEW after CREATE OR REPLACE, found \(current.quoted)"
            throw SQLError(
                what, at: current.position, hint: current.isKeyword("table") ? "DROP TABLE, then CREATE TABLE" : nil)
        }
        var ifNotExists = false
        if current.isKeyword("if") {
            let ifPosition = current.position
            index += 1
            try expect("not")
            try expect("exists")
            guard !orReplace else {
                throw SQLError("OR REPLACE and IF NOT EXISTS cannot both be given", at: ifPosition)
            }
            ifNotExists = true
        }
        let name = try identifier("a view name")
        if current.isSymbol(".") {
            throw SQLError("a view is created in the warehouse's one schema: give its name alone", at: current.position)
        }
        var columnNames: [Identifier]?
        if current.isSymbol("(") { columnNames = try parseIdentifierList("a column name") }
        guard accept("as") else {
            throw SQLError(
                "expected AS and a query, found \(current.quoted)", at: current.position,
                hint: "CREATE VIEW name AS SELECT …")
        }
        guard atQueryStart else {
            throw SQLError(
                "expected a query after AS, found \(current.quoted)", at: current.position,
                hint: "CREATE VIEW name AS SELECT …")
        }
        let start = index
        let query = try parseQuery()
        let view = CreateView(
            name: name, columnNames: columnNames, query: query, text: text(fromToken: start), orReplace: orReplace,
            ifNotExists: ifNotExists, position: position)
        return .createView(view)
    }

    /// `DROP VIEW` followed by `[IF EXISTS] name`.
    mutating func parseDropView() throws(SQLError) -> DropView {
        var ifExists = false
        if accept("if") {
            try expect("exists")
            ifExists = true
        }
        return DropView(name: try identifier("a view name"), ifExists: ifExists)
    }

    /// `SHOW` followed by `TABLES [FROM schema]`, `ALL [TABLES]`, `COLUMNS FROM name`,
    /// `TABLE name`, a query, or a name (a setting, else a table or view).
    mutating func parseShow(at position: SourcePosition) throws(SQLError) -> ShowStatement {
        if atQueryStart { return ShowStatement(.describeQuery(try parseQuery()), at: position) }
        if current.isKeyword("tables")
            && (peek().kind == .end || peek().isSymbol(";") || peek().isKeyword("from") || peek().isKeyword("in"))
        {
            index += 1
            var schema: Identifier?
            if accept("from") || accept("in") { schema = try identifier("a schema name") }
            return ShowStatement(.tables(schema: schema), at: position)
        }
        if accept("all") {
            _ = accept("tables")
            return ShowStatement(.allTables, at: position)
        }
        if current.isKeyword("columns") && (peek().isKeyword("from") || peek().isKeyword("in")) {
            index += 2
            return try describedName(at: position)
        }
        if current.isKeyword("table") && (peek().kind == .word || peek().kind == .quotedIdentifier) {
            index += 1
            return try describedName(at: position)
        }
        let token = current
        guard token.kind == .word || token.kind == .quotedIdentifier else {
            throw SQLError(
                "expected TABLES, a table name or a setting after SHOW, found \(token.quoted)", at: token.position,
                hint: "SHOW TABLES, SHOW ALL TABLES, SHOW COLUMNS FROM t, SHOW threads")
        }
        if peek().isSymbol(".") { return try describedName(at: position) }
        index += 1
        // A setting's name keeps its case as written: it names the result's column.
        let spelling = token.kind == .word ? text(fromToken: index - 1) : token.text
        return ShowStatement(.setting(Identifier(token.text, at: token.position), spelling: spelling), at: position)
    }

    /// `DESCRIBE` (or `DESC`) followed by `[TABLE] name` or a query.
    mutating func parseDescribe(at position: SourcePosition) throws(SQLError) -> ShowStatement {
        if atQueryStart { return ShowStatement(.describeQuery(try parseQuery()), at: position) }
        if current.isKeyword("table") && (peek().kind == .word || peek().kind == .quotedIdentifier) { index += 1 }
        return try describedName(at: position)
    }

    /// `[schema.]name`, the relation a DESCRIBE describes.
    mutating func describedName(at position: SourcePosition) throws(SQLError) -> ShowStatement {
        var name = try identifier("a table or view name")
        var schema: Identifier?
        if acceptSymbol(".") {
            schema = name
            name = try identifier("a table name after \".\"")
        }
        return ShowStatement(.describe(name: name, schema: schema), at: position)
    }

    /// `SET` followed by `[SESSION | GLOBAL] name {= | TO} {value | DEFAULT}`.
    mutating func parseSet(at position: SourcePosition) throws(SQLError) -> SetStatement {
        if current.isKeyword("local") {
            throw SQLError(
                "SET LOCAL is not supported", at: current.position,
                hint: "every statement is its own transaction; SET name = value lasts for the session")
        }
        if (current.isKeyword("session") || current.isKeyword("global"))
            && (peek().kind == .word || peek().kind == .quotedIdentifier)
        {
            index += 1
        }
        let name = try identifier("a setting name")
        guard acceptSymbol("=") || accept("to") else {
            throw SQLError(
                "expected = or TO after the setting's name, found \(current.quoted)", at: current.position,
                hint: "SET threads = 4")
        }
        let token = advance()
        let value: SettingValue?
        switch token.kind {
        case .string:
            value = SettingValue(kind: .string, text: token.text, at: token.position)
        case .number:
            value = SettingValue(kind: .number, text: token.text, at: token.position)
        case .symbol where (token.text == "-" || token.text == "+") && current.kind == .number:
            let number = advance()
            value = SettingValue(
                kind: .number, text: token.text == "-" ? "-" + number.text : number.text, at: token.position)
        case .word where token.text == "default":
            value = nil
        case .word, .quotedIdentifier:
            value = SettingValue(kind: .word, text: token.text, at: token.position)
        default:
            throw SQLError(
                "expected a value for \(name.name), found \(token.quoted)", at: token.position,
                hint: "SET memory_limit = '4GB'")
        }
        return SetStatement(name: name, value: value, at: position)
    }

    /// `RESET` followed by `[SESSION | GLOBAL] name` or `ALL`.
    mutating func parseReset(at position: SourcePosition) throws(SQLError) -> SetStatement {
        if (current.isKeyword("session") || current.isKeyword("global"))
            && (peek().kind == .word || peek().kind == .quotedIdentifier)
        {
            index += 1
        }
        if accept("all") { return SetStatement(name: nil, value: nil, at: position) }
        return SetStatement(name: try identifier("a setting name"), value: nil, at: position)
    }
}
