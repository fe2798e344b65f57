/// The facts `starling inspect` prints, gathered once and rendered as text or JSON.

import StarlingInterchange
import StarlingFormat
import StarlingColumns
import StarlingEncoding
import StarlingCompression

/// A segment's footer summarised per column and per chunk.
struct SegmentReport {
    let reader: SegmentReader
    let verified: Bool

    var footer: SegmentFooter { reader.footer }

    /// Per column: raw (plain), encoded and stored bytes over all row groups.
    func sizes(column: Int) -> (raw: Int, encoded: Int, stored: Int) {
        footer.rowGroups.reduce((0, 0, 0)) { total, group in
            let chunk = group.chunks[column]
            return (total.0 + chunk.plainLength, total.1 + chunk.encodedLength, total.2 + chunk.storedLength)
        }
    }

    /// Per column: how many chunks use each encoding and each codec, e.g. `delta×2 rle×1`.
    func usage(column: Int) -> (encodings: [(String, Int)], compressions: [(String, Int)]) {
        var encodings: [String: Int] = [:]
        var compressions: [String: Int] = [:]
        for group in footer.rowGroups {
            encodings[group.chunks[column].encoding.description, default: 0] += 1
            compressions[group.chunks[column].compression.description, default: 0] += 1
        }
        return (encodings.sorted { $0.key < $1.key }, compressions.sorted { $0.key < $1.key })
    }

    static func summary(_ counts: [(String, Int)]) -> String {
        counts.isEmpty ? "-" : counts.map { "\($0.0)×\($0.1)" }.joined(separator: " ")
    }

    static func format(_ value: Value, _ type: LogicalType, truncated: Bool = false) -> String {
        value.isNull ? "-" : value.formatted(as: type) + (truncated ? "…" : "")
    }

