/// `first`, `last`, `any_value`, `string_agg` and `mode`: every kept row's value (and order keys)
/// per group until the end, then one sort by group, order keys and arrival, and each group's
/// answer read off its run.

import StarlingColumns

/// The kept rows of an aggregate that needs its values in order.
final class OrderedValuesState: GroupedAggregate {
    let specification: AggregateSpecification
    private var groups: [Int32] = []
    private var values: [Vector] = []
    private var orderKeys: [[Vector]] = []

    init(_ specification: AggregateSpecification) {
        self.specification = specification
    }

    var byteCount: Int { groups.capacity * 4 + groups.count * 16 * (1 + specification.orderBy.count) }

    /// `first` and `last` keep NULL values (they are the first or last row's); the others skip them.
    private var keepsNulls: Bool { specification.function == .first || specification.function == .last }

    func update(_ inputs: AggregateInputs) throws(QueryError) {
        guard let argument = inputs.argument else { return }
        var kept: [Int32] = []
        kept.reserveCapacity(inputs.groups.count)
        for row in 0..<inputs.groups.count where inputs.keeps(row) && (keepsNulls || !argument.isNull(row)) {
            kept.append(Int32(row))
        }
        guard !kept.isEmpty else { return }
        let all = kept.count == inputs.groups.count
        groups += kept.map { inputs.groups[Int($0)] }
        values.append(all ? argument : argument.gather(kept))
        orderKeys.append(inputs.orderKeys.map { all ? $0 : $0.gather(kept) })
    }

    func merge(_ other: any GroupedAggregate, mapping: [Int32]) throws(QueryError) {
        let other = try same(other, as: OrderedValuesState.self)
        groups += other.groups.map { mapping[Int($0)] }
        values += other.values
        orderKeys += other.orderKeys
    }

    func results(count: Int, type: LogicalType, control: QueryControl?, threads: Int) throws(QueryError) -> Vector {
        guard let argumentType = specification.argument?.type, !values.isEmpty else {
            return Vector(constant: .null, type: type, count: count)
        }
        if argumentType == .varchar {
            // Every kept string goes into one storage, which holds at most 4 GiB.
            var total = 0
            for vector in values { for row in 0..<vector.count { total += vector.stringBytes(at: row).count } }
            guard total <= TextFunctions.byteLimit else {
                throw .invalid("\(specification.function.rawValue) keeps more than 4 GiB of text")
            }
        }
        let all = Vector.concatenate(values, type: argumentType)
        let (order, starts, ends) = try sortedRuns(all, count: count, control: control)
        switch specification.function {
        case .stringAggregate:
            return try joined(all, order: order, starts: starts, ends: ends, type: type)
        case .mode:
            return all.gatherOrNull(modes(all, order: order, starts: starts, ends: ends)).retyped(type)
        default:
            var picks = [Int32](repeating: -1, count: count)
            for group in 0..<count where starts[group] >= 0 {
                let position = specification.function == .last ? ends[group] - 1 : starts[group]
                picks[group] = order[position]
            }
            return all.gatherOrNull(picks).retyped(type)
        }
    }

    /// The kept rows sorted by group, then (mode: value; others: the order keys), then arrival;
    /// and each group's run of positions in that order (-1 where a group has none).
    private func sortedRuns(_ all: Vector, count: Int, control: QueryControl?) throws(QueryError)
        -> (order: [Int32], starts: [Int], ends: [Int])
    {
        let rows = groups.count
        var columns = [Vector(type: .integer, count: rows, data: .integers(groups.map(Int64.init)), nulls: nil)]
        var keys = [SortKey(expression: .column(0, .integer), descending: false, nullsFirst: false)]
        if specification.function == .mode || (specification.distinct && specification.orderBy.isEmpty) {
            columns.append(all)
            keys.append(SortKey(expression: .column(1, all.type), descending: false, nullsFirst: false))
        } else if let first = orderKeys.first, !first.isEmpty {
            for (index, key) in specification.orderBy.enumerated() {
                let type = first[index].type
                columns.append(Vector.concatenate(orderKeys.map { $0[index] }, type: type))
                keys.append(
                    SortKey(
                        expression: .column(columns.count - 1, type), descending: key.descending,
                        nullsFirst: key.nullsFirst))
            }
        }
        // Arrival breaks ties: the sort is stable, and rows are in arrival order.
        let order = try Sorter.order(Chunk(columns: columns, count: rows), keys: keys, limit: nil, control: control)
        let (starts, ends) = Self.groupRuns(order, groups: groups, count: count)
        return (order, starts, ends)
    }

    /// `string_agg`: each group's values (text) joined by the separator; with DISTINCT, a value
    /// equal to the one before it in the order is left out (the order is by the value then).
    private func joined(_ all: Vector, order: [Int32], starts: [Int], ends: [Int], type: LogicalType)
        throws(QueryError) -> Vector
    {
        var texts: [Value] = []
        texts.reserveCapacity(starts.count)
        var total = 0
        for group in starts.indices {
            guard starts[group] >= 0 else {
                texts.append(.null)
                continue
            }
            var bytes: [UInt8] = []
            var previous: Int?
            for position in starts[group]..<ends[group] {
                let row = Int(order[position])
                if specification.distinct, let previous, WindowAggregator.compare(all, previous, row) == 0 { continue }
                if previous != nil { bytes += specification.separator.utf8 }
                bytes += all.stringBytes(at: row)
                guard total + bytes.count <= TextFunctions.byteLimit else {
                    throw .invalid("string_agg's results pass 4 GiB")
                }
                previous = row
            }
            total += bytes.count
            guard total <= TextFunctions.byteLimit else { throw .invalid("string_agg's results pass 4 GiB") }
            texts.append(.string(String(decoding: bytes, as: UTF8.self)))
        }
        return Vector(type: type, values: texts)
    }

    /// `mode`: each group's most frequent value; among equally frequent ones, the least.
    private func modes(_ all: Vector, order: [Int32], starts: [Int], ends: [Int]) -> [Int32] {
        var picks = [Int32](repeating: -1, count: starts.count)
        for group in starts.indices where starts[group] >= 0 {
            var best = (row: order[starts[group]], count: 0)
            var runStart = starts[group]
            for position in starts[group]..<ends[group] {
                let atEnd =
                    position + 1 == ends[group]
                    || WindowAggregator.compare(all, Int(order[position]), Int(order[position + 1])) != 0
                guard atEnd else { continue }
                let length = position + 1 - runStart
                if length > best.count { best = (order[runStart], length) }
                runStart = position + 1
            }
            picks[group] = best.row
        }
        return picks
    }
}
