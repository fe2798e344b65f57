/// Combining distinct-count estimates of parts (a segment's chunks, a table's segments) into one
/// for the whole, without reading data: the catalog's distinct counts and the planner's.

/// A distinct count over several parts, each known by its distinct non-NULL values and its
/// non-NULL rows.
///
/// Distinct counts do not add: the true count of the whole lies between the largest part's and the
/// parts' sum. How far towards the sum depends on whether the parts share values, which the counts
/// alone cannot tell; the parts' mean *uniqueness* (distinct values per non-NULL row) is the guess.
/// A key column, unique in every part, comes out as the sum; a column of five values repeated in
/// every part as five. So the estimate is `max + (sum − max) × mean(distinct / non-NULL rows)`,
/// clamped to at least the largest part's count, at most the non-NULL rows, and, for integer-class
/// columns (stored as integers: numbers, dates, decimals, row codes), at most the span
/// `maximum − minimum + 1` of their values.
public struct DistinctCountEstimate: Sendable {
    private var largest = 0.0
    private var sum = 0.0
    private var uniqueness = 0.0
    private var parts = 0
    private var nonNullRows = 0.0

    public init() {}

    /// Adds a part with `distinct` distinct non-NULL values among `nonNullRows` non-NULL rows.
    /// A part without non-NULL rows adds nothing; negative figures count as zero.
    public mutating func add(distinct: Int, nonNullRows: Int) {
        guard nonNullRows > 0 else { return }
        let rows = Double(nonNullRows)
        let count = min(Double(max(0, distinct)), rows)
        largest = max(largest, count)
        sum += count
        uniqueness += count / rows
        parts += 1
        self.nonNullRows += rows
    }

    /// The estimate for the whole, no more than `span` values (the integer span of an
    /// integer-class column, when known), in `0...` the non-NULL rows added.
    public func estimate(span: Double? = nil) -> Double {
        guard parts > 0 else { return 0 }
        var estimate = largest + (sum - largest) * (uniqueness / Double(parts))
        estimate = min(estimate, nonNullRows)
        if let span, span >= 1 { estimate = min(estimate, span) }
        return max(estimate.rounded(), min(largest, span ?? largest), 0)
    }

    /// The span `maximum − minimum + 1` of integer statistics, or nil for other values.
    public static func span(minimum: StoredValue?, maximum: StoredValue?) -> Double? {
        guard case .integer(let low)? = minimum, case .integer(let high)? = maximum, low <= high else { return nil }
        return Double(high) - Double(low) + 1
    }
}
