/// `approx_quantile(x, f)`: a KLL sketch per group (Karnin, Lang and Liberty, 2016) with k = 200:
/// memory grows with the logarithm of the group's values, and the answer is a value whose rank is
/// within about 1.7% of `f` (of the group's count) with 99% confidence. The least and greatest
/// values are kept exactly, so fractions 0 and 1 give the minimum and maximum.

import StarlingColumns

/// One group's sketch: compactors by level, the items of level `h` each standing for `2^h` values.
struct KLLSketch {
    /// The accuracy parameter: the top level's capacity.
    static let k = 200
    private(set) var levels: [[Double]] = [[]]
    private(set) var count: Int64 = 0
    private(set) var minimum = Double.infinity
    private(set) var maximum = -Double.infinity
    /// Alternates which half a compaction keeps (a fixed choice biases the ranks).
    private var keepOdd = false

    /// Level `level`'s capacity: k × (2/3)^(depth) from the top, at least 2.
    private func capacity(_ level: Int) -> Int {
        let depth = levels.count - 1 - level
        var capacity = Double(Self.k)
        for _ in 0..<depth { capacity *= 2.0 / 3.0 }
        return max(2, Int(capacity))
    }

    /// Items held, and the most the levels hold together (kept as they change: adding a value
    /// costs a comparison, not a walk over the levels).
    private var itemCount = 0
    private var totalCapacity = KLLSketch.k

    private mutating func addLevel() {
        levels.append([])
        totalCapacity = levels.indices.reduce(0) { $0 + capacity($1) }
    }

    mutating func add(_ value: Double) {
        count += 1
        minimum = min(minimum, value)
        maximum = max(maximum, value)
        levels[0].append(value)
        itemCount += 1
        if itemCount >= totalCapacity { compress() }
    }

    /// Takes `other`'s items, level by level.
    mutating func merge(_ other: KLLSketch) {
        guard other.count > 0 else { return }
        while levels.count < other.levels.count { addLevel() }
        for (level, items) in other.levels.enumerated() { levels[level] += items }
        itemCount += other.itemCount
        count += other.count
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
        compress()
    }

    /// Compacts the lowest full level (half its items, every other one once sorted, move up a level
    /// with twice the weight) until the sketch fits its capacity.
    private mutating func compress() {
        while itemCount >= totalCapacity {
            guard let level = levels.indices.first(where: { levels[$0].count >= capacity($0) }) else { return }
            if level + 1 == levels.count { addLevel() }
            levels[level].sort()
            var items = levels[level]
            // An odd one out stays at its level.
            let leftover = items.count % 2 == 1 ? items.removeLast() : nil
            let start = keepOdd ? 1 : 0
            keepOdd.toggle()
            let promoted = stride(from: start, to: items.count, by: 2).map { items[$0] }
            levels[level + 1] += promoted
            levels[level] = leftover.map { [$0] } ?? []
            itemCount -= items.count - promoted.count
        }
    }

    /// The value at fraction `fraction` of the ranks: the least item whose weighted rank reaches it.
    func quantile(_ fraction: Double) -> Double? {
        guard count > 0 else { return nil }
        if fraction <= 0 { return minimum }
        if fraction >= 1 { return maximum }
        var weighted: [(value: Double, weight: Int64)] = []
        for (level, items) in levels.enumerated() {
            for item in items { weighted.append((item, Int64(1) << Int64(min(level, 62)))) }
        }
        weighted.sort { $0.value < $1.value }
        let total = weighted.reduce(Int64(0)) { $0 + $1.weight }
        let target = fraction * Double(total)
        var cumulative: Int64 = 0
        for item in weighted {
            cumulative += item.weight
            if Double(cumulative) >= target { return item.value }
        }
        return weighted.last?.value
    }
}

/// A KLL sketch per group over the argument as DOUBLE; the answers, being values seen, convert
/// back to the argument's type exactly (integers, decimals as scaled integers, dates, timestamps).
final class QuantileSketchState: GroupedAggregate {
    let fraction: Double
    private var sketches: [KLLSketch] = []

    init(_ specification: AggregateSpecification) {
        fraction = specification.fraction
    }

    var byteCount: Int { sketches.count * 64 + sketches.reduce(0) { $0 + $1.levels.reduce(0) { $0 + $1.count * 8 } } }

    private func grow(to groups: Int) {
        if groups > sketches.count { sketches += [KLLSketch](repeating: KLLSketch(), count: groups - sketches.count) }
    }

    func update(_ inputs: AggregateInputs) throws(QueryError) {
        guard let argument = inputs.argument else { return }
        grow(to: (inputs.groups.max().map { Int($0) } ?? -1) + 1)
        switch argument.data {
        case .integers(let values):
            for row in 0..<inputs.groups.count where inputs.keeps(row) && !argument.isNull(row) {
                sketches[Int(inputs.groups[row])].add(Double(values[row]))
            }
        case .doubles(let values):
            for row in 0..<inputs.groups.count where inputs.keeps(row) && !argument.isNull(row) && !values[row].isNaN {
                sketches[Int(inputs.groups[row])].add(values[row])
            }
        default:
            throw .invalid("approx_quantile needs numbers, dates or timestamps")
        }
    }

    func merge(_ other: any GroupedAggregate, mapping: [Int32]) throws(QueryError) {
        let other = try same(other, as: QuantileSketchState.self)
        grow(to: (mapping.max().map { Int($0) } ?? -1) + 1)
        for (source, target) in mapping.enumerated() where source < other.sketches.count {
            sketches[Int(target)].merge(other.sketches[source])
        }
    }

    func results(count: Int, type: LogicalType, control: QueryControl?, threads: Int) throws(QueryError) -> Vector {
        var nulls = [Bool](repeating: true, count: count)
        var doubles = [Double](repeating: 0, count: count)
        for group in 0..<min(count, sketches.count) {
            if let value = sketches[group].quantile(fraction) {
                doubles[group] = value
                nulls[group] = false
            }
        }
        if type.physicalType == .float64 {
            return Vector(type: type, count: count, data: .doubles(doubles), nulls: nulls)
        }
        // Values seen, so in range; beyond 2^53 a double may round past Int64's ends: clamped.
        let integers = doubles.map { value -> Int64 in
            let rounded = value.rounded()
            if rounded >= 9.223_372_036_854_775_807e18 { return Int64.max }
            if rounded <= -9.223_372_036_854_775_808e18 { return Int64.min }
            return Int64(rounded)
        }
        return Vector(type: type, count: count, data: .integers(integers), nulls: nulls)
    }
}
