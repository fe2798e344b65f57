/// DDL through the engine: tables, keys, references, partitions, options, and their errors.

import Foundation
import Testing
@testable import StarlingStorage
import StarlingEngine
import StarlingSQL
import StarlingColumns

@Suite("Engine DDL")
struct EngineDDLTests {
    static let schema = """
        CREATE TABLE date (d_datekey DATE PRIMARY KEY, d_year INTEGER);
        CREATE TABLE customer (c_custkey INTEGER PRIMARY KEY, c_name VARCHAR NOT NULL);
        CREATE TABLE sales (
          s_id BIGINT PRIMARY KEY,
          s_customer INTEGER REFERENCES customer (c_custkey),
          s_day DATE REFERENCES date,
          s_amount DECIMAL(12,2)
        ) PARTITION BY month(s_day) WITH (compression = 'zstd');
        """

    @Test("creates fact, dimension and plain tables")
    func create() throws {
        let test = try TestWarehouse()
        try test.run(Self.schema + "CREATE TABLE notes (n TEXT);")
        let catalog = try test.warehouse.catalog()
        #expect(catalog.snapshot == 5)
        #expect(catalog.tables.map(\.name) == ["date", "customer", "sales", "notes"])
        #expect(catalog.tables.map { catalog.kind(of: $0) } == [.dimension, .dimension, .fact, .plain])
        let sales = try #require(catalog.table(named: "sales"))
        #expect(sales.partitioning == Partitioning(granularity: .month, column: "s_day"))
        #expect(sales.columns[1].references == ColumnReference(table: "customer", column: "c_custkey"))
        #expect(sales.columns[1].storedType == .integer)
        #expect(sales.columns[2].storedType == .integer)
        #expect(sales.options["compression"] == "zstd")
        #expect(try test.warehouse.history().map(\.operation) == ["init", "create table", "create table", "create table", "create table"])
    }

    @Test("DDL errors point at the offending position", arguments: [
        ("CREATE TABLE t (a INTEGR)", "unknown type", "INTEGR"),
        ("CREATE TABLE t (a INT, a INT)", "defined twice", "a INT)"),
        ("CREATE TABLE t (a INT REFERENCES nosuch)", "does not exist", "nosuch)"),
        ("CREATE TABLE t (a VARCHAR REFERENCES customer (c_name))", "not its primary key", "c_name))"),
        ("CREATE TABLE t (a INT, d VARCHAR) PARTITION BY day(d)", "needs a DATE column", "d)"),
        ("CREATE TABLE t (a INT, d DATE) PARTITION BY day(e)", "not defined", "e)"),
        ("CREATE TABLE t (a BIGINT REFERENCES customer)", "is BIGINT but customer.c_custkey is INTEGER", "BIGINT REF"),
        ("CREATE TABLE t (a INT) WITH (compression = 'snappy')", "compression must be", "'snappy'"),
        ("CREATE TABLE customer (a INT)", "already exists", "customer (a"),
        ("DROP TABLE customer", "sales references it", "customer"),
        ("DROP TABLE custome", "did you mean customer", "custome"),
        ("ALTER TABLE sales ADD COLUMN s_amount INT", "already exists", "s_amount INT"),
        ("INSERT INTO sales (s_id, s_amout) VALUES (1, 2)", "did you mean s_amount", "s_amout)"),
        ("INSERT INTO sales (s_id) VALUES (1, 2)", "2 values but 1 columns", "1, 2)"),
        ("INSERT INTO customer VALUES ('x', 'y')", "not a whole number", "'x', 'y')"),
        ("INSERT INTO date VALUES ('1995-02-30', 1995)", "not a date", "'1995-02-30'"),
        ("ALTER TABLE sales ADD COLUMN s_other BIGINT REFERENCES customer", "is BIGINT but customer.c_custkey is INTEGER", "BIGINT REF"),
        ("ALTER TABLE sales ADD COLUMN s_self BIGINT REFERENCES sales", "cannot reference itself", "sales"),
        ("CREATE TABLE t (a INT, b INT, FOREIGN KEY (a, b) REFERENCES customer)", "composite foreign keys", "b) REF"),
        ("CREATE TABLE t (a INT) WITH (kind = 'fact', kind = 'plain')", "given twice", "kind = 'plain'"),
        ("INSERT INTO sales (s_id, s_day) VALUES (1e19, '2025-01-01')", "out of range for BIGINT", "1e19"),
        ("CREATE TABLE t (a INT, b INT) WITH (sort_key = 'b, c')", "sort_key names column \"c\"", "'b, c'"),
        ("CREATE TABLE t (a INT) WITH (sort_key = ' , ')", "at least one column", "' , '"),
        ("CREATE TABLE t (a INT PRIMARY KEY, b INT) WITH (sort_key = 'b')", "can be a dimension", "'b'"),
    ])
    func errors(sql: String, message: String, at location: String) throws {
        let test = try TestWarehouse()
        try test.run(Self.schema)
        let before = try test.warehouse.catalog()
        do {
            try test.engine.run(sql)
            Issue.record("accepted: \(sql)")
        } catch {
            guard case .sql(let sqlError, let script) = error else {
                Issue.record("not a SQL error: \(error)")
                return
            }
            #expect(sqlError.description.contains(message), "\(sqlError)")
            let offset = try #require(script.range(of: location, options: .backwards)).lowerBound.utf16Offset(in: script)
            #expect(sqlError.position.offset == offset, "\(sql): \(sqlError) at \(sqlError.position.offset)")
        }
        // A failed statement commits nothing.
        #expect(try test.warehouse.catalog() == before)
    }

