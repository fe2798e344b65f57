/// The state of a quantile aggregate (median, quantile_cont/disc, percentile_cont/disc): every
/// group's values, kept until the end; then the values each group's quantile needs are picked by
/// selection (numbers) or after one sort by (group, value) (strings and booleans).

import StarlingColumns

/// Every (group, value) pair a quantile aggregate has seen.
final class QuantileState: GroupedAggregate {
    let specification: AggregateSpecification
    private var groups: [Int32] = []
    private var values: [Vector] = []

    init(_ specification: AggregateSpecification) {
        self.specification = specification
    }

    var byteCount: Int { groups.capacity * 4 + values.reduce(0) { $0 + $1.count * 16 } }

    /// Keeps the rows' values that are not NULL and that FILTER keeps.
    func update(groups rowGroups: [Int32], argument: Vector, included: [Bool]?) {
        var kept: [Int32] = []
        kept.reserveCapacity(rowGroups.count)
        for row in 0..<rowGroups.count where !argument.isNull(row) && included?[row] != false {
            kept.append(Int32(row))
        }
        guard !kept.isEmpty else { return }
        groups.append(contentsOf: kept.map { rowGroups[Int($0)] })
        values.append(kept.count == rowGroups.count ? argument : argument.gather(kept))
    }

    func update(_ inputs: AggregateInputs) throws(QueryError) {
        if let argument = inputs.argument { update(groups: inputs.groups, argument: argument, included: inputs.included) }
    }

    /// Takes `other`'s pairs; `mapping[g]` is the group here of `other`'s group `g`.
    func merge(_ other: any GroupedAggregate, mapping: [Int32]) throws(QueryError) {
        let other = try same(other, as: QuantileState.self)
        groups.append(contentsOf: other.groups.map { mapping[Int($0)] })
        values.append(contentsOf: other.values)
    }

    /// Groups `0 ..< count`'s quantiles as a vector of `type` (NULL for a group with no values).
    /// Numbers go through ``selected(_:count:type:control:)``; strings and booleans are sorted.
    func results(count: Int, type: LogicalType, control: QueryControl?) throws(QueryError) -> Vector {
        guard let argumentType = specification.argument?.type else {
            return Vector(constant: .null, type: type, count: count)
        }
        let all =
            values.isEmpty ? Vector(type: argumentType, values: []) : Vector.concatenate(values, type: argumentType)
        if let selected = try selected(all, count: count, type: type, control: control) { return selected }
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
        // Each group's run of sorted positions.
        var starts = [Int](repeating: -1, count: count + 1)
        var ends = [Int](repeating: -1, count: count)
        for (position, row) in order.enumerated() {
            let group = Int(groups[Int(row)])
            guard group < count else { continue }
            if starts[group] < 0 { starts[group] = position }
            ends[group] = position + 1
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

    /// Numbers (integers, decimals, dates, timestamps, doubles): each group's values gathered
    /// together by a counting sort on the group, and the one or two order statistics needed
    /// found by selection, in linear time (no sort). Nil for strings and booleans.
    private func selected(_ all: Vector, count: Int, type: LogicalType, control: QueryControl?) throws(QueryError)
        -> Vector?
    {
        let isDouble: Bool
        switch all.data {
        case .integers: isDouble = false
        case .doubles: isDouble = true
        default: return nil
        }
        guard all.type != .boolean else { return nil }
        // Values as order-preserving integers (doubles by their total order).
        let keys: [Int64]
        switch all.data {
        case .integers(let numbers): keys = numbers
        case .doubles(let numbers): keys = numbers.map(canonicalOrderKey)
        default: return nil
        }
        var starts = [Int](repeating: 0, count: count + 1)
        for group in groups where Int(group) < count { starts[Int(group) + 1] += 1 }
        for group in 0..<count { starts[group + 1] += starts[group] }
        var grouped = [Int64](repeating: 0, count: starts[count])
        var next = starts
        for (index, group) in groups.enumerated() where Int(group) < count {
            grouped[next[Int(group)]] = keys[index]
            next[Int(group)] += 1
        }
        let continuous = specification.function == .quantileContinuous
        var lows = [Int64](repeating: 0, count: count)
        var highs = [Int64](repeating: 0, count: count)
        var weights = [Double](repeating: 0, count: count)
        var nulls = [Bool](repeating: false, count: count)
        for group in 0..<count {
            if group & 1023 == 0 { try control?.check() }
            let size = starts[group + 1] - starts[group]
            guard size > 0 else {
                nulls[group] = true
                continue
            }
            let (low, high, weight) = Self.ranks(size: size, fraction: specification.fraction, continuous: continuous)
            // Descending order: the k-th from the top is the (size - 1 - k)-th from the bottom.
            let lowRank = specification.descending ? size - 1 - low : low
            let highRank = specification.descending ? size - 1 - high : high
            grouped.withUnsafeMutableBufferPointer { buffer in
                let slice = UnsafeMutableBufferPointer(rebasing: buffer[starts[group]..<starts[group + 1]])
                lows[group] = Self.select(slice, rank: lowRank)
                highs[group] = highRank == lowRank ? lows[group] : Self.select(slice, rank: highRank)
            }
            weights[group] = weight
        }
        let anyNull = nulls.contains(true)
        func number(_ key: Int64) -> Double {
            if isDouble { return Double(bitPattern: UInt64(bitPattern: totalOrderKey(ofDoubleBits: key))) }
            return Double(key) * (all.type == .date && continuous ? 86_400_000_000 : 1)
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
                lows[group] == highs[group] ? low : Self.interpolate(low, high, weights[group], of: all.type)
        }
        if type.physicalType == .float64 {
            return Vector(type: type, count: count, data: .doubles(doubles), nulls: anyNull ? nulls : nil)
        }
        var integers = [Int64](repeating: 0, count: count)
        for group in 0..<count where !nulls[group] {
            if lows[group] == highs[group] || weights[group] == 0 {
                integers[group] = all.type == .date ? lows[group] &* 86_400_000_000 : lows[group]
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
