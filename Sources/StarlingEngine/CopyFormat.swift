/// How `COPY … FROM STDIN` and `COPY … TO STDOUT` spell rows: PostgreSQL's text or CSV format.

import StarlingColumns
import StarlingSQL

/// The row format of a COPY to or from a client, from the statement's options, with PostgreSQL's
/// defaults: `text` (fields separated by a tab, `\N` for NULL, backslash escapes) unless
/// `FORMAT csv` (a comma, NULL as an unquoted empty field, `"` quotes, doubled to escape).
public struct CopyFormat: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case text, csv
    }

    public var kind: Kind
    public var delimiter: UInt8
    /// The text of a NULL field: `\N` in text, empty in CSV.
    public var nullText: [UInt8]
    /// CSV's quote and the escape of a quote inside quotes.
    public var quote: UInt8
    public var escape: UInt8
    /// Whether the first line holds the column names.
    public var header: Bool

    /// The options a client's COPY reads here; the rest go to the loader (FROM) or are refused (TO).
    public static let names: Set<String> = [
        "format", "delimiter", "delim", "sep", "null", "nullstr", "quote", "escape", "header", "encoding",
    ]

    /// The format `options` ask for. Refuses `FORMAT binary` and other formats, delimiters and
    /// quotes that are not one byte or would be ambiguous, and encodings other than UTF-8.
    public init(options: [CopyOption]) throws(SQLError) {
        func option(_ names: String...) -> CopyOption? { options.last { names.contains($0.name.name.lowercased()) } }
        if let format = option("format") {
            guard let kind = Kind(rawValue: format.value.lowercased()) else {
                throw SQLError(
                    "COPY to or from a client supports FORMAT text or csv, not \(format.value)",
                    at: format.valuePosition,
                    hint: format.value.lowercased() == "binary" ? "use FORMAT csv" : nil)
            }
            self.kind = kind
        } else {
            kind = .text
        }
        let csv = kind == .csv
        delimiter = csv ? UInt8(ascii: ",") : 0x09
        nullText = csv ? [] : Array("\\N".utf8)
        quote = UInt8(ascii: "\"")
        escape = quote
        header = false
        if let given = option("delimiter", "delim", "sep") { delimiter = try Self.byte(given, "DELIMITER") }
        if let given = option("null", "nullstr") { nullText = Array(given.value.utf8) }
        if let given = option("quote") {
            guard csv else { throw SQLError("QUOTE is available only in CSV mode", at: given.name.position) }
            quote = try Self.byte(given, "QUOTE")
            escape = quote
        }
        if let given = option("escape") {
            guard csv else { throw SQLError("ESCAPE is available only in CSV mode", at: given.name.position) }
            escape = try Self.byte(given, "ESCAPE")
        }
        if let given = option("header") {
            guard let flag = ValueParsing.boolean(given.value) else {
                throw SQLError("HEADER takes true or false", at: given.valuePosition)
            }
            header = flag
        }
        if let given = option("encoding") {
            let name = given.value.lowercased().filter { $0 != "-" && $0 != "_" }
            guard name == "utf8" else {
                throw SQLError("COPY to or from a client supports ENCODING 'UTF8' only", at: given.valuePosition)
            }
        }
        let lineBreaks: [UInt8] = [0x0A, 0x0D]
        guard !lineBreaks.contains(delimiter), !(csv && delimiter == quote), !(!csv && delimiter == UInt8(ascii: "\\")),
            !nullText.contains(delimiter), !nullText.contains(0x0A), !nullText.contains(0x0D)
        else {
            let at = option("delimiter", "delim", "sep")?.valuePosition ?? option("null")?.valuePosition
            throw SQLError(
                "the COPY delimiter must differ from the quote, the NULL text and line breaks"
                    + (csv ? "" : ", and not be a backslash"), at: at ?? SourcePosition(0))
        }
    }

    /// A one-byte ASCII option value; a tab may be written `\t`.
    static func byte(_ option: CopyOption, _ name: String) throws(SQLError) -> UInt8 {
        if option.value == "\\t" { return 0x09 }
        let bytes = Array(option.value.utf8)
        guard bytes.count == 1, bytes[0] < 0x80 else {
            throw SQLError("\(name) takes one single-byte character", at: option.valuePosition)
        }
        return bytes[0]
    }
}
