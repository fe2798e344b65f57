/// Aggregates over window frames: counts and integer sums from per-partition prefix sums,
/// running frames in one pass, moving frames of doubles and of min/max through segment trees.

import StarlingColumns

/// One aggregate's results over a bucket, partition by partition.
struct WindowAggregator {
    private enum Method {
        case count, integerSum, doubleSum, extreme, intervalAverage
    }

    private let function: AggregateSpecification.Function
    private let method: Method
    private let arguments: WindowArgumentValues
    private let order: [Int32]
    /// The argument's DECIMAL scale, for avg.
    private let scale: Int
    private var integers: [Int64]
    private var doubles: [Double]
    private var picks: [Int32]
    private var intervals: [Interval]
    private var nulls: [Bool]

    init(function: AggregateSpecification.Function, type: LogicalType, arguments: WindowArgumentValues, order: [Int32])
        throws(QueryError)
    {
        self.function = function
        self.arguments = arguments
        self.order = order
        let count = order.count
        let value = arguments.value
        switch function {
        case .countStar, .count: method = .count
        case .min, .max: method = .extreme
        case .quantileContinuous, .quantileDiscrete: throw .invalid("quantiles are not supported as window functions")
        case .grouping: throw .invalid("grouping() is not a window function")
        case .sum, .avg:
            switch value?.data {
            case .integers?: method = .integerSum
            case .doubles?: method = .doubleSum
            case .intervals? where function == .avg: method = .intervalAverage
            case .intervals?, .booleans?, .strings?, .dictionary?, nil:
                throw .invalid("\(function.rawValue) needs numbers")
            }
        default: throw .invalid("\(function.rawValue) is not supported as a window function")
        }
        scale = value.flatMap { Cast.decimalScale($0.type) } ?? 0
        let isDouble = function == .avg || (method == .doubleSum)
        integers = method == .extreme || isDouble ? [] : [Int64](repeating: 0, count: count)
        doubles = isDouble ? [Double](repeating: 0, count: count) : []
        picks = method == .extreme ? [Int32](repeating: -1, count: count) : []
        intervals = method == .intervalAverage ? [Interval](repeating: .zero, count: count) : []
        nulls = [Bool](repeating: false, count: count)
    }

    /// Whether the row at `position` takes part: its value is not NULL and FILTER keeps it.
    @inline(__always)
    private func counted(_ position: Int) -> Bool {
        let row = Int(order[position])
        if let filter = arguments.filter, !filter[row] { return false }
        if function == .countStar { return true }
        return !(arguments.value?.isNull(row) ?? true)
    }

    /// The results of one partition's rows.
    mutating func add(_ start: Int, _ end: Int, _ frames: WindowFrames) throws(QueryError) {
        let included = (start..<end).map(counted)
        var counts = [Int64](repeating: 0, count: end - start + 1)
        for position in start..<end {
            counts[position - start + 1] = counts[position - start] + (included[position - start] ? 1 : 0)
        }
        switch method {
        case .count:
            for position in start..<end {
                let (low, high) = frames.bounds(position)
                integers[position] = counts[high - start] - counts[low - start]
            }
        case .integerSum: try integerSums(start, end, frames, counts, included)
        case .doubleSum: doubleSums(start, end, frames, counts, included)
        case .extreme: extremes(start, end, frames, included)
        case .intervalAverage: try intervalAverages(start, end, frames, counts, included)
        }
    }

    /// avg of intervals: each frame's sum from prefix sums of each part, then averaged as the
    /// aggregate averages (``Accumulator/average(_:count:)``); a sum past the parts' ranges is
    /// the error DuckDB's adding would raise.
    private mutating func intervalAverages(
        _ start: Int, _ end: Int, _ frames: WindowFrames, _ counts: [Int64], _ included: [Bool]
    ) throws(QueryError) {
        guard case .intervals(let values)? = arguments.value?.data else { return }
        var months = [Int64](repeating: 0, count: end - start + 1)
        var days = [Int64](repeating: 0, count: end - start + 1)
        var micros = [Int128](repeating: 0, count: end - start + 1)
        for position in start..<end {
            let value = included[position - start] ? values[Int(order[position])] : .zero
            months[position - start + 1] = months[position - start] + Int64(value.months)
            days[position - start + 1] = days[position - start] + Int64(value.days)
            micros[position - start + 1] = micros[position - start] + Int128(value.micros)
        }
        for position in start..<end {
            guard let (low, high, count) = countedFrame(position, start, frames, counts) else { continue }
            guard let sumMonths = Int32(exactly: months[high - start] - months[low - start]),
                let sumDays = Int32(exactly: days[high - start] - days[low - start]),
                let sumMicros = Int64(exactly: micros[high - start] - micros[low - start]),
                let average = Accumulator.average(
                    Interval(months: sumMonths, days: sumDays, micros: sumMicros), count: count)
            else { throw .invalid("avg overflowed INTERVAL") }
            intervals[position] = average
        }
    }

