/// Warehouses: init and open, inserts with dimension codes and partitions, snapshots, rollback,
/// vacuum, the writer lock and snapshot isolation.

import Foundation
import Testing
@testable import StarlingStorage
import StarlingEngine
import StarlingColumns
import StarlingFormat

@Suite("Warehouse")
struct WarehouseTests {
    @Test("init refuses foreign and existing directories; open refuses missing and foreign ones")
    func openAndInit() throws {
        let test = try TestWarehouse()
        #expect(throws: StorageError.self) { try Warehouse.create(at: test.directory) }
        let missing = test.directory + "-missing"
        do {
            _ = try Warehouse(opening: missing)
            Issue.record("opened a missing warehouse")
        } catch {
            #expect(error.kind == .missingWarehouse)
            #expect(error.message.contains("starling init"))
        }
        let foreign = test.directory + "/data"
        do {
            _ = try Warehouse(opening: foreign)
            Issue.record("opened a foreign directory")
        } catch {
            #expect(error.kind == .notAWarehouse)
        }
        try FileManager.default.createDirectory(atPath: test.directory + "-foreign", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: test.directory + "-foreign/mine.txt", contents: Data("x".utf8))
        #expect(throws: StorageError.self) { try Warehouse.create(at: test.directory + "-foreign") }
        try FileManager.default.removeItem(atPath: test.directory + "-foreign")
    }

