/// Tests of the extract writer both `gen retail` and `gen portal` use: CSV quoting, NDJSON
/// objects, local timestamps, the deliberately broken values and lines, and the manifest files.

import Foundation
import Testing
import StarlingColumns
@testable import StarlingSampleData

@Suite("extract files")
struct ExtractFileTests {
    static func text(_ file: ExtractFile) -> String {
        String(decoding: file.uncompressedBytes, as: UTF8.self)
    }

    @Test("CSV: quoting, NULLs, dates, local timestamps, decimals; a broken quote and a malformed date stay as given")
    func csv() {
        var file = ExtractFile(name: "a.csv", layout: .csv(), columns: ["id", "office", "on", "at", "amount"])
        let day = CalendarDate(year: 2025, month: 3, day: 1).daysSinceEpoch
        file.append([.integer(1), .text("Tahsil \"Pune\", MH"), .date(day),
                     .localTimestamp(day: day, second: 10 * 3600 + 15 * 60 + 42, utcOffsetMinutes: 330), .decimal(units: 3360, scale: 2)])
        #expect(file.nextLine == 3)
        file.append([.integer(2), .brokenQuote("Ward \"5\", Pune"), .malformedDate(day, .dayMonthYear), .null,
                     .localTimestamp(day: day, second: 59, utcOffsetMinutes: -90)])
        file.append([.integer(3), .null, .malformedDate(day, .compact), .malformedDate(day, .dayZero), .malformedDate(day, .february30)])
        #expect(Self.text(file) == """
            id,office,on,at,amount
            1,"Tahsil ""Pune"", MH",2025-03-01,2025-03-01T10:15:42+05:30,33.60
            2,"Ward "5", Pune",01/03/2025,,2025-03-01T00:00:59-01:30
            3,,20250301,2025-03-00,2025-02-30

            """)
    }

    @Test("NDJSON: absent fields left out, nested objects and arrays, numbers as strings")
    func ndjson() {
        var file = ExtractFile(name: "a.ndjson", layout: .ndjson, columns: ["id", "amount", "payer", "tags", "note"])
        file.append([.text("7"), .text(ExtractFile.formatDecimal(units: 1500, scale: 2)), .object([("district", .text("Pune"))]),
                     .array([.text("web")]), .absent])
        file.append([.integer(8), .decimal(units: 5, scale: 2), .null, .absent, .text("a \"b\"\n")])
        #expect(Self.text(file) == """
            {"id": "7", "amount": "15.00", "payer": {"district": "Pune"}, "tags": ["web"]}
            {"id": 8, "amount": 0.05, "payer": null, "note": "a \\"b\\"\\n"}

            """)
        #expect(file.rows == 2 && file.nextLine == 3)
    }

    @Test("a line cut in the middle, and a last row cut short with no line end")
    func cutLines() {
        var json = ExtractFile(name: "a.ndjson", layout: .ndjson, columns: ["name"])
        json.appendCut([.text("abcdefgh")], keeping: 0.5)
        json.append([.text("x")])
        #expect(Self.text(json) == "{\"name\": \"\n{\"name\": \"x\"}\n")
        #expect(json.rows == 2)

        var csv = ExtractFile(name: "a.csv", layout: .csv(crlf: true), columns: ["a", "b", "c"])
        csv.append([.integer(1), .text("x"), .text("y")])
        csv.append([.text("p,q"), .text("long value"), .text("z")])
        csv.cutLastRow(afterFields: 2)
        #expect(Self.text(csv) == "a,b,c\r\n1,x,y\r\n\"p,q\",long value,z")
        csv.cutLastRow(afterFields: 1, extraBytes: 2)
        #expect(Self.text(csv) == "a,b,c\r\n1,x,y\r\n\"p,q\",lo")
        #expect(csv.rows == 2)
    }

    @Test("manifest.csv and dirty-rows.csv have the same columns whichever generator wrote them")
    func manifest() throws {
        let directory = NSTemporaryDirectory() + "starling-extract-test-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try BlockFileWriter.createDirectory(directory)
        var manifest = ExtractManifest()
        let day = CalendarDate(year: 2025, month: 3, day: 1).daysSinceEpoch
        manifest.deliveries = [
            ExtractDelivery(night: 1, day: day, folder: "2025-03-01", file: "f.csv", table: "fact_f", rows: 10, bytes: 99, dirtyRows: 1,
                            loadFlags: "--max-rejects 1"),
        ]
        manifest.defects = [
            ExtractDefect(file: "2025-03-01/f.csv", line: 4, table: "fact_f", kind: .badDate, column: "on", detail: "on, 2025-02-30"),
            ExtractDefect(file: "2025-03-01/f.csv", line: 5, table: "fact_f", kind: .truncatedLine, column: nil, detail: "cut"),
        ]
        let reports = try manifest.write(into: directory)
        #expect(reports.map(\.rows) == [1, 2])
        #expect(try String(contentsOfFile: directory + "/manifest.csv", encoding: .utf8) == """
            night,date,folder,file,table,rows,bytes,dirty_rows,load_flags
            1,2025-03-01,2025-03-01,f.csv,fact_f,10,99,1,--max-rejects 1

            """)
        #expect(try String(contentsOfFile: directory + "/dirty-rows.csv", encoding: .utf8) == """
            file,line,table,kind,column,detail
            2025-03-01/f.csv,4,fact_f,bad_date,on,"on, 2025-02-30"
            2025-03-01/f.csv,5,fact_f,truncated_line,,cut

            """)
        let section = ExtractManifest.readmeLoadingSection(directory: "out", setup: ["starling init"])
        #expect(section.contains("starling init\ntail -n +2 out/manifest.csv | while IFS=, read -r night date folder file table rows bytes dirty flags; do"))
    }

    @Test("per-night random streams: the same (seed, night, purpose) gives the same draws, in range")
    func randomStreams() {
        var a = SplitMix64.stream(seed: 1, night: 2, purpose: 3), b = SplitMix64.stream(seed: 1, night: 2, purpose: 3)
        var c = SplitMix64.stream(seed: 1, night: 2, purpose: 4)
        #expect(a.next() == b.next())
        #expect(a.next() != c.next())
        for _ in 0..<1_000 {
            #expect((5...9).contains(a.int(5...9)))
            #expect(a.weighted([0, 3, 0]) == 1)
        }
        #expect(a.distinctIndexes(5, below: 3) == [0, 1, 2])
        let uuid = a.uuid()
        #expect(uuid.count == 36 && Array(uuid)[14] == "4")
    }
}
