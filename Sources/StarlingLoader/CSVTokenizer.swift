/// Splits CSV text into records and fields: RFC 4180 and what real extracts do beyond it.

/// The fields of a run of complete records, as byte ranges into the tokenized buffer (or, for
/// quoted fields with escapes, into ``unescaped``).
struct CSVRecords {
    /// Per record: the index of its first field in the field arrays; one extra entry at the end.
    var recordFieldStart: [Int] = [0]
    /// Per record: the 1-based line number where it starts.
    var lineNumbers: [Int] = []
    /// Per record: the byte offset in the (decompressed) input where it starts.
    var byteOffsets: [Int] = []
    /// Per record: why it is malformed, or `nil`.
    var problems: [String?] = []
    /// How many of `problems` are not `nil`.
    var problemCount = 0
    /// Per field: start and end in the buffer (or in `unescaped` when its kind says so).
    var fields: [FieldSpan] = []
    /// Unescaped copies of quoted fields that contained escapes.
    var unescaped: [UInt8] = []

    /// Where one field's bytes are. Offsets are 32-bit: a block of input is never 2 GiB.
    struct FieldSpan {
        var start: Int32
        var end: Int32
        var kind: FieldKind

        init(start: Int, end: Int, kind: FieldKind) {
            self.start = Int32(truncatingIfNeeded: start)
            self.end = Int32(truncatingIfNeeded: end)
            self.kind = kind
        }
    }

    enum FieldKind: UInt8 {
        /// No value (an NDJSON field that is absent or null).
        case null
        /// Unquoted bytes of the buffer (NULL strings apply).
        case plain
        /// Quoted, no escapes: bytes of the buffer between the quotes.
        case quoted
        /// Quoted with escapes: bytes of `unescaped`.
        case unescaped
    }

    var count: Int { lineNumbers.count }

    mutating func removeAll() {
        recordFieldStart.removeAll(keepingCapacity: true)
        recordFieldStart.append(0)
        lineNumbers.removeAll(keepingCapacity: true)
        byteOffsets.removeAll(keepingCapacity: true)
        problems.removeAll(keepingCapacity: true)
        problemCount = 0
        fields.removeAll(keepingCapacity: true)
        unescaped.removeAll(keepingCapacity: true)
    }

    /// Reserves room for `records` records of `fields` fields in all.
    mutating func reserve(records: Int, fields: Int) {
        recordFieldStart.reserveCapacity(records + 1)
        lineNumbers.reserveCapacity(records)
        byteOffsets.reserveCapacity(records)
        problems.reserveCapacity(records)
        self.fields.reserveCapacity(fields)
    }

    func fieldCount(_ record: Int) -> Int {
        recordFieldStart[record + 1] - recordFieldStart[record]
    }
}

/// A CSV tokenizer that works block by block: it parses every complete record in a buffer and
/// reports where the first incomplete one starts, so the caller can carry it into the next block.
/// Quoted fields may hold delimiters, quotes (doubled, or after the escape character) and newlines;
/// records end at LF or CRLF.
struct CSVTokenizer {
    let delimiter: UInt8
    let quote: UInt8
    let escape: UInt8
    /// Whether records without quote characters take the word-at-a-time path (tests turn it off
    /// to compare it with the general path).
    var quoteFreeFastPath = true

    /// Tokenizes complete records of `buffer[0..<count]`.
    ///
    /// - Parameters:
    ///   - isFinal: the buffer ends the input, so a last record without a newline is complete.
    ///   - firstLine, firstOffset: the line number and input offset of `buffer[0]`.
    /// - Returns: the number of bytes consumed (the rest starts an incomplete record), and the
    ///   number of newlines within the consumed bytes.
    func tokenize(
        _ buffer: UnsafeRawBufferPointer, isFinal: Bool, firstLine: Int, firstOffset: Int, into records: inout CSVRecords
    ) -> (consumed: Int, lines: Int) {
        let count = buffer.count
        guard count > 0, let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return (0, 0) }
        let newline = Self.newline
        let carriageReturn = Self.carriageReturn
        let delimiterPattern = Self.pattern(delimiter)
        let newlinePattern = Self.pattern(newline)
        var position = 0
        var line = firstLine
        var recordStartPosition = 0
        var recordStartLine = line
        var consumed = 0
        var consumedLines = 0

