/// A dimension that star joins read whole: named by the plan, read only when the query runs.

import StarlingColumns
import Synchronization

/// A dimension table a plan reads whole when it runs, not while it is planned: the rows a star
/// join gathers by row code, the bitmap of codes its conditions let through (tested on the
/// fact's encoded codes by the scan), or a reference column's keys shown in place of its codes.
/// Planning names the read and the conditions; the executor reads and evaluates them once per
/// query, when a pipeline that needs them is built (``QueryExecutor/loaded(_:)``), so `EXPLAIN`
/// and a server's statement description read no segments.
public final class DimensionInput: Sendable {
    public let tableName: String
    /// An unfiltered scan of the dimension's stored columns: its rows in row-code order, row `i`
    /// holding code `i + 1`. Its identifier names the input within the plan.
    public let scan: PlanNode
    /// The dimension's own conditions over `scan`'s columns; nil when every row qualifies.
    public let predicate: BoundExpression?
    /// How many conditions `predicate` joins (for EXPLAIN).
    public let conditionCount: Int

    public init(tableName: String, scan: PlanNode, predicate: BoundExpression?, conditionCount: Int) {
        self.tableName = tableName
        self.scan = scan
        self.predicate = predicate
        self.conditionCount = conditionCount
    }

    public var identifier: Int { scan.identifier }
}

/// A dimension as read when its query ran.
public struct LoadedDimension: Sendable {
    /// The scan's rows, row `i` holding code `i + 1`.
    public let rows: Chunk
    /// `qualifies[code]` after the dimension's conditions (index 0, the unknown member, false);
    /// nil when every row qualifies.
    public let qualifies: [Bool]?

    /// The share of the dimension's rows that qualify.
    public var selectivity: Double {
        guard let qualifies else { return 1 }
        return Double(qualifies.reduce(0) { $0 + ($1 ? 1 : 0) }) / Double(max(1, rows.count))
    }
}

extension QueryExecutor {
    /// `input` read (through ``DimensionRowsCache``, so once per process while its files are
    /// unchanged) and its conditions evaluated, once per query.
    func loaded(_ input: DimensionInput) throws(QueryError) -> LoadedDimension {
        if let done = dimensions.withLock({ $0[input.identifier] }) { return done }
        let rows: Chunk
        let key = DimensionRowsCache.key(input.scan, warehouse: warehouse)
        if let key, let kept = DimensionRowsCache.shared.rows(key) {
            rows = kept
        } else {
            rows = try execute(input.scan)
            if let key { DimensionRowsCache.shared.store(key, rows: rows) }
        }
        var qualifies: [Bool]?
        if let predicate = input.predicate {
            let selected = try ExpressionEvaluator.select(predicate, rows)
            var bitmap = [Bool](repeating: false, count: rows.count + 1)
            for row in selected { bitmap[Int(row) + 1] = true }
            qualifies = bitmap
        }
        let result = LoadedDimension(rows: rows, qualifies: qualifies)
        dimensions.withLock { $0[input.identifier] = result }
        return result
    }
}
