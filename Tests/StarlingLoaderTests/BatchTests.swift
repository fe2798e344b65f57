/// Batches: facts and dimensions, partitions, re-delivery, SCD types 1 and 2, NDJSON, the log.

import Foundation
import Testing
@testable import StarlingLoader
import StarlingStorage
import StarlingFormat
import StarlingEngine
import StarlingColumns

@Suite("Load batches")
struct BatchTests {
    static let star = """
        CREATE TABLE dim_store (store_id INTEGER PRIMARY KEY, city VARCHAR, region VARCHAR);
        CREATE TABLE fact_sales (sale_id BIGINT, store_id INTEGER REFERENCES dim_store, sale_date DATE NOT NULL, amount DECIMAL(12,2))
          PARTITION BY day(sale_date);
        """

    @Test("facts resolve keys to row codes and land in their day partitions")
    func facts() throws {
        let fixture = try LoaderFixture(schema: Self.star)
        try fixture.load("dim_store", [try fixture.file("s.csv", "store_id,city,region\n10,Pune,West\n20,Leeds,North\n")])
        let summary = try fixture.load("fact_sales", [try fixture.file("f.csv", "sale_id,store_id,sale_date,amount\n1,20,2025-03-01,5\n2,10,2025-03-02,7.25\n3,20,2025-03-02,1\n")])
        #expect(summary.record.partitions == ["2025-03-01", "2025-03-02"])
        #expect(try fixture.rows("fact_sales").map { $0[1] } == [.integer(20), .integer(10), .integer(20)])
        let catalog = try fixture.warehouse.catalog()
        let fact = try #require(catalog.table(named: "fact_sales"))
        let stored = try TableScanner(warehouse: fixture.warehouse, catalog: catalog).readSegment(fact.partitions[1].segments[0], columns: fact.columns, table: fact)
        #expect(stored[1].values == [.integer(1), .integer(2)])
    }

    @Test("a partition column that references a date dimension routes by the date, not the row code")
    func partitionByReferencedDate() throws {
        let fixture = try LoaderFixture(schema: """
            CREATE TABLE dim_day (day DATE PRIMARY KEY, label VARCHAR);
            CREATE TABLE f (id INT, day DATE REFERENCES dim_day, v INT) PARTITION BY month(day);
            INSERT INTO dim_day VALUES ('2025-03-15', 'a'), ('2024-11-02', 'b');
            """)
        let summary = try fixture.load("f", [try fixture.file("f.csv", "id,day,v\n1,2025-03-15,1\n2,2024-11-02,2\n")])
        #expect(summary.record.partitions == ["2024-11", "2025-03"])
        #expect(try fixture.rows("f").map { $0[1] } == [day("2024-11-02"), day("2025-03-15")])
    }

