/// Which rows of a vector a column chunk holds, and reading them out of a buffer.

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

    /// `transform` of each row's element of `source`, in row order. Every row is checked against
    /// `source` once, up front; the copy loop then reads without checks.
    ///
    /// - Precondition: every row lies inside `source`.
    ///
    /// Inlinable, so callers in other modules get it specialised for their element types (a
    /// generic call copies each element through the type's value witnesses).
    @inlinable @inline(__always)
    public func gather<Element, Result>(_ source: UnsafeBufferPointer<Element>, _ transform: (Element) -> Result) -> [Result] {
        switch self {
        case .range(let range):
            precondition(range.lowerBound >= 0 && range.upperBound <= source.count, "rows outside the vector")
            return [Result](unsafeUninitializedCapacity: range.count) { output, initialized in
                for index in 0..<range.count { output[index] = transform(source[range.lowerBound &+ index]) }
                initialized = range.count
            }
        case .picked(let picked):
            return picked.withUnsafeBufferPointer { picked in
                var outside = false
                for row in picked { outside = outside || row < 0 || Int(row) >= source.count }
                precondition(!outside, "rows outside the vector")
                return [Result](unsafeUninitializedCapacity: picked.count) { output, initialized in
                    for index in 0..<picked.count { output[index] = transform(source[Int(picked[index])]) }
                    initialized = picked.count
                }
            }
        }
    }
}
