/// A run of input rows, laid out for conversion: every field's bytes, owned by the batch.

/// Rows read from one file. Row `r`'s fields are `records.fields[records.recordFieldStart[r] + i]`,
/// and table column `c` is field `fieldForColumn[c]` of each row (or NULL when that is -1). The
/// batch owns the bytes its fields point into (`text`, and `records.unescaped` for quoted fields
/// with escapes), so it can be converted on any thread while the reader goes on.
///
/// A CSV batch may come untokenized (``untokenized`` is set): its text is whole records with no
/// quote, so the reader could cut it at a newline without splitting it into fields. The worker
/// that converts it finds its records first (``tokenize()``, into ``quoteFreeRecords``) and
/// splits them into fields as it converts them. Line numbers are counted from the batch's own
/// start; the loader, which sees batches in file order, sets ``firstLine``.
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
    /// Read from NDJSON: plain fields are JSON numbers and literals, strings are quoted.
    var isJSON = false
    /// Rows rejected for their shape (wrong field count), with the text to show.
    var problems: [Int: (reason: String, value: String)] = [:]
    /// Lines of the file between the previous batch's text and this one's (a block that held no
    /// rows, such as a header alone).
    var linesBefore = 0
    /// Newlines within this batch's text (its records' line numbers count from 1 at its start).
    var lineCount = 0
    /// The file's line number of the batch's first line; the loader sets it in file order.
    var firstLine = 1
    /// What a worker needs to tokenize the batch, while it is still untokenized.
    var untokenized: Untokenized?
    /// A batch of quote-free records, once found: `records` then has each record's line and
    /// offset but no field spans, which the converter takes from these.
    var quoteFreeRecords: QuoteFreeRecords?

    /// An untokenized CSV batch: `text[0..<length]` is whole records without a quote or escape
    /// character, starting at byte `offset` of the input.
    struct Untokenized {
        var delimiter: UInt8
        var length: Int
        var offset: Int
        /// Fields each record must have.
        var expectedFields: Int
        /// Records to reserve room for (the reader's estimate from earlier blocks).
        var reserveRecords: Int
    }

    init(file: String, columnCount: Int) {
        self.file = file
        self.columnCount = columnCount
    }

    /// Data rows.
    var rowCount: Int { records.count - firstRecord }

    /// The line and byte offset of data row `row`.
    func line(_ row: Int) -> Int { firstLine - 1 + records.lineNumbers[firstRecord + row] }
    func offset(_ row: Int) -> Int { records.byteOffsets[firstRecord + row] }

    /// Finds the records of an untokenized batch (on the worker that converts it); does nothing
    /// otherwise.
    func tokenize() {
        guard let pending = untokenized else { return }
        untokenized = nil
        var records = CSVRecords()
        records.reserve(records: pending.reserveRecords, fields: 0)
        var found = QuoteFreeRecords(delimiter: pending.delimiter, expectedFields: pending.expectedFields)
        found.bounds.reserveCapacity(pending.reserveRecords)
        lineCount = text.withUnsafeBytes { bytes in
            found.find(in: UnsafeRawBufferPointer(rebasing: bytes[0..<pending.length]), firstOffset: pending.offset, into: &records)
        }
        self.records = records
        quoteFreeRecords = found
    }

    /// Rejects data records whose field count is not `expected` (dbgen's trailing delimiter, one
    /// extra empty unquoted field, is allowed).
    func checkFieldCounts(expected: Int) {
        for record in firstRecord..<records.count where records.problems[record] == nil {
            let count = records.fieldCount(record)
            if count == expected { continue }
            let start = records.recordFieldStart[record]
            if count == expected + 1, records.fields[start + expected].kind == .plain, records.fields[start + expected].start == records.fields[start + expected].end {
                continue
            }
            let from = Int(records.fields[start].start), to = max(from, Int(records.fields[start + count - 1].end))
            let shown = records.fields[start].kind == .unescaped ? "" : String(decoding: text[from..<min(to, text.count)], as: UTF8.self)
            problems[record - firstRecord] = ("expected \(expected) fields, found \(count)", shown)
        }
    }
}
