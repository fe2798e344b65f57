/// Renders rows as CSV, TSV, NDJSON, JSON or Markdown bytes, a column at a time, for streaming.

import StarlingColumns
import StarlingExecution

/// Writes a result's rows in a text format the way ``ResultPrinter/line(_:_:index:columns:labels:)``
/// does, byte for byte, without a `Value` or a `String` per cell: each column of a batch of rows is
/// rendered in one loop over its primitive buffer (dispatching on its type once) into a buffer of
/// cells, each after its lead (a separator, a JSON key); then the cells are copied out row by row
/// between each row's opening and closing. Made once per result (it holds the result's column
/// types, NULL text and framing) and reused batch after batch, keeping its buffers' capacity.
public struct DelimitedWriter: ~Copyable {
    /// The result's column types.
    private let types: [LogicalType]
    /// What goes around the cells of a row.
    private let framing: DelimitedFraming
    /// The bytes of a NULL cell.
    private let nullCell: [UInt8]
    /// The batch's cells, column after column (each column's rows in order).
    private var cells = ByteBuffer()
    /// Cell `k` (column `k / rows`, row `k % rows` of the batch) is `cells[cellEnds[k] ..< cellEnds[k + 1]]`.
    private var cellEnds: [Int] = []
    /// The batch's text.
    private var output = ByteBuffer()

    /// A writer of `format` for rows of `columns`, NULL written as `nullText` in delimited text
    /// (empty by default) and Markdown (`NULL` by default); JSON writes `null`.
    public init(_ format: DelimitedFormat, columns: [PlanColumn], nullText: String? = nil) {
        let framing = DelimitedFraming(format, names: columns.map(\.name))
        self.framing = framing
        types = columns.map(\.type)
        switch framing.style {
        case .delimited(let separator):
            nullCell = Array(TextEscaping.quoteDelimited(nullText ?? "", String(UnicodeScalar(separator))).utf8)
        case .json:
            nullCell = Array("null".utf8)
        case .markdown:
            nullCell = Array(TextEscaping.escapeMarkdown(nullText ?? "NULL").utf8)
        }
    }

    /// The text of rows `range` of `rows` after `prefix` (a result's opening); `firstIndex` is the
    /// index of the range's first row in the whole result (JSON opens its first row differently).
    public mutating func render(_ rows: Chunk, _ range: Range<Int>, firstIndex: Int, prefix: String = "") -> String {
        render(rows, range, firstIndex: firstIndex, prefix: prefix) { bytes in String(decoding: bytes, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of rows `range` of `rows` after `prefix`, as
    /// ``render(_:_:firstIndex:prefix:)`` spells them; the bytes are valid only in `body`.
    public mutating func render<R>(
        _ rows: Chunk, _ range: Range<Int>, firstIndex: Int, prefix: String = "",
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        precondition(rows.columns.count == types.count, "a chunk of \(rows.columns.count) columns for \(types.count)")
        precondition(range.lowerBound >= 0 && range.upperBound <= rows.count, "rows out of range")
        cells.removeAll()
        cellEnds.removeAll(keepingCapacity: true)
        cellEnds.append(0)
        cellEnds.append(contentsOf: repeatElement(0, count: types.count * range.count))
        renderColumns(rows, range)
        output.removeAll()
        output.append(prefix)
        interleave(rows: range.count, firstIndex: firstIndex)
        return try output.withBytes(body)
    }

    /// Renders the cells of rows `range`, column after column, each after its column's lead.
    private mutating func renderColumns(_ rows: Chunk, _ range: Range<Int>) {
        let framing = framing
        let types = types
        framing.bytes.withUnsafeBufferPointer { bytes in
            nullCell.withUnsafeBufferPointer { null in
                cellEnds.withUnsafeMutableBufferPointer { ends in
                    for column in types.indices {
                        let first = 1 + column * range.count
                        let target = CellTarget(
                            lead: UnsafeBufferPointer(
                                rebasing: bytes[framing.range(of: DelimitedFraming.lead(column))]),
                            null: null, ends: UnsafeMutableBufferPointer(rebasing: ends[first..<first + range.count]),
                            range: range)
                        Self.renderColumn(
                            rows.columns[column], type: types[column], style: framing.style, target, &cells)
                    }
                }
            }
        }
    }

    /// Appends the batch's `rows` rows to ``output``: each row's opening, its cells (each with
    /// its lead) and its closing, into room made for all of them at once.
    private mutating func interleave(rows: Int, firstIndex: Int) {
        let columns = types.count
        let ends = cellEnds
        let framing = framing
        precondition(ends.count == columns * rows + 1 && ends.allSatisfy { $0 <= cells.count }, "cells out of range")
        let first = framing.range(of: DelimitedFraming.opening(first: true))
        let later = framing.range(of: DelimitedFraming.opening(first: false))
        let closing = framing.range(of: DelimitedFraming.closing)
        let room = rows * (max(first.count, later.count) + closing.count) + cells.count
        cells.withBytes { cells in
            framing.bytes.withUnsafeBytes { bytes in
                ends.withUnsafeBufferPointer { ends in
                    output.withRoom(room) { start in
                        var out = start
                        func copy(_ range: Range<Int>, of bytes: UnsafeRawBufferPointer) {
                            ByteBuffer.copy(UnsafeRawBufferPointer(rebasing: bytes[range]), to: out)
                            out += range.count
                        }
                        for row in 0..<rows {
                            copy(firstIndex + row == 0 ? first : later, of: bytes)
                            var cell = row
                            for _ in 0..<columns {
                                copy(ends[cell]..<ends[cell + 1], of: cells)
                                cell += rows
                            }
                            copy(closing, of: bytes)
                        }
                        return out - start
                    }
                }
            }
        }
    }
}
