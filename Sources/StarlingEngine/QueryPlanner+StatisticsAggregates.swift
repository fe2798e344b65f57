/// An optimizer rule: `count(*)`, `count(x)`, `min(x)` and `max(x)` over a table answered from the
/// statistics the catalog keeps per segment, without reading a segment: over the whole table, or
/// under range conditions that every segment meets wholly or not at all.

import StarlingColumns
import StarlingExecution
import StarlingStorage

extension QueryPlanner {
    /// The rows of an aggregate without GROUP BY over one table, when every aggregate is answered
    /// exactly by the catalog's per-segment statistics: `count(*)` from the row counts, `count(x)`
    /// from the rows less the NULLs, and `min(x)`/`max(x)` of an integer, decimal, date or
    /// timestamp column from the segments' minimums and maximums (exact for those types). WHERE
    /// may hold range conditions on such columns (`day >= DATE '2026-12-01'`, BETWEEN) when every
    /// segment's values meet them all or none (``segmentsMeeting(_:table:)``): a partitioned
    /// table's partitions line up with its key's ranges. Nil when anything else is asked: another
    /// condition, a segment partly in range, DISTINCT counts, another function, an expression, a
    /// column of another type, a reference (stored as row codes) or a keyed column. A dashboard's
    /// "rows loaded", "events this month" and "latest day" tiles then cost no I/O, however many
    /// segments micro-batches left.
    func statisticsAnswer(
        _ input: LogicalOperator, _ aggregates: [AggregateSpecification], columns: [PlanColumn]
    ) -> LogicalOperator? {
        guard !aggregates.isEmpty, case .joinGraph(let graph) = input.kind,
            graph.subqueryJoins.isEmpty, graph.from.leaves.count == 1, graph.from.leaves[0].offset == 0,
            case .table(let table) = graph.from.leaves[0].source,
            let segments = Self.segmentsMeeting(graph.conditions, table: table)
        else { return nil }
        var values: [Value] = []
        for aggregate in aggregates {
            guard aggregate.filter == nil, aggregate.secondArgument == nil, aggregate.orderBy.isEmpty,
                let value = Self.statisticsValue(aggregate, table: table, segments: segments)
            else { return nil }
            values.append(value)
        }
        let vectors = zip(columns, values).map { Vector(type: $0.type, values: [$1]) }
        let count = table.segmentCount
        let chosen = graph.conditions.isEmpty ? "" : ", \(segments.count) wholly meeting the conditions"
        return LogicalOperator(
            .values([Chunk(columns: vectors, count: 1)]), columns: columns, estimatedRows: 1,
            origin: "from the statistics of \(table.name)'s \(count) segment\(count == 1 ? "" : "s")\(chosen), no scan")
    }

    /// One aggregate's value from the statistics of `segments` (of `table`), or nil when they do
    /// not say it exactly.
    private static func statisticsValue(
        _ aggregate: AggregateSpecification, table: CatalogTable, segments: [CatalogSegment]
    ) -> Value? {
        if aggregate.function == .countStar { return .integer(Int64(segments.reduce(0) { $0 + $1.rows })) }
        guard let column = statisticsColumn(aggregate.argument, table: table) else { return nil }
        let entries = segments.map { segment in
            (segment, segment.statistics.first { $0.columnIdentifier == column.identifier })
        }
        switch aggregate.function {
        case .count where !aggregate.distinct:
            // A segment written before the column was added holds it as NULL in every row.
            var count = 0
            for (segment, statistics) in entries {
                if let statistics { count += segment.rows - statistics.nullCount }
            }
            return .integer(Int64(count))
        case .min, .max:
            guard isExactInStatistics(column.type) else { return nil }
            let bounds = entries.compactMap { entry -> Int64? in
                guard let statistics = entry.1 else { return nil }
                let bound = aggregate.function == .min ? statistics.minimum : statistics.maximum
                if case .integer(let value) = bound { return value }
                return nil
            }
            // A segment with values but no bound (never written so for these types) spoils it.
            let withValues = entries.filter { entry in entry.1.map { $0.nullCount < entry.0.rows } ?? false }
            guard bounds.count == withValues.count else { return nil }
            let result = aggregate.function == .min ? bounds.min() : bounds.max()
            return result.map { .integer($0) } ?? .null
        default:
            return nil
        }
    }

