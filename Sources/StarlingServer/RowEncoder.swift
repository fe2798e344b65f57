/// Chunks of query results as DataRow messages, a column at a time.

import NIOCore
import StarlingColumns
import StarlingExecution
import StarlingWire

/// Writes the rows of result chunks as DataRows in each column's wire format. Each column of a
/// chunk is encoded once into a run of cells (a length word and the value's bytes, or -1 for
/// NULL) by a loop chosen once per vector by type and format; the rows are then assembled from
/// the cells.
struct RowEncoder {
    let types: [LogicalType]
    let formats: [ValueFormat]

    /// One column's encoded cells: cell `i` is `bytes[starts[i]..<starts[i + 1]]`.
    struct Cells {
        var bytes: NIOCore.ByteBuffer
        var starts: [Int]
    }

    /// Appends rows `range` of `chunk` to `buffer`, one DataRow each.
    func write(_ chunk: Chunk, rows range: Range<Int>, into buffer: inout NIOCore.ByteBuffer) {
        guard !range.isEmpty else { return }
        let cells = chunk.columns.indices.map { column in
            encode(
                chunk.columns[column], rows: range, format: formats.indices.contains(column) ? formats[column] : .text)
        }
        for row in 0..<range.count {
            BackendMessage.writeDataRow(into: &buffer, columns: cells.count) { out in
                for column in cells {
                    let start = column.starts[row]
                    let end = column.starts[row + 1]
                    column.bytes.withUnsafeReadableBytes { raw in
                        out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                    }
                }
            }
        }
    }

    /// The cells of rows `range` of `vector`.
    func encode(_ vector: Vector, rows range: Range<Int>, format: ValueFormat) -> Cells {
        var cells = Cells(bytes: ByteBufferAllocator().buffer(capacity: range.count * 12), starts: [0])
        cells.starts.reserveCapacity(range.count + 1)
        let binary = format == .binary
        switch vector.data {
        case .integers(let values):
            switch vector.type {
            case .boolean:
                each(vector, range, &cells) { row, out in
                    if binary {
                        _ = out.writeInteger(UInt8(values[row] != 0 ? 1 : 0))
                    } else {
                        out.writeStaticString(values[row] != 0 ? "t" : "f")
                    }
                }
            case .tinyint, .smallint:
                each(vector, range, &cells) { row, out in
                    if binary {
                        _ = out.writeInteger(Int16(truncatingIfNeeded: values[row]))
                    } else {
                        out.writeDecimal(values[row])
                    }
                }
            case .integer:
                each(vector, range, &cells) { row, out in
                    if binary {
                        _ = out.writeInteger(Int32(truncatingIfNeeded: values[row]))
                    } else {
                        out.writeDecimal(values[row])
                    }
                }
            case .decimal(_, let scale):
                each(vector, range, &cells) { row, out in
                    if binary {
                        NumericBinary.write(unscaled: values[row], scale: scale, into: &out)
                    } else {
                        out.writeString(DecimalFormatting.format(unscaled: values[row], scale: scale))
                    }
                }
            case .date:
                each(vector, range, &cells) { row, out in
                    if binary {
                        out.writeInteger(Int32(truncatingIfNeeded: values[row] &- PostgresEpoch.days))
                    } else {
                        out.writeString(CalendarDate(daysSinceEpoch: values[row]).description)
                    }
                }
            case .timestamp:
                each(vector, range, &cells) { row, out in
                    if binary {
                        out.writeInteger(values[row] &- PostgresEpoch.microseconds)
                    } else {
                        out.writeString(TimestampFormatting.format(microseconds: values[row]))
                    }
                }
            case .bigint, .double, .varchar, .interval:
                each(vector, range, &cells) { row, out in
                    if binary { _ = out.writeInteger(values[row]) } else { out.writeDecimal(values[row]) }
                }
            }
        case .doubles(let values):
            each(vector, range, &cells) { row, out in
                if binary {
                    _ = out.writeInteger(values[row].bitPattern)
                } else {
                    out.writeString(Self.text(values[row]))
                }
            }
        case .booleans(let values):
            each(vector, range, &cells) { row, out in
                if binary {
                    _ = out.writeInteger(UInt8(values[row] ? 1 : 0))
                } else {
                    out.writeStaticString(values[row] ? "t" : "f")
                }
            }
        case .strings(let storage):
            each(vector, range, &cells) { row, out in out.writeBytes(storage.bytes(at: row)) }
        case .dictionary(let codes, let dictionary):
            each(vector, range, &cells) { row, out in out.writeBytes(dictionary.bytes(at: Int(codes[row]))) }
        case .intervals(let values):
            each(vector, range, &cells) { row, out in
                let value = values[row]
                if binary {
                    out.writeInteger(value.micros)
                    out.writeInteger(value.days)
                    out.writeInteger(value.months)
                } else {
                    out.writeString(IntervalText.postgres(value))
                }
            }
        }
        return cells
    }

    /// Writes each row's cell: -1 for NULL, else a length word and what `value` writes.
    @inline(__always)
    private func each(
        _ vector: Vector, _ range: Range<Int>, _ cells: inout Cells, _ value: (Int, inout NIOCore.ByteBuffer) -> Void
    ) {
        for row in range {
            if vector.isNull(row) {
                cells.bytes.writeInteger(Int32(-1))
            } else {
                let lengthAt = cells.bytes.writerIndex
                cells.bytes.writeInteger(Int32(0))
                value(row, &cells.bytes)
                cells.bytes.setInteger(Int32(truncatingIfNeeded: cells.bytes.writerIndex - lengthAt - 4), at: lengthAt)
            }
            cells.starts.append(cells.bytes.writerIndex)
        }
    }

    /// A double as PostgreSQL writes it (shortest digits that read back the same; `1` rather
    /// than `1.0`; `NaN`, `Infinity`, `-Infinity`).
    static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        var text = "\(value)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}

/// PostgreSQL's epoch, 2000-01-01, from Starling's, 1970-01-01.
enum PostgresEpoch {
    static let days: Int64 = 10_957
    static let microseconds: Int64 = 946_684_800_000_000
}

extension NIOCore.ByteBuffer {
    /// Writes `value` in decimal digits.
    mutating func writeDecimal(_ value: Int64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits and a sign
        let count = withUnsafeMutableBytes(of: &digits) { raw -> Int in
            var magnitude = value.magnitude
            var index = raw.count
            repeat {
                index -= 1
                raw[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            if value < 0 {
                index -= 1
                raw[index] = UInt8(ascii: "-")
            }
            writeBytes(UnsafeRawBufferPointer(rebasing: raw[index...]))
            return raw.count - index
        }
        _ = count
    }
}
