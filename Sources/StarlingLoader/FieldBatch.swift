/// A run of input rows, laid out for conversion: every cell's bytes, owned by the batch.

/// Rows read from one file, each with one cell per table column. The batch owns the bytes its
/// cells point into (`text`, and `extra` for unescaped strings), so it can be converted on any
/// thread while the reader goes on.
final class FieldBatch: @unchecked Sendable {
    enum CellKind: UInt8 {
        case null = 0
        /// Unquoted CSV text, or a JSON number or boolean.
        case plain = 1
        /// Quoted CSV text or a JSON string, in `text`.
        case quoted = 2
        /// Quoted text with escapes resolved, in `extra`.
        case quotedExtra = 3
    }

    let file: String
    let columnCount: Int
    var text: [UInt8] = []
    var extra: [UInt8] = []
    private(set) var rowCount = 0
    var lines: [Int] = []
    var offsets: [Int] = []
    /// A reason the row is rejected before conversion (bad shape), with the text to show.
    var problems: [Int: (reason: String, value: String)] = [:]
    /// Row-major cells: row `r`, column `c` at `r * columnCount + c`.
    var starts: [Int] = []
    var ends: [Int] = []
    var kinds: [CellKind] = []

    init(file: String, columnCount: Int, expectedRows: Int = 0) {
        self.file = file
        self.columnCount = columnCount
        starts.reserveCapacity(expectedRows * columnCount)
        ends.reserveCapacity(expectedRows * columnCount)
        kinds.reserveCapacity(expectedRows * columnCount)
    }

    /// Sets every row at once (the fast path of the CSV reader).
    func setRows(lines: [Int], offsets: [Int], starts: [Int], ends: [Int], kinds: [CellKind], problems: [Int: (reason: String, value: String)]) {
        precondition(starts.count == lines.count * columnCount && ends.count == starts.count && kinds.count == starts.count, "cell count mismatch")
        self.lines = lines
        self.offsets = offsets
        self.starts = starts
        self.ends = ends
        self.kinds = kinds
        self.problems = problems
        rowCount = lines.count
    }

    /// Starts a row; the caller then sets its cells with ``setCell(_:start:end:kind:)``.
    func addRow(line: Int, offset: Int) -> Int {
        lines.append(line)
        offsets.append(offset)
        starts.append(contentsOf: repeatElement(0, count: columnCount))
        ends.append(contentsOf: repeatElement(0, count: columnCount))
        kinds.append(contentsOf: repeatElement(.null, count: columnCount))
        rowCount += 1
        return rowCount - 1
    }

    /// Adds a row rejected before conversion.
    func addProblemRow(line: Int, offset: Int, reason: String, value: String) {
        let row = addRow(line: line, offset: offset)
        problems[row] = (reason, value)
    }

    @inline(__always)
    func setCell(row: Int, column: Int, start: Int, end: Int, kind: CellKind) {
        let index = row * columnCount + column
        starts[index] = start
        ends[index] = end
        kinds[index] = kind
    }
}
