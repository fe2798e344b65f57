/// Aligned plain-text tables for terminal output.

/// Renders rows of cells as space-separated, left-aligned columns (numbers right-aligned),
/// with a rule under the header row.
enum TextTable {
    static func render(_ rows: [[String]]) -> [String] {
        guard let header = rows.first else { return [] }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var lines: [String] = []
        for (rowIndex, row) in rows.enumerated() {
            let cells = row.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                let numeric = rowIndex > 0 && !cell.isEmpty && cell.allSatisfy { $0.isNumber || $0 == "-" || $0 == "." }
                return numeric ? padding + cell : cell + padding
            }
            lines.append(cells.joined(separator: "  ").trailingSpacesRemoved)
            if rowIndex == 0 {
                lines.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
            }
        }
        return lines
    }
}

extension String {
    var trailingSpacesRemoved: String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
