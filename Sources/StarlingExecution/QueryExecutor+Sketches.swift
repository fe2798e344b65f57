/// `approx_count_distinct` over a whole table answered from the distinct-value sketches its
/// segments store (`Formats/segment.md` §7.5) instead of from its rows.

import StarlingColumns
import StarlingFormat
import StarlingStorage

extension QueryExecutor {
    /// For an aggregate without GROUP BY straight over a scan that keeps every row (no filter,
    /// zone condition or star-join condition), when each aggregate is `count(*)` or
    /// `approx_count_distinct` of a stored column (not a reference's row codes) without FILTER:
    /// per aggregate, the scan column it counts (nil for `count(*)`). Nil otherwise. Planning
    /// decides nothing here: whether the segments hold sketches is known only by reading them.
    public static func sketchColumns(_ child: PlanNode, groups: [BoundExpression], aggregates: [AggregateSpecification])
        -> [Int?]?
    {
        guard groups.isEmpty, !aggregates.isEmpty, case .scan(let scan) = child.operation, scan.filter == nil,
            scan.zonePredicates.isEmpty, scan.codeFilters.isEmpty
        else { return nil }
        var columns: [Int?] = []
        var counted = false
        for aggregate in aggregates {
            guard aggregate.filter == nil else { return nil }
            switch aggregate.function {
            case .countStar:
                columns.append(nil)
            case .approximateCountDistinct:
                guard case .column(let index, _) = aggregate.argument, scan.columns.indices.contains(index),
                    case .stored = scan.columns[index].mode
                else { return nil }
                columns.append(index)
                counted = true
            default:
                return nil
            }
        }
        return counted ? columns : nil
    }

    /// The one-row answer from the segments' sketches (made from the rows of a segment that
    /// stores none), or nil for a keyed column without them: then the rows are read as usual.
    func sketchAnswer(
        _ node: PlanNode, _ child: PlanNode, groups: [BoundExpression], aggregates: [AggregateSpecification]
    ) throws(QueryError) -> Chunk? {
        guard let columns = Self.sketchColumns(child, groups: groups, aggregates: aggregates),
            case .scan(let scan) = child.operation
        else { return nil }
        let states = columns.map { $0.map { _ in DistinctSketchState(aggregates[0]) } }
        var rows = 0
        for segment in scan.segments {
            try control?.check()
            let reader = try ScanSource.open(segment, warehouse: warehouse)
            rows += segment.rows
            for (aggregate, column) in columns.enumerated() {
                guard let column, let state = states[aggregate] else { continue }
                // A column added after the segment was written is NULL in all its rows.
                guard let fileIndex = segment.columnIdentifiers.firstIndex(of: scan.columns[column].column.identifier)
                else {
                    continue
                }
                guard let sketch = try sketch(of: reader, column: fileIndex) else { return nil }
                state.absorb(sketch, group: 0)
            }
        }
        var vectors: [Vector] = []
        for (index, state) in states.enumerated() {
            let type = node.types[index]
            if let state {
                vectors.append(try state.results(count: 1, type: type, control: control, threads: 1))
            } else {
                vectors.append(Vector(type: type, values: [.integer(Int64(rows))]))
            }
        }
        return Chunk(columns: vectors, count: 1)
    }

    /// Column `column`'s sketch in `reader`'s segment: the stored one, or, when a segment of
    /// fewer than ``SegmentWriter/sketchRegisterRows`` rows stores none (its registers did not
    /// pay, or it predates sketches), one made from its rows; nil for a larger segment without
    /// one or a keyed column (its values live in the keyed-values file), when the rows are read
    /// through the scan instead.
    private func sketch(of reader: SegmentReader, column: Int) throws(QueryError) -> ColumnSketch? {
        do throws(SegmentError) {
            if let stored = try reader.sketch(column: column) { return stored }
            // A large segment without one was written before sketches were kept: the scan reads
            // it on every core, faster than one thread hashing it here.
            guard reader.rowCount < SegmentWriter.sketchRegisterRows else { return nil }
            var builder = ColumnSketchBuilder()
            for rowGroup in reader.footer.rowGroups.indices {
                if try reader.keyColumn(rowGroup: rowGroup, column: column) != nil { return nil }
                builder.add(try reader.read(rowGroup: rowGroup, column: column))
            }
            return builder.finish()
        } catch {
            throw QueryError(error.kind == .missingFile ? .fileRemoved : .storage, error.description)
        }
    }
}
