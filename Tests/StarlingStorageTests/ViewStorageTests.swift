/// Views in the catalog: kept across reopening, versioned with the snapshots (rollback brings an
/// earlier definition back), written so that a crash mid-commit leaves the last committed
/// catalog readable, and left out of catalogs that have none.

import Foundation
import StarlingColumns
import StarlingEngine
import StarlingFormat
import Testing

@testable import StarlingStorage

@Suite("Views in the catalog", .serialized)
struct ViewStorageTests {
    /// The rows of `sql`, as values.
    static func rows(_ engine: Engine, _ sql: String) throws -> [[Value]] {
        var rows: [[Value]] = []
        try engine.run(sql) { result in
            for row in 0..<result.rows.count { rows.append(result.rows.row(row)) }
        }
        return rows
    }

    /// The catalog of snapshot `snapshot`, and the bytes of its snapshot file (the root).
    static func decoded(_ test: TestWarehouse, _ snapshot: Int) throws -> (catalog: Catalog, bytes: [UInt8]) {
        let path = Warehouse.snapshotPath(test.directory, snapshot)
        let storage = try FileBytes.read(path: path)
        return (try test.warehouse.catalog(snapshot: snapshot), [UInt8](storage.bytes))
    }

    @Test("a view survives reopening: its text, column names and columns are in the snapshot file")
    func survivesReopen() throws {
        let test = try TestWarehouse()
        try test.run(
            """
            CREATE TABLE t (a INTEGER, b VARCHAR);
            INSERT INTO t VALUES (1, 'x'), (2, 'y');
            CREATE VIEW v (later) AS
              SELECT a, b FROM t WHERE a > 1  -- the second row
            ;
            """)
        let reopened = try Warehouse(opening: test.directory)
        let engine = Engine(warehouse: reopened)
        #expect(try Self.rows(engine, "SELECT later, b FROM v") == [[.integer(2), .string("y")]])
        let snapshot = try reopened.catalog().snapshot
        let (catalog, bytes) = try Self.decoded(test, snapshot)
        let view = try #require(catalog.view(named: "v"))
        #expect(view.sql == "SELECT a, b FROM t WHERE a > 1")
        #expect(view.columnNames == ["later"])
        #expect(
            view.columns == [
                CatalogViewColumn(name: "later", type: .integer), CatalogViewColumn(name: "b", type: .varchar),
            ])
        #expect(view.createdSnapshot == snapshot)
        #expect(catalog.commit.operation == "create view" && catalog.commit.table == "v")
        // Write version 4 (a root and manifests); read version 3.
        #expect(bytes[4] == 4 && bytes[5] == 0 && bytes[6] == 3 && bytes[7] == 0)
    }

    @Test("a catalog without views has no views field, as catalogs written before views")
    func noViewsNoField() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INTEGER); CREATE VIEW v AS SELECT a FROM t")
        let withView = try Self.decoded(test, 3).bytes
        #expect(String(decoding: withView, as: UTF8.self).contains("\"views\":[{"))
        try test.run("DROP VIEW v")
        let (catalog, bytes) = try Self.decoded(test, 4)
        #expect(catalog.views == nil)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("\"views\""))
        #expect(catalog.commit.operation == "drop view")
    }

    @Test("rollback brings back the view definition of the snapshot it returns to")
    func rollbackRestoresDefinition() throws {
        let test = try TestWarehouse()
        try test.run(
            """
            CREATE TABLE t (a INTEGER);
            INSERT INTO t VALUES (1), (2), (3);
            CREATE VIEW v AS SELECT a FROM t WHERE a = 1;
            """)
        let first = try test.warehouse.catalog().snapshot
        try test.run("CREATE OR REPLACE VIEW v AS SELECT a * 10 AS a FROM t WHERE a = 3")
        #expect(try Self.rows(test.engine, "SELECT * FROM v") == [[.integer(30)]])
        #expect(try test.warehouse.catalog().commit.operation == "replace view")
        try test.run("DROP VIEW v")
        #expect(throws: EngineError.self) { try test.run("SELECT * FROM v") }
        // Back to the first definition.
        try test.warehouse.rollback(to: first)
        #expect(try Self.rows(test.engine, "SELECT * FROM v") == [[.integer(1)]])
        #expect(try test.warehouse.catalog().view(named: "v")?.sql == "SELECT a FROM t WHERE a = 1")
        // Back to before the view existed: gone, and its name free for a table.
        try test.warehouse.rollback(to: first - 1)
        #expect(try test.warehouse.catalog().views == nil)
        try test.run("CREATE TABLE v (x INTEGER)")
        // The older snapshots still hold their definitions.
        #expect(
            try test.warehouse.catalog(snapshot: first + 1).view(named: "v")?.sql
                == "SELECT a * 10 AS a FROM t WHERE a = 3")
    }

    @Test("a view with a table's name, or twice, or without columns, is a corrupt catalog")
    func validation() throws {
        let table = CatalogTable(
            identifier: 1, name: "t",
            columns: [CatalogColumn(identifier: 1, name: "a", type: .integer, notNull: false, references: nil)],
            primaryKey: [], partitioning: nil, options: [:], createdSnapshot: 2)
        var catalog = Catalog(snapshot: 3, committedMicros: 0, nextTableIdentifier: 2, tables: [table])
        let view = CatalogView(
            name: "v", sql: "SELECT a FROM t", columnNames: nil,
            columns: [CatalogViewColumn(name: "a", type: .integer)], createdSnapshot: 3)
        catalog.views = [view]
        #expect(throws: Never.self) { try CatalogFile.validate(catalog) }
        var clash = view
        clash.name = "t"
        let invalid: [[CatalogView]] = [
            [clash], [view, view],
            [CatalogView(name: "w", sql: "SELECT 1", columnNames: nil, columns: [], createdSnapshot: 3)],
            [CatalogView(name: "w", sql: "", columnNames: nil, columns: view.columns, createdSnapshot: 3)],
            [
                CatalogView(
                    name: "w", sql: "SELECT 1", columnNames: ["x", "y"], columns: view.columns, createdSnapshot: 3)
            ],
        ]
        for views in invalid {
            catalog.views = views
            #expect(throws: StorageError.self) { try CatalogFile.validate(catalog) }
        }
        // An unknown type in a view column is refused when decoding, like a table column's.
        catalog.views = [view]
        let text = String(decoding: JSONCoding.encode(CatalogVersion1(catalog, history: [])), as: UTF8.self)
        #expect(text.contains("\"typeName\":\"INTEGER\""))
        let broken = Array(
            text.replacingOccurrences(
                of: "\"name\":\"a\",\"typeName\":\"INTEGER\"}],\"createdSnapshot\"",
                with: "\"name\":\"a\",\"typeName\":\"INTERVAL\"}],\"createdSnapshot\""
            ).utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(CatalogVersion1.self, from: Data(broken)) }
    }

    @Test("CREATE OR REPLACE VIEW killed at every commit step leaves the old or the new definition, readable")
    func killedViewCommits() throws {
        let test = try TestWarehouse()
        try test.run(
            """
            CREATE TABLE t (a INTEGER);
            INSERT INTO t VALUES (1), (2), (3);
            CREATE VIEW v AS SELECT a FROM t WHERE a = 0;
            """)
        let dataFiles = test.files().filter { $0.hasPrefix("data/") }
        var killed = 0
        var completed = 0
        for crashAt in 1...10 {
            let before = try Self.rows(test.engine, "SELECT count(*) FROM v")
            let definition = "SELECT a FROM t WHERE a <= \(crashAt % 3 + 1)"
            let outcome = try CrashSafetyTests.run(
                ["sql", "--warehouse", test.directory, "CREATE OR REPLACE VIEW v AS " + definition], crashAt: crashAt)
            // Whatever happened, the current snapshot reads, with one whole definition or the other.
            let catalog = try test.warehouse.catalog()
            let sql = try #require(catalog.view(named: "v")?.sql)
            let after = try Self.rows(test.engine, "SELECT count(*) FROM v")
            if outcome.killed {
                killed += 1
                #expect(sql == definition || after == before, "crash point \(crashAt): \(sql)")
            } else {
                completed += 1
                #expect(outcome.status == 0)
                #expect(sql == definition)
            }
            if sql == definition {
                #expect(after == [[.integer(Int64(crashAt % 3 + 1))]])
            } else {
                #expect(after == before)
            }
            // A view's commit writes no data file.
            #expect(test.files().filter { $0.hasPrefix("data/") } == dataFiles)
        }
        #expect(killed >= 4, "the hook killed the writer at \(killed) points")
        #expect(completed >= 1)
        _ = try test.warehouse.vacuum(keepSnapshots: 1_000)
        #expect(!test.files().contains { $0.contains(".tmp-") })
    }
}
