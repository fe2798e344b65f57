/// Tests of the lexer and the DDL/INSERT parser.

import Testing
@testable import StarlingSQL
import StarlingColumns

@Suite("Parser")
struct ParserTests {
    func createTable(_ sql: String) throws -> CreateTable {
        let statements = try Parser.parse(sql)
        guard statements.count == 1, case .createTable(let create) = statements[0].statement else {
            Issue.record("not one CREATE TABLE")
            throw SQLError("no", at: SourcePosition(0))
        }
        return create
    }

    @Test("type names and their aliases")
    func types() throws {
        let create = try createTable("""
            create table t (a boolean, b bool, c tinyint, d smallint, e int, f integer, g bigint, h int8,
              i double, j float8, k real, l double precision, m decimal(12,2), n numeric(5), o date,
              p timestamp, q varchar, r varchar(20), s text, u char(3), v decimal)
            """)
        let expected: [LogicalType] = [.boolean, .boolean, .tinyint, .smallint, .integer, .integer, .bigint, .bigint,
                                       .double, .double, .double, .double, .decimal(precision: 12, scale: 2), .decimal(precision: 5, scale: 0),
                                       .date, .timestamp, .varchar, .varchar, .varchar, .varchar, .decimal(precision: 18, scale: 3)]
        #expect(create.columns.map(\.type) == expected)
    }

    @Test("identifiers fold to lower case unless quoted; keywords name tables")
    func identifiers() throws {
        let create = try createTable(#"CREATE TABLE Date (D_DateKey DATE PRIMARY KEY, "Mixed Case" VARCHAR, "a""b" INT)"#)
        #expect(create.name.name == "date")
        #expect(create.columns.map(\.name.name) == ["d_datekey", "Mixed Case", "a\"b"])
        #expect(create.columns[0].primaryKey)
    }

    @Test("constraints, partitioning and options")
    func clauses() throws {
        let create = try createTable("""
            CREATE TABLE IF NOT EXISTS lineorder (
              lo_orderkey BIGINT NOT NULL,
              lo_custkey INTEGER REFERENCES customer (c_custkey),
              lo_orderdate DATE REFERENCES date,
              PRIMARY KEY (lo_orderkey, lo_custkey)
            ) PARTITION BY month(lo_orderdate) WITH (compression = 'zstd', scd_type = 2, unknown_key = unknown_member);
            """)
        #expect(create.ifNotExists)
        #expect(create.columns[0].notNull)
        #expect(create.columns[1].references?.table.name == "customer")
        #expect(create.columns[1].references?.column?.name == "c_custkey")
        #expect(create.columns[2].references?.column == nil)
        #expect(create.primaryKey?.map(\.name) == ["lo_orderkey", "lo_custkey"])
        #expect(create.partitionBy?.granularity == .month)
        #expect(create.partitionBy?.column.name == "lo_orderdate")
        #expect(create.options.map(\.value) == ["zstd", "2", "unknown_member"])
    }

    @Test("scripts split on semicolons, with comments")
    func scripts() throws {
        let statements = try Parser.parse("""
            -- the schema
            CREATE TABLE a (x INT); /* block
            comment */ DROP TABLE IF EXISTS b;;
            ALTER TABLE a ADD COLUMN y VARCHAR;
            INSERT INTO a (x, y) VALUES (1, 'it''s'), (-2, NULL), (+3.5e1, 'x')
            """)
        #expect(statements.count == 4)
        #expect(statements[0].text == "CREATE TABLE a (x INT)")
        guard case .insertValues(let insert) = statements[3].statement else { Issue.record("not an insert"); return }
        #expect(insert.rows.count == 3)
        #expect(insert.rows[0][1].kind == .string("it's"))
        #expect(insert.rows[1][0].kind == .number("-2"))
        #expect(insert.rows[1][1].kind == .null)
        #expect(insert.rows[2][0].kind == .number("3.5e1"))
    }

    @Test("errors carry the position and a caret", arguments: [
        ("CREATE TABLE t (a integr)", 1, 19, "unknown type \"integr\""),
        ("CREATE TABLE t (a INT,\n  b DECIMAL(20,2))", 2, 5, "DECIMAL(20,2) is not supported"),
        ("CREATE TABLE t (a INT) PARTITION BY week(a)", 1, 37, "cannot partition by \"week\""),
        ("CREATE TABLE t (a INT", 1, 22, "expected \")\""),
        ("SELECT 'unterminated", 1, 8, "unterminated string literal"),
        ("CREATE TABLE t (a INT PRIMARY KEY, PRIMARY KEY (a), PRIMARY KEY (a))", 1, 53, "PRIMARY KEY is given twice"),
        ("creat table t (a int)", 1, 1, "expected a statement"),
        ("INSERT INTO t VALUES (1, foo)", 1, 26, "expected a constant value"),
    ])
    func errors(sql: String, line: Int, column: Int, message: String) {
        do {
            _ = try Parser.parse(sql)
            Issue.record("parsed: \(sql)")
        } catch {
            let (actualLine, actualColumn) = error.position.lineAndColumn(in: sql)
            #expect(actualLine == line && actualColumn == column, "\(sql): \(error)")
            #expect(error.message.contains(message), "\(error.message)")
            let rendered = error.rendered(in: sql)
            #expect(rendered.hasPrefix("line \(line):\(column): "))
            #expect(rendered.hasSuffix(String(repeating: " ", count: column + 1) + "^"))
        }
    }

    @Test("suggests close names")
    func suggestions() {
        #expect(closestMatch(to: "integr", in: ["integer", "bigint"]) == "integer")
        #expect(closestMatch(to: "custmer", in: ["customer", "supplier"]) == "customer")
        #expect(closestMatch(to: "zzz", in: ["customer"]) == nil)
    }
}
