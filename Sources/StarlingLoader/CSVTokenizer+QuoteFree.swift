/// One pass over a block known to hold no quote: every delimiter and newline of a word at once.

extension CSVTokenizer {
    /// Tokenizes `buffer`, which holds no quote or escape character and ends with a whole record
    /// (at a newline, or at the end of the input), as `tokenize(buffer, isFinal: true, …)` would,
    /// in one pass: each word's delimiters and newlines come from one mask, and field spans are
    /// written straight into room made beforehand (records, few beside fields, are appended).
    ///
    /// - Parameter fieldRoom: the fields to make room for at first (those of the last block, say).
    /// - Returns: the number of newlines in the buffer.
    func tokenizeQuoteFree(_ buffer: UnsafeRawBufferPointer, firstLine: Int, firstOffset: Int, fieldRoom: Int = 0, into records: inout CSVRecords) -> Int {
        let count = buffer.count
        guard count > 0, let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        let delimiter = self.delimiter
        let delimiters = Self.pattern(delimiter), newlines = Self.pattern(Self.newline)
        var line = firstLine
        var position = 0
        var fieldStart = 0
        var recordStart = 0
        var finished = false
        var spans = records.fields
        records.fields = []
        var written = spans.count
        var recordFirstField = records.recordFieldStart.last ?? 0
        // The spans are written into uninitialized room (they are plain values), and a word (at
        // most 8 fields) is taken only with room for it; when room runs out, the loop goes on in more.
        var room = written + max(fieldRoom, 16)
        while !finished {
            let earlier = spans
            spans = [CSVRecords.FieldSpan](unsafeUninitializedCapacity: room) { out, initialized in
                initialized = 0
                guard let outBase = out.baseAddress else { return }
                earlier.withUnsafeBufferPointer { earlier in
                    if let source = earlier.baseAddress { outBase.initialize(from: source, count: earlier.count) }
                }
                defer { initialized = written }
                /// Ends the field at `end` and, at a line end, the record (a blank line is none).
                @inline(__always)
                func endField(at end: Int, lineEnd: Bool) {
                    var fieldEnd = end
                    if lineEnd, fieldEnd > fieldStart, base[fieldEnd - 1] == Self.carriageReturn { fieldEnd -= 1 }
                    if !lineEnd || fieldEnd > fieldStart || written > recordFirstField {
                        (outBase + written).initialize(to: CSVRecords.FieldSpan(start: fieldStart, end: fieldEnd, kind: .plain))
                        written += 1
                        if lineEnd {
                            records.lineNumbers.append(line)
                            records.byteOffsets.append(firstOffset + recordStart)
                            records.problems.append(nil)
                            records.recordFieldStart.append(written)
                            recordFirstField = written
                        }
                    }
                    fieldStart = end + 1
                    if lineEnd {
                        line += 1
                        recordStart = end + 1
                    }
                }
                while position + 8 <= count {
                    guard written + 8 <= out.count else { return }
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                    let lineEnds = Self.zeroBytes(word ^ newlines)
                    var found = Self.zeroBytes(word ^ delimiters) | lineEnds
                    while found != 0 {
                        let bit = found & (0 &- found)
                        endField(at: position + found.trailingZeroBitCount >> 3, lineEnd: lineEnds & bit != 0)
                        found &= found &- 1
                    }
                    position += 8
                }
                // The last few bytes, and a last record without a newline.
                guard written + (count - position) + 1 <= out.count else { return }
                while position < count {
                    let byte = base[position]
                    if byte == delimiter || byte == Self.newline { endField(at: position, lineEnd: byte == Self.newline) }
                    position += 1
                }
                if recordStart < count { endField(at: count, lineEnd: true) }
                finished = true
            }
            room = max(room * 2, written + (count - position) + 64)
        }
        records.fields = spans
        return line - firstLine - (base[count - 1] == Self.newline ? 0 : 1)
    }
}
