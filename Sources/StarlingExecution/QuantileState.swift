/// The state of a quantile aggregate (median, quantile_cont/disc, percentile_cont/disc): every
/// group's values, kept until the end; then the values each group's quantile needs are picked by
/// selection, groups in parallel (numbers), or after one sort by (group, value) (strings and
/// booleans).

import StarlingColumns

/// Every value a quantile aggregate has seen: numbers as order keys in one array per group (so
/// the end needs no scatter), strings and booleans as (group, value) pairs sorted at the end.
final class QuantileState: GroupedAggregate {
    let specification: AggregateSpecification
    /// Numbers (integers, decimals, dates, timestamps as themselves, doubles by their total
    /// order key): each group's values.
    private let numeric: Bool
    private var perGroup: [[Int64]] = []
    private var valueCount = 0
    /// Strings and booleans: each value's group, and the values.
    private var groups: [Int32] = []
    private var values: [Vector] = []

    init(_ specification: AggregateSpecification) {
        self.specification = specification
        switch specification.argument?.type.physicalType {
        case nil, .boolean?, .string?, .interval?: numeric = false
        case .int8?, .int16?, .int32?, .int64?, .float64?: numeric = true
        }
    }

    var byteCount: Int {
        valueCount * 8 + perGroup.count * 32 + groups.capacity * 4 + values.reduce(0) { $0 + $1.count * 16 }
    }

    /// Keeps the rows' values that are not NULL and that FILTER keeps.
    func update(_ inputs: AggregateInputs) throws(QueryError) {
        guard let argument = inputs.argument else { return }
        let rowGroups = inputs.groups
        let included = inputs.included
        if numeric {
            addNumbers(groups: rowGroups, argument: argument, included: included)
            return
        }
        var kept: [Int32] = []
        kept.reserveCapacity(rowGroups.count)
        for row in 0..<rowGroups.count where !argument.isNull(row) && included?[row] != false {
            kept.append(Int32(row))
        }
        guard !kept.isEmpty else { return }
        groups.append(contentsOf: kept.map { rowGroups[Int($0)] })
        values.append(kept.count == rowGroups.count ? argument : argument.gather(kept))
    }

    /// Appends each kept number's order key to its group's array.
    private func addNumbers(groups rowGroups: [Int32], argument: Vector, included: [Bool]?) {
        let count = rowGroups.count
        let needed = (rowGroups.max().map { Int($0) } ?? -1) + 1
        if needed > perGroup.count { perGroup += [[Int64]](repeating: [], count: needed - perGroup.count) }
        let checked = argument.nulls != nil || included != nil
        func keep(_ row: Int) -> Bool { !argument.isNull(row) && included?[row] != false }
        var kept = 0
        switch argument.data {
        case .integers(let numbers):
            for row in 0..<count where !checked || keep(row) {
                perGroup[Int(rowGroups[row])].append(numbers[row])
                kept += 1
            }
        case .doubles(let numbers):
            for row in 0..<count where !checked || keep(row) {
                perGroup[Int(rowGroups[row])].append(canonicalOrderKey(numbers[row]))
                kept += 1
            }
        default:
            return
        }
        valueCount += kept
    }

    /// Takes `other`'s values; `mapping[g]` is the group here of `other`'s group `g`.
    func merge(_ other: any GroupedAggregate, mapping: [Int32]) throws(QueryError) {
        let other = try same(other, as: QuantileState.self)
        groups.append(contentsOf: other.groups.map { mapping[Int($0)] })
        values.append(contentsOf: other.values)
        let needed = (mapping.max().map { Int($0) } ?? -1) + 1
        if needed > perGroup.count { perGroup += [[Int64]](repeating: [], count: needed - perGroup.count) }
        for (source, target) in mapping.enumerated() where source < other.perGroup.count {
            if perGroup[Int(target)].isEmpty {
                perGroup[Int(target)] = other.perGroup[source]
            } else {
                perGroup[Int(target)] += other.perGroup[source]
            }
        }
        valueCount += other.valueCount
    }

