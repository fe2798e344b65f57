/// Chunks of a `COPY … TO STDOUT`'s rows as CopyData messages, in the text or CSV format.

import NIOCore
import StarlingColumns
import StarlingEngine
import StarlingExecution

/// Writes result rows as PostgreSQL's COPY writes them: one CopyData message a row (clients such
/// as psycopg read a row a message), each value in the text form a DataRow would carry (through
/// ``RowEncoder``'s cells), then escaped for the format: in text, backslash escapes for the
/// backslash, the delimiter and control characters, NULL as `\N`; in CSV, quotes around a value
/// holding the delimiter, a quote, a line break, or spelled as NULL is, NULL unquoted.
struct CopyOutEncoder {
    let format: CopyFormat
    private let cellEncoder: RowEncoder

    init(format: CopyFormat, types: [LogicalType]) {
        self.format = format
        cellEncoder = RowEncoder(types: types, formats: types.map { _ in .text })
    }

    /// The header row: the column names, when the format asks for one.
    func writeHeader(_ names: [String], into buffer: inout NIOCore.ByteBuffer) {
        guard format.header else { return }
        let columns = names.map { Vector(type: .varchar, values: [.string($0)]) }
        write(Chunk(columns: columns, count: 1), into: &buffer)
    }

    /// Appends rows `0..<chunk.count` of `chunk`: each column's cells encoded by ``RowEncoder``
    /// (a length word, -1 for NULL, and the text), then every row assembled at once into room
    /// made for the worst case (each byte escaped, each value quoted).
    func write(_ chunk: Chunk, into buffer: inout NIOCore.ByteBuffer) {
        let rows = chunk.count
        let columns = chunk.columns.count
        guard rows > 0 else { return }
        var cells = CellBytes(capacity: rows * max(1, columns) * 12)
        var starts: [Int] = []
        starts.reserveCapacity(columns * (rows + 1))
        for column in 0..<columns {
            cellEncoder.encode(chunk.columns[column], rows: 0..<rows, format: .text, into: &cells, starts: &starts)
        }
        precondition(starts.count == columns * (rows + 1), "a cell start per row and column")
        let bound = 2 * cells.bytes.count + rows * (6 + columns * (3 + format.nullText.count))
        let format = self.format
        cells.bytes.withUnsafeBytes { source in
            starts.withUnsafeBufferPointer { starts in
                format.nullText.withUnsafeBytes { nullText in
                    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
                        precondition(out.count >= bound, "room for the worst case")
                        var writer = Writer(format: format, nullText: nullText, out: out)
                        writer.rows(source, starts, rows: rows, columns: columns)
                        return writer.at
                    }
                }
            }
        }
    }
}

/// The assembly of rows into room that fits them however they are escaped.
private struct Writer {
    let format: CopyFormat
    let nullText: UnsafeRawBufferPointer
    let out: UnsafeMutableRawBufferPointer
    var at = 0

    init(format: CopyFormat, nullText: UnsafeRawBufferPointer, out: UnsafeMutableRawBufferPointer) {
        self.format = format
        self.nullText = nullText
        self.out = out
    }

    /// Each row as a CopyData message (type, length, values between delimiters, a line feed).
    mutating func rows(_ source: UnsafeRawBufferPointer, _ starts: UnsafeBufferPointer<Int>, rows: Int, columns: Int) {
        let stride = rows + 1
        for row in 0..<rows {
            put(UInt8(ascii: "d"))
            let lengthAt = at
            at += 4
            for column in 0..<columns {
                if column > 0 { put(format.delimiter) }
                let start = starts[column * stride + row]
                let end = starts[column * stride + row + 1]
                guard end - start >= 4 else { continue }
                let length = Int32(bigEndian: source.loadUnaligned(fromByteOffset: start, as: Int32.self))
                if length < 0 {
                    copy(nullText)
                } else if format.kind == .text {
                    text(UnsafeRawBufferPointer(rebasing: source[(start + 4)..<end]))
                } else {
                    csv(UnsafeRawBufferPointer(rebasing: source[(start + 4)..<end]))
                }
            }
            put(0x0A)
            out.storeBytes(
                of: Int32(truncatingIfNeeded: at - lengthAt).bigEndian, toByteOffset: lengthAt, as: Int32.self)
        }
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        out[at] = byte
        at += 1
    }

    private mutating func copy(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        UnsafeMutableRawBufferPointer(rebasing: out[at..<(at + bytes.count)]).copyMemory(from: bytes)
        at += bytes.count
    }

    /// A value in the text format: a backslash before the delimiter and a backslash, and the
    /// control characters PostgreSQL writes as `\b \f \n \r \t \v`.
    private mutating func text(_ value: UnsafeRawBufferPointer) {
        let delimiter = format.delimiter
        guard value.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\\") || $0 == delimiter }) else {
            return copy(value)
        }
        for byte in value {
            let escape: UInt8
            switch byte {
            case 0x08: escape = UInt8(ascii: "b")
            case 0x0C: escape = UInt8(ascii: "f")
            case 0x0A: escape = UInt8(ascii: "n")
            case 0x0D: escape = UInt8(ascii: "r")
            case 0x09: escape = UInt8(ascii: "t")
            case 0x0B: escape = UInt8(ascii: "v")
            case UInt8(ascii: "\\"), delimiter: escape = byte
            default:
                put(byte)
                continue
            }
            put(UInt8(ascii: "\\"))
            put(escape)
        }
    }

    /// A value in CSV: in quotes when it holds the delimiter, a quote or a line break, or is
    /// spelled as NULL is, or is PostgreSQL's end-of-data marker `\.`; a quote or the escape
    /// inside preceded by the escape.
    private mutating func csv(_ value: UnsafeRawBufferPointer) {
        let (delimiter, quote, escape) = (format.delimiter, format.quote, format.escape)
        let special = value.contains { $0 == delimiter || $0 == quote || $0 == 0x0A || $0 == 0x0D }
        let quoted =
            special || value.elementsEqual(nullText)
            || (value.count == 2 && value[0] == UInt8(ascii: "\\") && value[1] == UInt8(ascii: "."))
        guard quoted else { return copy(value) }
        put(quote)
        for byte in value {
            if byte == quote || byte == escape { put(escape) }
            put(byte)
        }
        put(quote)
    }
}
