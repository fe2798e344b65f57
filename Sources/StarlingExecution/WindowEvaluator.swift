/// One window function over one bucket of sorted rows: frames worked out per row, then the
/// ranking, offset, value or aggregate computed partition by partition.

import StarlingColumns

/// A window function's arguments evaluated over the whole input, once.
struct WindowArgumentValues: @unchecked Sendable {
    /// The value argument (lag, lead, the value functions, aggregates).
    var value: Vector?
    /// What picked rows index: the value, then (lag and lead with a default) the default's rows
    /// from `input.count` on.
    var picked: Vector?
    /// Where the default's rows start in `picked`.
    var defaultBase: Int?
    /// The offset of lag/lead, the n of ntile and nth_value.
    var number: Vector?
    /// Rows a FILTER keeps (nil: all).
    var filter: [Bool]?
    /// RANGE frames with offsets: the key, and the bounds each row's frame starts and ends at.
    var rangeKey: Vector?
    var rangeStart: Vector?
    var rangeEnd: Vector?
    /// An aggregate with a state of its own: its second argument and the ORDER BY keys inside it
    /// (`value` is its argument, `filter` its FILTER).
    var secondArgument: Vector?
    var orderKeys: [Vector] = []
}

/// Every function's arguments for one sort group.
struct WindowArguments: Sendable {
    let values: [WindowArgumentValues]

    init(_ functions: [WindowFunction], input: Chunk) throws(QueryError) {
        var values: [WindowArgumentValues] = []
        for function in functions {
            var arguments = WindowArgumentValues()
            let evaluated = try function.arguments.map { (argument) throws(QueryError) -> Vector in
                try ExpressionEvaluator.evaluate(argument, input)
            }
            switch function.kind {
            case .rowNumber, .rank, .denseRank, .percentRank, .cumeDist:
                break
            case .ntile:
                arguments.number = evaluated.first
            case .lag, .lead:
                arguments.value = evaluated.first
                arguments.number = evaluated.count > 1 ? evaluated[1] : nil
                if evaluated.count > 2, let value = evaluated.first {
                    arguments.picked = Vector.concatenate([value, evaluated[2]], type: value.type)
                    arguments.defaultBase = input.count
                }
            case .nthValue:
                arguments.value = evaluated.first
                arguments.number = evaluated.count > 1 ? evaluated[1] : nil
            case .firstValue, .lastValue, .aggregate:
                arguments.value = evaluated.first
            case .stateAggregate(let aggregate):
                func evaluate(_ expression: BoundExpression) throws(QueryError) -> Vector {
                    try ExpressionEvaluator.evaluate(expression, input)
                }
                arguments.value = try aggregate.argument.map(evaluate)
                arguments.secondArgument = try aggregate.secondArgument.map(evaluate)
                for key in aggregate.orderBy { arguments.orderKeys.append(try evaluate(key.expression)) }
                if let filter = aggregate.filter {
                    guard let kept = ExpressionEvaluator.trueFlags(try evaluate(filter)) else {
                        throw .invalid("a FILTER must be BOOLEAN")
                    }
                    arguments.filter = kept
                }
            }
            if arguments.picked == nil { arguments.picked = arguments.value }
            if let filter = function.filter {
                guard let kept = ExpressionEvaluator.trueFlags(try ExpressionEvaluator.evaluate(filter, input)) else {
                    throw .invalid("a FILTER must be BOOLEAN")
                }
                arguments.filter = kept
            }
            if let key = function.frame.rangeKey {
                arguments.rangeKey = try ExpressionEvaluator.evaluate(key, input)
                if case .value(let bound) = function.frame.start {
                    arguments.rangeStart = try ExpressionEvaluator.evaluate(bound, input)
                }
                if case .value(let bound) = function.frame.end {
                    arguments.rangeEnd = try ExpressionEvaluator.evaluate(bound, input)
                }
            }
            values.append(arguments)
        }
        self.values = values
    }
}

/// One function's results over one bucket, by sorted position.
enum WindowColumn: Sendable {
    case integers([Int64], nulls: [Bool]?)
    case doubles([Double], nulls: [Bool]?)
    /// Rows of the picked vector (negative: NULL).
    case picks([Int32])
    /// The results themselves, in the rows' sorted order.
    case values(Vector)

    /// The results as a vector of `type`; picks index `picked`.
    func vector(type: LogicalType, picked: Vector?) -> Vector {
        switch self {
        case .values(let vector):
            return vector
        case .integers(let values, let nulls):
            return Vector(type: type, count: values.count, data: .integers(values), nulls: nulls)
        case .doubles(let values, let nulls):
            return Vector(type: type, count: values.count, data: .doubles(values), nulls: nulls)
        case .picks(let rows):
            return picked?.gatherOrNull(rows) ?? Vector(constant: .null, type: type, count: rows.count)
        }
    }
}

/// Computes one function over one bucket.
struct WindowEvaluator {
    let partitions: WindowPartitions
    let function: WindowFunction
    let arguments: WindowArgumentValues

    init(partitions: WindowPartitions, function: WindowFunction, arguments: WindowArgumentValues) {
        self.partitions = partitions
        self.function = function
        self.arguments = arguments
    }

