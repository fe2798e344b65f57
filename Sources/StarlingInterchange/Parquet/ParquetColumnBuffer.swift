/// One column's rows of the row group being gathered, before they are encoded.

import StarlingColumns
import StarlingExecution

/// A column's rows for the current row group: a definition level per row (1 present, 0 NULL)
/// and the present values only, densely, in the buffer of the column's physical type. Filled a
/// vector at a time with one loop per type; emptied (capacity kept) when the row group is written.
struct ParquetColumnBuffer {
    let physical: ParquetPhysicalType
    /// 1 for a present value, 0 for NULL, one per row.
    private(set) var definitions: [UInt8] = []
    private(set) var nullCount = 0
    /// INT32 and INT64 columns' values (INT32's fit 32 bits: TINYINT…INTEGER and DATE).
    private(set) var integers: [Int64] = []
    private(set) var doubles: [Double] = []
    private(set) var booleans: [Bool] = []
    /// BYTE_ARRAY values back to back, and where each ends.
    private(set) var stringBytes: [UInt8] = []
    private(set) var stringEnds: [Int] = []

    init(physical: ParquetPhysicalType) {
        self.physical = physical
    }

    var rowCount: Int { definitions.count }
    var valueCount: Int { definitions.count - nullCount }

    /// The bytes of present string `index`.
    func string(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : stringEnds[index - 1]
        return UnsafeBufferPointer(rebasing: bytes[start..<stringEnds[index]])
    }

    mutating func removeAll() {
        definitions.removeAll(keepingCapacity: true)
        nullCount = 0
        integers.removeAll(keepingCapacity: true)
        doubles.removeAll(keepingCapacity: true)
        booleans.removeAll(keepingCapacity: true)
        stringBytes.removeAll(keepingCapacity: true)
        stringEnds.removeAll(keepingCapacity: true)
    }

    /// Appends rows `range` of `vector`, whose type maps to this column's physical type.
    mutating func append(_ vector: Vector, _ range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= vector.count, "rows out of range")
        if let nulls = vector.nulls {
            for row in range {
                definitions.append(nulls[row] ? 0 : 1)
            }
            nullCount += range.count - nulls[range].count { !$0 }
        } else {
            definitions.append(contentsOf: repeatElement(1, count: range.count))
        }
        let nulls = vector.nulls
        func present(_ row: Int) -> Bool { nulls.map { !$0[row] } ?? true }
        switch vector.data {
        case .integers(let values) where physical == .boolean:
            for row in range where present(row) { booleans.append(values[row] != 0) }
        case .integers(let values):
            if nulls == nil {
                integers.append(contentsOf: values[range])
            } else {
                for row in range where present(row) { integers.append(values[row]) }
            }
        case .doubles(let values):
            if nulls == nil {
                doubles.append(contentsOf: values[range])
            } else {
                for row in range where present(row) { doubles.append(values[row]) }
            }
        case .booleans(let values):
            for row in range where present(row) { booleans.append(values[row]) }
        case .strings, .dictionary:
            for row in range where present(row) {
                stringBytes.append(contentsOf: vector.stringBytes(at: row))
                stringEnds.append(stringBytes.count)
            }
        case .intervals:
            preconditionFailure("INTERVAL columns are refused before they reach a Parquet writer")
        }
    }
}