    @Test("a DATE too large for TIMESTAMP is an error, not a crash")
    func dateOverflow() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE ts (t TIMESTAMP)")
        #expect(throws: EngineError.self) { try test.engine.run("INSERT INTO ts VALUES (DATE '999999-12-31')") }
    }

    @Test("ALTER TABLE ADD COLUMN reads as NULL in older segments; DROP TABLE removes the table")
    func alterAndDrop() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2)")
        try test.run("ALTER TABLE t ADD COLUMN b VARCHAR; INSERT INTO t VALUES (3, 'three')")
        #expect(try test.rows("t") == [[.integer(1), .null], [.integer(2), .null], [.integer(3), .string("three")]])
        try test.run("DROP TABLE t")
        #expect(try test.warehouse.catalog().table(named: "t") == nil)
        #expect(try test.warehouse.catalog().commit.rowsRemoved == 3)
    }

    @Test("sort_key stores each new segment's rows in key order: stable, NULLs last, references by row code")
    func sortKey() throws {
        let test = try TestWarehouse()
        try test.run("""
            CREATE TABLE shop (code VARCHAR PRIMARY KEY);
            INSERT INTO shop VALUES ('north'), ('east'), ('west');
            CREATE TABLE visits (id INT, day DATE, shop VARCHAR REFERENCES shop, note VARCHAR) WITH (sort_key = 'day, note');
            CREATE TABLE orders (id INT, shop VARCHAR REFERENCES shop) WITH (sort_key = 'shop');
            """)
        try test.run("""
            INSERT INTO visits VALUES (1, '2025-03-02', 'east', 'b'), (2, NULL, 'west', 'a'), (3, '2025-03-01', 'north', 'z'),
              (4, '2025-03-02', 'west', 'a'), (5, '2025-03-02', NULL, 'b'), (6, '2025-03-01', 'east', NULL), (7, '2024-12-31', 'east', 'q')
            """)
        #expect(try test.rows("visits").map { $0[0] } == [7, 3, 6, 4, 1, 5, 2].map { .integer($0) })
        #expect(try test.warehouse.catalog().table(named: "visits")?.options["sort_key"] == "day, note")
        // A reference sorts by the dimension's row code (its load order: north, east, west), NULL last.
        try test.run("INSERT INTO orders VALUES (1, 'west'), (2, NULL), (3, 'east'), (4, 'north'), (5, 'east')")
        #expect(try test.rows("orders").map { $0[0] } == [4, 3, 5, 1, 2].map { .integer($0) })
        // Every INSERT is its own segment, sorted on its own: older segments stay as they are.
        try test.run("INSERT INTO orders VALUES (6, 'west'), (7, 'north')")
        #expect(try test.rows("orders").map { $0[0] } == [4, 3, 5, 1, 2, 7, 6].map { .integer($0) })
    }
}