    @Test("scd_type = 2 needs its bookkeeping columns, checked when the table is created")
    func typeTwoNeedsColumns() throws {
        let fixture = try LoaderFixture(schema: "CREATE TABLE x (a INT)")
        #expect(throws: (any Error).self) {
            try Engine(warehouse: fixture.warehouse).run("CREATE TABLE d (k INT PRIMARY KEY, v VARCHAR) WITH (scd_type = 2)")
        }
        #expect(throws: (any Error).self) {
            try Engine(warehouse: fixture.warehouse).run("CREATE TABLE d (k INT PRIMARY KEY, valid_from VARCHAR, valid_to DATE, is_current BOOLEAN) WITH (scd_type = 2)")
        }
        #expect(throws: (any Error).self) {
            try Engine(warehouse: fixture.warehouse).run("CREATE TABLE f (a INT, d VARCHAR) WITH (scd_fact_date_column = 'd')")
        }
    }

    @Test("the load log survives a torn last line")
    func tornLog() throws {
        let fixture = try LoaderFixture(schema: Self.star)
        try fixture.load("dim_store", [try fixture.file("s.csv", "store_id,city,region\n10,Pune,West\n")])
        let log = LoadLog.path(fixture.warehouse)
        let handle = try #require(FileHandle(forWritingAtPath: log))
        handle.seekToEndOfFile()
        handle.write(Data("{\"batch\": \"torn".utf8))
        handle.closeFile()
        try fixture.load("dim_store", [try fixture.file("s2.csv", "store_id,city,region\n20,Oslo,North\n")])
        #expect(try LoadLog.records(fixture.warehouse).map(\.status) == ["committed", "committed"])
    }

    @Test("unknown keys are rejected by default, or go to the unknown member when the table says so")
    func unknownKeys() throws {
        let fixture = try LoaderFixture(schema: Self.star)
        try fixture.load("dim_store", [try fixture.file("s.csv", "store_id,city,region\n10,Pune,West\n")])
        let facts = try fixture.file("f.csv", "sale_id,store_id,sale_date,amount\n1,10,2025-03-01,5\n2,99,2025-03-01,7\n")
        do {
            try fixture.load("fact_sales", [facts])
            Issue.record("loaded an unknown key")
        } catch {
            #expect(error.message.contains("key not found in dimension dim_store"))
        }
        let fixture2 = try LoaderFixture(schema: Self.star.replacingOccurrences("PARTITION BY day(sale_date);", "PARTITION BY day(sale_date) WITH (unknown_key = 'unknown_member');"))
        try fixture2.load("dim_store", [try fixture2.file("s.csv", "store_id,city,region\n10,Pune,West\n")])
        let summary = try fixture2.load("fact_sales", [try fixture2.file("f.csv", "sale_id,store_id,sale_date,amount\n1,10,2025-03-01,5\n2,99,2025-03-01,7\n")])
        #expect(summary.record.unknownKeys == 1)
        #expect(try fixture2.rows("fact_sales").map { $0[1] } == [.integer(10), .null])
    }

    @Test("a re-delivered file is refused, forced to double, or replaces its partitions")
    func redelivery() throws {
        let fixture = try LoaderFixture(schema: Self.star)
        try fixture.load("dim_store", [try fixture.file("s.csv", "store_id,city,region\n10,Pune,West\n")])
        let night = try fixture.file("night.csv", "sale_id,store_id,sale_date,amount\n1,10,2025-03-01,5\n2,10,2025-03-02,7\n")
        try fixture.load("fact_sales", [night])
        do {
            try fixture.load("fact_sales", [night])
            Issue.record("loaded the same file twice")
        } catch {
            #expect(error.kind == .refused)
            #expect(error.message.contains("already loaded into fact_sales"))
        }
        #expect(try fixture.rows("fact_sales").count == 2)
        try fixture.load("fact_sales", [night]) { $0.force = true }
        #expect(try fixture.rows("fact_sales").count == 4)
        // The corrected day 2025-03-02 replaces both earlier copies of that day; 03-01 is untouched.
        let fixed = try fixture.file("fixed.csv", "sale_id,store_id,sale_date,amount\n9,10,2025-03-02,8\n")
        try fixture.load("fact_sales", [fixed]) { $0.replacePartitions = true }
        let amounts = try fixture.rows("fact_sales").map { $0[3] }
        #expect(amounts == [.integer(500), .integer(500), .integer(800)])
        let history: HistoryEntry? = try fixture.warehouse.catalog().commit
        #expect(history?.operation == "load (replace)")
        #expect(history?.rowsRemoved == 2)
    }

    @Test("content hashes: taken while reading unless a file of the same size was loaded; the same either way")
    func contentHashes() throws {
        let fixture = try LoaderFixture(schema: Self.star)
        try fixture.load("dim_store", [try fixture.file("s.csv", "store_id,city,region\n10,Pune,West\n")])
        let text = "sale_id,store_id,sale_date,amount\n" + (1...3000).map { "\($0),10,2025-03-01,\($0 % 97)" }.joined(separator: "\n") + "\n"
        let night = try fixture.file("night.csv", text)
        let compressed = try fixture.file("other.csv.gz", try fixture.gzip(Array(text.replacingOccurrences(of: "2025-03-01", with: "2025-03-02").utf8)))
        // No file of either size was loaded before: both are hashed as they are read, in small blocks.
        let summary = try fixture.load("fact_sales", [night, compressed]) { $0.blockSize = 777 }
        for (file, path) in zip(summary.record.files, [night, compressed]) {
            #expect(file.contentHash == hexadecimalDigits(try FileReader.contentHash(path: path).hash))
        }
        #expect(try fixture.warehouse.loadedFiles(table: "fact_sales").map(\.contentHash) == summary.record.files.map(\.contentHash))
        // A copy under another name has the size of a loaded file, so it is hashed first and refused.
        let copy = try fixture.file("night-again.csv", text)
        #expect { try fixture.load("fact_sales", [copy]) } throws: { ($0 as? LoadError)?.kind == .refused }
        // Same size, other content: hashed first, not refused.
        let sameSize = try fixture.file("same-size.csv", text.replacingOccurrences(of: "2025-03-01", with: "2025-03-03"))
        #expect(try fixture.load("fact_sales", [sameSize]).record.rowsLoaded == 3000)
        // Two copies in one load are refused before anything is read.
        let first = try fixture.file("a.csv", "sale_id,store_id,sale_date,amount\n1,10,2025-04-01,5\n")
        let second = try fixture.file("b.csv", "sale_id,store_id,sale_date,amount\n1,10,2025-04-01,5\n")
        #expect { try fixture.load("fact_sales", [first, second]) } throws: { ($0 as? LoadError)?.message.contains("another file of this load") == true }
        // A load that stops early still logs the full hash of a file it hashed while reading.
        let bad = try fixture.file("bad.csv", "sale_id,store_id,sale_date,amount\n1,10,2025-05-01,x\n" + String(repeating: "2,10,2025-05-01,5\n", count: 2000))
        #expect(throws: LoadError.self) { try fixture.load("fact_sales", [bad]) { $0.blockSize = 64 } }
        let logged = try #require(try LoadLog.records(fixture.warehouse).last)
        #expect(logged.status == "aborted")
        #expect(logged.files.first?.contentHash == hexadecimalDigits(try FileReader.contentHash(path: bad).hash))
    }

    @Test("a dimension's first load, kept as columns: rows in file order, repeated keys rejected at their first line, codes facts resolve to")
    func firstLoadColumns() throws {
        let fixture = try LoaderFixture(schema: """
            CREATE TABLE dim_item (item_id INTEGER PRIMARY KEY, name VARCHAR, price DECIMAL(8,2), added DATE, active BOOLEAN, note VARCHAR);
            CREATE TABLE dim_code (code VARCHAR PRIMARY KEY, label VARCHAR);
            CREATE TABLE fact_sale (item_id INTEGER REFERENCES dim_item, code VARCHAR REFERENCES dim_code, n INTEGER);
            """)
        // 2,000 items over many small batches on two threads; items 7 and 1,500 come twice
        // (lines 8 and 1,502 first); `note` is always empty, so NULL.
        var lines = ["item_id,name,price,added,active,note"]
        var expected: [[Value]] = []
        for item in 1...2_000 {
            let name = item % 3 == 0 ? "" : "item \(item)"
            lines.append("\(item),\(name),\(item).25,2025-01-0\(item % 9 + 1),\(item % 2 == 0),")
            expected.append([.integer(Int64(item)), item % 3 == 0 ? .null : .string(name), .integer(Int64(item) * 100 + 25),
                             day("2025-01-0\(item % 9 + 1)"), .boolean(item % 2 == 0), .null])
        }
        lines.insert("7,again,1,2025-02-01,true,", at: 500)
        lines.append("1500,again,1,2025-02-01,true,")
        let summary = try fixture.load("dim_item", [try fixture.file("items.csv", lines.joined(separator: "\n"))]) {
            $0.blockSize = 1_000; $0.threads = 2; $0.maxRejects = 5
        }
        #expect(summary.dimensionInserted == 2_000)
        #expect(summary.record.rowsRejected == 2)
        let rejects = try String(contentsOfFile: try #require(summary.record.rejectsFile), encoding: .utf8)
        #expect(rejects.contains("items.csv,501,") && rejects.contains("duplicate key in this load (first at line 8)"), "\(rejects)")
        #expect(rejects.contains("items.csv,2003,") && rejects.contains("duplicate key in this load (first at line 1502)"), "\(rejects)")
        #expect(try fixture.rows("dim_item") == expected)
        // Text keys too; then facts resolve to the rows' codes.
        try fixture.load("dim_code", [try fixture.file("codes.csv", "code,label\nB,bee\nA,ay\nB,again\n")]) { $0.maxRejects = 1 }
        #expect(try fixture.rows("dim_code") == [[.string("B"), .string("bee")], [.string("A"), .string("ay")]])
        try fixture.load("fact_sale", [try fixture.file("f.csv", "item_id,code,n\n1500,A,1\n3,B,2\n")])
        #expect(try fixture.rows("fact_sale") == [[.integer(1500), .string("A"), .integer(1)], [.integer(3), .string("B"), .integer(2)]])
        // A second load merges with what the first stored.
        let second = try fixture.load("dim_item", [try fixture.file("more.csv", "item_id,name,price,added,active,note\n3,three,3,2025-01-04,false,\n2001,new,1,2025-03-01,true,\n")])
        #expect(second.record.rowsUpdated == 1 && second.dimensionInserted == 1)
        #expect(try fixture.rows("dim_item")[2][1] == .string("three"))
    }

    @Test("SCD type 1: changes overwrite in place, codes never move, unchanged rows write nothing")
    func typeOne() throws {
        let fixture = try LoaderFixture(schema: Self.star)
        try fixture.load("dim_store", [try fixture.file("1.csv", "store_id,city,region\n10,Pune,West\n20,Leeds,North\n")])
        try fixture.load("fact_sales", [try fixture.file("f.csv", "sale_id,store_id,sale_date,amount\n1,20,2025-03-01,5\n")])
        let summary = try fixture.load("dim_store", [try fixture.file("2.csv", "store_id,city,region\n20,Leeds,North East\n10,Pune,West\n30,Oslo,North\n")])
        #expect(summary.record.rowsUpdated == 1)
        #expect(summary.dimensionInserted == 1)
        #expect(summary.dimensionUnchanged == 1)
        #expect(try fixture.rows("dim_store") == [
            [.integer(10), .string("Pune"), .string("West")],
            [.integer(20), .string("Leeds"), .string("North East")],
            [.integer(30), .string("Oslo"), .string("North")],
        ])
        // The fact still points at store 20.
        #expect(try fixture.rows("fact_sales")[0][1] == .integer(20))
        // Unchanged rows: a commit with no new files.
        let again = try fixture.load("dim_store", [try fixture.file("3.csv", "store_id,city,region\n30,Oslo,North\n")])
        #expect(again.dimensionUnchanged == 1)
        #expect(try fixture.warehouse.catalog().commit.filesAdded == 0)
        // A duplicate key within one extract is a reject.
        let duplicate = try fixture.file("4.csv", "store_id,city,region\n40,A,B\n40,C,D\n")
        #expect(throws: LoadError.self) { try fixture.load("dim_store", [duplicate]) }
    }

    @Test("SCD type 2: history is exact over several loads, and facts resolve by date")
    func typeTwo() throws {
        let fixture = try LoaderFixture(schema: """
            CREATE TABLE dim_scheme (scheme_id INTEGER PRIMARY KEY, name VARCHAR, department VARCHAR,
              valid_from DATE, valid_to DATE, is_current BOOLEAN)
              WITH (scd_type = 2, scd_tracked_columns = '\tdepartment ');
            CREATE TABLE fact_app (app_id INTEGER, scheme_id INTEGER REFERENCES dim_scheme, applied DATE NOT NULL)
              PARTITION BY month(applied) WITH (scd_fact_date_column = 'applied');
            """)
        try fixture.load("dim_scheme", [try fixture.file("1.csv", "scheme_id,name,department\n1,Pension,Welfare\n2,Housing,Urban\n")])
        // Scheme 1 moves department on 2025-02-01; its name changes too (untracked: overwrites the current version).
        try fixture.load("dim_scheme", [try fixture.file("2.csv", "scheme_id,name,department,valid_from\n1,Old-age pension,Social Justice,2025-02-01\n")])
        // A later load with the same department changes nothing.
        let same = try fixture.load("dim_scheme", [try fixture.file("3.csv", "scheme_id,name,department\n1,Old-age pension,Social Justice\n")])
        #expect(same.dimensionUnchanged == 1)
        // Moves again on 2025-06-01.
        try fixture.load("dim_scheme", [try fixture.file("4.csv", "scheme_id,name,department,valid_from\n1,Old-age pension,Welfare,2025-06-01\n")])
        let open = day("9999-12-31"), start = day("1900-01-01")
        #expect(try fixture.rows("dim_scheme") == [
            [.integer(1), .string("Pension"), .string("Welfare"), start, day("2025-02-01"), .boolean(false)],
            [.integer(2), .string("Housing"), .string("Urban"), start, open, .boolean(true)],
            [.integer(1), .string("Old-age pension"), .string("Social Justice"), day("2025-02-01"), day("2025-06-01"), .boolean(false)],
            [.integer(1), .string("Old-age pension"), .string("Welfare"), day("2025-06-01"), open, .boolean(true)],
        ])
        // Facts pick the version valid on their date: codes 1, 3, 4 (and 1 for a date before any change).
        try fixture.load("fact_app", [try fixture.file("f.csv", "app_id,scheme_id,applied\n1,1,2025-01-15\n2,1,2025-03-01\n3,1,2025-07-01\n4,2,2025-07-01\n")])
        let catalog = try fixture.warehouse.catalog()
        let fact = try #require(catalog.table(named: "fact_app"))
        let scanner = TableScanner(warehouse: fixture.warehouse, catalog: catalog)
        var codes: [Value] = []
        for partition in fact.partitions { for segment in partition.segments { codes += try scanner.readSegment(segment, columns: fact.columns, table: fact)[1].values } }
        #expect(codes == [.integer(1), .integer(3), .integer(4), .integer(2)])
    }

    @Test("NDJSON: dotted paths, missing fields, unknown fields, numbers as strings, arrays as text")
    func ndjson() throws {
        let fixture = try LoaderFixture(schema: #"CREATE TABLE q (id INTEGER, "address.city" VARCHAR, ms DOUBLE, ok BOOLEAN, tags VARCHAR, asked TIMESTAMP)"#)
        let path = try fixture.file("q.ndjson", """
            {"id": 1, "address": {"city": "Pune", "pin": "411001"}, "ms": "12.5", "ok": true, "tags": ["a", "b"], "asked": "2025-03-01T10:00:00Z"}
            {"id": "2", "ms": 3, "ok": false, "extra": {"deep": 1}}

            {"id": 3, "address": {"city": "M\\u00fcnchen \\"Z\\""}, "ok": null}
            """)
        let summary = try fixture.load("q", [path])
        #expect(summary.record.rowsLoaded == 3)
        #expect(summary.unknownFields.map(\.name) == ["address.pin", "extra.deep"])
        #expect(try fixture.rows("q") == [
            [.integer(1), .string("Pune"), .double(12.5), .boolean(true), .string("[\"a\", \"b\"]"), .integer(ValueParsing.timestamp("2025-03-01 10:00:00") ?? 0)],
            [.integer(2), .null, .double(3), .boolean(false), .null, .null],
            [.integer(3), .string("München \"Z\""), .null, .null, .null, .null],
        ])
        let bad = try fixture.file("bad.jsonl", "{\"id\": 4}\n{\"id\": 5, \"ms\": }\nnot json\n")
        let partial = try fixture.load("q", [bad]) { $0.maxRejects = 2 }
        #expect(partial.record.rowsRejected == 2)
    }

    @Test("COPY from SQL goes through the same loader")
    func copy() throws {
        let fixture = try LoaderFixture(schema: Self.star)
        let path = try fixture.file("s.psv", "store_id|city|region\n10|Pune|West\n")
        try Engine(warehouse: fixture.warehouse).run("COPY dim_store FROM '\(path)' (FORMAT csv, HEADER, DELIMITER '|')")
        #expect(try fixture.rows("dim_store") == [[.integer(10), .string("Pune"), .string("West")]])
        #expect(try LoadLog.records(fixture.warehouse).last?.status == "committed")
    }

    @Test("gen dates fills a date dimension; a wider range only adds days")
    func dates() throws {
        let fixture = try LoaderFixture(schema: "CREATE TABLE unrelated (x INT)")
        let first = try DateDimension.generate(warehouse: fixture.warehouse, table: "dim_date", from: ValueParsing.date("2024-12-30") ?? 0,
                                               to: ValueParsing.date("2025-01-05") ?? 0, fiscalYearStartMonth: 4, wait: false)
        #expect(first.inserted == 7)
        let rows = try fixture.rows("dim_date")
        // 2024-12-30 is a Monday in ISO week 1 of 2025; fiscal year (April start) 2025, quarter 3.
        #expect(rows[0] == [day("2024-12-30"), .integer(20241230), .integer(2024), .integer(4), .integer(12), .string("December"),
                            .string("2024-12"), .integer(30), .integer(365), .integer(1), .integer(2025), .integer(1), .string("Monday"),
                            .boolean(false), .integer(2025), .integer(3)])
        #expect(rows[6][12] == .string("Sunday"))
        #expect(rows[6][13] == .boolean(true))
        // A wider range only adds days, even with other settings: existing days stay as they are.
        let second = try DateDimension.generate(warehouse: fixture.warehouse, table: "dim_date", from: ValueParsing.date("2024-12-30") ?? 0,
                                                to: ValueParsing.date("2025-01-06") ?? 0, fiscalYearStartMonth: 1, wait: false)
        #expect(second.inserted == 1)
        #expect(second.unchanged == 7)
        #expect(try fixture.rows("dim_date")[0] == rows[0])
        // Columns of the wrong type are refused before anything is written.
        try Engine(warehouse: fixture.warehouse).run("CREATE TABLE bad_date (date_key DATE PRIMARY KEY, is_weekend VARCHAR)")
        #expect(throws: LoadError.self) {
            try DateDimension.generate(warehouse: fixture.warehouse, table: "bad_date", from: 0, to: 10, fiscalYearStartMonth: 1, wait: false)
        }
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        replacing(target, with: replacement)
    }
}
