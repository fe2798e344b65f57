/// The box-drawn table format, and fitting it on a terminal: the first and last rows of a long
/// result, long values cut, middle columns left out when the table is wider than the screen.

import StarlingColumns
import StarlingEngine
import StarlingExecution

extension ResultPrinter {
    /// A box-drawn table with column names, types and a row count, as DuckDB's shell prints.
    /// With ``maxRows`` and ``maxWidth`` set (the shell on a terminal) it fits the screen.
    /// `rows` holds every row, or, when `totalRows` is more, the first and last halves of
    /// ``maxRows`` (what ``PrintingSink`` keeps of a long result).
    func box(columns: [PlanColumn], rows: Chunk, totalRows: Int) -> String {
        let types = columns.map(\.type)
        let shownRows = Array(0..<rows.count)
        let hiddenRows = max(0, totalRows - rows.count)
        let cellLimit = maxWidth.map { max(12, min(60, $0 / 2)) }
        func cut(_ text: String) -> String {
            guard let cellLimit, text.count > cellLimit else { return text }
            return String(text.prefix(cellLimit - 1)) + "…"
        }
        var headers = columns.map { cut($0.name) }
        var typeNames = types.map { cut($0.description.lowercased()) }
        var numeric = types.map(isNumeric)
        var body: [[String]] = shownRows.map { row in
            types.indices.map { column in
                let value = rows.columns[column].value(at: row)
                return cut(value.isNull ? "NULL" : value.formatted(as: types[column]).replacingNewlines)
            }
        }
        var widths = headers.indices.map { max(headers[$0].count, typeNames[$0].count) }
        for row in body { for (index, text) in row.enumerated() { widths[index] = max(widths[index], text.count) } }

        // Too wide: leave out the middle columns, shown as one "…" column.
        var kept = Array(widths.indices)
        if let maxWidth {
            func total(_ columns: [Int]) -> Int {
                let ellipsis = columns.count < widths.count ? 4 : 0
                return columns.reduce(0) { $0 + widths[$1] } + 3 * columns.count + 1 + ellipsis
            }
            while kept.count > 1, total(kept) > maxWidth { kept.remove(at: kept.count / 2) }
        }
        let hiddenColumns = widths.count - kept.count
        if hiddenColumns > 0 {
            // The gap is where two kept neighbours are not adjacent (or after the last one).
            let gap = kept.indices.first { $0 + 1 < kept.count && kept[$0 + 1] != kept[$0] + 1 }.map { $0 + 1 } ?? kept.count
            func project<T>(_ values: [T], _ filler: T) -> [T] {
                var result = kept.map { values[$0] }
                result.insert(filler, at: gap)
                return result
            }
            headers = project(headers, "…"); typeNames = project(typeNames, ""); numeric = project(numeric, false)
            widths = project(widths, 1)
            body = body.map { project($0, "…") }
        }

        func line(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
        }
        func pad(_ text: String, _ width: Int, right: Bool) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return right ? padding + text : text + padding
        }
        func rowLine(_ row: [String]) -> String {
            "│ " + row.indices.map { pad(row[$0], widths[$0], right: numeric[$0]) }.joined(separator: " │ ") + " │"
        }
        var lines = [line("┌", "┬", "┐")]
        if header {
            lines.append("│ " + headers.indices.map { pad(headers[$0], widths[$0], right: false) }.joined(separator: " │ ") + " │")
            lines.append("│ " + typeNames.indices.map { pad(typeNames[$0], widths[$0], right: false) }.joined(separator: " │ ") + " │")
            lines.append(line("├", "┼", "┤"))
        }
        let head = hiddenRows > 0 ? ((maxRows ?? 0) + 1) / 2 : body.count
        for row in body.prefix(head) { lines.append(rowLine(row)) }
        if hiddenRows > 0 {
            let inner = widths.reduce(0, +) + 3 * widths.count - 1
            let note = "… \(hiddenRows) more row\(hiddenRows == 1 ? "" : "s") …"
            let left = max(0, (inner - note.count) / 2)
            lines.append("│" + String(repeating: " ", count: left) + note + String(repeating: " ", count: max(0, inner - left - note.count)) + "│")
            for row in body.dropFirst(head) { lines.append(rowLine(row)) }
        }
        lines.append(line("└", "┴", "┘"))
        var footer = "\(totalRows) row\(totalRows == 1 ? "" : "s")"
        if hiddenRows > 0 { footer += " (\(shownRows.count) shown)" }
        if hiddenColumns > 0 { footer += ", \(hiddenColumns) column\(hiddenColumns == 1 ? "" : "s") not shown (use .mode line or csv to see them)" }
        lines.append(footer)
        return lines.map { $0 + "\n" }.joined()
    }
}
