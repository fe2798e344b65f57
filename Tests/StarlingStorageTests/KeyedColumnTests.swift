/// Keyed columns end to end: a fact column that depends only on a dimension key is found while
/// segments are written, stored as keyed chunks plus one side file, read back exactly, kept by
/// vacuum and rollback, and stored as values again where a row disagrees.

import Foundation
import Testing
@testable import StarlingStorage
import StarlingEngine
import StarlingColumns
import StarlingEncoding
import StarlingFormat

@Suite("KeyedColumnTracker")
struct KeyedColumnTests {
    static let schema = """
        CREATE TABLE item (i_id INTEGER PRIMARY KEY, i_name VARCHAR);
        CREATE TABLE sale (s_id BIGINT, s_item INTEGER REFERENCES item (i_id), s_quantity INTEGER, s_unit_price INTEGER, s_note INTEGER);
        """

    /// A fresh warehouse with the schema and items 1…`items`.
    static func warehouse(items: Int) throws -> TestWarehouse {
        let test = try TestWarehouse()
        try test.run(schema)
        try test.run("INSERT INTO item VALUES " + (1...items).map { "(\($0), 'item \($0)')" }.joined(separator: ", "))
        return test
    }

    /// The price of item `item` (1…50).
    static func price(_ item: Int) -> Int { item * 13 + 87 }

    /// `INSERT` rows `first..<first + count`: item `id % 50 + 1` at its price (or at `price(item)
    /// + 1` for the row ids in `changed`), quantity `id % 7 + 1`, note NULL every 10th row when asked.
    static func insert(_ first: Int, _ count: Int, changed: Set<Int> = [], nullNotes: Bool = false) -> String {
        let rows = (first..<(first + count)).map { id -> String in
            let item = id % 50 + 1
            let price = Self.price(item) + (changed.contains(id) ? 1 : 0)
            let note = nullNotes && id % 10 == 0 ? "NULL" : String(id % 3)
            return "(\(id), \(item), \(id % 7 + 1), \(price), \(note))"
        }
        return "INSERT INTO sale VALUES " + rows.joined(separator: ", ")
    }

    /// The rows `sql` answers with.
    static func query(_ test: TestWarehouse, _ sql: String) throws -> [[Value]] {
        var rows: [[Value]] = []
        try test.engine.run(sql, onResult: { result in
            for row in 0..<result.rows.count { rows.append(result.rows.columns.map { $0.value(at: row) }) }
        })
        return rows
    }

    /// The encodings of column `name` in each of `table`'s segments, in catalog order.
    static func encodings(_ test: TestWarehouse, table: String, column name: String) throws -> [[Encoding]] {
        let catalog = try test.warehouse.catalog()
        let entry = try #require(catalog.table(named: table))
        let column = try #require(entry.column(named: name))
        return try entry.partitions.flatMap(\.segments).map { segment in
            let reader = try SegmentReader(path: test.warehouse.path(segment.path))
            let index = try #require(segment.columnIdentifiers.firstIndex(of: column.identifier))
            return reader.footer.rowGroups.map { $0.chunks[index].encoding }
        }
    }