        recordLoop: while position < count {
            recordStartPosition = position
            recordStartLine = line
            // Fast path: a record without the quote character (and, when the escape differs
            // from the quote, without it either) is split at its delimiters eight bytes at a
            // time, every delimiter of a word taken from one mask.
            if quoteFreeFastPath, let end = quoteFreeRecordEnd(base, from: position, count: count, isFinal: isFinal) {
                let fieldMark = records.fields.count
                splitQuoteFree(base, from: position, to: end, into: &records)
                let fields = records.fields.count - fieldMark
                if fields == 1, records.fields[fieldMark].end == records.fields[fieldMark].start {
                    records.fields.removeLast()  // a blank line is not a record
                } else {
                    append(&records, line: recordStartLine, offset: firstOffset + recordStartPosition, problem: nil)
                }
                if end < count {
                    position = end + 1
                    line += 1
                } else {
                    position = count
                }
                consumed = position
                consumedLines = line - firstLine
                continue recordLoop
            }
            let fieldMark = records.fields.count
            let unescapedMark = records.unescaped.count
            var problem: String?
            fieldLoop: while true {
                // At the start of a field.
                if position < count, base[position] == quote {
                    // Quoted field.
                    position += 1
                    let contentStart = position
                    var hasEscapes = false
                    var closed = false
                    var unescapedStart = -1
                    while position < count {
                        let byte = base[position]
                        if byte == escape && escape != quote && position + 1 < count {
                            if !hasEscapes {
                                hasEscapes = true
                                unescapedStart = records.unescaped.count
                                records.unescaped.append(contentsOf: UnsafeBufferPointer(start: base + contentStart, count: position - contentStart))
                            }
                            records.unescaped.append(base[position + 1])
                            if base[position + 1] == newline { line += 1 }
                            position += 2
                            continue
                        }
                        if byte == quote {
                            if escape == quote, position + 1 < count, base[position + 1] == quote {
                                if !hasEscapes {
                                    hasEscapes = true
                                    unescapedStart = records.unescaped.count
                                    records.unescaped.append(contentsOf: UnsafeBufferPointer(start: base + contentStart, count: position - contentStart))
                                }
                                records.unescaped.append(quote)
                                position += 2
                                continue
                            }
                            if escape == quote, position + 1 >= count, !isFinal {
                                // A quote at the very end of the buffer may be the first of a pair.
                                break
                            }
                            closed = true
                            break
                        }
                        if byte == newline { line += 1 }
                        if hasEscapes { records.unescaped.append(byte) }
                        position += 1
                    }
                    guard closed else {
                        if !isFinal { break recordLoop }
                        // Unclosed quote at the end of the input: the rest is one malformed record.
                        records.fields.removeSubrange(fieldMark...)
                        records.unescaped.removeSubrange(unescapedMark...)
                        append(&records, line: recordStartLine, offset: firstOffset + recordStartPosition, problem: "unclosed quote: the field starting here never ends")
                        position = count
                        consumed = count
                        consumedLines = line - firstLine
                        break recordLoop
                    }
                    if hasEscapes {
                        records.fields.append(CSVRecords.FieldSpan(start: unescapedStart, end: records.unescaped.count, kind: .unescaped))
                    } else {
                        records.fields.append(CSVRecords.FieldSpan(start: contentStart, end: position, kind: .quoted))
                    }
                    position += 1  // the closing quote
                    // After a quoted field: a delimiter, a line end, or the end of input.
                    if position < count, base[position] == carriageReturn, position + 1 < count, base[position + 1] == newline {
                        position += 1
                    }
                    if position >= count {
                        if isFinal { break fieldLoop }
                        break recordLoop
                    }
                    let next = base[position]
                    if next == delimiter {
                        position += 1
                        continue fieldLoop
                    }
                    if next == newline {
                        position += 1
                        line += 1
                        break fieldLoop
                    }
                    // Stray bytes after the closing quote: skip to the end of the line and reject.
                    problem = "unexpected character after a closing quote"
                    while position < count, base[position] != newline { position += 1 }
                    if position >= count, !isFinal { break recordLoop }
                    if position < count { position += 1; line += 1 }
                    break fieldLoop
                }
                // Unquoted field: up to the delimiter or line end.
                let fieldStart = position
                // Eight bytes at a time: a word holds a delimiter or newline when one of its bytes
                // XORed with that byte is zero. The first such byte is found by its bit, and the
                // word itself says which separator it is: no second load.
                var separator: UInt8?
                while position + 8 <= count {
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                    let found = Self.zeroBytes(word ^ delimiterPattern) | Self.zeroBytes(word ^ newlinePattern)
                    if found != 0 {
                        let bit = found.trailingZeroBitCount &- 7
                        position += bit >> 3
                        separator = UInt8(truncatingIfNeeded: word >> UInt64(bit))
                        break
                    }
                    position += 8
                }
                if separator == nil {
                    while position < count {
                        let byte = base[position]
                        if byte == delimiter || byte == newline { separator = byte; break }
                        position += 1
                    }
                }
                if position >= count && !isFinal { break recordLoop }
                var fieldEnd = position
                let atLineEnd = separator == nil || separator == newline
                if atLineEnd, fieldEnd > fieldStart, base[fieldEnd - 1] == carriageReturn { fieldEnd -= 1 }
                records.fields.append(CSVRecords.FieldSpan(start: fieldStart, end: fieldEnd, kind: .plain))
                if position >= count { break fieldLoop }
                position += 1
                if atLineEnd {
                    line += 1
                    break fieldLoop
                }
            }
            // A blank line is not a record.
            let fields = records.fields.count - fieldMark
            if fields == 1, records.fields[fieldMark].kind == .plain, records.fields[fieldMark].end == records.fields[fieldMark].start, problem == nil {
                records.fields.removeLast()
            } else {
                append(&records, line: recordStartLine, offset: firstOffset + recordStartPosition, problem: problem)
            }
            consumed = position
            consumedLines = line - firstLine
        }
        // Roll back the fields of an incomplete trailing record.
        let complete = records.recordFieldStart[records.count]
        if records.fields.count > complete {
            records.fields.removeSubrange(complete...)
        }
        return (consumed, consumedLines)
    }

    /// The end (the newline's position, or `count` for a last record without one when
    /// `isFinal`) of the record starting at `start`, when no quote or escape character comes
    /// before it; nil when one does (the general path handles the record) or when the record is
    /// not complete in the buffer.
    @inline(__always)
    private func quoteFreeRecordEnd(_ base: UnsafePointer<UInt8>, from start: Int, count: Int, isFinal: Bool) -> Int? {
        let newlines = Self.pattern(Self.newline), quotes = Self.pattern(quote), escapes = Self.pattern(escape)
        var position = start
        while position + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            let newline = Self.zeroBytes(word ^ newlines)
            let special = Self.zeroBytes(word ^ quotes) | Self.zeroBytes(word ^ escapes)
            if newline | special != 0 {
                // The first of them decides: a newline ends a quote-free record.
                let first = (newline | special).trailingZeroBitCount
                guard newline & (UInt64(1) << UInt64(first)) != 0 else { return nil }
                return position + first >> 3
            }
            position += 8
        }
        while position < count {
            let byte = base[position]
            if byte == Self.newline { return position }
            if byte == quote || byte == escape { return nil }
            position += 1
        }
        return isFinal ? count : nil
    }

    /// Appends the fields of the quote-free record `base[start..<end]` (`end` is its newline, or
    /// the end of the input): split at every delimiter, a carriage return at the end dropped.
    @inline(__always)
    private func splitQuoteFree(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, into records: inout CSVRecords) {
        let delimiters = Self.pattern(delimiter)
        var fieldStart = start
        var position = start
        while position + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            var found = Self.zeroBytes(word ^ delimiters)
            while found != 0 {
                let at = position + found.trailingZeroBitCount >> 3
                records.fields.append(CSVRecords.FieldSpan(start: fieldStart, end: at, kind: .plain))
                fieldStart = at + 1
                found &= found &- 1
            }
            position += 8
        }
        while position < end {
            if base[position] == delimiter {
                records.fields.append(CSVRecords.FieldSpan(start: fieldStart, end: position, kind: .plain))
                fieldStart = position + 1
            }
            position += 1
        }
        // As in the general path: a carriage return ending the line, or the input, is not data.
        var fieldEnd = end
        if fieldEnd > fieldStart, base[fieldEnd - 1] == Self.carriageReturn { fieldEnd -= 1 }
        records.fields.append(CSVRecords.FieldSpan(start: fieldStart, end: fieldEnd, kind: .plain))
    }

    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D

    /// `byte` in every byte of a word.
    @inline(__always)
    static func pattern(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// The high bit of every zero byte of `word`, and no other bit: exact for every byte (the
    /// shorter borrow trick is exact only for the lowest), so all of a word's hits can be used.
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((word & low) &+ low) | word | low)
    }

    private func append(_ records: inout CSVRecords, line: Int, offset: Int, problem: String?) {
        records.lineNumbers.append(line)
        records.byteOffsets.append(offset)
        records.problems.append(problem)
        if problem != nil { records.problemCount += 1 }
        records.recordFieldStart.append(records.fields.count)
    }
}
