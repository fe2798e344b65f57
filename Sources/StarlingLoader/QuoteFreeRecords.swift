/// The records of a block with no quote: found by their newlines, split into fields a tile at a time.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of whole records without a quote or escape character (see ``FieldBatch``) needs no
/// tokenizer state: a record is a line, a field ends at a delimiter. So a worker finds the
/// records first, by their newlines alone (one mask per word), and splits them into fields only
/// when it converts them, a tile of rows at a time, writing each wanted field's span straight into
/// the tile the columns are converted from. No record-major span array is written, read back
/// and transposed, and the record's bytes are still in cache when its fields are converted.
///
/// The records and fields are exactly those ``CSVTokenizer`` finds in the same text: a line
/// ends at LF, a carriage return before it (or before the end of the input) is not data, and a
/// line with nothing else is no record.
struct QuoteFreeRecords {
    /// Per record: its bytes in the batch's text, without the line end.
    var bounds: [CSVRecords.FieldSpan] = []
    let delimiter: UInt8
    /// Fields each record must have (one more, empty, is dbgen's trailing delimiter).
    let expectedFields: Int

    /// Finds the records of `text` (whole records: it ends at a newline or ends the input), and
    /// appends each one's line (counted from 1 at the text's start) and byte offset to `records`.
    /// - Returns: the number of newlines in `text`.
    mutating func find(in text: UnsafeRawBufferPointer, firstOffset: Int, into records: inout CSVRecords) -> Int {
        let count = text.count
        guard count > 0, let base = text.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        let firstRecord = bounds.count
        var line = 1
        var recordStart = 0
        // Each newline by the C library's vectorised search; a record is appended with its line.
        // Byte offsets and (empty) problems are filled in one go afterwards.
        @inline(__always)
        func endRecord(at end: Int) {
            var recordEnd = end
            if recordEnd > recordStart, base[recordEnd - 1] == CSVTokenizer.carriageReturn { recordEnd -= 1 }
            guard recordEnd > recordStart else { return }  // a blank line is not a record
            bounds.append(CSVRecords.FieldSpan(start: recordStart, end: recordEnd, kind: .plain))
            records.lineNumbers.append(line)
        }
        while recordStart < count,
              let found = memchr(base + recordStart, Int32(CSVTokenizer.newline), count - recordStart) {
            let at = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            endRecord(at: at)
            line += 1
            recordStart = at + 1
        }
        // A last record without a newline ends the input.
        if recordStart < count { endRecord(at: count) }
        let found = bounds.count - firstRecord
        records.byteOffsets.reserveCapacity(records.byteOffsets.count + found)
        for record in firstRecord..<bounds.count { records.byteOffsets.append(firstOffset + Int(bounds[record].start)) }
        records.problems.append(contentsOf: repeatElement(nil, count: found))
        return line - 1
    }

    /// Splits records `records` at their delimiters into `tile`: field `f` of the records' row `r`
    /// goes to `tile[slotOfField[f] * tileRows + r]` when `slotOfField[f]` ≥ 0, and a wanted field
    /// a record lacks gets a `.null` span. A record with the wrong number of fields is reported to
    /// `malformed` (its row, its text, the reason) before anything else of it is used.
    func split(_ text: UnsafeRawBufferPointer, records: Range<Int>, slotOfField: [Int], wanted: [Int], tileRows: Int,
               into tile: UnsafeMutableBufferPointer<CSVRecords.FieldSpan>, malformed: (Int, String, String) -> Void) {
        guard let base = text.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        precondition(records.count <= tileRows && wanted.count * tileRows <= tile.count, "tile too small")
        let delimiters = CSVTokenizer.pattern(delimiter)
        let missing = CSVRecords.FieldSpan(start: 0, end: 0, kind: .null)
        let expected = expectedFields
        let textCount = text.count
        bounds.withUnsafeBufferPointer { bounds in
            slotOfField.withUnsafeBufferPointer { slotOfField in
                precondition(records.upperBound <= bounds.count && bounds[records].allSatisfy { Int($0.end) <= text.count }, "records outside the text")
                for record in records {
                    let row = record &- records.lowerBound
                    let end = Int(bounds[record].end)
                    var fieldStart = Int(bounds[record].start)
                    var field = 0
                    @inline(__always)
                    func endField(at fieldEnd: Int) {
                        if field < slotOfField.count, slotOfField[field] >= 0 {
                            tile[slotOfField[field] &* tileRows &+ row] = CSVRecords.FieldSpan(start: fieldStart, end: fieldEnd, kind: .plain)
                        }
                        field &+= 1
                        fieldStart = fieldEnd &+ 1
                    }
                    var position = fieldStart
                    while position &+ 8 <= end {
                        let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                        var found = CSVTokenizer.zeroBytes(word ^ delimiters)
                        while found != 0 {
                            endField(at: position &+ found.trailingZeroBitCount >> 3)
                            found &= found &- 1
                        }
                        position &+= 8
                    }
                    if position < end, position &+ 8 <= textCount {
                        // The record's last few bytes: one load that reaches past its end (into
                        // the line end and the next record, still inside the text), with the
                        // delimiters found beyond the end masked off.
                        let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                        var found = CSVTokenizer.zeroBytes(word ^ delimiters) & ((1 &<< UInt64((end &- position) &* 8)) &- 1)
                        while found != 0 {
                            endField(at: position &+ found.trailingZeroBitCount >> 3)
                            found &= found &- 1
                        }
                        position = end
                    }
                    while position < end {
                        if base[position] == delimiter { endField(at: position) }
                        position &+= 1
                    }
                    let lastStart = fieldStart
                    endField(at: end)
                    // Wanted fields past the record's last.
                    for wantedField in wanted.reversed() {
                        guard wantedField >= field else { break }
                        tile[slotOfField[wantedField] &* tileRows &+ row] = missing
                    }
                    if field != expected, !(field == expected &+ 1 && lastStart == end) {
                        let start = Int(bounds[record].start)
                        malformed(record, String(decoding: UnsafeRawBufferPointer(rebasing: text[start..<end]), as: UTF8.self),
                                  "expected \(expected) fields, found \(field)")
                    }
                }
            }
        }
    }
}