    /// The table column `expression` names, when its statistics say its values: not a reference
    /// (stored as row codes) nor a keyed column.
    private static func statisticsColumn(_ expression: BoundExpression?, table: CatalogTable) -> CatalogColumn? {
        guard case .column(let index, _) = expression, table.columns.indices.contains(index) else { return nil }
        let column = table.columns[index]
        guard column.references == nil,
            !(table.keyedColumns ?? []).contains(where: { $0.column == column.identifier })
        else { return nil }
        return column
    }

    /// The segments whose every row meets `conditions` (each `column op constant` on a column whose
    /// statistics are exact), when every other segment has no row that does; nil when a condition
    /// is of another kind or a segment holds rows on both sides. A segment qualifies wholly when
    /// its range lies inside every condition and the conditions' columns hold no NULL there.
    static func segmentsMeeting(_ conditions: [BoundExpression], table: CatalogTable) -> [CatalogSegment]? {
        var ranges: [(column: Int, op: ComparisonOperator, constant: Int64)] = []
        for condition in conditions.flatMap(\.conjunctParts) {
            var comparison: (ComparisonOperator, BoundExpression, Value, LogicalType)?
            if case .comparison(let op, let left, .constant(let value, let type)) = condition {
                comparison = (op, left, value, type)
            } else if case .comparison(let op, .constant(let value, let type), let right) = condition {
                comparison = (op.swapped, right, value, type)
            }
            guard let (op, operand, value, constantType) = comparison, op != .notEqual,
                let column = statisticsColumn(operand, table: table), isExactInStatistics(column.type),
                column.type == constantType, case .integer(let constant) = value
            else { return nil }
            ranges.append((column.identifier, op, constant))
        }
        var meeting: [CatalogSegment] = []
        for segment in table.partitions.flatMap(\.segments) {
            var all = true
            var none = false
            for range in ranges {
                guard let statistics = segment.statistics.first(where: { $0.columnIdentifier == range.column }),
                    statistics.nullCount < segment.rows,
                    case .integer(let low)? = statistics.minimum, case .integer(let high)? = statistics.maximum
                else {
                    none = true  // no values (a column added later, or all NULL): nothing meets it
                    continue
                }
                let (always, never) = Self.bounds(low...high, range.op, range.constant)
                if never { none = true }
                if !always || statistics.nullCount > 0 { all = false }
            }
            if none { continue }
            guard all else { return nil }
            meeting.append(segment)
        }
        return meeting
    }

    /// Whether every value in `values` meets `op constant`, and whether none does.
    private static func bounds(_ values: ClosedRange<Int64>, _ op: ComparisonOperator, _ constant: Int64)
        -> (always: Bool, never: Bool)
    {
        let (low, high) = (values.lowerBound, values.upperBound)
        switch op {
        case .less: return (high < constant, low >= constant)
        case .lessOrEqual: return (high <= constant, low > constant)
        case .greater: return (low > constant, high <= constant)
        case .greaterOrEqual: return (low >= constant, high < constant)
        case .equal: return (low == constant && high == constant, constant < low || constant > high)
        case .notEqual: return (constant < low || constant > high, low == constant && high == constant)
        }
    }

    /// Types whose segment minimum and maximum are stored exactly as integers.
    private static func isExactInStatistics(_ type: LogicalType) -> Bool {
        switch type {
        case .tinyint, .smallint, .integer, .bigint, .decimal, .date, .timestamp: return true
        case .boolean, .double, .varchar, .interval: return false
        }
    }
}