    func evaluate() throws(QueryError) -> WindowColumn {
        let count = partitions.count
        switch function.kind {
        case .rowNumber, .rank, .denseRank, .ntile:
            var values = [Int64](repeating: 0, count: count)
            var nulls: [Bool]?
            try forEachPartition { (start, end) throws(QueryError) in
                try rank(start, end, into: &values, nulls: &nulls)
            }
            return .integers(values, nulls: nulls)
        case .percentRank, .cumeDist:
            var values = [Double](repeating: 0, count: count)
            try forEachPartition { start, end in distribution(start, end, into: &values) }
            return .doubles(values, nulls: nil)
        case .lag, .lead:
            var picks = [Int32](repeating: -1, count: count)
            try forEachPartition { start, end in offsetPicks(start, end, into: &picks) }
            return .picks(picks)
        case .firstValue, .lastValue, .nthValue:
            var picks = [Int32](repeating: -1, count: count)
            try forEachPartition { (start, end) throws(QueryError) in
                let frames = try WindowFrames(partitions, function.frame, arguments, start, end, descending: descending)
                valuePicks(start, end, frames, into: &picks)
            }
            return .picks(picks)
        case .aggregate(let aggregate):
            var aggregator = try WindowAggregator(
                function: aggregate, type: function.type, arguments: arguments, order: partitions.order)
            try forEachPartition { (start, end) throws(QueryError) in
                let frames = try WindowFrames(partitions, function.frame, arguments, start, end, descending: descending)
                try aggregator.add(start, end, frames)
            }
            return aggregator.column()
        case .stateAggregate(let aggregate):
            var aggregator = WindowStateAggregator(aggregate, arguments: arguments, order: partitions.order)
            try forEachPartition { (start, end) throws(QueryError) in
                let frames = try WindowFrames(partitions, function.frame, arguments, start, end, descending: descending)
                try aggregator.add(start, end, frames)
            }
            return .values(try aggregator.results(type: function.type, control: nil))
        }
    }

    private var descending: Bool { function.orderBy.first?.descending ?? false }

    private func forEachPartition(_ body: (Int, Int) throws(QueryError) -> Void) throws(QueryError) {
        let starts = partitions.partitionStarts
        for index in 0..<(starts.count - 1) { try body(starts[index], starts[index + 1]) }
    }

    /// row_number, rank, dense_rank and ntile of one partition.
    private func rank(_ start: Int, _ end: Int, into values: inout [Int64], nulls: inout [Bool]?) throws(QueryError) {
        switch function.kind {
        case .rowNumber:
            for position in start..<end { values[position] = Int64(position - start + 1) }
        case .rank:
            for position in start..<end { values[position] = Int64(partitions.peerStart(position) - start + 1) }
        case .denseRank:
            let first = partitions.peerGroup[start]
            for position in start..<end { values[position] = Int64(partitions.peerGroup[position] - first + 1) }
        default:
            let size = Int64(end - start)
            for position in start..<end {
                let row = Int(partitions.order[position])
                guard let number = arguments.number, !number.isNull(row), case .integers(let given) = number.data else {
                    if nulls == nil { nulls = [Bool](repeating: false, count: values.count) }
                    nulls?[position] = true
                    continue
                }
                let buckets = given[row]
                guard buckets > 0 else { throw .invalid("ntile's argument must be greater than zero, not \(buckets)") }
                values[position] = Self.ntile(Int64(position - start), size: size, buckets: buckets)
            }
        }
    }

    /// The tile (1-based) of the row at `index` of a partition of `size` rows cut into
    /// `buckets` tiles whose sizes differ by at most one, the larger first.
    static func ntile(_ index: Int64, size: Int64, buckets: Int64) -> Int64 {
        let tiles = min(buckets, size)
        let small = size / tiles
        let large = small + 1
        let largeCount = size % tiles
        if index < large * largeCount { return index / large + 1 }
        return (index - large * largeCount) / small + largeCount + 1
    }

    /// percent_rank and cume_dist of one partition.
    private func distribution(_ start: Int, _ end: Int, into values: inout [Double]) {
        let size = Double(end - start)
        for position in start..<end {
            if function.kind == .percentRank {
                values[position] = end - start > 1 ? Double(partitions.peerStart(position) - start) / (size - 1) : 0
            } else {
                values[position] = Double(partitions.peerEnd(position) - start) / size
            }
        }
    }

    /// lag and lead of one partition: the row `offset` before or after, else the default's
    /// row (or NULL).
    private func offsetPicks(_ start: Int, _ end: Int, into picks: inout [Int32]) {
        let order = partitions.order
        for position in start..<end {
            let row = Int(order[position])
            var offset: Int64 = 1
            if let number = arguments.number {
                guard !number.isNull(row), case .integers(let given) = number.data else { continue }
                offset = given[row]
            }
            let (step, overflow) = (function.kind == .lag ? -offset : offset).addingReportingOverflow(Int64(position))
            if !overflow, step >= Int64(start), step < Int64(end) {
                picks[position] = order[Int(step)]
            } else if let base = arguments.defaultBase {
                picks[position] = Int32(truncatingIfNeeded: base + row)
            }
        }
    }

    /// first_value, last_value and nth_value of one partition.
    private func valuePicks(_ start: Int, _ end: Int, _ frames: WindowFrames, into picks: inout [Int32]) {
        let order = partitions.order
        for position in start..<end {
            let (low, high) = frames.bounds(position)
            guard low < high else { continue }
            switch function.kind {
            case .firstValue: picks[position] = order[low]
            case .lastValue: picks[position] = order[high - 1]
            default:
                let row = Int(order[position])
                guard let number = arguments.number, !number.isNull(row), case .integers(let given) = number.data else {
                    continue
                }
                // A position below 1 is NULL, as in DuckDB.
                let nth = given[row]
                if nth >= 1 && nth <= Int64(high - low) { picks[position] = order[low + Int(nth) - 1] }
            }
        }
    }
}