    @Test("facts store dimension row codes, route rows to partitions, and read back as keys")
    func dimensionCodes() throws {
        let test = try TestWarehouse()
        try test.run(EngineDDLTests.schema)
        try test.run("""
            INSERT INTO date VALUES ('1995-01-31', 1995), ('1995-02-01', 1995), ('1996-12-31', 1996);
            INSERT INTO customer VALUES (42, 'Ann'), (7, 'Bo');
            INSERT INTO sales VALUES (1, 7, '1995-01-31', 10.50), (2, 42, '1995-02-01', -0.01), (3, NULL, '1996-12-31', NULL), (4, 7, '1995-01-31', 3);
            """)
        #expect(try test.rows("sales") == [
            [.integer(1), .integer(7), .integer(CalendarDate(year: 1995, month: 1, day: 31).daysSinceEpoch), .integer(1050)],
            [.integer(4), .integer(7), .integer(CalendarDate(year: 1995, month: 1, day: 31).daysSinceEpoch), .integer(300)],
            [.integer(2), .integer(42), .integer(CalendarDate(year: 1995, month: 2, day: 1).daysSinceEpoch), .integer(-1)],
            [.integer(3), .null, .integer(CalendarDate(year: 1996, month: 12, day: 31).daysSinceEpoch), .null],
        ])
        let catalog = try test.warehouse.catalog()
        let sales = try #require(catalog.table(named: "sales"))
        #expect(sales.partitions.map(\.key) == ["1995-01", "1995-02", "1996-12"])
        #expect(sales.partitions.map(\.rowCount) == [2, 1, 1])
        // Stored values are row codes: customer 7 is the second customer row, code 2.
        let scanner = TableScanner(warehouse: test.warehouse, catalog: catalog)
        let stored = try scanner.readSegment(sales.partitions[0].segments[0], columns: sales.columns, table: sales)
        #expect(stored[1].values == [.integer(2), .integer(2)])
        #expect(stored[2].values == [.integer(1), .integer(1)])
        // Partition and segment statistics are in the catalog.
        let statistics = sales.partitions[0].segments[0].statistics
        #expect(statistics.first { $0.columnIdentifier == 4 }?.minimum == .integer(300))
        #expect(statistics.first { $0.columnIdentifier == 4 }?.maximum == .integer(1050))
        // The segment file carries its table and partition.
        let reader = try SegmentReader(path: test.warehouse.path(sales.partitions[0].segments[0].path))
        #expect(reader.footer.metadata["partition"] == "1995-01")
        #expect(reader.footer.rowGroups[0].chunks[3].compression != .lz4)
    }

    @Test("history, rollback as a new commit, and vacuum of what no kept snapshot uses")
    func rollbackAndVacuum() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INT, d DATE) PARTITION BY day(d)")
        try test.run("INSERT INTO t VALUES (1, '2025-03-01'), (2, '2025-03-02')")
        try test.run("INSERT INTO t VALUES (3, '2025-03-02')")
        #expect(try test.rows("t").count == 3)
        let rolledBack = try test.warehouse.rollback(to: 3)
        #expect(rolledBack.snapshot == 5)
        #expect(try test.rows("t").count == 2)
        #expect(rolledBack.commit == HistoryEntry(snapshot: 5, committedMicros: rolledBack.committedMicros, operation: "rollback", table: nil, rowsAdded: 0, rowsRemoved: 1, filesAdded: 0, filesRemoved: 1, detail: "to snapshot 3"))
        // The rollback can itself be undone.
        try test.warehouse.rollback(to: 4)
        #expect(try test.rows("t").count == 3)
        try test.warehouse.rollback(to: 5)
        // Keep one snapshot: the third insert's file is no longer referenced.
        let report = try test.warehouse.vacuum(keepSnapshots: 1)
        #expect(report.snapshotsRemoved == [1, 2, 3, 4, 5, 6])
        // The manifests snapshot 7 names stay: 03-01's unchanged since snapshot 3, 03-02's rewritten
        // by the rollback; the others go.
        #expect(
            report.filesRemoved == [
                "data/1-t/p=2025-03-02/4-1.stsg", "manifests/1/3-4.stman", "manifests/1/4-2.stman",
                "manifests/1/5-1.stman", "manifests/1/6-1.stman",
            ])
        #expect(try FileManager.default.contentsOfDirectory(atPath: test.directory + "/manifests/1").sorted() == ["3-3.stman", "7-1.stman"])
        #expect(try test.warehouse.history().map(\.snapshot) == Array(1...7))
        #expect(try test.rows("t").count == 2)
        #expect(throws: StorageError.self) { try test.warehouse.rollback(to: 2) }
    }

    @Test("a second writer gets a clear locked error")
    func lock() throws {
        let test = try TestWarehouse()
        let first = try test.warehouse.beginWrite()
        do {
            _ = try test.warehouse.beginWrite()
            Issue.record("second writer got the lock")
        } catch {
            #expect(error.kind == .locked)
            #expect(error.message.contains("locked by pid \(ProcessInfo.processInfo.processIdentifier)"))
        }
        first.abandon()
        let second = try test.warehouse.beginWrite()
        second.abandon()
    }

    @Test("a reader keeps its snapshot while a write commits")
    func snapshotIsolation() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2)")
        let held = try test.warehouse.catalog()
        let before = try test.rows("t", snapshot: held.snapshot)
        try test.run("INSERT INTO t VALUES (3)")
        try test.run("DROP TABLE t")
        let scanner = TableScanner(warehouse: test.warehouse, catalog: held)
        #expect(try scanner.rows(of: try #require(held.table(named: "t"))) == before)
    }

    @Test("a damaged snapshot file is refused with the file named")
    func corruptCatalog() throws {
        let test = try TestWarehouse()
        let path = test.directory + "/snapshots/00000000000000000001.stcat"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[30] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            _ = try test.warehouse.catalog()
            Issue.record("read a damaged catalog")
        } catch {
            #expect(error.kind == .corrupt)
            #expect(error.message.contains("00000000000000000001.stcat"))
        }
    }
}

@Suite("Catalog content")
struct CatalogContentTests {
    /// Commits the current catalog with `change` applied, unchecked (as a hand-edited or buggy
    /// writer's files would be: valid bytes, wrong content).
    static func rewrite(_ test: TestWarehouse, _ change: (inout Catalog) -> Void) throws {
        let transaction = try test.warehouse.beginWrite()
        change(&transaction.catalog)
        try transaction.commit(operation: "edit", table: nil)
    }