    /// Groups `0 ..< count`'s quantiles as a vector of `type` (NULL for a group with no values).
    /// Numbers go through ``selected(_:count:type:control:)``; strings and booleans are sorted.
    func results(count: Int, type: LogicalType, control: QueryControl?, threads: Int) throws(QueryError) -> Vector {
        guard let argumentType = specification.argument?.type else {
            return Vector(constant: .null, type: type, count: count)
        }
        if numeric { return try selected(argumentType, count: count, type: type, control: control, threads: threads) }
        let all =
            values.isEmpty ? Vector(type: argumentType, values: []) : Vector.concatenate(values, type: argumentType)
        let keys = Chunk(
            columns: [
                Vector(type: .integer, count: groups.count, data: .integers(groups.map(Int64.init)), nulls: nil), all,
            ], count: groups.count)
        let order = try Sorter.order(
            keys,
            keys: [
                SortKey(expression: .column(0, .integer), descending: false, nullsFirst: false),
                SortKey(expression: .column(1, argumentType), descending: specification.descending, nullsFirst: false),
            ],
            limit: nil, control: control)
        let (starts, ends) = Self.groupRuns(order, groups: groups, count: count)
        if specification.function == .quantileContinuous, case .intervals(let intervals) = all.data {
            return try interpolated(intervals, order: order, starts: starts, ends: ends, count: count, type: type)
        }
        // Strings and booleans, which cannot be interpolated: the binder made their quantiles
        // discrete, so each group's answer is one of its values.
        var picks = [Int32](repeating: -1, count: count)
        for group in 0..<count where starts[group] >= 0 {
            let size = ends[group] - starts[group]
            picks[group] =
                order[starts[group] + Self.ranks(size: size, fraction: specification.fraction, continuous: false).low]
        }
        return all.gatherOrNull(picks).retyped(type)
    }

    /// `median` of intervals (in `order`, each group's run from `starts` to `ends`), as DuckDB
    /// interpolates them: a value when the rank is whole, else the lower neighbour plus the
    /// weight's share of the difference, both in microseconds with 30-day months, rounded half
    /// away from zero (a result of whole days of 24 hours and the rest).
    private func interpolated(
        _ intervals: [Interval], order: [Int32], starts: [Int], ends: [Int], count: Int, type: LogicalType
    ) throws(QueryError) -> Vector {
        var result = [Interval](repeating: .zero, count: count)
        var nulls = [Bool](repeating: true, count: count)
        for group in 0..<count where starts[group] >= 0 {
            let size = ends[group] - starts[group]
            let (low, high, weight) = Self.ranks(size: size, fraction: specification.fraction, continuous: true)
            let lower = intervals[Int(order[starts[group] + low])]
            nulls[group] = false
            guard high != low else {
                result[group] = lower
                continue
            }
            let upper = intervals[Int(order[starts[group] + high])]
            guard let lowMicros = lower.totalMicros, let highMicros = upper.totalMicros,
                case (let span, false) = highMicros.subtractingReportingOverflow(lowMicros)
            else { throw .invalid("median of INTERVAL out of range between \(lower) and \(upper)") }
            let share = (Double(span) * weight).rounded(.toNearestOrAwayFromZero)
            guard share.magnitude < 9.2e18, case (let total, false) = lowMicros.addingReportingOverflow(Int64(share))
            else { throw .invalid("median of INTERVAL out of range between \(lower) and \(upper)") }
            result[group] = Interval.fromMicros(total)
        }
        return Vector(type: type, count: count, data: .intervals(result), nulls: nulls)
    }

