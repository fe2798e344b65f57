/// Prints query results as an aligned table, CSV, TSV, JSON, NDJSON, Markdown or `name = value` lines.

import ArgumentParser
import StarlingColumns
import StarlingEngine
import StarlingExecution
import StarlingInterchange

/// The output formats of `starling sql --format` and the shell's `.mode`.
enum ResultFormat: String, CaseIterable, ExpressibleByArgument {
    case table, csv, tsv, json, ndjson, markdown, line

    /// `--format JSON` as well as `json`.
    init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }
}

/// Renders a ``QueryResult`` in one of the ``ResultFormat``s.
struct ResultPrinter {
    var format: ResultFormat
    var header: Bool

    /// Table format only: at most this many rows are shown, the first and last halves with
    /// "… N more rows …" between them (nil: every row).
    var maxRows: Int? = nil
    /// Table format only: the width to fit in, by truncating long values and leaving out middle
    /// columns (nil: no limit).
    var maxWidth: Int? = nil
    /// What a NULL prints as (the shell's `.nullvalue`); nil: `NULL`, or nothing in CSV and TSV.
    /// JSON and NDJSON print `null` whatever it is.
    var nullText: String? = nil

    /// Rows rendered per piece handed to the output.
    static let batchRows = 1024

    /// The text of `result`, ending with a newline (empty for an empty NDJSON result).
    func render(_ result: QueryResult) -> String {
        var text = ""
        write(result) { text += $0 }
        return text
    }

    /// Hands the text of `result` to `emit` in pieces, as ``PrintingSink`` does for a stream.
    func write(_ result: QueryResult, to emit: (String) -> Void) {
        withoutActuallyEscaping(emit) { emit in
            let sink = PrintingSink(self, emit: emit)
            sink.begin(result.columns)
            sink.add(result.rows)
            sink.end()
        }
    }

    /// Whether a blank line goes between two results, as DuckDB's shell prints them: the formats
    /// whose results would otherwise run into one table (CSV, TSV, Markdown) or one record.
    var separatesResults: Bool {
        switch format {
        case .csv, .tsv, .markdown, .line: return true
        case .table, .json, .ndjson: return false
        }
    }

    /// Text that opens a result: the header line of CSV, TSV and Markdown.
    func opening(_ columns: [PlanColumn]) -> String {
        switch format {
        case .csv, .tsv:
            guard header else { return "" }
            let separator = format == .csv ? "," : "\t"
            return columns.map { quoteDelimited($0.name, separator) }.joined(separator: separator) + "\n"
        case .markdown:
            return "| " + columns.map { escapeMarkdown($0.name) }.joined(separator: " | ") + " |\n"
                + "|" + columns.map { isNumeric($0.type) ? "---:|" : "---|" }.joined() + "\n"
        case .json, .ndjson, .line, .table:
            return ""
        }
    }

    /// The `line` format's column names, right-aligned to the longest (none for other formats):
    /// made once per result, passed to ``line(_:_:index:columns:labels:)`` for every row.
    func labels(_ columns: [PlanColumn]) -> [String] {
        guard format == .line else { return [] }
        let width = columns.map(\.name.count).max() ?? 0
        return columns.map { String(repeating: " ", count: width - $0.name.count) + $0.name }
    }

