/// Writers of one column's non-NULL cells, one per vector shape and type, for ``DelimitedWriter``.

import StarlingColumns

/// Writes row `row`'s value of a column as text. Each conforming type reads one primitive buffer,
/// so the loop over a column's rows is specialised for it: no closure, `Value` or `String` per row.
protocol CellWriter {
    /// The rows there are values for (rows below it may be written).
    var count: Int { get }
    /// Appends row `row`'s text (the row is below ``count`` and not NULL).
    func write(_ row: Int, into cells: inout ByteBuffer)
}

/// TINYINT to BIGINT values.
struct IntegerCells: CellWriter {
    let values: UnsafeBufferPointer<Int64>
    var count: Int { values.count }
    @inline(__always)
    func write(_ row: Int, into cells: inout ByteBuffer) { cells.appendInteger(values[row]) }
}

/// Unscaled DECIMAL values with `scale` digits after the point.
struct DecimalCells: CellWriter {
    let values: UnsafeBufferPointer<Int64>
    let scale: Int
    var count: Int { values.count }
    @inline(__always)
    func write(_ row: Int, into cells: inout ByteBuffer) { cells.appendDecimal(values[row], scale: scale) }
}

/// DATE values (days since 1970-01-01) or TIMESTAMP values (microseconds since 1970-01-01
/// 00:00 UTC), in quotes for JSON.
struct TemporalCells: CellWriter {
    let values: UnsafeBufferPointer<Int64>
    let timestamps: Bool
    let quoted: Bool
    var count: Int { values.count }
    @inline(__always)
    func write(_ row: Int, into cells: inout ByteBuffer) {
        if quoted { cells.append(byte: UInt8(ascii: "\"")) }
        if timestamps {
            cells.appendTimestamp(microseconds: values[row])
        } else {
            cells.appendDate(days: values[row])
        }
        if quoted { cells.append(byte: UInt8(ascii: "\"")) }
    }
}

/// BOOLEAN values held as integers: 0 is `false`, anything else `true`.
struct FlagCells: CellWriter {
    let values: UnsafeBufferPointer<Int64>
    var count: Int { values.count }
    @inline(__always)
    func write(_ row: Int, into cells: inout ByteBuffer) { cells.appendBoolean(values[row] != 0) }
}

/// BOOLEAN values.
struct BooleanCells: CellWriter {
    let values: UnsafeBufferPointer<Bool>
    var count: Int { values.count }
    @inline(__always)
    func write(_ row: Int, into cells: inout ByteBuffer) { cells.appendBoolean(values[row]) }
}

/// DOUBLE values; for JSON, NaN and the infinities (which are no JSON numbers) in quotes.
struct DoubleCells: CellWriter {
    let values: UnsafeBufferPointer<Double>
    let json: Bool
    var count: Int { values.count }
    @inline(__always)
    func write(_ row: Int, into cells: inout ByteBuffer) {
        let value = values[row]
        let quoted = json && !value.isFinite
        if quoted { cells.append(byte: UInt8(ascii: "\"")) }
        cells.appendDouble(value)
        if quoted { cells.append(byte: UInt8(ascii: "\"")) }
    }
}

/// Strings: row `i`'s is entry `codes[i]` of `strings`, or entry `i` without codes; escaped as
/// the format escapes them.
struct StringCells: CellWriter {
    let strings: StringStorage
    let codes: UnsafeBufferPointer<UInt32>?
    let style: CellStyle
    var count: Int { codes?.count ?? strings.count }
    @inline(__always)
    func write(_ row: Int, into cells: inout ByteBuffer) {
        let text = strings.bytes(at: codes.map { Int($0[row]) } ?? row)
        switch style {
        case .delimited(let separator): cells.appendDelimited(text, separator: separator)
        case .json: cells.appendJSONString(text)
        case .markdown: cells.appendMarkdown(text)
        }
    }
}

/// INTERVAL values as DuckDB prints them (`1 day 02:00:00`), in quotes for JSON.
struct IntervalCells: CellWriter {
    let values: UnsafeBufferPointer<Interval>
    let quoted: Bool
    var count: Int { values.count }
    @inline(__always)
    func write(_ row: Int, into cells: inout ByteBuffer) {
        if quoted { cells.append(byte: UInt8(ascii: "\"")) }
        cells.appendInterval(values[row])
        if quoted { cells.append(byte: UInt8(ascii: "\"")) }
    }
}
