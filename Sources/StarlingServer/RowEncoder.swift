/// Chunks of query results as DataRow messages, a column at a time.

import NIOCore
import StarlingColumns
import StarlingExecution
import StarlingWire

/// Writes the rows of result chunks as DataRows in each column's wire format. Each column of a
/// chunk is encoded once into a run of cells (a length word and the value's bytes, or -1 for
/// NULL) by a loop chosen once per vector by type and format (``CellBytes``: digits written
/// straight into the bytes, no `String` per value but for doubles); the rows are then copied out
/// of the cells into the channel's buffer in one pass.
struct RowEncoder {
    let types: [LogicalType]
    let formats: [ValueFormat]

    /// Appends rows `range` of `chunk` to `buffer`, one DataRow each.
    func write(_ chunk: Chunk, rows range: Range<Int>, into buffer: inout NIOCore.ByteBuffer) {
        guard !range.isEmpty else { return }
        let rows = range.count
        let columns = chunk.columns.count
        // Every column's cells in one run of bytes; cell (column, row) spans
        // starts[column * (rows + 1) + row] ..< starts[column * (rows + 1) + row + 1].
        var cells = CellBytes(capacity: rows * max(1, columns) * 12)
        var starts: [Int] = []
        starts.reserveCapacity(columns * (rows + 1))
        for column in 0..<columns {
            let format = formats.indices.contains(column) ? formats[column] : .text
            encode(chunk.columns[column], rows: range, format: format, into: &cells, starts: &starts)
        }
        let total = cells.bytes.count + rows * 7
        cells.bytes.withUnsafeBytes { source in
            starts.withUnsafeBufferPointer { starts in
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { destination in
                    Self.assemble(source, starts, rows: rows, columns: columns, into: destination)
                }
            }
        }
    }

    /// Copies the cells into DataRows (type, length, column count, cells); the bytes written.
    static func assemble(
        _ source: UnsafeRawBufferPointer, _ starts: UnsafeBufferPointer<Int>, rows: Int, columns: Int,
        into destination: UnsafeMutableRawBufferPointer
    ) -> Int {
        let stride = rows + 1
        var at = 0
        for row in 0..<rows {
            var length = 6
            for column in 0..<columns {
                length += starts[column * stride + row + 1] - starts[column * stride + row]
            }
            destination[at] = UInt8(ascii: "D")
            destination.storeBytes(
                of: Int32(truncatingIfNeeded: length).bigEndian, toByteOffset: at + 1, as: Int32.self)
            destination.storeBytes(
                of: Int16(truncatingIfNeeded: columns).bigEndian, toByteOffset: at + 5, as: Int16.self)
            at += 7
            for column in 0..<columns {
                let start = starts[column * stride + row]
                let end = starts[column * stride + row + 1]
                UnsafeMutableRawBufferPointer(rebasing: destination[at..<(at + end - start)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<end]))
                at += end - start
            }
        }
        return at
    }

    /// Appends the cells of rows `range` of `vector` to `cells`, and where each starts (and, last,
    /// where the column ends) to `starts`.
    func encode(
        _ vector: Vector, rows range: Range<Int>, format: ValueFormat, into cells: inout CellBytes,
        starts: inout [Int]
    ) {
        let binary = format == .binary
        switch vector.data {
        case .integers(let values):
            switch vector.type {
            case .boolean:
                each(vector, range, &cells, &starts) { row, out in
                    if binary {
                        out.append(UInt8(values[row] != 0 ? 1 : 0))
                    } else {
                        out.append(values[row] != 0 ? UInt8(ascii: "t") : UInt8(ascii: "f"))
                    }
                }
            case .tinyint, .smallint:
                each(vector, range, &cells, &starts) { row, out in
                    if binary {
                        out.appendBigEndian(Int16(truncatingIfNeeded: values[row]))
                    } else {
                        out.appendInteger(values[row])
                    }
                }
            case .integer:
                each(vector, range, &cells, &starts) { row, out in
                    if binary {
                        out.appendBigEndian(Int32(truncatingIfNeeded: values[row]))
                    } else {
                        out.appendInteger(values[row])
                    }
                }
            case .decimal(_, let scale):
                each(vector, range, &cells, &starts) { row, out in
                    if binary {
                        NumericBinary.write(unscaled: values[row], scale: scale, into: &out)
                    } else {
                        out.appendDecimal(values[row], scale: scale)
                    }
                }
            case .date:
                each(vector, range, &cells, &starts) { row, out in
                    if binary {
                        out.appendBigEndian(Int32(truncatingIfNeeded: values[row] &- PostgresEpoch.days))
                    } else {
                        out.appendDate(days: values[row])
                    }
                }
            case .timestamp:
                each(vector, range, &cells, &starts) { row, out in
                    if binary {
                        out.appendBigEndian(values[row] &- PostgresEpoch.microseconds)
                    } else {
                        out.appendTimestamp(microseconds: values[row])
                    }
                }
            case .bigint, .double, .varchar, .interval:
                each(vector, range, &cells, &starts) { row, out in
                    if binary { out.appendBigEndian(values[row]) } else { out.appendInteger(values[row]) }
                }
            }
        case .doubles(let values):
            each(vector, range, &cells, &starts) { row, out in
                if binary {
                    out.appendBigEndian(values[row].bitPattern)
                } else {
                    out.append(contentsOf: Self.text(values[row]).utf8)
                }
            }
        case .booleans(let values):
            each(vector, range, &cells, &starts) { row, out in
                if binary {
                    out.append(UInt8(values[row] ? 1 : 0))
                } else {
                    out.append(values[row] ? UInt8(ascii: "t") : UInt8(ascii: "f"))
                }
            }
        case .strings(let storage):
            each(vector, range, &cells, &starts) { row, out in out.append(contentsOf: storage.bytes(at: row)) }
        case .dictionary(let codes, let dictionary):
            each(vector, range, &cells, &starts) { row, out in
                out.append(contentsOf: dictionary.bytes(at: Int(codes[row])))
            }
        case .intervals(let values):
            each(vector, range, &cells, &starts) { row, out in
                let value = values[row]
                if binary {
                    out.appendBigEndian(value.micros)
                    out.appendBigEndian(value.days)
                    out.appendBigEndian(value.months)
                } else {
                    out.append(contentsOf: IntervalText.postgres(value).utf8)
                }
            }
        }
        starts.append(cells.bytes.count)
    }

    /// Writes each row's cell: -1 for NULL, else a length word and what `value` writes.
    @inline(__always)
    private func each(
        _ vector: Vector, _ range: Range<Int>, _ cells: inout CellBytes, _ starts: inout [Int],
        _ value: (Int, inout CellBytes) -> Void
    ) {
        for row in range {
            starts.append(cells.bytes.count)
            if vector.isNull(row) {
                cells.appendBigEndian(Int32(-1))
            } else {
                let lengthAt = cells.bytes.count
                cells.appendBigEndian(Int32(0))
                value(row, &cells)
                cells.setLength(at: lengthAt)
            }
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
