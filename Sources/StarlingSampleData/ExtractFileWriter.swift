/// Nightly extract files as source systems deliver them: CSV (any delimiter, optional CRLF line
/// ends and UTF-8 byte-order mark) or NDJSON (nested objects, arrays, fields only some rows have),
/// plain or gzip-compressed, each written to `NAME.partial` and renamed when complete.
///
/// Not tied to one star schema: a generator builds an ``ExtractFile`` row by row, may add a
/// deliberately broken line with ``ExtractFile/appendRawLine(_:)`` or
/// ``ExtractFile/appendCut(_:keeping:)``, may stop the file in the middle of its last line with
/// ``ExtractFile/cutLastRow(afterFields:extraBytes:)``, and writes it with
/// ``ExtractFile/write(into:)``. `gen retail` and `gen portal` both write their files this way.

import StarlingColumns

/// One field value of an extract row.
public indirect enum ExtractValue: Sendable {
    /// NULL: an empty CSV field, `null` in NDJSON.
    case null
    /// Left out: an empty CSV field; in NDJSON the field is not written at all.
    case absent
    case integer(Int)
    /// A fixed-point number, `units` × 10^−`scale` (money: cents with scale 2), written with
    /// exactly `scale` decimals.
    case decimal(units: Int, scale: Int)
    case text(String)
    /// A date as days since 1970-01-01, written `YYYY-MM-DD` (a JSON string in NDJSON).
    case date(Int64)
    /// A local time with its offset from UTC, written `YYYY-MM-DDTHH:MM:SS+HH:MM` (a JSON string
    /// in NDJSON): `day` in days since 1970-01-01, `second` of that day (0–86399).
    case localTimestamp(day: Int64, second: Int, utcOffsetMinutes: Int)
    case boolean(Bool)
    /// Written exactly as given, never quoted or escaped: for dirty rows (a broken quote, an
    /// impossible date) and numbers delivered as JSON strings.
    case raw(String)
    /// A nested object (NDJSON); in CSV, its JSON text.
    case object([(name: String, value: ExtractValue)])
    /// An array (NDJSON); in CSV, its JSON text.
    case array([ExtractValue])
}

extension ExtractValue {
    /// Text quoted without doubling the quotes inside it (`"Ward "5", Pune"`): a broken quote,
    /// which a CSV reader rejects as a character after the closing quote.
    public static func brokenQuote(_ text: String) -> ExtractValue {
        .raw("\"" + text + "\"")
    }

    /// Ways a source system writes a date wrongly, each refused by an ISO `YYYY-MM-DD` reader.
    public enum MalformedDate: Int, Sendable, CaseIterable {
        /// `01/03/2025`.
        case dayMonthYear
        /// `2025-03-00`.
        case dayZero
        /// `20250301`.
        case compact
        /// `2025-02-30`: a day February never has.
        case february30
    }

    /// `day` (days since 1970-01-01) written the wrong way `style` says, as text (a JSON string in
    /// NDJSON).
    public static func malformedDate(_ day: Int64, _ style: MalformedDate) -> ExtractValue {
        let date = CalendarDate(daysSinceEpoch: day)
        let year = zeroPadded(date.year, width: 4), month = zeroPadded(date.month, width: 2)
        switch style {
        case .dayMonthYear: return .text(zeroPadded(date.day, width: 2) + "/" + month + "/" + year)
        case .dayZero: return .text(year + "-" + month + "-00")
        case .compact: return .text(year + month + zeroPadded(date.day, width: 2))
        case .february30: return .text(year + "-02-30")
        }
    }