    @Test("a partition or a segment listed twice is refused, not counted twice")
    func duplicates() throws {
        for duplicate in ["partition", "segment"] {
            let test = try TestWarehouse()
            try test.run("CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2)")
            try Self.rewrite(test) { catalog in
                var partitions = catalog.tables[0].partitions
                if duplicate == "partition" {
                    partitions.append(partitions[0])
                } else {
                    partitions[0].segments.append(partitions[0].segments[0])
                }
                catalog.tables[0].partitions = partitions
            }
            do {
                _ = try test.warehouse.catalog()
                Issue.record("read a catalog listing a \(duplicate) twice")
            } catch {
                #expect(error.kind == .corrupt)
                #expect(error.message.contains("twice"), "\(error.message)")
            }
        }
    }

    @Test("a segment whose column identifiers are fewer than its file's columns fails the query")
    func shortenedColumnIdentifiers() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INT, b INT); INSERT INTO t VALUES (1, 10), (2, 20)")
        try Self.rewrite(test) { catalog in
            catalog.tables[0].partitions[0].segments[0].columnIdentifiers.removeLast()
            catalog.tables[0].partitions[0].segments[0].statistics.removeLast()
        }
        // Read as "column b is not in this segment", the sum would be NULL: it must fail instead.
        do {
            try test.engine.run("SELECT sum(b) FROM t")
            Issue.record("summed a column the catalog maps wrongly")
        } catch {
            #expect("\(error)".contains("holds 2 rows in 2 columns; the catalog says 2 rows in 1"), "\(error)")
        }
    }
}

@Suite("CatalogFile")
struct CatalogFileVersionTests {
    @Test("snapshots carry catalog write version 4; a snapshot from a newer writer is read but not built on")
    func writeVersion() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)")
        let catalog = try test.warehouse.catalog()
        let path = Warehouse.snapshotPath(test.directory, catalog.snapshot)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes[4] == 4 && bytes[5] == 0 && bytes[6] == 3)
        // Written by a version 5 writer: still read, but no write may start on it.
        bytes[4] = 5
        try FileManager.default.removeItem(atPath: path)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try test.rows("t") == [[.integer(1)]])
        do {
            try test.run("INSERT INTO t VALUES (2)")
            Issue.record("a write started on a newer writer's snapshot")
        } catch {
            #expect("\(error)".contains("catalog write version 5"))
        }
    }

    @Test("a catalog with keyed columns is a format 2 root; invalid keyed entries are refused")
    func keyedReadVersion() throws {
        let test = try KeyedColumnTests.warehouse(items: 50)
        try test.run(KeyedColumnTests.insert(0, 2000))
        let catalog = try test.warehouse.catalog()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Warehouse.snapshotPath(test.directory, catalog.snapshot))))
        #expect(bytes[4] == 4 && bytes[6] == 3)
        let sale = try #require(catalog.table(named: "sale"))
        let entry = try #require(sale.keyedColumns?.first)
        #expect(throws: Never.self) { try CatalogFile.validateKeyedColumns(sale, catalog: catalog) }
        func withEntry(_ change: (inout CatalogKeyedColumn) -> Void) -> CatalogTable {
            var table = sale
            var changed = entry
            change(&changed)
            table.keyedColumns = [changed]
            return table
        }
        let invalid = [
            withEntry { $0.codes = 52 },                                                       // beyond the 50 items (+ code 0)
            withEntry { $0.path = "data/../../etc/passwd" },
            withEntry { $0.keyColumn = $0.column },                                            // the key is no reference
            withEntry { $0.column = sale.column(named: "s_item")?.identifier ?? 0 },           // a reference is never keyed
            withEntry { $0.column = 999 },
        ]
        for table in invalid {
            #expect(throws: StorageError.self) { try CatalogFile.validateKeyedColumns(table, catalog: catalog) }
        }
        var twice = sale
        twice.keyedColumns = [entry, entry]
        #expect(throws: StorageError.self) { try CatalogFile.validateKeyedColumns(twice, catalog: catalog) }
    }
}
