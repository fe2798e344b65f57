/// Robustness: block boundaries never change what is read, and damaged input never crashes.

import Foundation
import Testing
@testable import StarlingLoader
import StarlingStorage
import StarlingColumns
import StarlingEngine

@Suite("Loader robustness")
struct RobustnessTests {
    static let schema = "CREATE TABLE t (id INTEGER, name VARCHAR, amount DECIMAL(10,2), day DATE)"

    /// A CSV with every awkward thing: quotes, doubled quotes, embedded delimiters and newlines,
    /// CRLF, NULLs, non-ASCII text, a BOM, blank lines.
    static var awkwardCSV: String {
        var lines = ["\u{FEFF}id,name,amount,day"]
        var random = SplitMix64(seed: 99)
        for row in 0..<300 {
            let name: String
            switch random.next() % 6 {
            case 0: name = "\"multi\nline \(row)\""
            case 1: name = "\"say \"\"\(row)\"\"\""
            case 2: name = "\"a,b,\(row)\""
            case 3: name = "Ünïcödé \(row)"
            case 4: name = ""
            default: name = "plain\(row)"
            }
            let amount = random.next() % 5 == 0 ? "\\N" : "\(Int(random.next() % 100_000)).\(random.next() % 100)"
            lines.append("\(row),\(name),\(amount),2025-03-\(String(format: "%02d", Int(row % 28 + 1)))")
            if row % 50 == 0 { lines.append("") }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    @Test("every block size reads the same rows (records split across blocks anywhere)")
    func blockBoundaries() throws {
        let fixture = try LoaderFixture(schema: Self.schema)
        let path = try fixture.file("awkward.csv", Self.awkwardCSV)
        try fixture.load("t", [path])
        let expected = try fixture.rows("t")
        #expect(expected.count == 300)
        for blockSize in [1, 2, 3, 5, 7, 16, 64, 257, 4096] {
            let other = try LoaderFixture(schema: Self.schema)
            let copy = try other.file("awkward.csv", Self.awkwardCSV)
            try other.load("t", [copy]) { $0.blockSize = blockSize; $0.threads = blockSize % 2 + 1 }
            #expect(try other.rows("t").sorted { "\($0)" < "\($1)" } == expected.sorted { "\($0)" < "\($1)" }, "block size \(blockSize)")
        }
    }

    @Test("a record longer than --max-line-size stops the load naming where it starts; shorter ones load")
    func lineLengthLimit() throws {
        let fixture = try LoaderFixture(schema: Self.schema)
        // Line 3 holds 5,000 bytes of NUL and no newline up to the end (a one-line bomb); line 3 of
        // the NDJSON file the same inside a string; the quoted CSV field never closes.
        let bomb = "id,name,amount,day\n1,a,1.00,2025-01-01\n2," + String(repeating: "\u{0}", count: 5_000)
        let unclosed = "id,name,amount,day\n1,a,1.00,2025-01-01\n2,\"" + String(repeating: "x,\n", count: 2_000)
        let json = "{\"id\": 1}\n{\"id\": 2, \"name\": \"" + String(repeating: "y", count: 5_000) + "\"}\n"
        for (name, text) in [("bomb.csv", bomb), ("unclosed.csv", unclosed), ("long.ndjson", json)] {
            let path = try fixture.file(name, text)
            do {
                try fixture.load("t", [path]) { $0.maxLineBytes = 1_000; $0.blockSize = 256 }
                Issue.record("\(name) loaded past the limit")
            } catch {
                #expect(error.kind == .badData)
                #expect(error.message.contains("\(path): the record starting at byte "), "\(error.message)")
                #expect(error.message.contains("runs past 1000 bytes without ending"), "\(error.message)")
            }
        }
        // With the limit above the longest line, the NDJSON file loads.
        let path = try fixture.file("fits.ndjson", json)
        try fixture.load("t", [path]) { $0.maxLineBytes = 10_000; $0.blockSize = 256 }
        #expect(try fixture.rows("t").count == 2)
    }

    @Test("tiny buffers: partitions written out many times in the background hold the same rows")
    func backgroundFlushes() throws {
        let fixture = try LoaderFixture(schema: Self.schema + " PARTITION BY day(day)")
        let path = try fixture.file("awkward.csv", Self.awkwardCSV)
        try fixture.load("t", [path])
        let expected = try fixture.rows("t").sorted { "\($0)" < "\($1)" }
        for (buffered, segment) in [(1, 1), (7, 50), (40, 1000)] {
            let other = try LoaderFixture(schema: Self.schema + " PARTITION BY day(day)")
            let copy = try other.file("awkward.csv", Self.awkwardCSV)
            try other.load("t", [copy]) { $0.blockSize = 300; $0.bufferedRowLimit = buffered; $0.segmentRows = segment; $0.threads = 2 }
            #expect(try other.rows("t").sorted { "\($0)" < "\($1)" } == expected, "buffered \(buffered), segment \(segment)")
            #expect(try other.warehouse.catalog().table(named: "t")?.segmentCount ?? 0 > 28)
        }
    }

    @Test("NDJSON reads the same at every block size")
    func ndjsonBlocks() throws {
        let text = (0..<200).map { "{\"id\": \($0), \"name\": \"n\\u00e9\($0)\", \"amount\": \"\($0).5\", \"day\": \"2025-01-0\($0 % 9 + 1)\"}" }.joined(separator: "\n")
        let fixture = try LoaderFixture(schema: Self.schema)
        try fixture.load("t", [try fixture.file("a.ndjson", text)])
        let expected = try fixture.rows("t")
        for blockSize in [1, 13, 100] {
            let other = try LoaderFixture(schema: Self.schema)
            try other.load("t", [try other.file("a.ndjson", text)]) { $0.blockSize = blockSize }
            // Facts keep no order across batches loaded by different workers.
            #expect(try other.rows("t").sorted { "\($0)" < "\($1)" } == expected.sorted { "\($0)" < "\($1)" }, "block size \(blockSize)")
        }
    }

    @Test("randomly damaged CSV and NDJSON load or fail with a typed error, never crash")
    func damagedInput() throws {
        var random = SplitMix64(seed: 7)
        let csv = Array(Self.awkwardCSV.utf8)
        let ndjson = Array((0..<50).map { "{\"id\": \($0), \"name\": \"x\\\"y\($0)\", \"amount\": \($0).25, \"day\": \"2025-01-01\"}" }.joined(separator: "\n").utf8)
        for trial in 0..<60 {
            let fixture = try LoaderFixture(schema: Self.schema)
            var bytes = trial % 2 == 0 ? csv : ndjson
            for _ in 0..<(1 + Int(random.next() % 8)) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 4 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: position)
                case 2: bytes.insert([UInt8(ascii: "\""), UInt8(ascii: ","), 0x0A, 0xFF, 0xC3][Int(random.next() % 5)], at: position)
                default: bytes.removeSubrange(position...)
                }
                if bytes.isEmpty { bytes = [0x0A] }
            }
            let path = try fixture.file(trial % 2 == 0 ? "d.csv" : "d.ndjson", bytes)
            let blockSize = 1 + Int(random.next() % 200)
            do {
                try fixture.load("t", [path]) { $0.maxRejects = 1_000; $0.blockSize = blockSize }
            } catch {
                #expect(!error.message.isEmpty)
            }
            _ = try fixture.rows("t")
        }
    }

    @Test("review findings: hostile values are rejected, not crashed on")
    func hostileValues() throws {
        let fixture = try LoaderFixture(schema: "CREATE TABLE v (id INTEGER, amount DECIMAL(12,2), ratio DOUBLE, a VARCHAR)")
        let path = try fixture.file("v.csv", """
            id,amount,ratio,a
            1,1e-9223372036854775808,1.5,x
            1e-9223372036854775808,2,1.5,x
            3,4,1e400,x
            4,5,0x10,x
            5,6,2.5,ok
            """)
        let summary = try fixture.load("v", [path]) { $0.maxRejects = 10 }
        #expect(summary.record.rowsLoaded == 1)
        #expect(summary.record.rowsRejected == 4)
        let deep = String(repeating: "{\"k\":", count: 5000) + "1" + String(repeating: "}", count: 5000)
        let json = try fixture.file("deep.ndjson", "{\"id\": 1, \"a\": \"top\", \"n\": " + deep + "}\n{\"id\": 2, \"a\": \"x\", \"a\": null}\n")
        let nested = try fixture.load("v", [json]) { $0.maxRejects = 10 }
        #expect(nested.record.rowsRejected == 1)
        #expect(try fixture.rows("v").last == [.integer(2), .null, .null, .null])
        #expect(throws: LoadError.self) { try fixture.load("v", [path]) { $0.delimiter = UInt8(ascii: "\""); $0.force = true } }
    }

    @Test("review findings: references, re-delivery after rejects, generated dates")
    func referencesAndRetries() throws {
        let fixture = try LoaderFixture(schema: "CREATE TABLE dim (k INTEGER PRIMARY KEY); CREATE TABLE f (k INTEGER REFERENCES dim)")
        #expect(throws: (any Error).self) {
            try Engine(warehouse: fixture.warehouse).run("CREATE TABLE dd (k DOUBLE PRIMARY KEY); CREATE TABLE ff (k DOUBLE REFERENCES dd)")
        }
        let facts = try fixture.file("f.csv", "k\n1\n2\n")
        // Every row rejected (no dimension rows yet): tolerated, but nothing is committed.
        #expect(throws: LoadError.self) { try fixture.load("f", [facts]) { $0.maxRejects = 10 } }
        try fixture.load("dim", [try fixture.file("dim.csv", "k\n1\n2\n")])
        // Nothing of f.csv was loaded, so loading it again after fixing the dimension is allowed.
        #expect(try fixture.load("f", [facts]).record.rowsLoaded == 2)
        try Engine(warehouse: fixture.warehouse).run("CREATE TABLE days (date_key DATE PRIMARY KEY, day_of_year TINYINT)")
        #expect(throws: LoadError.self) {
            try DateDimension.generate(warehouse: fixture.warehouse, table: "days", from: ValueParsing.date("2025-01-01") ?? 0,
                                       to: ValueParsing.date("2025-12-31") ?? 0, fiscalYearStartMonth: 1, wait: false)
        }
    }
}
