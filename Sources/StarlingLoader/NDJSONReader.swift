/// Reads newline-delimited JSON: one object per line, nested objects by dotted path.

import StarlingColumns
import StarlingStorage

/// Streams one NDJSON file into batches, one block (a few MB) per batch. Fields map to columns by
/// name (case-insensitive); `{"address": {"city": …}}` fills a column named `address.city`; an
/// array, or an object no column names by path, fills a column of its own name with its JSON text;
/// fields missing from a row are NULL; fields no column names are counted. A string equal to one
/// of `--null`'s texts is NULL (JSON's own `null` always is).
final class NDJSONReader: BatchReader {
    let path: String
    let table: CatalogTable
    let stream: ExtractStream
    /// The texts `--null` gave (none by default: JSON has `null`).
    let nullStrings: NullStrings?
    private var buffer: [UInt8] = []
    private var offset = 0
    /// Lines of blocks that gave no batch (blank lines alone), owed to the next batch.
    private var skippedLines = 0
    private var more = true
    private var parser: JSONRowParser
    var provided: Set<Int> { parser.provided }
    var unknownFields: [String: Int] { parser.unknownFields }
    var fileBytesRead: Int { stream.reader.position }

    /// With `parquet`, the file is a Parquet file, read as NDJSON rows (``ParquetRows``).
    init(path: String, table: CatalogTable, options: LoadOptions, hashContent: Bool = false, parquet: Bool = false)
        throws(LoadError)
    {
        self.path = path
        self.table = table
        stream = try ExtractStream(
            path: path, encoding: options.encoding, blockSize: options.blockSize,
            maxLineBytes: options.maxLineBytes, hashContent: hashContent,
            parquetColumns: parquet ? table.columns.map(\.name) : nil)
        var columnByName: [String: Int] = [:]
        for (index, column) in table.columns.enumerated() { columnByName[column.name.lowercased()] = index }
        parser = JSONRowParser(columnByName: columnByName, columnCount: table.columns.count)
        nullStrings = options.nullStrings.map { NullStrings($0.map { Array($0.utf8) }) }
    }

    func next() throws(LoadError) -> FieldBatch? {
        while more || !buffer.isEmpty {
            // No record may run past the limit: checked before the buffer is scanned again.
            if more { more = try stream.appendNext(to: &buffer, recordStart: offset) }
            let text = buffer
            let batch = FieldBatch(file: path, columnCount: table.columns.count)
            batch.isJSON = true
            let columnCount = table.columns.count
            let nullStrings = self.nullStrings
            batch.fieldForColumn = Array(0..<columnCount)
            var records = CSVRecords()
            var consumed = 0
            // Line numbers count from the batch's start; the loader adds where it starts.
            var line = 1
            text.withUnsafeBytes { bytes in
                var start = 0
                while start < bytes.count {
                    var end = start
                    while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                    if end == bytes.count, more { break }
                    var lineEnd = end
                    if lineEnd > start, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                    let lineBytes = UnsafeRawBufferPointer(rebasing: bytes[start..<lineEnd])
                    if !lineBytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                        records.lineNumbers.append(line)
                        records.byteOffsets.append(offset + start)
                        records.problems.append(nil)
                        if let problem = parser.parse(lineBytes) {
                            batch.problems[records.lineNumbers.count - 1] = (
                                problem, String(decoding: lineBytes.prefix(200), as: UTF8.self)
                            )
                            for _ in 0..<columnCount {
                                records.fields.append(CSVRecords.FieldSpan(start: 0, end: 0, kind: .null))
                            }
                        } else {
                            let extraBase = records.unescaped.count
                            records.unescaped.append(contentsOf: parser.scratch)
                            for column in 0..<columnCount {
                                let slot = parser.slots[column]
                                let base = slot.source == .line ? start : extraBase
                                var kind: CSVRecords.FieldKind
                                switch slot.kind {
                                case .null: kind = .null
                                case .plain: kind = .plain
                                case .quoted: kind = slot.source == .line ? .quoted : .unescaped
                                }
                                if let nullStrings, kind == .quoted || kind == .unescaped,
                                    parser.stringMatches(nullStrings, slot, line: lineBytes)
                                {
                                    kind = .null
                                }
                                records.fields.append(
                                    CSVRecords.FieldSpan(start: base + slot.start, end: base + slot.end, kind: kind))
                            }
                        }
                        records.recordFieldStart.append(records.fields.count)
                    }
                    line += 1
                    start = end + 1
                    consumed = min(start, bytes.count)
                }
            }
            batch.records = records
            batch.text = text
            buffer = more && consumed < text.count ? Array(text[consumed...]) : []
            offset += consumed
            if batch.rowCount > 0 {
                batch.linesBefore = skippedLines
                batch.lineCount = line - 1
                skippedLines = 0
                return batch
            }
            skippedLines += line - 1
        }
        return nil
    }
}

