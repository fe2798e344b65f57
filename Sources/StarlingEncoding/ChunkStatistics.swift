/// Per-chunk statistics: the zone map a reader uses to skip a chunk without decoding it.

import StarlingColumns

/// What a column chunk holds, summarised: NULL count, smallest and largest non-NULL value,
/// and an estimate of the number of distinct non-NULL values.
///
/// Ordering: integers by signed value; doubles by IEEE 754 total order (`-NaN < -∞ < … < -0 < +0 <
/// … < +∞ < NaN`); strings bytewise on their UTF-8 (the order of code points).
public struct ChunkStatistics: Equatable, Sendable {
    /// Rows that are NULL.
    public var nullCount: Int
    /// Distinct non-NULL values: exact up to ``ColumnEncoder/exactDistinctLimit``, estimated beyond.
    public var distinctCount: UInt64
    /// The smallest non-NULL value, or `.null` when every row is NULL.
    public var minimum: Value
    /// The largest non-NULL value, or `.null` when every row is NULL.
    public var maximum: Value

    public init(nullCount: Int, distinctCount: UInt64, minimum: Value, maximum: Value) {
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.minimum = minimum
        self.maximum = maximum
    }
}
