/// Building the lines of a generated extract: CSV fields (quoted when they need it, or broken on
/// purpose), NDJSON objects, dates, local timestamps and money, appended to one byte buffer per
/// file.

import StarlingColumns

/// The text of one extract file, built line by line.
struct PortalText {
    /// The file's bytes so far.
    private(set) var bytes: [UInt8] = []
    /// Data lines written (the header not counted).
    private(set) var rows = 0
    private var fieldsInLine = 0

    init() {
        bytes.reserveCapacity(1 << 16)
    }

    // MARK: CSV

    /// Writes a header line of column names.
    mutating func header(_ names: [String]) {
        for name in names { field(name) }
        bytes.append(UInt8(ascii: "\n"))
        fieldsInLine = 0
    }

    /// Appends a CSV field: RFC 4180 quotes when it holds `,`, `"` or a line break.
    mutating func field(_ value: String) {
        separate()
        if value.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) {
            bytes.append(UInt8(ascii: "\""))
            for unit in value.utf8 {
                if unit == UInt8(ascii: "\"") { bytes.append(unit) }
                bytes.append(unit)
            }
            bytes.append(UInt8(ascii: "\""))
        } else {
            bytes.append(contentsOf: value.utf8)
        }
    }

    /// Appends a CSV field that is empty (NULL) when `value` is nil.
    mutating func field(_ value: String?) {
        field(value ?? "")
    }

    mutating func field(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func field(_ value: Int?) {
        if let value { field(value) } else { field("") }
    }

    /// Appends a field quoted *wrongly*: inside quotes, its own quotes are not doubled, so the
    /// loader finds a character after what looks like the closing quote and rejects the row.
    mutating func brokenQuoteField(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: value.utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Ends a CSV or NDJSON line.
    mutating func endLine() {
        bytes.append(UInt8(ascii: "\n"))
        fieldsInLine = 0
        rows += 1
    }

    private mutating func separate() {
        if fieldsInLine > 0 { bytes.append(UInt8(ascii: ",")) }
        fieldsInLine += 1
    }

    /// Cuts the last line short after its `fields`-th field plus a few characters of the next,
    /// with no line break: an export that stopped in the middle of a line.
    mutating func truncateLastLine(keepingFields fields: Int) {
        guard bytes.last == UInt8(ascii: "\n") else { return }
        bytes.removeLast()
        let lineStart = (bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
        var commas = 0
        var index = lineStart
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: ",") {
                commas += 1
                if commas == fields { break }
            }
            index += 1
        }
        let end = min(bytes.count, index + 4)
        bytes.removeSubrange(end...)
    }

    // MARK: NDJSON

    /// Appends a whole line of text as it is (an NDJSON object built with ``JSONObject``).
    mutating func line(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        endLine()
    }
}

/// One NDJSON object, built field by field in order.
struct JSONObject {
    private var body = "{"
    private var empty = true

    private mutating func key(_ name: String) {
        body += empty ? "\"" : ", \""
        body += name
        body += "\": "
        empty = false
    }

    mutating func string(_ name: String, _ value: String) {
        key(name)
        body += JSONObject.quoted(value)
    }

    mutating func number(_ name: String, _ value: Int) {
        key(name)
        body += String(value)
    }

    /// A number written as digits, or as a string of digits when `asString` (as some sources do).
    mutating func number(_ name: String, _ value: Int, asString: Bool) {
        if asString { string(name, String(value)) } else { number(name, value) }
    }

    /// Money in paise, written as rupees with two decimals: a JSON number, or a string.
    mutating func money(_ name: String, paise: Int, asString: Bool) {
        key(name)
        let rupees = PortalFormat.money(paise: paise)
        body += asString ? "\"" + rupees + "\"" : rupees
    }

    mutating func bool(_ name: String, _ value: Bool) {
        key(name)
        body += value ? "true" : "false"
    }

    mutating func object(_ name: String, _ value: JSONObject) {
        key(name)
        body += value.text
    }

    mutating func raw(_ name: String, _ json: String) {
        key(name)
        body += json
    }

    /// The object's JSON text.
    var text: String { body + "}" }

    static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// Text forms of dates, times and money.
enum PortalFormat {
    /// `2025-03-01`.
    static func date(_ day: Int64) -> String {
        CalendarDate(daysSinceEpoch: day).description
    }

    /// The portal's local time (India, UTC+05:30) with its zone: `2025-03-01T10:15:42+05:30`.
    static func localTimestamp(day: Int64, secondOfDay: Int) -> String {
        date(day) + "T" + PortalFormat.pad(secondOfDay / 3600, width: 2) + ":" + PortalFormat.pad(secondOfDay / 60 % 60, width: 2)
            + ":" + PortalFormat.pad(secondOfDay % 60, width: 2) + "+05:30"
    }

    /// Rupees with two decimals from paise: `33.60`.
    static func money(paise: Int) -> String {
        String(paise / 100) + "." + PortalFormat.pad(paise % 100, width: 2)
    }

    /// `value` in decimal, zero-padded to `width` digits.
    static func pad(_ value: Int, width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// A bad rendering of `day` the loader's default ISO format refuses; `variant` picks one.
    static func badDate(_ day: Int64, variant: Int) -> String {
        let value = CalendarDate(daysSinceEpoch: day)
        let year = PortalFormat.pad(value.year, width: 4)
        let month = PortalFormat.pad(value.month, width: 2)
        switch variant % 4 {
        case 0: return PortalFormat.pad(value.day, width: 2) + "/" + month + "/" + year
        case 1: return year + "-" + month + "-00"
        case 2: return year + month + PortalFormat.pad(value.day, width: 2)
        default: return year + "-02-30"
        }
    }
}
