/// A fixed-width vector's values widened to 64 bits.

extension ColumnVector {
    /// Every row's value as an `Int64`: integers, dates, timestamps and decimals widened,
    /// booleans 0 or 1, doubles as their bit patterns. Values of NULL rows are whatever is stored.
    ///
    /// - Precondition: the vector is fixed-width.
    public var widenedValues: [Int64] {
        switch type.physicalType {
        case .boolean: return withValues(UInt8.self) { $0.map { $0 != 0 ? 1 : 0 } }
        case .int8: return withValues(Int8.self) { $0.map(Int64.init) }
        case .int16: return withValues(Int16.self) { $0.map(Int64.init) }
        case .int32: return withValues(Int32.self) { $0.map(Int64.init) }
        case .int64, .float64: return withValues(Int64.self) { Array($0) }
        case .string: preconditionFailure("strings are not fixed-width")
        }
    }
}

/// Which rows of a vector a column chunk holds: a range of them, or rows picked in a given order
/// (a sorted segment's row group, read through the sort's permutation).
public enum ChunkRows: Sendable {
    case range(Range<Int>)
    case picked(ArraySlice<Int32>)

    /// The number of rows.
    public var count: Int {
        switch self {
        case .range(let range): return range.count
        case .picked(let rows): return rows.count
        }
    }
}

extension ColumnVector {
    /// The values of `rows` widened to `Int64` as ``widenedValues`` widens them, read straight
    /// from this vector's storage (no sliced or reordered copy first).
    ///
    /// - Precondition: the vector is fixed-width, and every row lies inside it (checked once).
    public func widenedValues(_ rows: ChunkRows) -> [Int64] {
        switch type.physicalType {
        case .boolean: return withValues(UInt8.self) { Self.widen($0, rows) { $0 != 0 ? 1 : 0 } }
        case .int8: return withValues(Int8.self) { Self.widen($0, rows, Int64.init) }
        case .int16: return withValues(Int16.self) { Self.widen($0, rows, Int64.init) }
        case .int32: return withValues(Int32.self) { Self.widen($0, rows, Int64.init) }
        case .int64, .float64: return withValues(Int64.self) { Self.widen($0, rows) { $0 } }
        case .string: preconditionFailure("strings are not fixed-width")
        }
    }

    @inline(__always)
    private static func widen<T>(_ values: UnsafeBufferPointer<T>, _ rows: ChunkRows, _ widen: (T) -> Int64) -> [Int64] {
        switch rows {
        case .range(let range):
            precondition(range.lowerBound >= 0 && range.upperBound <= values.count, "rows outside the vector")
            return [Int64](unsafeUninitializedCapacity: range.count) { output, initialized in
                for index in 0..<range.count { output[index] = widen(values[range.lowerBound &+ index]) }
                initialized = range.count
            }
        case .picked(let picked):
            return picked.withUnsafeBufferPointer { picked in
                var outside = false
                for row in picked { outside = outside || row < 0 || Int(row) >= values.count }
                precondition(!outside, "rows outside the vector")
                return [Int64](unsafeUninitializedCapacity: picked.count) { output, initialized in
                    for index in 0..<picked.count { output[index] = widen(values[Int(picked[index])]) }
                    initialized = picked.count
                }
            }
        }
    }
}

