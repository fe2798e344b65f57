/// Aggregates that keep a state of their own per group (quantiles, moments, sketches, ordered
/// values) rather than ``Accumulator``'s running counts and sums: the protocol the accumulator
/// hands their inputs, merges and results to.

import StarlingColumns

/// One chunk's inputs of an aggregate: each row's group, the evaluated arguments and order keys,
/// and which rows FILTER keeps (nil: every row).
struct AggregateInputs {
    let groups: [Int32]
    let argument: Vector?
    let secondArgument: Vector?
    let orderKeys: [Vector]
    let included: [Bool]?

    /// Whether FILTER keeps row `row`.
    @inline(__always)
    func keeps(_ row: Int) -> Bool { included?[row] ?? true }
}

/// The per-group state of an aggregate with a state of its own. One per worker; merged into the
/// first at the end, then asked for every group's result.
protocol GroupedAggregate: AnyObject {
    /// Adds one chunk's rows.
    func update(_ inputs: AggregateInputs) throws(QueryError)
    /// Folds in another worker's state of the same aggregate; `mapping[g]` is the group here of
    /// `other`'s group `g`.
    func merge(_ other: any GroupedAggregate, mapping: [Int32]) throws(QueryError)
    /// Groups `0 ..< count`'s results as one vector of `type`.
    func results(count: Int, type: LogicalType, control: QueryControl?, threads: Int) throws(QueryError) -> Vector
    /// Bytes held, for the memory budget.
    var byteCount: Int { get }
}

extension AggregateSpecification {
    /// A fresh state for an aggregate with one of its own (nil for the others).
    func makeState() -> (any GroupedAggregate)? {
        switch function {
        case .quantileContinuous, .quantileDiscrete: return QuantileState(self)
        case .varianceSample, .variancePopulation, .deviationSample, .deviationPopulation, .covarianceSample,
            .covariancePopulation, .correlation:
            return MomentsState(self)
        case .argumentOfMinimum, .argumentOfMaximum: return ExtremeRowState(self)
        case .first, .last, .anyValue, .stringAggregate, .mode: return OrderedValuesState(self)
        case .approximateCountDistinct: return DistinctSketchState(self)
        case .approximateQuantile: return QuantileSketchState(self)
        case .countStar, .count, .sum, .avg, .min, .max, .grouping: return nil
        }
    }
}

extension GroupedAggregate {
    /// Where each group's rows lie in `order` (rows sorted by group first): the run
    /// `starts[g] ..< ends[g]` of positions, -1 for a group with none. Groups from `count` on are
    /// left out.
    static func groupRuns(_ order: [Int32], groups: [Int32], count: Int) -> (starts: [Int], ends: [Int]) {
        var starts = [Int](repeating: -1, count: count)
        var ends = [Int](repeating: -1, count: count)
        for (position, row) in order.enumerated() {
            let group = Int(groups[Int(row)])
            guard group < count else { continue }
            if starts[group] < 0 { starts[group] = position }
            ends[group] = position + 1
        }
        return (starts, ends)
    }

    /// `other` as this state's own type, or an error (states of one aggregate are alike).
    func same<State: GroupedAggregate>(_ other: any GroupedAggregate, as type: State.Type) throws(QueryError) -> State {
        guard let state = other as? State else {
            throw .invalid("aggregate states of different kinds cannot be merged")
        }
        return state
    }
}

/// Each group's position among the groups one chunk's rows fall in, numbered as first seen and
/// forgotten after the chunk: per-chunk work by group without a dictionary, and without an array
/// of every group per chunk.
struct ChunkGroups {
    /// By group: its position in the chunk, or -1.
    private var positions: [Int32] = []
    /// The chunk's groups, in the order first seen.
    private(set) var present: [Int] = []

    /// `group`'s position, numbering it when first seen.
    @inline(__always)
    mutating func position(of group: Int) -> Int {
        if group >= positions.count {
            positions += [Int32](repeating: -1, count: group + 1 - positions.count)
        }
        let known = Int(positions[group])
        if known >= 0 { return known }
        positions[group] = Int32(present.count)
        present.append(group)
        return present.count - 1
    }

    /// Forgets the chunk's groups (their slots back to -1, in time proportional to them).
    mutating func reset() {
        for group in present { positions[group] = -1 }
        present.removeAll(keepingCapacity: true)
    }
}