    private mutating func integerSums(
        _ start: Int, _ end: Int, _ frames: WindowFrames, _ counts: [Int64], _ included: [Bool]
    ) throws(QueryError) {
        guard case .integers(let values)? = arguments.value?.data else { return }
        // Prefix sums in 64 bits; in 128 only when they overflow.
        var sums = [Int64](repeating: 0, count: end - start + 1)
        var overflowed = false
        for position in start..<end {
            let value = included[position - start] ? values[Int(order[position])] : 0
            let (sum, overflow) = sums[position - start].addingReportingOverflow(value)
            overflowed = overflowed || overflow
            sums[position - start + 1] = sum
        }
        let divisor = Double(ValueParsing.power10(scale))
        var wide: [Int128] = []
        if overflowed {
            wide = [Int128](repeating: 0, count: end - start + 1)
            for position in start..<end {
                wide[position - start + 1] =
                    wide[position - start] + (included[position - start] ? Int128(values[Int(order[position])]) : 0)
            }
        }
        for position in start..<end {
            guard let (low, high, count) = countedFrame(position, start, frames, counts) else { continue }
            var exact: Int64?
            if !overflowed {
                let (difference, overflow) = sums[high - start].subtractingReportingOverflow(sums[low - start])
                if !overflow { exact = difference }
            } else {
                exact = Int64(exactly: wide[high - start] - wide[low - start])
            }
            if function == .avg {
                let total =
                    exact.map(Double.init)
                    ?? Self.double(
                        wide.isEmpty
                            ? Int128(sums[high - start]) - Int128(sums[low - start])
                            : wide[high - start] - wide[low - start])
                doubles[position] = total / divisor / Double(count)
            } else {
                guard let exact else { throw .invalid("sum overflowed BIGINT") }
                integers[position] = exact
            }
        }
    }

    /// The frame of the row at `position` (of the partition starting at `start`) and how many
    /// counted rows it holds; nil, with the row's result set NULL, when it holds none.
    private mutating func countedFrame(_ position: Int, _ start: Int, _ frames: WindowFrames, _ counts: [Int64])
        -> (low: Int, high: Int, count: Int64)?
    {
        let (low, high) = frames.bounds(position)
        let count = counts[high - start] - counts[low - start]
        guard count > 0 else {
            nulls[position] = true
            return nil
        }
        return (low, high, count)
    }

    /// A 128-bit sum as a double (only sums beyond 64 bits come here).
    static func double(_ value: Int128) -> Double {
        Double(Int64(truncatingIfNeeded: value >> 64)) * 18_446_744_073_709_551_616.0
            + Double(UInt64(truncatingIfNeeded: value))
    }

    private mutating func doubleSums(
        _ start: Int, _ end: Int, _ frames: WindowFrames, _ counts: [Int64], _ included: [Bool]
    ) {
        guard case .doubles(let values)? = arguments.value?.data else { return }
        let order = self.order
        let value = { (position: Int) -> Double in included[position - start] ? values[Int(order[position])] : 0 }
        var total: (Range<Int>) -> Double
        if frames.isRunning {
            // Added in order, as a sequential sum would.
            var running = [Double](repeating: 0, count: end - start + 1)
            for position in start..<end { running[position - start + 1] = running[position - start] + value(position) }
            total = { running[$0.upperBound - start] }
        } else {
            let tree = WindowSegmentTree(count: end - start, identity: 0.0, leaf: { value(start + $0) }, combine: +)
            total = { tree.query(($0.lowerBound - start)..<($0.upperBound - start)) }
        }
        for position in start..<end {
            guard let (low, high, count) = countedFrame(position, start, frames, counts) else { continue }
            let sum = total(low..<high)
            doubles[position] = function == .avg ? sum / Double(count) : sum
        }
    }

    /// min and max: the position of the least or greatest counted value.
    private mutating func extremes(_ start: Int, _ end: Int, _ frames: WindowFrames, _ included: [Bool]) {
        guard let value = arguments.value else { return }
        let sign = function == .min ? 1 : -1
        let compare = Self.compare
        // Whether the value at `a` should replace the one at `b` (-1: none yet).
        let better: (Int32, Int32) -> Bool = { a, b in
            if a < 0 { return false }
            if b < 0 { return true }
            return compare(value, Int(a), Int(b)) * sign < 0
        }
        let order = self.order
        let leaf = { (position: Int) -> Int32 in included[position - start] ? order[position] : -1 }
        if frames.isRunning {
            var best: Int32 = -1
            var reached = start
            for position in start..<end {
                let (low, high) = frames.bounds(position)
                while reached < high {
                    let candidate = leaf(reached)
                    if better(candidate, best) { best = candidate }
                    reached += 1
                }
                picks[position] = low < high ? best : -1
            }
            return
        }
        let tree = WindowSegmentTree(count: end - start, identity: Int32(-1), leaf: { leaf(start + $0) }) { a, b in
            better(b, a) ? b : a
        }
        for position in start..<end {
            let (low, high) = frames.bounds(position)
            picks[position] = low < high ? tree.query((low - start)..<(high - start)) : -1
        }
    }

    /// The order of rows `a` and `b` of `vector` (neither NULL): negative, zero or positive.
    static func compare(_ vector: Vector, _ a: Int, _ b: Int) -> Int {
        switch vector.data {
        case .integers(let values): return values[a] < values[b] ? -1 : (values[a] > values[b] ? 1 : 0)
        case .doubles(let values): return ExpressionEvaluator.orderDoubles(values[a], values[b])
        case .booleans(let values): return values[a] == values[b] ? 0 : (values[a] ? 1 : -1)
        case .strings, .dictionary: return compareBytes(vector.stringBytes(at: a), vector.stringBytes(at: b))
        case .intervals(let values): return values[a].compare(values[b])
        }
    }

    func column() -> WindowColumn {
        switch method {
        case .extreme: return .picks(picks)
        case .count: return .integers(integers, nulls: nil)
        case .integerSum where function == .sum: return .integers(integers, nulls: nulls)
        case .intervalAverage:
            return .values(Vector(type: .interval, count: intervals.count, data: .intervals(intervals), nulls: nulls))
        case .integerSum, .doubleSum: return .doubles(doubles, nulls: nulls)
        }
    }
}
