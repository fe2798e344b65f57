/// `arg_min(arg, value)` and `arg_max(arg, value)` (`min_by`, `max_by`): per group, the argument
/// of the row whose value is least or greatest, rows with either NULL left out, the first such
/// row winning a tie.

import StarlingColumns

/// Candidate rows: each chunk's best row per group, reduced to one per group whenever they pile
/// up and at the end.
final class ExtremeRowState: GroupedAggregate {
    let maximum: Bool
    private var groups: [Int32] = []
    private var keys: [Vector] = []
    private var arguments: [Vector] = []
    private var candidateCount = 0
    private var groupCount = 0

    init(_ specification: AggregateSpecification) {
        maximum = specification.function == .argumentOfMaximum
    }

    var byteCount: Int { groups.capacity * 4 + candidateCount * 32 }

    func update(_ inputs: AggregateInputs) throws(QueryError) {
        guard let argument = inputs.argument, let key = inputs.secondArgument else { return }
        var rows: [Int32] = []
        rows.reserveCapacity(inputs.groups.count)
        for row in 0..<inputs.groups.count where inputs.keeps(row) && !argument.isNull(row) && !key.isNull(row) {
            rows.append(Int32(row))
        }
        guard !rows.isEmpty else { return }
        let best = bestRows(rows, groups: inputs.groups, key: key)
        add(groups: best.map { inputs.groups[Int($0)] }, key: key.gather(best), argument: argument.gather(best))
    }

    func merge(_ other: any GroupedAggregate, mapping: [Int32]) throws(QueryError) {
        let other = try same(other, as: ExtremeRowState.self)
        var start = 0
        for (index, key) in other.keys.enumerated() {
            let mapped = other.groups[start..<(start + key.count)].map { mapping[Int($0)] }
            start += key.count
            add(groups: mapped, key: key, argument: other.arguments[index])
        }
    }

    func results(count: Int, type: LogicalType, control: QueryControl?, threads: Int) throws(QueryError) -> Vector {
        reduce(force: true)
        var picks = [Int32](repeating: -1, count: count)
        if let argument = arguments.first {
            for (row, group) in groups.enumerated() where Int(group) < count { picks[Int(group)] = Int32(row) }
            return argument.gatherOrNull(picks).retyped(type)
        }
        return Vector(constant: .null, type: type, count: count)
    }

    /// Adds candidates, reducing them to one per group when they outnumber the groups.
    private func add(groups newGroups: [Int32], key: Vector, argument: Vector) {
        guard key.count > 0 else { return }
        groups += newGroups
        keys.append(key)
        arguments.append(argument)
        candidateCount += key.count
        groupCount = max(groupCount, (newGroups.max().map { Int($0) } ?? -1) + 1)
        if candidateCount > max(4096, 2 * groupCount) { reduce() }
    }

    /// The candidates cut to the best of each group (always when `force`, else only when they
    /// may hold more than one for some group).
    private func reduce(force: Bool = false) {
        guard force || keys.count > 1 || candidateCount > groupCount else { return }
        guard let keyType = keys.first?.type, let argumentType = arguments.first?.type else { return }
        let key = Vector.concatenate(keys, type: keyType)
        let argument = Vector.concatenate(arguments, type: argumentType)
        let best = bestRows(Array(0..<Int32(groups.count)), groups: groups, key: key)
        groups = best.map { groups[Int($0)] }
        keys = [key.gather(best)]
        arguments = [argument.gather(best)]
        candidateCount = best.count
    }

    private var chunkGroups = ChunkGroups()

    /// Of `rows` (none NULL), the first with the least (or greatest) key in each group, groups
    /// in the order first seen.
    private func bestRows(_ rows: [Int32], groups: [Int32], key: Vector) -> [Int32] {
        defer { chunkGroups.reset() }
        var best: [Int32] = []
        for row in rows {
            let position = chunkGroups.position(of: Int(groups[Int(row)]))
            guard position < best.count else {
                best.append(row)
                continue
            }
            let comparison = WindowAggregator.compare(key, Int(row), Int(best[position]))
            if maximum ? comparison > 0 : comparison < 0 { best[position] = row }
        }
        return best
    }
}
