/// Tests of parsing the catalog statements: CREATE and DROP VIEW, SHOW, DESCRIBE, SET, RESET,
/// and a view's text parsed with its positions shifted.

import Testing

@testable import StarlingSQL

@Suite("Parser: catalog statements")
struct CatalogStatementParserTests {
    func statement(_ sql: String) throws -> Statement {
        let statements = try Parser.parse(sql)
        try #require(statements.count == 1)
        return statements[0].statement
    }

    @Test("CREATE VIEW keeps the query's text from its first token to its last, comments after it left out")
    func createView() throws {
        guard
            case .createView(let view) = try statement(
                "CREATE OR REPLACE VIEW v (x, \"Y\") AS\n  SELECT a, b\n  FROM t -- note\n;")
        else {
            Issue.record("not a CREATE VIEW")
            return
        }
        #expect(view.name.name == "v")
        #expect(view.columnNames?.map(\.name) == ["x", "Y"])
        #expect(view.text == "SELECT a, b\n  FROM t")
        #expect(view.orReplace && !view.ifNotExists)
        #expect(view.query.position.offset == 39)
        guard
            case .createView(let other) = try statement(
                "create view if not exists w as (select 1) union all (select 2)")
        else {
            Issue.record("not a CREATE VIEW")
            return
        }
        #expect(other.ifNotExists && !other.orReplace && other.columnNames == nil)
        #expect(other.text == "(select 1) union all (select 2)")
    }

    @Test("DROP VIEW, SHOW and DESCRIBE in their spellings")
    func showAndDrop() throws {
        guard case .dropView(let drop) = try statement("DROP VIEW IF EXISTS \"V\"") else {
            Issue.record("not a DROP VIEW")
            return
        }
        #expect(drop.name.name == "V" && drop.ifExists)
        func kind(_ sql: String) throws -> ShowStatement.Kind? {
            guard case .show(let show) = try statement(sql) else { return nil }
            return show.kind
        }
        if case .tables(let schema) = try kind("SHOW TABLES") {
            #expect(schema == nil)
        } else {
            Issue.record("SHOW TABLES")
        }
        if case .tables(let schema) = try kind("show tables from starling") {
            #expect(schema?.name == "starling")
        } else {
            Issue.record("FROM")
        }
        if case .allTables = try kind("SHOW ALL TABLES") {} else { Issue.record("SHOW ALL TABLES") }
        for sql in [
            "DESCRIBE t", "DESC t", "DESCRIBE TABLE t", "SHOW TABLE t", "SHOW COLUMNS FROM t", "show columns in t",
        ] {
            if case .describe(let name, let schema) = try kind(sql) {
                #expect(name.name == "t" && schema == nil, "\(sql)")
            } else {
                Issue.record("\(sql) is not a DESCRIBE")
            }
        }
        if case .describe(let name, let schema) = try kind("DESCRIBE starling.tables") {
            #expect(name.name == "tables" && schema?.name == "starling")
        } else {
            Issue.record("DESCRIBE starling.tables")
        }
        // A table named "tables" is described with DESCRIBE (SHOW TABLES lists).
        if case .describe(let name, _) = try kind("DESCRIBE tables") {
            #expect(name.name == "tables")
        } else {
            Issue.record("tables")
        }
        if case .describeQuery = try kind("DESCRIBE SELECT 1") {} else { Issue.record("DESCRIBE SELECT") }
        if case .describeQuery = try kind("SHOW WITH q AS (SELECT 1) SELECT * FROM q") {
        } else {
            Issue.record("SHOW WITH")
        }
        if case .setting(let name, let spelling) = try kind("SHOW TimeZone") {
            #expect(name.name == "timezone" && spelling == "TimeZone")
        } else {
            Issue.record("SHOW TimeZone")
        }
    }

    @Test("SET and RESET: = or TO, strings, numbers with a sign, words, DEFAULT, ALL")
    func setAndReset() throws {
        func set(_ sql: String) throws -> SetStatement? {
            guard case .set(let set) = try statement(sql) else { return nil }
            return set
        }
        #expect(try set("SET threads = 4")?.value == SettingValue(kind: .number, text: "4", at: SourcePosition(14)))
        #expect(try set("SET memory_limit TO '4GB'")?.value?.text == "4GB")
        #expect(try set("SET memory_limit = -1")?.value?.text == "-1")
        #expect(
            try set("SET SESSION TimeZone = UTC")?.value
                == SettingValue(kind: .word, text: "utc", at: SourcePosition(23)))
        #expect(try set("SET GLOBAL threads TO DEFAULT")?.value == nil)
        #expect(try set("SET threads TO DEFAULT")?.name?.name == "threads")
        let reset = try set("RESET memory_limit")
        #expect(reset?.name?.name == "memory_limit" && reset?.value == nil)
        let all = try set("RESET ALL")
        #expect(all?.name == nil && all?.value == nil)
        #expect(throws: SQLError.self) { try Parser.parse("SET LOCAL threads = 1") }
        #expect(throws: SQLError.self) { try Parser.parse("SET threads = (1)") }
    }

    @Test("a view's text parsed with a base: every position, and an error's, shifted by it")
    func shiftedPositions() throws {
        let query = try Parser.parseQuery("SELECT a\nFROM t", base: 1 << 40)
        #expect(query.position.offset == 1 << 40)
        guard case .select(let select) = query.body, case .table(let name, _, _) = select.from.first else {
            Issue.record("not a SELECT FROM a table")
            return
        }
        #expect(name.position.offset == (1 << 40) + 14)
        do {
            _ = try Parser.parseQuery("SELECT 'open", base: 1000)
            Issue.record("parsed an unterminated string")
        } catch {
            #expect(error.position.offset == 1007)
        }
        do {
            _ = try Parser.parseQuery("SELECT FROM", base: 1000)
            Issue.record("parsed SELECT FROM")
        } catch {
            #expect(error.position.offset == 1007)
        }
    }
}
