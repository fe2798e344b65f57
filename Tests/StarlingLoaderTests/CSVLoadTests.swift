/// CSV extracts: RFC 4180 and beyond, headers, NULLs, encodings, compression, and bad input.

import Foundation
import Testing
@testable import StarlingLoader
import StarlingStorage
import StarlingColumns

@Suite("CSV loading")
struct CSVLoadTests {
    static let schema = "CREATE TABLE t (id INTEGER, name VARCHAR, amount DECIMAL(10,2), day DATE, flag BOOLEAN)"

    @Test("quotes, embedded delimiters and newlines, doubled quotes, CRLF, BOM, header order")
    func rfc4180() throws {
        let fixture = try LoaderFixture(schema: Self.schema)
        let path = try fixture.file("a.csv", "\u{FEFF}NAME,id,Amount,day,flag\r\n\"Asha, K.\",1,10.50,2025-03-01,true\r\n\"two\nlines\",2,-3,2025-03-02,f\r\n\"say \"\"hi\"\"\",3,0.005,2025-03-03,1\r\n")
        let summary = try fixture.load("t", [path])
        #expect(summary.record.rowsLoaded == 3)
        #expect(try fixture.rows("t") == [
            [.integer(1), .string("Asha, K."), .integer(1050), day("2025-03-01"), .boolean(true)],
            [.integer(2), .string("two\nlines"), .integer(-300), day("2025-03-02"), .boolean(false)],
            [.integer(3), .string("say \"hi\""), .integer(1), day("2025-03-03"), .boolean(true)],
        ])
    }

    @Test("NULL strings: empty unquoted and \\N by default; a quoted empty string stays a string; --null replaces them")
    func nulls() throws {
        let fixture = try LoaderFixture(schema: Self.schema)
        let path = try fixture.file("n.csv", "id,name,amount,day,flag\n1,,\\N,,\n2,\"\",NULL,2025-01-01,\n")
        try fixture.load("t", [path]) { $0.maxRejects = 5 }
        // NULL is not a NULL string by default, so row 2's amount is rejected.
        #expect(try fixture.rows("t") == [[.integer(1), .null, .null, .null, .null]])
        let fixture2 = try LoaderFixture(schema: Self.schema)
        let path2 = try fixture2.file("n.csv", "id,name,amount,day,flag\n2,\"\",NULL,2025-01-01,NULL\n")
        try fixture2.load("t", [path2]) { $0.nullStrings = ["NULL"] }
        #expect(try fixture2.rows("t") == [[.integer(2), .string(""), .null, day("2025-01-01"), .null]])
        // A NULL string that is also a valid number still means NULL.
        let fixture3 = try LoaderFixture(schema: Self.schema)
        try fixture3.load("t", [try fixture3.file("z.csv", "id,name,amount,day,flag\n0,a,0,2025-01-01,t\n7,b,1.5,2025-01-02,f\n")]) { $0.nullStrings = ["0"] }
        #expect(try fixture3.rows("t").map { [$0[0], $0[2]] } == [[.null, .null], [.integer(7), .integer(150)]])
    }

    @Test("dbgen .tbl files: pipes, no header, a trailing delimiter")
    func tbl() throws {
        let fixture = try LoaderFixture(schema: Self.schema)
        let path = try fixture.file("t.tbl", "1|one|1.25|1995-01-01|t|\n2|two|2|1995-01-02|f|\n")
        try fixture.load("t", [path])
        #expect(try fixture.rows("t").count == 2)
        #expect(try fixture.rows("t")[1] == [.integer(2), .string("two"), .integer(200), day("1995-01-02"), .boolean(false)])
    }

    @Test("a header that does not match names the missing and unknown columns")
    func headerMismatch() throws {
        let fixture = try LoaderFixture(schema: Self.schema)
        let path = try fixture.file("h.csv", "id,nme,amount,day\n1,a,1,2025-01-01\n")
        do {
            try fixture.load("t", [path])
            Issue.record("loaded a mismatched header")
        } catch {
            #expect(error.kind == .badData)
            #expect(error.message.contains("missing columns: name, flag"))
            #expect(error.message.contains("unknown columns: nme"))
        }
        // --columns maps the file's columns explicitly; unlisted columns are NULL.
        let mapped = try fixture.file("m.csv", "x,y\n5,2025-02-02\n")
        try fixture.load("t", [mapped]) { $0.columns = ["id", "day"] }
        #expect(try fixture.rows("t") == [[.integer(5), .null, .null, day("2025-02-02"), .null]])
    }

    @Test("the first bad row aborts by default and shows the row; nothing is committed")
    func abortOnFirstReject() throws {
        let fixture = try LoaderFixture(schema: Self.schema)
        let before = try fixture.snapshot()
        let path = try fixture.file("bad.csv", "id,name,amount,day,flag\n1,a,1,2025-01-01,t\n2,b,1,2025-02-30,t\n")
        do {
            try fixture.load("t", [path])
            Issue.record("loaded a bad date")
        } catch {
            #expect(error.kind == .badData)
            #expect(error.message.contains("bad.csv:3: column day value \"2025-02-30\": not a date"))
            #expect(error.message.contains("nothing was loaded"))
        }
        #expect(try fixture.snapshot() == before)
        #expect(try fixture.rows("t").isEmpty)
        let log = try LoadLog.records(fixture.warehouse)
        #expect(log.last?.status == "aborted")
        #expect(log.last?.rowsRejected == 1)
    }

    @Test("a bad row early in a file read ahead in many batches aborts with the error, not a crash")
    func abortWithBatchesReadAhead() throws {
        let fixture = try LoaderFixture(schema: Self.schema)
        var text = "id,name,amount,day,flag\n1,a,1,2025-01-01,t\n2,b,x,2025-01-01,t\n"
        for row in 3..<20_000 { text += "\(row),name \(row),\(row).25,2025-01-01,f\n" }
        let path = try fixture.file("long.csv", text)
        for threads in [1, 2, 4] {
            do {
                // 4 KiB blocks: hundreds of batches, several of them read ahead when the first fails.
                try fixture.load("t", [path]) { $0.blockSize = 4096; $0.threads = threads }
                Issue.record("loaded a bad amount")
            } catch {
                #expect(error.kind == .badData)
                #expect(error.message.contains("long.csv:3: column amount value \"x\""))
            }
        }
        #expect(try fixture.rows("t").isEmpty)
    }

    @Test("malformed input is rejected with file, line, offset, column, value and reason", arguments: [
        ("wrong field count", "id,name,amount,day,flag\n1,a,1\n", "expected 5 fields, found 3"),
        ("integer overflow", "id,name,amount,day,flag\n99999999999,a,1,2025-01-01,t\n", "out of range for INTEGER"),
        ("decimal overflow", "id,name,amount,day,flag\n1,a,123456789.5,2025-01-01,t\n", "out of range for DECIMAL(10,2)"),
        ("not a number", "id,name,amount,day,flag\n1,a,1.2.3,2025-01-01,t\n", "not a number"),
        ("bad boolean", "id,name,amount,day,flag\n1,a,1,2025-01-01,maybe\n", "not a boolean"),
        ("unclosed quote at end of file", "id,name,amount,day,flag\n1,\"a,1,2025-01-01,t\n", "unclosed quote"),
        ("stray text after a quote", "id,name,amount,day,flag\n1,\"a\"x,1,2025-01-01,t\n", "after a closing quote"),
    ])
    func rejects(label: String, text: String, reason: String) throws {
        let fixture = try LoaderFixture(schema: Self.schema)
        let good = "id,name,amount,day,flag\n7,ok,1,2025-01-01,t\n"
        let paths = [try fixture.file("good.csv", good), try fixture.file("bad.csv", text)]
        let summary = try fixture.load("t", paths) { $0.maxRejects = 1 }
        #expect(summary.record.rowsRejected == 1, "\(label)")
        #expect(summary.record.rowsLoaded == 1)
        let rejects = try String(contentsOfFile: try #require(summary.record.rejectsFile), encoding: .utf8)
        #expect(rejects.hasPrefix("file,line,byte_offset,column,value,reason\n"))
        #expect(rejects.contains("bad.csv,2,24,"), "\(rejects)")
        #expect(rejects.contains(reason), "\(label): \(rejects)")
    }

    @Test("rejects name the same line and byte offset whatever the block size, in blocks with and without quotes")
    func linesAcrossBlocks() throws {
        // Quoted fields with newlines in rows 150-159 only, so some blocks are tokenized by the
        // reader and the rest by the workers; blank lines and CRLF endings count as lines too.
        var text = "id,name,amount,day,flag\n"
        var line = 2
        var expected: [String] = []
        for row in 1...400 {
            if row % 50 == 0 { text += "\n"; line += 1 }
            let name = (150..<160).contains(row) ? "\"two\nlines\"" : "n\(row)"
            let amount = row % 37 == 0 ? "x" : "\(row).5"
            if row % 37 == 0 { expected.append("\(line),\(text.utf8.count)") }
            text += "\(row),\(name),\(amount),2025-01-01,t" + (row % 3 == 0 ? "\r\n" : "\n")
            line += (150..<160).contains(row) ? 2 : 1
        }
        let fixture = try LoaderFixture(schema: Self.schema)
        let path = try fixture.file("lines.csv", text)
        for blockSize in [5, 64, 333, 4096, 1 << 20] {
            for threads in [1, 2] {
                let summary = try fixture.load("t", [path]) { $0.blockSize = blockSize; $0.threads = threads; $0.maxRejects = 100; $0.force = true }
                #expect(summary.record.rowsLoaded == 400 - expected.count)
                let rejects = try String(contentsOfFile: try #require(summary.record.rejectsFile), encoding: .utf8)
                let places = rejects.split(separator: "\n").dropFirst().map { $0.split(separator: ",").dropFirst().prefix(2).joined(separator: ",") }
                #expect(places == expected, "block size \(blockSize), \(threads) threads")
            }
        }
    }

    @Test("invalid UTF-8 is rejected; Latin-1 and Windows-1252 are transcoded")
    func encodings() throws {
        let fixture = try LoaderFixture(schema: Self.schema)
        let latin: [UInt8] = Array("id,name\n1,caf".utf8) + [0xE9] + Array("\n2,".utf8) + [0x80, 0x93] + Array("x\n".utf8)
        let path = try fixture.file("l.csv", latin)
        // Both rows are rejected: tolerated, but with nothing left the load commits nothing.
        let error = #expect(throws: LoadError.self) {
            try fixture.load("t", [path]) { $0.columns = ["id", "name"]; $0.header = true; $0.maxRejects = 2 }
        }
        #expect(error?.message.contains("every row was rejected (2 rows") == true)
        #expect(try fixture.rows("t").isEmpty)
        try fixture.load("t", [path]) { $0.columns = ["id", "name"]; $0.encoding = .latin1; $0.force = true }
        #expect(try fixture.rows("t").map { $0[1] } == [.string("café"), .string("\u{80}\u{93}x")])
        let fixture2 = try LoaderFixture(schema: Self.schema)
        let path2 = try fixture2.file("w.csv", latin)
        try fixture2.load("t", [path2]) { $0.columns = ["id", "name"]; $0.encoding = .windows1252 }
        #expect(try fixture2.rows("t").map { $0[1] } == [.string("café"), .string("€“x")])
    }

    @Test("a batch's text counts as ASCII only when every byte is, wherever the first other byte falls")
    func asciiText() {
        for length in [0, 1, 7, 8, 9, 31, 64, 65] {
            let ascii = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(ascii.withUnsafeBytes { BatchConverter.isASCII($0) })
            for position in 0..<length {
                var other = ascii
                other[position] = 0xC3
                #expect(!other.withUnsafeBytes { BatchConverter.isASCII($0) }, "byte \(position) of \(length)")
            }
        }
    }

    @Test("gzip and zstd inputs; truncated compressed input aborts cleanly")
    func compressed() throws {
        let fixture = try LoaderFixture(schema: Self.schema)
        let text = "id,name,amount,day,flag\n" + (1...5000).map { "\($0),n\($0),\($0).5,2025-03-\($0 % 28 + 1 < 10 ? "0" : "")\($0 % 28 + 1),t" }.joined(separator: "\n") + "\n"
        let gz = try fixture.file("x.csv.gz", try fixture.gzip(Array(text.utf8)))
        let zst = try fixture.file("y.csv.zst", try fixture.zstd(Array(text.utf8)))
        try fixture.load("t", [gz, zst]) { $0.force = true }
        #expect(try fixture.rows("t").count == 10_000)
        let before = try fixture.snapshot()
        for (name, bytes) in [("cut.csv.gz", try fixture.gzip(Array(text.utf8))), ("cut.csv.zst", try fixture.zstd(Array(text.utf8)))] {
            let cut = try fixture.file(name, Array(bytes.prefix(bytes.count / 2)))
            do {
                try fixture.load("t", [cut]) { $0.force = true }
                Issue.record("loaded truncated \(name)")
            } catch {
                #expect(error.kind == .badData)
                #expect(error.message.contains("truncated") || error.message.contains("corrupt"), "\(error.message)")
            }
        }
        #expect(try fixture.snapshot() == before)
    }

    @Test("date and timestamp formats")
    func formats() throws {
        let fixture = try LoaderFixture(schema: "CREATE TABLE e (d DATE, at TIMESTAMP)")
        let path = try fixture.file("f.csv", "d,at\n01/03/2025,01/03/2025 13:45:00+05:30\n31/12/1999,31/12/1999 23:59:59.5Z\n")
        try fixture.load("e", [path]) {
            $0.dateFormat = DateTimeFormat("%d/%m/%Y")
            $0.timestampFormat = DateTimeFormat("%d/%m/%Y %H:%M:%S%z")
        }
        let rows = try fixture.rows("e")
        #expect(rows[0][0] == day("2025-03-01"))
        #expect(rows[0][1] == .integer(ValueParsing.timestamp("2025-03-01 08:15:00") ?? 0))
        #expect(rows[1][1] == .integer(ValueParsing.timestamp("1999-12-31 23:59:59.5") ?? 0))
        let compact = try fixture.file("c.csv", "d,at\n20250301,2025-03-01T10:00:00-01:00\n")
        try fixture.load("e", [compact]) { $0.dateFormat = DateTimeFormat("%Y%m%d") }
        #expect(try fixture.rows("e")[2] == [day("2025-03-01"), .integer(ValueParsing.timestamp("2025-03-01 11:00:00") ?? 0)])
    }
}
