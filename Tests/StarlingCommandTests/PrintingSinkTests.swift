/// Printing a streamed result: the same text whether rows come in one chunk or many.

import StarlingColumns
import StarlingEngine
import StarlingExecution
import Testing
@testable import StarlingCommand

@Suite("Printing a streamed result")
struct PrintingSinkTests {
    let columns = [PlanColumn(name: "n", type: .bigint), PlanColumn(name: "s", type: .varchar)]

    func chunk(_ range: Range<Int>) -> Chunk {
        Chunk(columns: [Vector(type: .bigint, values: range.map { .integer(Int64($0)) }),
                        Vector(type: .varchar, values: range.map { .string("v,\($0)") })], count: range.count)
    }

    /// The text for rows 0..<count handed over in chunks of `size`.
    func printed(_ printer: ResultPrinter, count: Int, size: Int) -> String {
        var text = ""
        let sink = PrintingSink(printer) { text += $0 }
        sink.begin(columns)
        var start = 0
        while start < count {
            sink.add(chunk(start..<min(count, start + size)))
            start += size
        }
        sink.end()
        return text
    }

    @Test("every format prints the same text for one chunk or many", arguments: ResultFormat.allCases)
    func chunking(format: ResultFormat) {
        let printer = ResultPrinter(format: format, header: true)
        let whole = printed(printer, count: 2_500, size: 2_500)
        #expect(printed(printer, count: 2_500, size: 7) == whole)
        #expect(printed(printer, count: 2_500, size: 1_024) == whole)
        #expect(!whole.isEmpty)
    }

    @Test("an empty result: a header, an empty JSON array, nothing for NDJSON")
    func empty() {
        #expect(printed(ResultPrinter(format: .csv, header: true), count: 0, size: 1) == "n,s\n")
        #expect(printed(ResultPrinter(format: .json, header: true), count: 0, size: 1) == "[]\n")
        #expect(printed(ResultPrinter(format: .ndjson, header: true), count: 0, size: 1) == "")
    }

    @Test("a long table keeps only its first and last rows and counts the rest")
    func longTable() {
        var printer = ResultPrinter(format: .table, header: true)
        printer.maxRows = 5
        let text = printed(printer, count: 100_000, size: 3_000)
        #expect(text == printed(printer, count: 100_000, size: 100_000))
        for shown in [0, 1, 2, 99_998, 99_999] { #expect(text.contains(" v,\(shown) ")) }
        for hidden in [3, 50_000, 99_997] { #expect(!text.contains(" v,\(hidden) ")) }
        #expect(text.contains("… 99995 more rows …"))
        #expect(text.hasSuffix("100000 rows (5 shown)\n"))
    }
}
