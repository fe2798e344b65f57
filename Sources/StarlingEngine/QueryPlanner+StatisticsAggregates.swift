/// An optimizer rule: `count(*)`, `count(x)`, `min(x)` and `max(x)` over a whole table answered
/// from the statistics the catalog keeps per segment, without reading a segment.

import StarlingColumns
import StarlingExecution
import StarlingStorage

extension QueryPlanner {
    /// The rows of an aggregate without GROUP BY over one table and no condition, when every
    /// aggregate is answered exactly by the catalog's per-segment statistics: `count(*)` from the
    /// row counts, `count(x)` from the rows less the NULLs, and `min(x)`/`max(x)` of an integer,
    /// decimal, date or timestamp column from the segments' minimums and maximums (exact for those
    /// types). Nil when anything else is asked: a filter, DISTINCT counts, another function, an
    /// expression, a column of another type, a reference (stored as row codes) or a keyed column.
    /// A dashboard's "rows loaded" and "latest day" tiles then cost no I/O, however many segments
    /// micro-batches left.
    func statisticsAnswer(
        _ input: LogicalOperator, _ aggregates: [AggregateSpecification], columns: [PlanColumn]
    ) -> LogicalOperator? {
        guard !aggregates.isEmpty, case .joinGraph(let graph) = input.kind, graph.conditions.isEmpty,
            graph.subqueryJoins.isEmpty, graph.from.leaves.count == 1, graph.from.leaves[0].offset == 0,
            case .table(let table) = graph.from.leaves[0].source
        else { return nil }
        var values: [Value] = []
        for aggregate in aggregates {
            guard aggregate.filter == nil, aggregate.secondArgument == nil, aggregate.orderBy.isEmpty,
                let value = Self.statisticsValue(aggregate, table: table)
            else { return nil }
            values.append(value)
        }
        let vectors = zip(columns, values).map { Vector(type: $0.type, values: [$1]) }
        let segments = table.segmentCount
        return LogicalOperator(
            .values([Chunk(columns: vectors, count: 1)]), columns: columns, estimatedRows: 1,
            origin: "from the statistics of \(table.name)'s \(segments) segment\(segments == 1 ? "" : "s"), no scan")
    }

    /// One aggregate's value from `table`'s statistics, or nil when they do not say it exactly.
    private static func statisticsValue(_ aggregate: AggregateSpecification, table: CatalogTable) -> Value? {
        if aggregate.function == .countStar { return .integer(Int64(table.rowCount)) }
        guard case .column(let index, _) = aggregate.argument, table.columns.indices.contains(index) else { return nil }
        let column = table.columns[index]
        guard column.references == nil,
            !(table.keyedColumns ?? []).contains(where: { $0.column == column.identifier })
        else { return nil }
        let entries = table.partitions.flatMap(\.segments).map { segment in
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

    /// Types whose segment minimum and maximum are stored exactly as integers.
    private static func isExactInStatistics(_ type: LogicalType) -> Bool {
        switch type {
        case .tinyint, .smallint, .integer, .bigint, .decimal, .date, .timestamp: return true
        case .boolean, .double, .varchar, .interval: return false
        }
    }
}