/// A JSON parser for one object per line that records, per column, where its value is.
struct JSONRowParser {
    enum Source { case line, scratch }
    struct Slot {
        var kind: FieldValue.Kind = .null
        var source: Source = .line
        var start = 0
        var end = 0
    }

    let columnByName: [String: Int]
    var slots: [Slot]
    var scratch: [UInt8] = []
    var provided = Set<Int>()
    var unknownFields: [String: Int] = [:]
    private var bytes = UnsafeRawBufferPointer(start: nil, count: 0)
    private var index = 0
    private var failure: String?
    /// Nesting of the object being parsed; deeper input is rejected rather than recursed into.
    private var depth = 0
    static let maximumDepth = 64

    init(columnByName: [String: Int], columnCount: Int) {
        self.columnByName = columnByName
        slots = [Slot](repeating: Slot(), count: columnCount)
    }

    /// Whether the string value in `slot` (of `line`, or of ``scratch`` once unescaped) is one
    /// of `nullStrings`.
    func stringMatches(_ nullStrings: NullStrings, _ slot: Slot, line: UnsafeRawBufferPointer) -> Bool {
        switch slot.source {
        case .line:
            guard slot.start >= 0, slot.start <= slot.end, slot.end <= line.count else { return false }
            return nullStrings.matches(UnsafeRawBufferPointer(rebasing: line[slot.start..<slot.end]))
        case .scratch:
            guard slot.start >= 0, slot.start <= slot.end, slot.end <= scratch.count else { return false }
            return scratch.withUnsafeBytes { bytes in
                nullStrings.matches(UnsafeRawBufferPointer(rebasing: bytes[slot.start..<slot.end]))
            }
        }
    }

    /// Parses a line; returns the problem, or nil when the slots are filled.
    mutating func parse(_ line: UnsafeRawBufferPointer) -> String? {
        for index in slots.indices { slots[index].kind = .null }
        scratch.removeAll(keepingCapacity: true)
        bytes = line
        index = 0
        failure = nil
        depth = 0
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else {
            if index < bytes.count, bytes[index] == UInt8(ascii: "[") {
                return "a JSON array, not an object: only NDJSON, one object per line, is read "
                    + "(jq -c '.[]' turns an array into NDJSON)"
            }
            return "not a JSON object"
        }
        parseObject(prefix: "")
        if let failure {
            // `{` alone on its line: pretty-printed JSON, an object over several lines.
            if line.allSatisfy({ $0 == UInt8(ascii: "{") || $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                return "an object that goes on over several lines: only NDJSON, one object per line, is read "
                    + "(jq -c . rewrites a file that way)"
            }
            return failure
        }
        skipSpace()
        if index != bytes.count { return "unexpected text after the object at column \(index + 1)" }
        return nil
    }

    private mutating func fail(_ message: String) {
        if failure == nil { failure = "invalid JSON: \(message) at column \(index + 1)" }
    }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
    }

