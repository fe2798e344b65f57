/// One column's cells of a batch, rendered in one loop per vector shape and type.

import StarlingColumns
import StarlingExecution

extension DelimitedWriter {
    /// Appends the cells of `target`'s rows of `vector` (a column of logical type `type`, which,
    /// as in `Value.formatted(as:)`, says what its integers mean) to `cells`, each after the
    /// column's lead, and records where each ends.
    static func renderColumn(
        _ vector: Vector, type: LogicalType, style: CellStyle, _ target: CellTarget, _ cells: inout ByteBuffer
    ) {
        let range = target.range
        precondition(range.upperBound <= vector.count && target.ends.count == range.count, "cells out of range")
        let nulls = vector.nulls ?? []
        precondition(nulls.isEmpty || nulls.count >= range.upperBound, "a NULL mask shorter than its vector")
        nulls.withUnsafeBufferPointer { nulls in
            var target = target
            target.nulls = nulls
            switch vector.data {
            case .integers(let values):
                values.withUnsafeBufferPointer { renderIntegers($0, type: type, style: style, target, &cells) }
            case .doubles(let values):
                values.withUnsafeBufferPointer {
                    forEachRow(DoubleCells(values: $0, json: style == .json), target, &cells)
                }
            case .booleans(let values):
                values.withUnsafeBufferPointer { forEachRow(BooleanCells(values: $0), target, &cells) }
            case .strings(let strings):
                forEachRow(StringCells(strings: strings, codes: nil, style: style), target, &cells)
            case .dictionary(let codes, let dictionary):
                codes.withUnsafeBufferPointer { codes in
                    forEachRow(StringCells(strings: dictionary, codes: codes, style: style), target, &cells)
                }
            case .intervals(let values):
                values.withUnsafeBufferPointer {
                    forEachRow(IntervalCells(values: $0, quoted: style == .json), target, &cells)
                }
            }
        }
    }

    /// Integers as their type says: decimals with their scale, dates, timestamps (quoted in
    /// JSON), booleans stored as 0 and 1, and plain integers.
    private static func renderIntegers(
        _ values: UnsafeBufferPointer<Int64>, type: LogicalType, style: CellStyle, _ target: CellTarget,
        _ cells: inout ByteBuffer
    ) {
        let quoted = style == .json
        switch type {
        case .decimal(_, let scale): forEachRow(DecimalCells(values: values, scale: scale), target, &cells)
        case .date, .timestamp:
            forEachRow(TemporalCells(values: values, timestamps: type == .timestamp, quoted: quoted), target, &cells)
        case .boolean: forEachRow(FlagCells(values: values), target, &cells)
        case .tinyint, .smallint, .integer, .bigint, .double, .varchar, .interval:
            forEachRow(IntegerCells(values: values), target, &cells)
        }
    }

    /// Appends, for each of `target`'s rows, the column's lead and then the NULL cell or the
    /// row's cell from `writer`, recording where each cell ends: one loop, specialised for the
    /// writer's type.
    @inline(__always)
    private static func forEachRow<Writer: CellWriter>(
        _ writer: Writer, _ target: CellTarget, _ cells: inout ByteBuffer
    ) {
        precondition(writer.count >= target.range.upperBound, "fewer values than rows")
        let nulls = target.nulls
        let checksNulls = !nulls.isEmpty
        let lead = target.lead
        var position = 0
        for row in target.range {
            cells.append(lead)
            if checksNulls && nulls[row] {
                cells.append(target.null)
            } else {
                writer.write(row, into: &cells)
            }
            target.ends[position] = cells.count
            position += 1
        }
    }
}

/// Where one column's cells of a batch go, what goes before each, and how its NULLs are known
/// and written.
struct CellTarget {
    /// The bytes before each cell (a separator, a JSON key).
    let lead: UnsafeBufferPointer<UInt8>
    /// A NULL cell's bytes.
    let null: UnsafeBufferPointer<UInt8>
    /// Each cell's end offset in the batch's cells, the batch's first row first.
    let ends: UnsafeMutableBufferPointer<Int>
    /// The vector's rows in the batch.
    let range: Range<Int>
    /// The vector's NULL mask, or empty when no row is NULL.
    var nulls = UnsafeBufferPointer<Bool>(start: nil, count: 0)
}