    var text: String {
        var lines: [String] = []
        lines.append("segment \(reader.path)")
        lines.append("format: write version \(footer.writeVersion), read version \(footer.readVersion); \(reader.file.byteCount) bytes, footer \(reader.file.byteCount - reader.footerOffset - SegmentFormat.trailerSize) bytes")
        lines.append("rows: \(footer.rowCount) in \(footer.rowGroups.count) row group\(footer.rowGroups.count == 1 ? "" : "s")")
        for (key, value) in footer.metadata.sorted(by: { $0.key < $1.key }) {
            lines.append("metadata: \(key) = \(value)")
        }
        lines.append("")
        var table = [["column", "type", "encoding", "compression", "raw", "encoded", "stored", "nulls", "distinct", "min", "max"]]
        for (index, column) in footer.columns.enumerated() {
            let size = sizes(column: index)
            let use = usage(column: index)
            let merged = footer.statistics(column: index)
            let statistics = merged.statistics
            table.append([
                column.name, column.type.description, Self.summary(use.encodings), Self.summary(use.compressions),
                String(size.raw), String(size.encoded), String(size.stored), String(statistics.nullCount),
                String(statistics.distinctCount), Self.format(statistics.minimum, column.type, truncated: merged.minimumTruncated),
                Self.format(statistics.maximum, column.type, truncated: merged.maximumTruncated),
            ])
        }
        lines.append(contentsOf: TextTable.render(table))
        if !footer.rowGroups.isEmpty {
            lines.append("")
            var chunks = [["group", "rows", "column", "offset", "encoding", "compression", "raw", "encoded", "stored", "nulls", "min", "max"]]
            for (groupIndex, group) in footer.rowGroups.enumerated() {
                for (columnIndex, chunk) in group.chunks.enumerated() {
                    let type = footer.columns[columnIndex].type
                    chunks.append([
                        String(groupIndex), String(group.rowCount), footer.columns[columnIndex].name, String(chunk.offset),
                        chunk.encoding.description, chunk.compression.description, String(chunk.plainLength),
                        String(chunk.encodedLength), String(chunk.storedLength), String(chunk.statistics.nullCount),
                        Self.format(chunk.statistics.minimum, type, truncated: chunk.minimumTruncated),
                        Self.format(chunk.statistics.maximum, type, truncated: chunk.maximumTruncated),
                    ])
                }
            }
            lines.append(contentsOf: TextTable.render(chunks))
        }
        if verified {
            lines.append("")
            lines.append("verified: every chunk decoded and every checksum matched")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A statistics value as JSON: numbers for integer and floating types (strings for NaN and
    /// infinities, which JSON cannot express), strings for dates, timestamps and text.
    static func jsonValue(_ value: Value, _ type: LogicalType) -> JSONText {
        switch value {
        case .null: return .null
        case .boolean(let flag): return .bool(flag)
        case .double(let double): return double.isFinite ? .number(value.formatted(as: type)) : .string(value.formatted(as: type))
        case .string(let string): return .string(string)
        case .interval(let interval): return .string(interval.description)
        case .integer:
            switch type {
            case .date, .timestamp: return .string(value.formatted(as: type))
            default: return .number(value.formatted(as: type))
            }
        }
    }

    var json: JSONText {
        let columns: [JSONText] = footer.columns.enumerated().map { index, column in
            let size = sizes(column: index)
            let use = usage(column: index)
            let merged = footer.statistics(column: index)
            let statistics = merged.statistics
            return .object([
                ("name", .string(column.name)),
                ("type", .string(column.type.description)),
                ("encodings", .object(use.encodings.map { ($0.0, .integer($0.1)) })),
                ("compressions", .object(use.compressions.map { ($0.0, .integer($0.1)) })),
                ("raw_bytes", .integer(size.raw)),
                ("encoded_bytes", .integer(size.encoded)),
                ("stored_bytes", .integer(size.stored)),
                ("null_count", .integer(statistics.nullCount)),
                ("distinct_count", .integer(statistics.distinctCount)),
                ("min", Self.jsonValue(statistics.minimum, column.type)),
                ("max", Self.jsonValue(statistics.maximum, column.type)),
                ("min_truncated", .bool(merged.minimumTruncated)),
                ("max_truncated", .bool(merged.maximumTruncated)),
            ])
        }
        let groups: [JSONText] = footer.rowGroups.map { group in
            .object([
                ("first_row", .integer(group.firstRow)),
                ("rows", .integer(group.rowCount)),
                ("chunks", .array(group.chunks.enumerated().map { index, chunk in
                    let type = footer.columns[index].type
                    return .object([
                        ("column", .string(footer.columns[index].name)),
                        ("offset", .integer(chunk.offset)),
                        ("encoding", .string(chunk.encoding.description)),
                        ("compression", .string(chunk.compression.description)),
                        ("raw_bytes", .integer(chunk.plainLength)),
                        ("encoded_bytes", .integer(chunk.encodedLength)),
                        ("stored_bytes", .integer(chunk.storedLength)),
                        ("checksum", .string(hexadecimalDigits(chunk.checksum))),
                        ("null_count", .integer(chunk.statistics.nullCount)),
                        ("distinct_count", .integer(chunk.statistics.distinctCount)),
                        ("min", Self.jsonValue(chunk.statistics.minimum, type)),
                        ("max", Self.jsonValue(chunk.statistics.maximum, type)),
                        ("min_truncated", .bool(chunk.minimumTruncated)),
                        ("max_truncated", .bool(chunk.maximumTruncated)),
                    ])
                })),
            ])
        }
        return .object([
            ("path", .string(reader.path)),
            ("file_bytes", .integer(reader.file.byteCount)),
            ("write_version", .integer(footer.writeVersion)),
            ("read_version", .integer(footer.readVersion)),
            ("rows", .integer(footer.rowCount)),
            ("columns", .array(columns)),
            ("row_groups", .array(groups)),
            ("metadata", .object(footer.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("verified", .bool(verified)),
        ])
    }
}