    /// `value` in decimal, zero-padded to `width` digits.
    static func zeroPadded(_ value: Int, width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// How an extract file lays out its rows.
public enum ExtractLayout: Sendable {
    /// A header row, then one record per line; fields holding the delimiter, a quote or a line
    /// break are quoted (RFC 4180, quotes doubled).
    case csv(delimiter: UInt8 = UInt8(ascii: ","), crlf: Bool = false, byteOrderMark: Bool = false)
    /// One JSON object per line, fields in column order.
    case ndjson
}

/// What was written for one extract file.
public struct ExtractFileReport: Sendable {
    /// The file's path as written.
    public let path: String
    /// Data rows (raw lines included, the header not).
    public let rows: Int
    /// Bytes on disk (compressed size for gzip).
    public let bytes: Int
}

/// One extract file being built in memory, row by row, then written at once.
public struct ExtractFile: Sendable {
    /// The file name, with its extension (`fact_sales.csv.gz`).
    public let name: String
    public let layout: ExtractLayout
    /// Whether the file is gzip-compressed when written.
    public let gzip: Bool
    /// The column (field) names, in order.
    public let columns: [String]
    /// Data rows so far.
    public private(set) var rows = 0
    /// The 1-based line the next row starts on (the CSV header is line 1).
    public var nextLine: Int { rows + headerLines + 1 }
    private var text: [UInt8] = []
    /// Where the last row starts in `text`.
    private var lastRowStart = 0
    private let headerLines: Int
    private let lineEnd: [UInt8]

    /// An empty file; a CSV file starts with its byte-order mark (if asked) and header row.
    public init(name: String, layout: ExtractLayout, gzip: Bool = false, columns: [String]) {
        self.name = name
        self.layout = layout
        self.gzip = gzip
        self.columns = columns
        switch layout {
        case .csv(_, let crlf, let byteOrderMark):
            lineEnd = crlf ? [13, 10] : [10]
            headerLines = 1
            if byteOrderMark { text += [0xEF, 0xBB, 0xBF] }
            appendCSV(columns.map { .text($0) })
        case .ndjson:
            lineEnd = [10]
            headerLines = 0
        }
    }

    /// Appends one row: `values[i]` is column `i`'s value.
    public mutating func append(_ values: [ExtractValue]) {
        lastRowStart = text.count
        switch layout {
        case .csv:
            appendCSV(values)
        case .ndjson:
            var members: [(name: String, value: ExtractValue)] = []
            for (index, value) in values.enumerated() where index < columns.count {
                members.append((columns[index], value))
            }
            Self.appendJSON(.object(members), to: &text)
            text += lineEnd
        }
        rows += 1
    }

    /// Appends `line` exactly as given, then a line end: a deliberately broken record.
    public mutating func appendRawLine(_ line: String) {
        lastRowStart = text.count
        text += Array(line.utf8)
        text += lineEnd
        rows += 1
    }

    /// Appends the row `values` cut short after the first `fraction` (0…1) of its characters,
    /// then a line end: a line broken in the middle (in NDJSON, an object that never closes).
    public mutating func appendCut(_ values: [ExtractValue], keeping fraction: Double) {
        var whole = self
        whole.text = []
        whole.append(values)
        let line = String(decoding: whole.text.dropLast(lineEnd.count), as: UTF8.self)
        appendRawLine(String(line.prefix(Int(Double(line.count) * fraction))))
    }

    /// Cuts the last row short, as an export that stopped in the middle of a line: it keeps the
    /// row's first `fields` fields, the delimiter after them and `extraBytes` more bytes, and no
    /// line end. The row still counts in ``rows``; nothing should be appended after it.
    public mutating func cutLastRow(afterFields fields: Int, extraBytes: Int = 3) {
        guard rows > 0, text.count >= lastRowStart + lineEnd.count else { return }
        text.removeLast(lineEnd.count)
        let delimiter: UInt8
        if case .csv(let csvDelimiter, _, _) = layout { delimiter = csvDelimiter } else { delimiter = UInt8(ascii: ",") }
        var index = lastRowStart, delimiters = 0, quoted = false
        while index < text.count {
            if text[index] == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted, text[index] == delimiter {
                delimiters += 1
                if delimiters == fields { break }
            }
            index += 1
        }
        text.removeSubrange(min(text.count, index + 1 + extraBytes)...)
    }

    /// The file's text, uncompressed.
    public var uncompressedBytes: [UInt8] { text }

    /// Writes the file into `directory` (which must exist) as `name`, through `name.partial`.
    public func write(into directory: String) throws(SampleDataError) -> ExtractFileReport {
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + name
        let written = try BlockFileWriter.writeWhole(gzip ? try BlockFileWriter.gzip(text) : text, to: path)
        return ExtractFileReport(path: path, rows: rows, bytes: written)
    }

    /// Writes `text` as the file `name` in `directory` (a README beside the extracts).
    public static func writeText(_ text: String, name: String, into directory: String) throws(SampleDataError) -> ExtractFileReport {
        var file = ExtractFile(name: name, layout: .ndjson, columns: [])
        file.text = Array(text.utf8)
        file.rows = text.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
        return try file.write(into: directory)
    }

    // MARK: CSV

    private mutating func appendCSV(_ values: [ExtractValue]) {
        guard case .csv(let delimiter, _, _) = layout else { return }
        for (index, value) in values.enumerated() {
            if index > 0 { text.append(delimiter) }
            switch value {
            case .null, .absent:
                break
            case .raw(let raw):
                text += Array(raw.utf8)
            case .text(let string):
                Self.appendQuotedIfNeeded(Array(string.utf8), delimiter: delimiter, to: &text)
            case .object, .array:
                var json: [UInt8] = []
                Self.appendJSON(value, to: &json)
                Self.appendQuotedIfNeeded(json, delimiter: delimiter, to: &text)
            default:
                Self.appendScalar(value, to: &text)
            }
        }
        text += lineEnd
    }

    private static func appendQuotedIfNeeded(_ field: [UInt8], delimiter: UInt8, to text: inout [UInt8]) {
        let quote = UInt8(ascii: "\"")
        guard field.contains(where: { $0 == delimiter || $0 == quote || $0 == 10 || $0 == 13 }) else {
            text += field
            return
        }
        text.append(quote)
        for byte in field {
            if byte == quote { text.append(quote) }
            text.append(byte)
        }
        text.append(quote)
    }

    /// Integers, decimals, dates and booleans, unquoted (dates are quoted by the JSON writer).
    private static func appendScalar(_ value: ExtractValue, to text: inout [UInt8]) {
        switch value {
        case .integer(let number):
            text += Array(String(number).utf8)
        case .decimal(let units, let scale):
            text += Array(formatDecimal(units: units, scale: scale).utf8)
        case .date(let days):
            text += Array(CalendarDate(daysSinceEpoch: days).description.utf8)
        case .localTimestamp(let day, let second, let offset):
            text += Array(formatLocalTimestamp(day: day, second: second, utcOffsetMinutes: offset).utf8)
        case .boolean(let flag):
            text += Array((flag ? "true" : "false").utf8)
        default:
            break
        }
    }

    /// `units` × 10^−`scale` with exactly `scale` decimals (`1999, 2` → `19.99`).
    public static func formatDecimal(units: Int, scale: Int) -> String {
        guard scale > 0 else { return String(units) }
        let magnitude = units.magnitude
        var divisor: UInt = 1
        for _ in 0..<scale { divisor *= 10 }
        let fraction = String(magnitude % divisor)
        let padded = String(repeating: "0", count: max(0, scale - fraction.count)) + fraction
        return (units < 0 ? "-" : "") + String(magnitude / divisor) + "." + padded
    }

    /// `2025-03-01T10:15:42+05:30`.
    public static func formatLocalTimestamp(day: Int64, second: Int, utcOffsetMinutes offset: Int) -> String {
        let pad = ExtractValue.zeroPadded
        return CalendarDate(daysSinceEpoch: day).description + "T" + pad(second / 3600, 2) + ":" + pad(second / 60 % 60, 2)
            + ":" + pad(second % 60, 2) + (offset < 0 ? "-" : "+") + pad(abs(offset) / 60, 2) + ":" + pad(abs(offset) % 60, 2)
    }

    // MARK: NDJSON

    private static func appendJSON(_ value: ExtractValue, to text: inout [UInt8]) {
        switch value {
        case .null, .absent:
            text += Array("null".utf8)
        case .raw(let raw):
            text += Array(raw.utf8)
        case .text(let string):
            appendJSONString(string, to: &text)
        case .date(let days):
            appendJSONString(CalendarDate(daysSinceEpoch: days).description, to: &text)
        case .localTimestamp(let day, let second, let offset):
            appendJSONString(formatLocalTimestamp(day: day, second: second, utcOffsetMinutes: offset), to: &text)
        case .object(let members):
            text.append(UInt8(ascii: "{"))
            var first = true
            for member in members {
                if case .absent = member.value { continue }
                if !first { text += [UInt8(ascii: ","), UInt8(ascii: " ")] }
                first = false
                appendJSONString(member.name, to: &text)
                text += [UInt8(ascii: ":"), UInt8(ascii: " ")]
                appendJSON(member.value, to: &text)
            }
            text.append(UInt8(ascii: "}"))
        case .array(let elements):
            text.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { text += [UInt8(ascii: ","), UInt8(ascii: " ")] }
                appendJSON(element, to: &text)
            }
            text.append(UInt8(ascii: "]"))
        default:
            appendScalar(value, to: &text)
        }
    }

    private static func appendJSONString(_ string: String, to text: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        text.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                text += [UInt8(ascii: "\\"), byte]
            case 10:
                text += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 13:
                text += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 9:
                text += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<32:
                text += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default:
                text.append(byte)
            }
        }
        text.append(UInt8(ascii: "\""))
    }
}
