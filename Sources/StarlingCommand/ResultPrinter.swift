/// Prints query results as an aligned table, CSV, TSV, JSON, NDJSON, Markdown or `name = value` lines.

import ArgumentParser
import StarlingColumns
import StarlingEngine
import StarlingExecution

/// The output formats of `starling sql --format` and the shell's `.mode`.
enum ResultFormat: String, CaseIterable, ExpressibleByArgument {
    case table, csv, tsv, json, ndjson, markdown, line
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

    /// Rows rendered per piece handed to `write`'s closure.
    static let batchRows = 1024

    /// The text of `result`, ending with a newline (empty for an empty NDJSON result).
    func render(_ result: QueryResult) -> String {
        var text = ""
        write(result) { text += $0 }
        return text
    }

    /// Hands the text of `result` to `emit` in pieces of up to ``batchRows`` rows, so a large
    /// result streams out instead of being built as one string.
    func write(_ result: QueryResult, to emit: (String) -> Void) {
        let types = result.columns.map(\.type)
        let rows = result.rows
        func cell(_ row: Int, _ column: Int) -> Value { rows.columns[column].value(at: row) }
        func batches(_ line: (Int) -> String) {
            var start = 0
            while start < rows.count {
                let end = min(rows.count, start + Self.batchRows)
                var piece = ""
                for row in start..<end { piece += line(row) }
                emit(piece)
                start = end
            }
        }
        switch format {
        case .csv, .tsv:
            let separator = format == .csv ? "," : "\t"
            if header { emit(result.columns.map { quoteDelimited($0.name, separator) }.joined(separator: separator) + "\n") }
            batches { row in
                types.indices.map { column in
                    let value = cell(row, column)
                    return value.isNull ? "" : quoteDelimited(value.formatted(as: types[column]), separator)
                }.joined(separator: separator) + "\n"
            }
        case .ndjson:
            batches { row in
                JSONText.object(result.columns.indices.map { column in (result.columns[column].name, json(cell(row, column), types[column])) })
                    .rendered(pretty: false) + "\n"
            }
        case .json:
            let objects = (0..<rows.count).map { row in
                JSONText.object(result.columns.indices.map { column in (result.columns[column].name, json(cell(row, column), types[column])) })
            }
            emit(JSONText.array(objects).rendered(pretty: true) + "\n")
        case .markdown:
            emit("| " + result.columns.map { escapeMarkdown($0.name) }.joined(separator: " | ") + " |\n")
            emit("|" + types.map { isNumeric($0) ? "---:|" : "---|" }.joined() + "\n")
            batches { row in
                "| " + types.indices.map { column in
                    let value = cell(row, column)
                    return value.isNull ? "NULL" : escapeMarkdown(value.formatted(as: types[column]))
                }.joined(separator: " | ") + " |\n"
            }
        case .line:
            // One `name = value` line per column, names right-aligned; a blank line between rows.
            let width = result.columns.map(\.name.count).max() ?? 0
            let names = result.columns.map { String(repeating: " ", count: width - $0.name.count) + $0.name }
            batches { row in
                (row > 0 ? "\n" : "") + types.indices.map { column in
                    let value = cell(row, column)
                    return names[column] + " = " + (value.isNull ? "NULL" : value.formatted(as: types[column])) + "\n"
                }.joined()
            }
        case .table:
            emit(box(result))
        }
    }

    func isNumeric(_ type: LogicalType) -> Bool {
        switch type {
        case .tinyint, .smallint, .integer, .bigint, .decimal, .double: return true
        default: return false
        }
    }

    func json(_ value: Value, _ type: LogicalType) -> JSONText {
        switch value {
        case .null: return .null
        case .boolean(let flag): return .bool(flag)
        case .string(let text): return .string(text)
        case .double(let number): return number.isFinite ? .number(value.formatted(as: type)) : .string(value.formatted(as: type))
        case .integer:
            if type == .date || type == .timestamp { return .string(value.formatted(as: type)) }
            if type == .boolean { return .bool(value.formatted(as: type) == "true") }
            return .number(value.formatted(as: type))
        }
    }

    /// RFC 4180 quoting when the text holds the separator, a quote or a line break.
    func quoteDelimited(_ text: String, _ separator: String) -> String {
        guard text.contains(separator) || text.contains("\"") || text.contains("\n") || text.contains("\r") else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    func escapeMarkdown(_ text: String) -> String {
        text.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|").replacingNewlines
    }
}

extension String {
    /// Line breaks shown as spaces (one table row per line).
    var replacingNewlines: String {
        String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