    /// Numbers (integers, decimals, dates, timestamps, doubles): in each group's values, the one
    /// or two order statistics needed found by selection, in linear time (no sort), the groups
    /// on `threads` workers.
    private func selected(
        _ argumentType: LogicalType, count: Int, type: LogicalType, control: QueryControl?, threads: Int
    ) throws(QueryError) -> Vector {
        let isDouble = argumentType.physicalType == .float64
        let continuous = specification.function == .quantileContinuous
        var lows = [Int64](repeating: 0, count: count)
        var highs = [Int64](repeating: 0, count: count)
        var weights = [Double](repeating: 0, count: count)
        var nulls = [Bool](repeating: true, count: count)
        if perGroup.count < count { perGroup += [[Int64]](repeating: [], count: count - perGroup.count) }
        let fraction = specification.fraction
        let descending = specification.descending
        let workers = valueCount > 1 << 16 ? threads : 1
        try perGroup.withUnsafeMutableBufferPointer { (groupValues) throws(QueryError) in
            try lows.withUnsafeMutableBufferPointer { (lowBuffer) throws(QueryError) in
                try highs.withUnsafeMutableBufferPointer { (highBuffer) throws(QueryError) in
                    try weights.withUnsafeMutableBufferPointer { (weightBuffer) throws(QueryError) in
                        try nulls.withUnsafeMutableBufferPointer { (nullBuffer) throws(QueryError) in
                            let values = ConcurrentSlots(groupValues)
                            let low = ConcurrentSlots(lowBuffer)
                            let high = ConcurrentSlots(highBuffer)
                            let weight = ConcurrentSlots(weightBuffer)
                            let null = ConcurrentSlots(nullBuffer)
                            // Each task touches only its own group's slots.
                            try QueryExecutor.forEachTask(count, threads: workers, control: control) { group, _ in
                                let size = values.pointer[group].count
                                guard size > 0 else { return }
                                let (lowRank, highRank, share) = Self.ranks(
                                    size: size, fraction: fraction, continuous: continuous)
                                // Descending: the k-th from the top is the (size - 1 - k)-th from the bottom.
                                let lowIndex = descending ? size - 1 - lowRank : lowRank
                                let highIndex = descending ? size - 1 - highRank : highRank
                                values.pointer[group].withUnsafeMutableBufferPointer { slice in
                                    let picked = Self.select(slice, rank: lowIndex)
                                    low.pointer[group] = picked
                                    high.pointer[group] =
                                        highIndex == lowIndex ? picked : Self.select(slice, rank: highIndex)
                                }
                                weight.pointer[group] = share
                                null.pointer[group] = false
                            }
                        }
                    }
                }
            }
        }
        let anyNull = nulls.contains(true)
        func number(_ key: Int64) -> Double {
            if isDouble { return Double(bitPattern: UInt64(bitPattern: totalOrderKey(ofDoubleBits: key))) }
            return Double(key) * (argumentType == .date && continuous ? 86_400_000_000 : 1)
        }
        if !continuous {
            if isDouble {
                let doubles = lows.map(number)
                return Vector(type: type, count: count, data: .doubles(doubles), nulls: anyNull ? nulls : nil)
            }
            return Vector(type: type, count: count, data: .integers(lows), nulls: anyNull ? nulls : nil)
        }
        var doubles = [Double](repeating: 0, count: count)
        for group in 0..<count where !nulls[group] {
            let low = number(lows[group])
            let high = number(highs[group])
            doubles[group] =
                lows[group] == highs[group] ? low : Self.interpolate(low, high, weights[group], of: argumentType)
        }
        if type.physicalType == .float64 {
            return Vector(type: type, count: count, data: .doubles(doubles), nulls: anyNull ? nulls : nil)
        }
        var integers = [Int64](repeating: 0, count: count)
        for group in 0..<count where !nulls[group] {
            if lows[group] == highs[group] || weights[group] == 0 {
                integers[group] = argumentType == .date ? lows[group] &* 86_400_000_000 : lows[group]
            } else {
                let cut = doubles[group].rounded(.towardZero)
                integers[group] = cut.isFinite && abs(cut) < 9.2e18 ? Int64(cut) : 0
            }
        }
        return Vector(type: type, count: count, data: .integers(integers), nulls: anyNull ? nulls : nil)
    }

    /// The value `weight` of the way from `low` to `high`, rounded as DuckDB rounds it (which
    /// fuses a multiply and an add, one rounding for both): numbers as `high × weight` plus `low
    /// × (1 − weight)` in one rounding; a DECIMAL's scaled integers as `low` plus `(high − low) ×
    /// weight` in one rounding (then cut toward zero); dates and timestamps, in microseconds, as
    /// `low + weight × (high − low)`.
    static func interpolate(_ low: Double, _ high: Double, _ weight: Double, of type: LogicalType) -> Double {
        switch type {
        case .decimal: return low.addingProduct(high - low, weight)
        case .date, .timestamp: return low + weight * (high - low)
        default: return (high * weight).addingProduct(low, 1 - weight)
        }
    }

    /// The ranks (0-based, ascending) a quantile of `size` values reads, and the weight of the
    /// higher one: `(size − 1) × fraction` between its floor and ceiling (continuous), or the
    /// first value whose share reaches the fraction (discrete).
    static func ranks(size: Int, fraction: Double, continuous: Bool) -> (low: Int, high: Int, weight: Double) {
        if continuous {
            let rank = Double(size - 1) * fraction
            let low = min(size - 1, max(0, Int(rank.rounded(.down))))
            let high = min(size - 1, max(0, Int(rank.rounded(.up))))
            return (low, high, rank - Double(low))
        }
        let index = min(size - 1, max(0, Int((Double(size) * fraction).rounded(.up)) - 1))
        return (index, index, 0)
    }

    /// The value of rank `rank` (0-based, ascending) among `values`, reordering them
    /// (Hoare's selection with a middle pivot; precondition: `rank < values.count`).
    static func select(_ values: UnsafeMutableBufferPointer<Int64>, rank: Int) -> Int64 {
        var low = 0
        var high = values.count - 1
        while low < high {
            let pivot = values[low + (high - low) / 2]
            var i = low
            var j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j {
                high = j
            } else if rank >= i {
                low = i
            } else {
                return values[rank]
            }
        }
        return values[rank]
    }
}