    /// Parses an object at `index`, recording its fields under `prefix`.
    private mutating func parseObject(prefix: String) {
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        while failure == nil {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                fail("expected a field name")
                return
            }
            guard let (keyStart, keyEnd, keySource) = parseString() else { return }
            let keyBytes: [UInt8] =
                keySource == .line ? Array(bytes[keyStart..<keyEnd]) : Array(scratch[keyStart..<keyEnd])
            let key = prefix + String(decoding: keyBytes, as: UTF8.self)
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                fail("expected \":\"")
                return
            }
            index += 1
            skipSpace()
            parseValue(name: key)
            skipSpace()
            guard index < bytes.count else {
                fail("unterminated object")
                return
            }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            fail("expected \",\" or \"}\"")
            return
        }
    }

    private mutating func record(_ name: String, kind: FieldValue.Kind, source: Source, start: Int, end: Int) {
        guard let column = columnByName[name.lowercased()] else {
            unknownFields[name, default: 0] += 1
            return
        }
        provided.insert(column)
        slots[column] = Slot(kind: kind, source: source, start: start, end: end)
    }

    private mutating func parseValue(name: String) {
        guard index < bytes.count else {
            fail("missing value")
            return
        }
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "\""):
            guard let (start, end, source) = parseString() else { return }
            record(name, kind: .quoted, source: source, start: start, end: end)
        case UInt8(ascii: "{"):
            // A column named for the whole object takes its JSON text; otherwise descend.
            if columnByName[name.lowercased()] != nil {
                let start = index
                skipComposite()
                record(name, kind: .quoted, source: .line, start: start, end: index)
            } else {
                guard depth < Self.maximumDepth else {
                    fail("objects nested deeper than \(Self.maximumDepth) levels")
                    return
                }
                depth += 1
                parseObject(prefix: name + ".")
                depth -= 1
            }
        case UInt8(ascii: "["):
            let start = index
            skipComposite()
            record(name, kind: .quoted, source: .line, start: start, end: index)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "a"), bytes[index] <= UInt8(ascii: "z") {
                index += 1
            }
            let word = String(decoding: bytes[start..<index], as: UTF8.self)
            switch word {
            case "true", "false": record(name, kind: .plain, source: .line, start: start, end: index)
            case "null":
                // A later null overrides an earlier value of the same key, as a later value does.
                if let column = columnByName[name.lowercased()] {
                    provided.insert(column)
                    slots[column].kind = .null
                } else {
                    unknownFields[name, default: 0] += 1
                }
            default: fail("unexpected \"\(word)\"")
            }
        default:
            let start = index
            while index < bytes.count,
                (bytes[index] >= 48 && bytes[index] <= 57) || bytes[index] == 45 || bytes[index] == 43
                    || bytes[index] == 46 || bytes[index] == 101 || bytes[index] == 69
            { index += 1 }
            guard index > start else {
                fail("unexpected character")
                return
            }
            record(name, kind: .plain, source: .line, start: start, end: index)
        }
    }

    /// Skips an array or object (strings inside may hold brackets).
    private mutating func skipComposite() {
        var depth = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                _ = parseString()
                if failure != nil { return }
                continue
            }
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
            if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 {
                    index += 1
                    return
                }
            }
            index += 1
        }
        fail("unterminated array or object")
    }

    /// Parses a string at `index` (the opening quote); returns its content's range, in the line
    /// when it has no escapes, else in `scratch`.
    private mutating func parseString() -> (Int, Int, Source)? {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return (start, index - 1, .line)
            }
            if byte == UInt8(ascii: "\\") { break }
            index += 1
        }
        guard index < bytes.count else {
            fail("unterminated string")
            return nil
        }
        // Escapes: copy into scratch.
        let scratchStart = scratch.count
        scratch.append(contentsOf: bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return (scratchStart, scratch.count, .scratch)
            }
            if byte != UInt8(ascii: "\\") {
                scratch.append(byte)
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { break }
            let escaped = bytes[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "\""): scratch.append(escaped)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else {
                    fail("bad \\u escape")
                    return nil
                }
                if scalar >= 0xD800, scalar < 0xDC00, index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                {
                    index += 2
                    guard let low = hex4(), low >= 0xDC00, low < 0xE000 else {
                        fail("bad surrogate pair")
                        return nil
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else {
                    fail("invalid code point")
                    return nil
                }
                scratch.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                fail("bad escape")
                return nil
            }
        }
        fail("unterminated string")
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 65...70: digit = UInt32(byte - 55)
            case 97...102: digit = UInt32(byte - 87)
            default: return nil
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
