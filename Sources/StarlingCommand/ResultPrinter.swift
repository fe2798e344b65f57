/// Prints query results as an aligned table, CSV, TSV, JSON, NDJSON or Markdown.

import ArgumentParser
import StarlingColumns
import StarlingEngine
import StarlingExecution

/// The output formats of `starling sql --format`.
enum ResultFormat: String, CaseIterable, ExpressibleByArgument {
    case table, csv, tsv, json, ndjson, markdown
}

/// Renders a ``QueryResult`` in one of the ``ResultFormat``s.
struct ResultPrinter {
    var format: ResultFormat
    var header: Bool

    /// The text of `result`, ending with a newline (empty for an empty NDJSON result).
    func render(_ result: QueryResult) -> String {
        let types = result.columns.map(\.type)
        let rows = result.rows
        func cell(_ row: Int, _ column: Int) -> Value { rows.columns[column].value(at: row) }
        switch format {
        case .csv, .tsv:
            let separator = format == .csv ? "," : "\t"
            var lines: [String] = []
            if header { lines.append(result.columns.map { quoteDelimited($0.name, separator) }.joined(separator: separator)) }
            for row in 0..<rows.count {
                lines.append(types.indices.map { column in
                    let value = cell(row, column)
                    return value.isNull ? "" : quoteDelimited(value.formatted(as: types[column]), separator)
                }.joined(separator: separator))
            }
            return lines.map { $0 + "\n" }.joined()
        case .json, .ndjson:
            let objects = (0..<rows.count).map { row in
                JSONText.object(result.columns.indices.map { column in (result.columns[column].name, json(cell(row, column), types[column])) })
            }
            if format == .ndjson { return objects.map { $0.rendered(pretty: false) + "\n" }.joined() }
            return JSONText.array(objects).rendered(pretty: true) + "\n"
        case .markdown:
            var lines: [String] = []
            lines.append("| " + result.columns.map { escapeMarkdown($0.name) }.joined(separator: " | ") + " |")
            lines.append("|" + types.map { isNumeric($0) ? "---:|" : "---|" }.joined())
            for row in 0..<rows.count {
                lines.append("| " + types.indices.map { column in
                    let value = cell(row, column)
                    return value.isNull ? "NULL" : escapeMarkdown(value.formatted(as: types[column]))
                }.joined(separator: " | ") + " |")
            }
            return lines.map { $0 + "\n" }.joined()
        case .table:
            return box(result)
        }
    }

    /// A box-drawn table with column names, types and a row count, as DuckDB's shell prints.
    func box(_ result: QueryResult) -> String {
        let types = result.columns.map(\.type)
        let rows = result.rows
        let body: [[String]] = (0..<rows.count).map { row in
            types.indices.map { column in
                let value = rows.columns[column].value(at: row)
                return value.isNull ? "NULL" : value.formatted(as: types[column]).replacingNewlines
            }
        }
        let headers = result.columns.map(\.name)
        let typeNames = types.map { $0.description.lowercased() }
        var widths = headers.indices.map { max(headers[$0].count, typeNames[$0].count) }
        for row in body { for (index, text) in row.enumerated() { widths[index] = max(widths[index], text.count) } }
        func line(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
        }
        func pad(_ text: String, _ width: Int, right: Bool) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return right ? padding + text : text + padding
        }
        var lines = [line("┌", "┬", "┐")]
        if header {
            lines.append("│ " + headers.indices.map { pad(headers[$0], widths[$0], right: false) }.joined(separator: " │ ") + " │")
            lines.append("│ " + typeNames.indices.map { pad(typeNames[$0], widths[$0], right: false) }.joined(separator: " │ ") + " │")
            lines.append(line("├", "┼", "┤"))
        }
        for row in body {
            lines.append("│ " + row.indices.map { pad(row[$0], widths[$0], right: isNumeric(types[$0])) }.joined(separator: " │ ") + " │")
        }
        lines.append(line("└", "┴", "┘"))
        lines.append("\(rows.count) row\(rows.count == 1 ? "" : "s")")
        return lines.map { $0 + "\n" }.joined()
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