    @Test("a column that depends on a dimension key is stored keyed, once per code, and reads back exactly")
    func keyedAcrossLoads() throws {
        let test = try Self.warehouse(items: 50)
        try test.run(Self.insert(0, 3000))
        try test.run(Self.insert(3000, 2000))
        #expect(try Self.encodings(test, table: "sale", column: "s_unit_price") == [[.keyed], [.keyed]])
        // Columns that vary for one item are not keyed.
        #expect(try Self.encodings(test, table: "sale", column: "s_quantity").allSatisfy { !$0.contains(.keyed) })
        let sale = try #require(try test.warehouse.catalog().table(named: "sale"))
        let entries = try #require(sale.keyedColumns)
        #expect(entries.count == 1)
        #expect(entries.first?.column == sale.column(named: "s_unit_price")?.identifier)
        #expect(entries.first?.keyColumn == sale.column(named: "s_item")?.identifier)
        #expect(entries.first?.entries == 50 && entries.first?.codes == 51)
        // The second insert added no code, so the first side file still serves both segments.
        #expect(test.files().filter { $0.contains("/keyed/") }.count == 1)
        #expect(sale.byteCount == sale.partitions.flatMap(\.segments).reduce(0) { $0 + $1.bytes } + (entries.first?.bytes ?? 0))

        // Whole rows through the table scanner, and aggregates and filters through queries.
        let rows = try test.rows("sale")
        #expect(rows.count == 5000)
        #expect(rows.allSatisfy { row in
            guard case .integer(let item) = row[1], case .integer(let price) = row[3] else { return false }
            return price == Int64(Self.price(Int(item)))
        })
        let expectedSum = (0..<5000).reduce(0) { $0 + Self.price($1 % 50 + 1) }
        let result = try Self.query(test, "SELECT sum(s_unit_price), count(*) FROM sale WHERE s_unit_price > 600 AND s_quantity = 2")
        let filtered = (0..<5000).filter { Self.price($0 % 50 + 1) > 600 && $0 % 7 + 1 == 2 }
        #expect(result == [[.integer(Int64(filtered.reduce(0) { $0 + Self.price($1 % 50 + 1) })), .integer(Int64(filtered.count))]])
        let total = try Self.query(test, "SELECT sum(s_unit_price) FROM sale")
        #expect(total == [[.integer(Int64(expectedSum))]])

        // Vacuum keeps the side file the current snapshot names.
        _ = try test.warehouse.vacuum(keepSnapshots: 1)
        #expect(try Self.query(test, "SELECT sum(s_unit_price) FROM sale") == [[.integer(Int64(expectedSum))]])
    }

    @Test("a segment whose rows disagree with the map stores values; the next write's agreeing segments are keyed again")
    func disagreement() throws {
        let test = try Self.warehouse(items: 50)
        try test.run(Self.insert(0, 2000))
        try test.run(Self.insert(2000, 2000, changed: [2500]))
        try test.run(Self.insert(4000, 2000))
        #expect(try Self.encodings(test, table: "sale", column: "s_unit_price").map { $0 == [.keyed] } == [true, false, true])
        let rows = try test.rows("sale")
        #expect(rows.first { $0[0] == .integer(2500) }?[3] == .integer(Int64(Self.price(2500 % 50 + 1) + 1)))
        let expected = (0..<6000).reduce(0) { $0 + Self.price($1 % 50 + 1) } + 1
        #expect(try Self.query(test, "SELECT sum(s_unit_price) FROM sale") == [[.integer(Int64(expected))]])
        #expect(try Self.query(test, "SELECT count(*) FROM sale WHERE s_unit_price = \(Self.price(1) + 1)") == [[.integer(1)]])
    }

    @Test("new codes grow the side file in a new version; rollback returns to the old one")
    func growthAndRollback() throws {
        let test = try Self.warehouse(items: 60)
        try test.run(Self.insert(0, 2000))
        let before = try test.warehouse.catalog()
        // Items 51…60 appear: ten new codes, in a new side file.
        let rows = (0..<2000).map { id -> String in
            let item = id % 60 + 1
            return "(\(10_000 + id), \(item), 1, \(Self.price(item)), 0)"
        }
        try test.run("INSERT INTO sale VALUES " + rows.joined(separator: ", "))
        let after = try #require(try test.warehouse.catalog().table(named: "sale")?.keyedColumns?.first)
        #expect(after.entries == 60)
        #expect(after.path != before.table(named: "sale")?.keyedColumns?.first?.path)
        #expect(try Self.encodings(test, table: "sale", column: "s_unit_price") == [[.keyed], [.keyed]])
        try test.warehouse.rollback(to: before.snapshot)
        #expect(try test.warehouse.catalog().table(named: "sale")?.keyedColumns == before.table(named: "sale")?.keyedColumns)
        let expected = (0..<2000).reduce(0) { $0 + Self.price($1 % 50 + 1) }
        #expect(try Self.query(test, "SELECT sum(s_unit_price), count(*) FROM sale") == [[.integer(Int64(expected)), .integer(2000)]])
    }

    @Test("small segments, NULLs, dimensions and sort keys are never keyed")
    func notKeyed() throws {
        let test = try Self.warehouse(items: 50)
        // Under the minimum size: stored as values even though every row agrees.
        try test.run(Self.insert(0, KeyedColumnTracker.minimumRows - 1))
        #expect(try Self.encodings(test, table: "sale", column: "s_unit_price").allSatisfy { !$0.contains(.keyed) })
        // s_note (0, 1, 2 by row) depends on nothing; with NULLs it is not even tried.
        try test.run(Self.insert(5000, 2000, nullNotes: true))
        #expect(try Self.encodings(test, table: "sale", column: "s_note").allSatisfy { !$0.contains(.keyed) })
        #expect(try Self.encodings(test, table: "sale", column: "s_unit_price").last == [.keyed])
        // A sort key column stays as values (its zone maps and range tests matter most).
        try test.run("""
            CREATE TABLE sorted_sale (s_id BIGINT, s_item INTEGER REFERENCES item (i_id), s_unit_price INTEGER) WITH (sort_key = 's_unit_price');
            INSERT INTO sorted_sale SELECT s_id, s_item, s_unit_price FROM sale;
            """)
        #expect(try Self.encodings(test, table: "sorted_sale", column: "s_unit_price").allSatisfy { !$0.contains(.keyed) })
        #expect(try test.warehouse.catalog().table(named: "item")?.keyedColumns == nil)
    }

    @Test("a side file that is missing or lacks a code is a storage error naming it, not a wrong answer")
    func damagedSideFile() throws {
        let test = try Self.warehouse(items: 50)
        try test.run(Self.insert(0, 2000))
        let entry = try #require(try test.warehouse.catalog().table(named: "sale")?.keyedColumns?.first)
        // A side file without item 25's price (code 25): rows of item 25 cannot be answered.
        var map = KeyedValues(type: .integer)
        for item in 1...50 where item != 25 { map.add(code: item, value: Int64(Self.price(item))) }
        try FileBytes.remove(test.warehouse.path(entry.path))
        #expect(throws: (any Error).self) { _ = try Self.query(test, "SELECT sum(s_unit_price) FROM sale") }
        try FileBytes.writeAtomically(try map.encoded(), to: test.warehouse.path(entry.path))
        do {
            _ = try Self.query(test, "SELECT sum(s_unit_price) FROM sale")
            Issue.record("a short side file was read")
        } catch {
            #expect("\(error)".contains(entry.path))
        }
    }

    @Test("rows of the unknown member (code 0) keep a segment as values without retiring the pair; a one-valued column stays values")
    func unknownMember() throws {
        let test = try Self.warehouse(items: 50)
        let table = try #require(try test.warehouse.catalog().table(named: "sale"))
        let tracker = try KeyedColumnTracker(table: table, warehouse: test.warehouse)
        func vectors(unknownAt: Int?) -> [ColumnVector] {
            let rows = 0..<2000
            let items = rows.map { $0 == unknownAt ? 0 : $0 % 50 + 1 }
            return [
                ColumnVector(type: .bigint, values: rows.map { .integer(Int64($0)) }),
                ColumnVector(type: .integer, values: items.map { .integer(Int64($0)) }),
                ColumnVector(type: .integer, values: rows.map { .integer(Int64($0 % 7)) }),
                // The unknown member's row has a price no item has.
                ColumnVector(type: .integer, values: items.map { .integer($0 == 0 ? 1 : Int64(Self.price($0))) }),
                ColumnVector(type: .integer, values: rows.map { _ in .integer(0) }),
            ]
        }
        let price = try #require(table.columns.firstIndex { $0.name == "s_unit_price" })
        let item = try #require(table.columns.firstIndex { $0.name == "s_item" })
        #expect(tracker.choose(columns: table.columns, vectors: vectors(unknownAt: 10))[price] == nil)
        let chosen = tracker.choose(columns: table.columns, vectors: vectors(unknownAt: nil))
        #expect(chosen[price] == item)
        // s_note is 0 on every row: it agrees with any key, but one value costs nothing as values.
        #expect(chosen[try #require(table.columns.firstIndex { $0.name == "s_note" })] == nil)
        #expect(tracker.pairsToWrite.contains { $0.column == table.columns[price].identifier && $0.map.entryCount == 50 && $0.map.value(of: 0) == nil })
    }
}
