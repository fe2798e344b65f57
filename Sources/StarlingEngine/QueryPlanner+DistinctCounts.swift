/// Distinct counts of table columns from the catalog (planning reads no rows), and the row
/// multiplication of a join they imply, for join ordering.

import StarlingColumns
import StarlingExecution
import StarlingStorage

extension QueryPlanner {
    /// A join multiplying rows by less than this counts as a key join (no multiplication): the
    /// distinct counts are estimates (exact per chunk, but combined across chunks and segments by
    /// a guess), and a unique key estimated a few percent short must not look like a fan-out.
    static let keyJoinTolerance = 1.1

    /// The estimated distinct non-NULL values of a table leaf's column, by scope index, over the
    /// whole table: the segments' distinct counts combined as ``DistinctCountEstimate`` combines
    /// parts, at most the table's non-NULL rows and, for integer-class columns, the span of their
    /// values. Nil when unknown: not a table's plain column, or a segment without a distinct count
    /// (written before the catalog kept them), or no non-NULL rows.
    func columnDistinct(_ from: FromClause, _ leafIndex: Int) -> (Int) -> Double? {
        let leaf = from.leaves[leafIndex]
        guard case .table(let table) = leaf.source else { return { _ in nil } }
        return { index in
            guard leaf.range.contains(index) else { return nil }
            let column = table.columns[index - leaf.offset]
            var estimate = DistinctCountEstimate()
            var low = Int64.max
            var high = Int64.min
            var integral = true
            for partition in table.partitions {
                for segment in partition.segments {
                    guard
                        let statistics = segment.statistics.first(where: { $0.columnIdentifier == column.identifier }),
                        let distinct = statistics.distinctCount
                    else { return nil }
                    let nulls = min(max(0, statistics.nullCount), segment.rows)
                    estimate.add(distinct: distinct, nonNullRows: segment.rows - nulls)
                    guard nulls < segment.rows else { continue }
                    if case .integer(let smallest)? = statistics.minimum,
                        case .integer(let largest)? = statistics.maximum
                    {
                        low = min(low, smallest)
                        high = max(high, largest)
                    } else {
                        integral = false
                    }
                }
            }
            let span = integral && low <= high ? Double(high) - Double(low) + 1 : nil
            let distinct = estimate.estimate(span: span)
            return distinct >= 1 ? distinct : nil
        }
    }

    /// How many times joining `leaf` on `edgeIndices` (equalities between it and joined leaves)
    /// multiplies the rows that reach it, beyond what its filters keep: the textbook
    /// `leafRows / max(ndv(probe key), ndv(build key))` (PostgreSQL's and DuckDB's), as a factor
    /// of `leafRows`, with several edges' selectivities multiplied. A key join (the build key
    /// unique, so every probe row meets at most one row) gives 1; a join on a column the leaf
    /// repeats (lineitem to partsupp on the part key alone) gives the repetition. Never below 1
    /// — the join is not estimated to drop probe rows, as before distinct counts were kept — and
    /// 1 when any key's distinct count is unknown (a leaf that is not a table, an expression key,
    /// a warehouse written before the catalog kept distinct counts): the key-join estimate.
    func joinFanout(_ from: FromClause, leaf: Int, edges: [JoinEdge], edgeIndices: [Int]) -> Double {
        guard !edgeIndices.isEmpty else { return 1 }
        var selectivity = 1.0
        for index in edgeIndices {
            let edge = edges[index]
            guard let left = keyDistinct(from, leaf: edge.leftLeaf, key: edge.left),
                let right = keyDistinct(from, leaf: edge.rightLeaf, key: edge.right)
            else { return 1 }
            selectivity /= max(left, right, 1)
        }
        let fanout = Double(max(1, from.leaves[leaf].estimatedRows)) * selectivity
        return fanout < Self.keyJoinTolerance ? 1 : fanout
    }

    /// The distinct count of a join key that is one of `leaf`'s columns, else nil.
    private func keyDistinct(_ from: FromClause, leaf: Int, key: BoundExpression) -> Double? {
        guard let index = key.scopeIndex else { return nil }
        return columnDistinct(from, leaf)(index)
    }
}
