/// How text cells are escaped in CSV, TSV and Markdown: the one definition the printer and the
/// writers share.

/// The text formats a ``DelimitedWriter`` writes: delimited text (CSV with any one-byte
/// separator, TSV with a tab), NDJSON, a pretty-printed JSON array, or a Markdown table's rows.
public enum DelimitedFormat: Sendable, Equatable {
    case delimited(separator: UInt8)
    case ndjson
    case json
    case markdown

    /// CSV with a comma.
    public static let csv = DelimitedFormat.delimited(separator: UInt8(ascii: ","))
    /// TSV: a tab.
    public static let tsv = DelimitedFormat.delimited(separator: 0x09)
}

/// Escaping of one cell's text.
public enum TextEscaping {
    /// RFC 4180 quoting when the text holds the separator, a quote or a line break (found as
    /// `Character`s: a CR LF pair is neither, a quote with a combining mark is not a quote).
    public static func quoteDelimited(_ text: String, _ separator: String) -> String {
        guard text.contains(separator) || text.contains("\"") || text.contains("\n") || text.contains("\r") else {
            return text
        }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// `|` escaped and line breaks as spaces, so that the text stays in its cell.
    public static func escapeMarkdown(_ text: String) -> String {
        text.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|").replacingNewlines
    }
}

extension String {
    /// Line breaks shown as spaces (one table row per line).
    public var replacingNewlines: String {
        String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
