/// Aggregates with a state of their own (variances, correlations, arg_min, string_agg, mode,
/// quantiles, sketches), and every aggregate with DISTINCT, over window frames: each distinct
/// frame becomes one group of a fresh ``GroupedAggregate`` (of an ``AggregateState`` with
/// DISTINCT) fed the frame's rows, so rows sharing a frame (a partition with no ORDER BY, RANGE
/// peers) are aggregated once. Moving frames cost their width per row; frames that
/// grow with the partition cost its square, so the rows fed are capped.

import StarlingColumns

/// One such aggregate's frames over a bucket, partition by partition.
struct WindowStateAggregator {
    /// The most (frame, row) pairs one function may feed in a bucket: about 16 bytes each, per
    /// input column, held at once.
    static let pairLimit = 16_000_000

    private let aggregate: AggregateSpecification
    private let arguments: WindowArgumentValues
    private let order: [Int32]
    /// For each position (row in sorted order), its frame's group.
    private var groupOfPosition: [Int32]
    /// The pairs: each frame's group, and the input row fed to it.
    private var pairGroups: [Int32] = []
    private var pairRows: [Int32] = []
    private var groupCount = 0

    init(_ aggregate: AggregateSpecification, arguments: WindowArgumentValues, order: [Int32]) {
        self.aggregate = aggregate
        self.arguments = arguments
        self.order = order
        groupOfPosition = [Int32](repeating: 0, count: order.count)
    }

    /// Adds one partition's frames: a new group wherever a row's frame differs from the row
    /// before's.
    mutating func add(_ start: Int, _ end: Int, _ frames: WindowFrames) throws(QueryError) {
        var previous: (low: Int, high: Int)?
        for position in start..<end {
            let (low, high) = frames.bounds(position)
            if let previous, previous == (low, high) {
                groupOfPosition[position] = Int32(groupCount - 1)
                continue
            }
            previous = (low, high)
            let group = Int32(groupCount)
            groupCount += 1
            groupOfPosition[position] = group
            guard high > low else { continue }
            guard pairRows.count + (high - low) <= Self.pairLimit else {
                throw .invalid(
                    "\(aggregate.function.rawValue) over these window frames would read more than "
                        + "\(Self.pairLimit) rows; give it a bounded frame (ROWS BETWEEN n PRECEDING AND CURRENT ROW)")
            }
            for framed in low..<high {
                pairGroups.append(group)
                pairRows.append(order[framed])
            }
        }
    }

    /// Every position's result, in sorted order, as a vector of `type`.
    func results(type: LogicalType, control: QueryControl?) throws(QueryError) -> Vector {
        guard !aggregate.distinct, let state = aggregate.makeState() else {
            return try resultsByGrouping(type: type, control: control)
        }
        let inputs = AggregateInputs(
            groups: pairGroups, argument: arguments.value?.gather(pairRows),
            secondArgument: arguments.secondArgument?.gather(pairRows),
            orderKeys: arguments.orderKeys.map { $0.gather(pairRows) },
            included: arguments.filter.map { kept in pairRows.map { kept[Int($0)] } })
        try state.update(inputs)
        let perFrame = try state.results(count: groupCount, type: type, control: control, threads: 1)
        return perFrame.gather(groupOfPosition)
    }

    /// DISTINCT aggregates (and those without a state of their own, which come here only with
    /// DISTINCT): the (frame, row) pairs grouped by frame in an ``AggregateState``, which keeps
    /// each group's distinct values as GROUP BY does. A frame with no rows counts 0 and gives
    /// NULL to the other aggregates.
    private func resultsByGrouping(type: LogicalType, control: QueryControl?) throws(QueryError) -> Vector {
        let frames = Vector(
            type: .integer, count: pairGroups.count, data: .integers(pairGroups.map { Int64($0) }), nulls: nil)
        var columns = [frames]
        func column(_ values: Vector) -> BoundExpression {
            columns.append(values.gather(pairRows))
            return .column(columns.count - 1, values.type)
        }
        var specification = aggregate
        specification.argument = arguments.value.map(column)
        specification.secondArgument = arguments.secondArgument.map(column)
        specification.orderBy = zip(aggregate.orderBy, arguments.orderKeys).map { key, values in
            SortKey(expression: column(values), descending: key.descending, nullsFirst: key.nullsFirst)
        }
        specification.filter = arguments.filter.map { kept in
            column(Vector(type: .boolean, count: kept.count, data: .booleans(kept), nulls: nil))
        }
        let state = AggregateState(groups: [.column(0, .integer)], aggregates: [specification])
        try state.consume(Chunk(columns: columns, count: pairGroups.count))
        let grouped = try state.finish(types: [.integer, type], threads: 1, control: control)
        guard grouped.columns.count == 2, case .integers(let keys) = grouped.columns[0].data else {
            throw .invalid("internal: a window aggregate's frames came back without their numbers")
        }
        var rowOfFrame = [Int32](repeating: -1, count: groupCount)
        for (row, key) in keys.enumerated() where key >= 0 && Int(key) < groupCount {
            rowOfFrame[Int(key)] = Int32(row)
        }
        var perFrame = grouped.columns[1].gatherOrNull(rowOfFrame)
        if aggregate.function == .count, case .integers(let counts) = perFrame.data {
            perFrame = Vector(
                type: type, count: counts.count,
                data: .integers(counts.indices.map { perFrame.isNull($0) ? 0 : counts[$0] }), nulls: nil)
        }
        return perFrame.gather(groupOfPosition)
    }
}