    /// The text of row `row` of `rows`, the `index`-th row of the whole result (not for tables),
    /// made a `Value` and a `String` per cell. ``PrintingSink`` prints the line format with it and
    /// the others with ``DelimitedWriter``, which writes the same bytes a column at a time (the
    /// tests compare the two).
    func line(_ rows: Chunk, _ row: Int, index: Int, columns: [PlanColumn], labels: [String]) -> String {
        func cell(_ column: Int) -> Value { rows.columns[column].value(at: row) }
        switch format {
        case .csv, .tsv:
            let separator = format == .csv ? "," : "\t"
            return columns.indices.map { column in
                let value = cell(column)
                let text = value.isNull ? nullText ?? "" : value.formatted(as: columns[column].type)
                return quoteDelimited(text, separator)
            }.joined(separator: separator) + "\n"
        case .ndjson, .json:
            let object = JSONText.object(columns.indices.map { column in (columns[column].name, json(cell(column), columns[column].type)) })
            if format == .ndjson { return object.rendered(pretty: false) + "\n" }
            // The rows of one pretty-printed array, written as they come.
            return (index == 0 ? "[\n  " : ",\n  ") + object.rendered(pretty: true, level: 1)
        case .markdown:
            return "| " + columns.indices.map { column in
                let value = cell(column)
                return escapeMarkdown(value.isNull ? nullText ?? "NULL" : value.formatted(as: columns[column].type))
            }.joined(separator: " | ") + " |\n"
        case .line:
            // One `name = value` line per column, names right-aligned; a blank line between rows.
            return (index > 0 ? "\n" : "") + columns.indices.map { column in
                let value = cell(column)
                let text = value.isNull ? nullText ?? "NULL" : value.formatted(as: columns[column].type)
                return labels[column] + " = " + text + "\n"
            }.joined()
        case .table:
            return ""
        }
    }

    /// Text that closes a result of `count` rows: the end of a JSON array.
    func closing(count: Int) -> String {
        guard format == .json else { return "" }
        return count == 0 ? "[]\n" : "\n]\n"
    }

    func isNumeric(_ type: LogicalType) -> Bool {
        switch type {
        case .tinyint, .smallint, .integer, .bigint, .decimal, .double: return true
        case .boolean, .date, .timestamp, .varchar, .interval: return false
        }
    }

    func json(_ value: Value, _ type: LogicalType) -> JSONText {
        switch value {
        case .null: return .null
        case .boolean(let flag): return .bool(flag)
        case .string(let text): return .string(text)
        case .interval(let interval): return .string(interval.description)
        case .double(let number): return number.isFinite ? .number(value.formatted(as: type)) : .string(value.formatted(as: type))
        case .integer:
            if type == .date || type == .timestamp { return .string(value.formatted(as: type)) }
            if type == .boolean { return .bool(value.formatted(as: type) == "true") }
            return .number(value.formatted(as: type))
        }
    }

    /// A writer of this format for rows of `columns`; nil for the table and line formats.
    func delimitedWriter(_ columns: [PlanColumn]) -> DelimitedWriter? {
        let delimited: DelimitedFormat
        switch format {
        case .csv: delimited = .csv
        case .tsv: delimited = .tsv
        case .json: delimited = .json
        case .ndjson: delimited = .ndjson
        case .markdown: delimited = .markdown
        case .table, .line: return nil
        }
        return DelimitedWriter(delimited, columns: columns, nullText: nullText)
    }

    /// RFC 4180 quoting when the text holds the separator, a quote or a line break.
    func quoteDelimited(_ text: String, _ separator: String) -> String {
        TextEscaping.quoteDelimited(text, separator)
    }

    func escapeMarkdown(_ text: String) -> String {
        TextEscaping.escapeMarkdown(text)
    }
}

extension ResultPrinter {
    /// `rows` for the table format's box, which prints NULL as `NULL`: with ``nullText`` set, each
    /// column holding a NULL becomes the text of its values and of ``nullText`` (a string value
    /// prints as itself whatever the column's type, so types and alignment stay the column's).
    func showingNullText(_ rows: Chunk, columns: [PlanColumn]) -> Chunk {
        guard let nullText, nullText != "NULL" else { return rows }
        let vectors = rows.columns.enumerated().map { index, vector -> Vector in
            guard vector.nulls != nil, index < columns.count else { return vector }
            let values = (0..<vector.count).map { row -> Value in
                let value = vector.value(at: row)
                return .string(value.isNull ? nullText : value.formatted(as: columns[index].type))
            }
            return Vector(type: .varchar, values: values)
        }
        return Chunk(columns: vectors, count: rows.count)
    }
}
