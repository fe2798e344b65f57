/// The column-at-a-time writer against the row-by-row printer it replaced: the same bytes for
/// every type, vector shape, NULL text and format.

import StarlingColumns
import StarlingEngine
import StarlingExecution
import StarlingInterchange
import Testing

@testable import StarlingCommand

@Suite("Writing CSV, TSV, JSON, NDJSON and Markdown a column at a time")
struct DelimitedWriterTests {
    static let formats: [ResultFormat] = [.csv, .tsv, .ndjson, .json, .markdown]

    @Test("random chunks of every type print as the row-by-row printer prints them", arguments: formats)
    func randomChunks(format: ResultFormat) {
        let nullTexts: [String?] = [nil, "NULL", "", "N/A", "a,b\"c", "x|y\tz"]
        let salt = UInt64(ResultFormat.allCases.firstIndex(of: format) ?? 0) << 32
        for seed in UInt64(1)...30 {
            var random = SplitMix64(seed: seed ^ salt)
            let columns = RandomColumns.columns(&random)
            let chunks = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                RandomColumns.chunk(columns, rows: Int.random(in: 0...1_500, using: &random), &random)
            }
            var printer = ResultPrinter(format: format, header: Bool.random(using: &random))
            printer.nullText = nullTexts[Int(seed) % nullTexts.count]
            expectSame(printer, columns, chunks, "seed \(seed)")
        }
    }

    @Test("edge values of every type", arguments: formats)
    func edgeValues(format: ResultFormat) {
        let columns = EdgeValues.columns
        let chunk = EdgeValues.chunk()
        for nullText in [nil, "NULL", "x,\"y\""] as [String?] {
            var printer = ResultPrinter(format: format, header: true)
            printer.nullText = nullText
            expectSame(printer, columns, [chunk, chunk], "NULL as \(nullText ?? "default")")
        }
    }

    @Test("constant, dictionary and plain vectors; NULL rows with out-of-range codes", arguments: formats)
    func vectorShapes(format: ResultFormat) {
        let columns = [
            PlanColumn(name: "constant", type: .varchar),
            PlanColumn(name: "null constant", type: .decimal(precision: 9, scale: 2)),
            PlanColumn(name: "coded", type: .varchar), PlanColumn(name: "plain", type: .varchar),
            PlanColumn(name: "flag as integer", type: .boolean), PlanColumn(name: "number", type: .double),
        ]
        let dictionary = StringStorage(["a,b", "plain", "say \"hi\"", "é,\u{301}"])
        let codes: [UInt32] = [0, 1, UInt32.max, 2, 3, 1_000]
        let nulls = [false, false, true, false, false, true]
        let rows = Chunk(
            columns: [
                Vector(constant: .string("c\"d"), type: .varchar, count: 6),
                Vector(constant: .null, type: .decimal(precision: 9, scale: 2), count: 6),
                Vector(type: .varchar, count: 6, data: .dictionary(codes: codes, dictionary: dictionary), nulls: nulls),
                Vector(
                    type: .varchar, values: ["", " lead", "trail ", "tab\there", "a\r\nb", "x|y"].map(Value.string)),
                Vector(type: .boolean, count: 6, data: .integers([0, 1, 2, -1, 0, 1]), nulls: nil),
                Vector(
                    type: .double,
                    values: [.double(1), .null, .double(-0.0), .double(.nan), .double(1e300), .integer(3)]),
            ], count: 6)
        for nullText in [nil, "-"] as [String?] {
            var printer = ResultPrinter(format: format, header: false)
            printer.nullText = nullText
            expectSame(printer, columns, [rows, rows.gather([5, 4, 3, 2, 1, 0])], "shapes")
        }
    }

    @Test("rows without columns", arguments: formats)
    func noColumns(format: ResultFormat) {
        expectSame(ResultPrinter(format: format, header: true), [], [Chunk.rowsOnly(3), Chunk.rowsOnly(1_100)], "none")
    }

    @Test("one value at a time: the byte writers give Value.formatted's text")
    func values() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let (type, value) = RandomColumns.value(&random)
            var buffer = ByteBuffer(capacity: 16)
            switch value {
            case .integer(let number):
                switch type {
                case .decimal(_, let scale): buffer.appendDecimal(number, scale: scale)
                case .date: buffer.appendDate(days: number)
                case .timestamp: buffer.appendTimestamp(microseconds: number)
                default: buffer.appendInteger(number)
                }
            case .double(let number): buffer.appendDouble(number)
            case .interval(let interval): buffer.appendInterval(interval)
            default: continue
            }
            #expect(buffer.text == value.formatted(as: type), "\(type) \(value)")
        }
    }

    /// Expects the streaming sink's text for `chunks` to be the row-by-row printer's, byte for byte
    /// (`String`'s `==` would take canonically equivalent texts as equal).
    private func expectSame(_ printer: ResultPrinter, _ columns: [PlanColumn], _ chunks: [Chunk], _ label: String) {
        let expected = Array(Self.rowByRow(printer, columns, chunks).utf8)
        let actual = Array(Self.streamed(printer, columns, chunks).utf8)
        guard actual != expected else { return }
        let expectedLines = expected.split(separator: 10, omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: 10, omittingEmptySubsequences: false)
        let common = min(expectedLines.count, actualLines.count)
        let line = (0..<common).first { !expectedLines[$0].elementsEqual(actualLines[$0]) } ?? common
        func text(_ lines: [ArraySlice<UInt8>]) -> String {
            line < lines.count ? "\(Array(lines[line]))" : "(end)"
        }
        Issue.record(
            "\(printer.format) \(label): line \(line + 1) is\n\(text(actualLines))\nnot\n\(text(expectedLines))")
    }

    /// The text through ``PrintingSink``, as `starling sql` prints it.
    static func streamed(_ printer: ResultPrinter, _ columns: [PlanColumn], _ chunks: [Chunk]) -> String {
        var text = ""
        let sink = PrintingSink(printer) { text += $0 }
        sink.begin(columns)
        for chunk in chunks { sink.add(chunk) }
        sink.end()
        return text
    }

    /// The text the way it was made before: one `Value` and one `String` per cell, row by row.
    static func rowByRow(_ printer: ResultPrinter, _ columns: [PlanColumn], _ chunks: [Chunk]) -> String {
        var text = printer.opening(columns)
        var index = 0
        for chunk in chunks {
            for row in 0..<chunk.count {
                text += printer.line(chunk, row, index: index, columns: columns, labels: [])
                index += 1
            }
        }
        return text + printer.closing(count: index)
    }
}
