/// A run of input rows, laid out for conversion: every field's bytes, owned by the batch.

/// Rows read from one file. Row `r`'s fields are `records.fields[records.recordFieldStart[r] + i]`,
/// and table column `c` is field `fieldForColumn[c]` of each row (or NULL when that is -1). The
/// batch owns the bytes its fields point into (`text`, and `records.unescaped` for quoted fields
/// with escapes), so it can be converted on any thread while the reader goes on.
final class FieldBatch: @unchecked Sendable {
    let file: String
    let columnCount: Int
    var text: [UInt8] = []
    var records = CSVRecords()
    /// The first row of `records` that is data (1 when the header is in this batch).
    var firstRecord = 0
    /// For each table column, the field of a row that holds it, or -1.
    var fieldForColumn: [Int] = []
    /// Unquoted texts meaning NULL.
    var nullStrings: [[UInt8]] = []
    /// Rows rejected for their shape (wrong field count), with the text to show.
    var problems: [Int: (reason: String, value: String)] = [:]

    init(file: String, columnCount: Int) {
        self.file = file
        self.columnCount = columnCount
    }

    /// Data rows.
    var rowCount: Int { records.count - firstRecord }

    /// The line and byte offset of data row `row`.
    func line(_ row: Int) -> Int { records.lineNumbers[firstRecord + row] }
    func offset(_ row: Int) -> Int { records.byteOffsets[firstRecord + row] }
}
