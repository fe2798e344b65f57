/// A Parquet extract read as NDJSON text, so that it loads through the same batches, rejects and
/// load log as every other extract.

import StarlingColumns
import StarlingParquet

/// Renders a Parquet file's rows, a row group at a time, as newline-delimited JSON objects: one
/// line per row (so a reject's line number is the row's number), keys the leaf columns' dotted
/// names, numbers as JSON numbers (decimals with their scale), dates and timestamps as their
/// ISO text, strings escaped. Only the columns the table has are rendered; one the table has
/// that Starling cannot read (a list) stops the load with an error naming it.
final class ParquetRows {
    let file: ParquetFile
    private let columns: [ParquetLeafColumn]
    private var keys: [[UInt8]]
    private var rowGroup = 0
    private var text: [UInt8] = []
    private var offset = 0

    /// Opens `path` for a table whose columns are `tableColumns` (names compared ignoring case).
    init(path: String, tableColumns: [String]) throws(LoadError) {
        do {
            file = try ParquetFile(path: path)
        } catch {
            throw LoadError(.badData, error.description)
        }
        let wanted = Set(tableColumns.map { $0.lowercased() })
        var columns: [ParquetLeafColumn] = []
        for column in file.columns {
            // A list's leaf is `tags.list.element`: a table column named for any part of the path
            // wants it.
            let names = column.path.indices.map { column.path[...$0].joined(separator: ".").lowercased() }
            guard let name = names.first(where: wanted.contains) else { continue }
            guard column.type != nil, name == column.name.lowercased() else {
                throw LoadError(
                    .refused,
                    "\(path): column \(column.path[..<(name.split(separator: ".").count)].joined(separator: ".")) "
                        + "is \(column.unsupported ?? "a group of fields: name its fields (\(column.name))")")
            }
            columns.append(column)
        }
        self.columns = columns
        keys = columns.map { Array(("\"" + JSONEscaping.escaped($0.name) + "\":").utf8) }
    }

    /// Copies the next rendered bytes into `buffer`; 0 after the last row group.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(LoadError) -> Int {
        while offset == text.count {
            guard rowGroup < file.metadata.rowGroups.count else { return 0 }
            try render(rowGroup)
            rowGroup += 1
        }
        let count = min(buffer.count, text.count - offset)
        text.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
        }
        offset += count
        return count
    }

    /// Renders every row of row group `index` into ``text``.
    private func render(_ index: Int) throws(LoadError) {
        var data: [ParquetColumnData] = []
        for column in columns {
            do {
                data.append(try file.readColumn(column, rowGroup: index))
            } catch {
                throw LoadError(.badData, error.description)
            }
        }
        text.removeAll(keepingCapacity: true)
        offset = 0
        let rows = Int(file.metadata.rowGroups[index].rowCount)
        for row in 0..<rows {
            text.append(UInt8(ascii: "{"))
            var first = true
            for (column, values) in data.enumerated() where values.nulls?[row] != true {
                if !first { text.append(UInt8(ascii: ",")) }
                first = false
                text += keys[column]
                append(values, row: row)
            }
            text += [UInt8(ascii: "}"), 0x0A]
        }
    }

    private func append(_ data: ParquetColumnData, row: Int) {
        switch data.values {
        case .booleans(let values):
            text += Array((values[row] ? "true" : "false").utf8)
        case .doubles(let values):
            let value = values[row]
            // JSON has no NaN or infinities: as strings, which the converter reads back.
            let formatted = DoubleFormatting.format(value)
            text += Array((value.isFinite ? formatted : "\"" + formatted + "\"").utf8)
        case .integers(let values):
            let formatted = Value.integer(values[row]).formatted(as: data.type)
            let quoted = data.type == .date || data.type == .timestamp
            text += Array((quoted ? "\"" + formatted + "\"" : formatted).utf8)
        case .strings(let bytes, let ends):
            let start = row == 0 ? 0 : ends[row - 1]
            JSONEscaping.append(bytes[start..<ends[row]], to: &text)
        case .dictionary(let codes, let bytes, let ends):
            let entry = Int(codes[row])
            let start = entry == 0 ? 0 : ends[entry - 1]
            JSONEscaping.append(bytes[start..<ends[entry]], to: &text)
        }
    }
}

/// JSON string escaping for rendered rows.
enum JSONEscaping {
    static func escaped(_ text: String) -> String {
        var bytes: [UInt8] = []
        append(Array(text.utf8)[...], to: &bytes)
        return String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self)
    }

    /// Appends `value` as a quoted JSON string: quotes, backslashes and control characters
    /// escaped; other bytes as they are.
    static func append(_ value: ArraySlice<UInt8>, to text: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        text.append(UInt8(ascii: "\""))
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""): text += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): text += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: text += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: text += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: text += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                text += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: text.append(byte)
            }
        }
        text.append(UInt8(ascii: "\""))
    }
}
