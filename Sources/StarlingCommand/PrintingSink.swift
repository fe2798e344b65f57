/// A result printed as it streams: each chunk's rows written out as they arrive.

import StarlingColumns
import StarlingExecution
import StarlingInterchange

/// Prints a query's rows as the executor hands them over, in one of the ``ResultFormat``s. Every
/// format but the table writes each chunk as it comes, so `starling sql … | head` stops the query
/// early and a result larger than memory can be written. The table format needs its column
/// widths first: it keeps every row, or, with ``ResultPrinter/maxRows`` set, only the first and
/// last halves of that many and a count of the rest.
final class PrintingSink: ResultSink {
    let printer: ResultPrinter
    let emit: (String) -> Void
    /// Called once, before the first text of each result (the shell stops its progress line).
    var onFirstOutput: (() -> Void)?
    private(set) var columns: [PlanColumn] = []
    /// The printer's per-result column labels (the `line` format's aligned names).
    private var labels: [String] = []
    /// Rows of the current result so far.
    private(set) var rowCount = 0
    /// Rows of every result so far (the shell's timer line).
    private(set) var totalRows = 0
    private var started = false
    /// Whether an earlier result printed any text: the next one is set apart by a blank line in
    /// the CSV, TSV, Markdown and line formats, so that each stays a table of its own.
    private var printedEarlier = false
    private var printedThis = false
    /// The current result's writer for the CSV, TSV, JSON, NDJSON and Markdown formats (nil for
    /// the others, which print row by row or as a table).
    private var writer: DelimitedWriter?
    // The table format's kept rows: the head, and a tail of recent chunks.
    private var head: [Chunk] = []
    private var headRows = 0
    private var tail: [Chunk] = []
    private var tailRows = 0

    /// Where `emit` keeps its first failed write: the query stops with that error (exit 74).
    let failure: WriteFailure?

    init(_ printer: ResultPrinter, failure: WriteFailure? = nil, emit: @escaping (String) -> Void) {
        self.printer = printer
        self.failure = failure
        self.emit = emit
    }

    func start(_ columns: [PlanColumn]) throws(QueryError) { begin(columns) }

    func write(_ chunk: Chunk) throws(QueryError) -> Bool {
        add(chunk)
        try checkWritten()
        return true
    }

    func finish() throws(QueryError) {
        end()
        try checkWritten()
    }

    /// Throws the first failed write's error, so no result is lost without a word.
    private func checkWritten() throws(QueryError) {
        if let message = failure?.message { throw QueryError(.output, message) }
    }

    func begin(_ columns: [PlanColumn]) {
        self.columns = columns
        printedEarlier = printedEarlier || printedThis
        printedThis = false
        labels = printer.labels(columns)
        writer = printer.delimitedWriter(columns)
        rowCount = 0
        started = false
        head = []
        headRows = 0
        tail = []
        tailRows = 0
    }

    func add(_ rows: Chunk) {
        guard rows.count > 0 else { return }
        defer {
            rowCount += rows.count
            totalRows += rows.count
        }
        guard printer.format != .table else {
            keep(rows)
            return
        }
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + ResultPrinter.batchRows)
            let opening = rowCount == 0 && start == 0 ? printer.opening(columns) : ""
            output(piece(rows, start..<end, opening: opening))
            start = end
        }
    }

    /// The text of rows `range` of `rows` after `opening`: rendered a column at a time by the
    /// result's ``DelimitedWriter``, or row by row by the printer (the line format).
    private func piece(_ rows: Chunk, _ range: Range<Int>, opening: String) -> String {
        if writer != nil {
            return writer?.render(rows, range, firstIndex: rowCount + range.lowerBound, prefix: opening) ?? ""
        }
        var text = opening
        for row in range { text += printer.line(rows, row, index: rowCount + row, columns: columns, labels: labels) }
        return text
    }

    func end() {
        if printer.format == .table {
            let kept = head + tail
            let types = columns.map(\.type)
            let rows =
                kept.isEmpty
                ? Chunk(columns: types.map { Vector(type: $0, values: []) }, count: 0)
                : Chunk.concatenate(kept, types: types)
            let shown = printer.showingNullText(rows, columns: columns)
            output(printer.box(columns: columns, rows: shown, totalRows: rowCount))
            return
        }
        var text = rowCount == 0 ? printer.opening(columns) : ""
        text += printer.closing(count: rowCount)
        output(text)
    }

    private func output(_ text: String) {
        if !started {
            started = true
            onFirstOutput?()
        }
        guard !text.isEmpty else { return }
        if !printedThis && printedEarlier && printer.separatesResults { emit("\n") }
        printedThis = true
        emit(text)
    }

    /// Keeps what the table will show: every row, or the first and last halves of `maxRows`.
    private func keep(_ rows: Chunk) {
        guard let maxRows = printer.maxRows, maxRows > 0 else {
            head.append(rows)
            headRows += rows.count
            return
        }
        let headLimit = (maxRows + 1) / 2
        let tailLimit = maxRows / 2
        var rest = rows
        if headRows < headLimit {
            let take = min(headLimit - headRows, rest.count)
            head.append(rest.gather((0..<take).map { Int32($0) }))
            headRows += take
            guard take < rest.count else { return }
            rest = rest.gather((take..<rest.count).map { Int32($0) })
        }
        guard tailLimit > 0 else { return }
        tail.append(rest)
        tailRows += rest.count
        // Drop whole chunks, then rows, beyond the last `tailLimit`.
        while tailRows - tail[0].count >= tailLimit { tailRows -= tail.removeFirst().count }
        if tailRows > tailLimit {
            let extra = tailRows - tailLimit
            let first = tail[0]
            tail[0] = first.gather((extra..<first.count).map { Int32($0) })
            tailRows = tailLimit
        }
    }
}
