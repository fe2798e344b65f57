/// Compaction: small segments merged into full-size ones, with every row, NULL, dimension code and
/// keyed value read back the same, in one commit older snapshots do not see.

import Foundation
import StarlingColumns
import StarlingEngine
import Testing

@testable import StarlingStorage

@Suite("Compaction", .serialized)
struct CompactionTests {
    /// Every row of `table`, sorted (compaction may store them in the table's sort order).
    static func sortedRows(_ test: TestWarehouse, _ table: String, snapshot: Int? = nil) throws -> [String] {
        try test.rows(table, snapshot: snapshot).map { row in row.map { "\($0)" }.joined(separator: "|") }.sorted()
    }

    static func segments(_ test: TestWarehouse, _ table: String) throws -> [Int] {
        try #require(try test.warehouse.catalog().table(named: table)).partitions.map(\.segments.count)
    }

    @Test("small segments merge into one per partition; rows, NULLs and older snapshots stay the same")
    func mergesPartitions() throws {
        let test = try TestWarehouse()
        try test.run(
            """
            CREATE TABLE ev (day DATE, label VARCHAR, amount DECIMAL(10,2), n BIGINT) PARTITION BY month(day)
              WITH (sort_key = 'n');
            """)
        for batch in 0..<6 {
            try test.run(
                "INSERT INTO ev VALUES ('2025-01-0\(batch + 1)', 'l\(batch % 3)', \(batch).25, \(100 - batch)), "
                    + "('2025-02-0\(batch + 1)', NULL, NULL, \(batch)), ('2025-02-1\(batch)', 'x\(batch)', -1.50, NULL)"
            )
        }
        try test.run("ALTER TABLE ev ADD COLUMN extra INTEGER")
        try test.run("INSERT INTO ev VALUES ('2025-02-20', 'late', 9.99, 7, 42)")
        let before = try Self.sortedRows(test, "ev")
        let snapshotBefore = try test.warehouse.catalog().snapshot
        #expect(try Self.segments(test, "ev") == [6, 7])
        let report = try test.warehouse.compact(table: "ev", policy: .requested)
        #expect(report.partitions.map(\.segmentsAfter) == [1, 1])
        #expect(report.partitions.map(\.rows) == [6, 13])
        #expect(try Self.segments(test, "ev") == [1, 1])
        #expect(try Self.sortedRows(test, "ev") == before)
        #expect(try test.warehouse.catalog().commit.operation == "compact")
        #expect(try test.warehouse.catalog().commit.filesRemoved == 13)
        // The snapshot before still reads its own files, until a vacuum drops it.
        #expect(try Self.sortedRows(test, "ev", snapshot: snapshotBefore) == before)
        _ = try test.warehouse.vacuum(keepSnapshots: 1)
        #expect(test.files().filter { $0.hasSuffix(".stsg") }.count == 2)
        #expect(try Self.sortedRows(test, "ev") == before)
        // Nothing small left to merge: no commit.
        let again = try test.warehouse.compact(policy: .requested)
        #expect(again.snapshot == nil && again.partitions.isEmpty)
    }

    @Test("a dimension keeps its rows' order, so facts still find their keys; large segments and lone small ones stay")
    func dimensionOrder() throws {
        let test = try TestWarehouse()
        try test.run(
            """
            CREATE TABLE dim (k INTEGER PRIMARY KEY, name VARCHAR);
            CREATE TABLE fact (k INTEGER REFERENCES dim, v INTEGER);
            """)
        for first in stride(from: 50, to: 0, by: -10) {
            try test.run(
                "INSERT INTO dim VALUES " + (first..<(first + 10)).map { "(\($0), 'n\($0)')" }.joined(separator: ", "))
        }
        try test.run("INSERT INTO fact VALUES " + (10..<60).map { "(\($0), \($0 * 2))" }.joined(separator: ", "))
        let facts = try Self.sortedRows(test, "fact")
        let dimension = try test.rows("dim")
        let policy = CompactionPolicy(smallRows: 11, minimumSmallSegments: 2, segmentRows: 25)
        let report = try test.warehouse.compact(table: "dim", policy: policy)
        // Five segments of 10 rows: merged two and two (25 rows at most), the fifth left alone.
        #expect(report.partitions.map(\.segmentsAfter) == [3])
        #expect(try test.rows("dim") == dimension)
        #expect(try Self.sortedRows(test, "fact") == facts)
        #expect(try test.warehouse.catalog().table(named: "dim")?.partitions[0].segments.last?.snapshot == 8)
    }

    @Test("keyed columns read back their values after a merge")
    func keyedColumns() throws {
        let test = try KeyedColumnTests.warehouse(items: 50)
        for batch in 0..<4 { try test.run(KeyedColumnTests.insert(batch * 3000, 3000, nullNotes: true)) }
        let before = try Self.sortedRows(test, "sale")
        #expect(try test.warehouse.compact(table: "sale", policy: .requested).snapshot != nil)
        #expect(try Self.segments(test, "sale") == [1])
        #expect(try Self.sortedRows(test, "sale") == before)
    }

    @Test("a table or partition that does not exist is an error; other tables are left alone")
    func scope() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE a (x INTEGER); CREATE TABLE b (x INTEGER)")
        for value in 0..<3 { try test.run("INSERT INTO a VALUES (\(value)); INSERT INTO b VALUES (\(value))") }
        #expect(throws: StorageError.self) { try test.warehouse.compact(table: "nope", policy: .requested) }
        #expect(try test.warehouse.compact(table: "a", partitions: ["2025"], policy: .requested).snapshot == nil)
        #expect(try test.warehouse.compact(table: "a", policy: .requested).partitions.map(\.table) == ["a"])
        #expect(try Self.segments(test, "a") == [1] && Self.segments(test, "b") == [3])
    }
}
