/// Row numbers checked once for every column that reads them.

/// Row numbers of a chunk, strictly ascending and each below `limit`: a scan's selection,
/// checked once when made, so that the gather of every column of the row group reads them
/// without checking them again, and can walk the chunk's encoded values in order.
public struct AscendingRows: Sendable {
    public let rows: [Int32]
    /// The chunk's row count: every row is below it.
    public let limit: Int

    /// `rows`, or nil unless they ascend strictly and lie in `0 ..< limit`. One pass, comparing
    /// each row with the one before it (a loop the compiler vectorises).
    public init?(_ rows: [Int32], limit: Int) {
        guard let first = rows.first, let last = rows.last else { return nil }
        guard first >= 0, Int(last) < limit else { return nil }
        let ascending = rows.withUnsafeBufferPointer { rows in
            var descents: UInt32 = 0
            for index in 1..<Swift.max(rows.count, 1) { descents |= rows[index] <= rows[index &- 1] ? 1 : 0 }
            return descents == 0
        }
        guard ascending else { return nil }
        self.rows = rows
        self.limit = limit
    }
}
