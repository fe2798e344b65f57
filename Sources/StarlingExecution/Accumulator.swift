/// The running state of one aggregate call over many groups.

import StarlingColumns
import StarlingEncoding
import StarlingFormat

/// Per-group state of one aggregate (`count`, `sum`, `avg`, `min`, `max`, optionally DISTINCT),
/// in arrays indexed by group number, updated a chunk at a time.
final class Accumulator {
    let specification: AggregateSpecification
    /// Rows counted (count), values seen (sum, avg, min, max: a group with none gives NULL).
    var counts: [Int64] = []
    var integers: [Int64] = []
    var doubles: [Double] = []
    /// min and max over strings: each group's extreme so far, in one arena.
    var strings: StringExtremes
    /// min and max over intervals: each group's extreme so far; avg: each group's sum (added
    /// part by part, as DuckDB adds, an overflow an error).
    var intervals: [Interval] = []
    /// sum and avg over integers: each group's sum is `carries[g]` × 2⁶⁴ plus `integers[g]`, so
    /// it is exact however far it runs past BIGINT on the way. The fast loops add with
    /// wrapping, which keeps the low word right; only when one of them notes an overflow does
    /// ``carryOverflow(groups:value:)`` recount the chunk's sums exactly. avg keeps carries
    /// from the start; sum makes them at its first overflow (until then it holds none), and
    /// its result is an error only when the total itself is past its type.
    var carries: [Int64] = []
    /// DISTINCT (count, sum, avg): every (group, value) pair seen, the value as one word (an
    /// integer as itself, a double by its normalised bits, a string by its number in
    /// `distinctStrings`). A pair seen for the first time counts, and adds to the sum: no set
    /// per group, no `Value` per row. (min and max need no DISTINCT.)
    private let distinctPairs: DistinctPairs?
    private let distinctStrings = StringInterner()
    private let distinctIntervals = IntervalNumbering()
    let argumentShape: VectorShape
    /// Aggregates with a state of their own (quantiles, moments, sketches, ordered values).
    let own: (any GroupedAggregate)?

    enum VectorShape { case none, integer, double, boolean, string, interval }

    init(_ specification: AggregateSpecification) {
        self.specification = specification
        // DISTINCT changes the answer of count, sum and avg only.
        let distinct = specification.distinct && specification.function != .min && specification.function != .max
            && !specification.function.hasOwnState
        distinctPairs = distinct ? DistinctPairs() : nil
        own = specification.makeState()
        strings = StringExtremes(keepsSmallest: specification.function == .min)
        switch specification.argument?.type.physicalType {
        case nil: argumentShape = .none
        case .float64?: argumentShape = .double
        case .boolean?: argumentShape = .boolean
        case .string?: argumentShape = .string
        case .interval?: argumentShape = .interval
        case .int8?, .int16?, .int32?, .int64?: argumentShape = .integer
        }
    }

    /// Makes room for `groupCount` groups.
    func resize(_ groupCount: Int) {
        guard counts.count < groupCount else { return }
        let added = groupCount - counts.count
        counts.append(contentsOf: repeatElement(0, count: added))
        switch (specification.function, argumentShape) {
        case (.sum, .double), (.avg, .double), (.min, .double), (.max, .double):
            doubles.append(contentsOf: repeatElement(0, count: added))
        case (.min, .string), (.max, .string):
            strings.resize(counts.count)
        case (.min, .interval), (.max, .interval), (.avg, .interval):
            intervals.append(contentsOf: repeatElement(.zero, count: added))
        case (.avg, _):
            integers.append(contentsOf: repeatElement(0, count: added))
            carries.append(contentsOf: repeatElement(0, count: added))
        case (.sum, _):
            integers.append(contentsOf: repeatElement(0, count: added))
            if !carries.isEmpty { carries.append(contentsOf: repeatElement(0, count: added)) }
        case (.min, _), (.max, _):
            integers.append(contentsOf: repeatElement(0, count: added))
        default: break
        }
    }

    /// Adds the rows of one chunk: `groups[row]` is each row's group, `argument` the evaluated
    /// argument, `included` the FILTER result (nil: every row).
    /// `histogram[g]`, when given, is how many of the rows are in group `g`: with every row used
    /// (no NULL argument, no FILTER), counts are added per group rather than per row.
    /// `secondArgument` and `orderKeys` are read only by aggregates with a state of their own.
    func update(
        groups: [Int32], argument: Vector?, included: [Bool]?, histogram: [Int64]? = nil,
        secondArgument: Vector? = nil, orderKeys: [Vector] = []
    ) throws(QueryError) {
        if let own {
            try own.update(
                AggregateInputs(
                    groups: groups, argument: argument, secondArgument: secondArgument, orderKeys: orderKeys,
                    included: included))
            return
        }
        let count = groups.count
        func use(_ row: Int) -> Bool {
            if let included, !included[row] { return false }
            if let argument, argument.isNull(row) { return false }
            return true
        }
        let allUsed = argument?.nulls == nil && included == nil
        if let histogram, allUsed, !specification.distinct, specification.function != .min, specification.function != .max,
           argumentShape == .integer || argumentShape == .none {
            if let argument, case .integers(let values) = argument.data {
                do throws(QueryError) {
                    try sumIntegers(values, groups: groups, bounds: argument.bounds)
                } catch {
                    carryOverflow(groups: groups) { values[$0] }
                }
            }
            counts.withUnsafeMutableBufferPointer { counts in
                for group in 0..<histogram.count { counts[group] += histogram[group] }
            }
            return
        }
        if specification.function == .countStar || (specification.function == .count && !specification.distinct) {
            if allUsed {
                groups.withUnsafeBufferPointer { groups in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for row in 0..<count { counts[Int(groups[row])] += 1 }
                    }
                }
            } else {
                for row in 0..<count where use(row) { counts[Int(groups[row])] += 1 }
            }
            return
        }
        guard let argument else { return }
        if let distinctPairs {
            try updateDistinct(distinctPairs, groups: groups, argument: argument, use: use)
            return
        }
        switch argument.data {
        case .integers(let values):
            do throws(QueryError) {
                try updateIntegers(values, groups: groups, allRows: allUsed, use: use)
            } catch {
                carryOverflow(groups: groups) { allUsed || use($0) ? values[$0] : nil }
            }
        case .booleans(let values):
            let numbers = values.map { $0 ? Int64(1) : 0 }
            do throws(QueryError) {
                try updateIntegers(numbers, groups: groups, allRows: allUsed, use: use)
            } catch {
                carryOverflow(groups: groups) { allUsed || use($0) ? numbers[$0] : nil }
            }
        case .doubles(let values):
            for row in 0..<count where allUsed || use(row) {
                let group = Int(groups[row])
                let value = values[row]
                switch specification.function {
                case .sum, .avg: doubles[group] += value
                case .min: if counts[group] == 0 || ExpressionEvaluator.orderDoubles(value, doubles[group]) < 0 { doubles[group] = value }
                case .max: if counts[group] == 0 || ExpressionEvaluator.orderDoubles(value, doubles[group]) > 0 { doubles[group] = value }
                default: break
                }
                counts[group] += 1
            }
        case .intervals(let values):
            for row in 0..<count where allUsed || use(row) {
                try addInterval(values[row], to: Int(groups[row]))
            }
        case .strings, .dictionary:
            guard specification.function == .min || specification.function == .max else { break }
            for row in 0..<count where allUsed || use(row) {
                let group = Int(groups[row])
                strings.offer(argument.stringBytes(at: row), to: group)
                counts[group] += 1
            }
            strings.compactIfWasteful()
        }
    }

    /// One interval into its group: the new extreme (min, max: of equal ones such as `1 day` and
    /// `24:00:00` the last met, as DuckDB answers), or added to the sum (avg). Counts it.
    private func addInterval(_ value: Interval, to group: Int) throws(QueryError) {
        switch specification.function {
        case .min: if counts[group] == 0 || value.compare(intervals[group]) <= 0 { intervals[group] = value }
        case .max: if counts[group] == 0 || value.compare(intervals[group]) >= 0 { intervals[group] = value }
        case .avg:
            guard let sum = intervals[group].adding(value) else {
                throw .invalid("avg overflowed INTERVAL adding \(value) to \(intervals[group])")
            }
            intervals[group] = sum
        default: break
        }
        counts[group] += 1
    }

    /// DISTINCT: the rows' (group, value) pairs into `pairs`; the first sighting of a pair
    /// counts it and adds its value.
    private func updateDistinct(
        _ pairs: DistinctPairs, groups: [Int32], argument: Vector, use: (Int) -> Bool
    ) throws(QueryError) {
        // An integer's word is the integer itself: no encoding pass.
        var words: [Int64]
        var stride = 1
        if case .integers(let values) = argument.data {
            words = values
        } else {
            words = KeyEncoder.encode(
                [argument], count: groups.count, interner: distinctStrings, insert: true, intervals: distinctIntervals)
            stride = 2
        }
        var keys: [Int64] = []
        keys.reserveCapacity(groups.count * 2)
        for row in 0..<groups.count where use(row) {
            keys.append(Int64(groups[row]))
            keys.append(words[row * stride])
        }
        words = []
        try addPairs(keys)
    }

    /// Inserts (group, word) pairs, counting and summing those not seen before.
    private func addPairs(_ keys: [Int64]) throws(QueryError) {
        guard let distinctPairs, !keys.isEmpty else { return }
        try distinctPairs.insert(keys) { (group, word) throws(QueryError) in try addFresh(word, to: group) }
    }

    /// A value DISTINCT sees for the first time in `group`: counted, and added to the sum.
    private func addFresh(_ word: Int64, to group: Int) throws(QueryError) {
        if argumentShape == .interval {
            try addInterval(distinctIntervals.representative(word), to: group)
            return
        }
        counts[group] += 1
        switch (specification.function, argumentShape) {
        case (.sum, .double), (.avg, .double): doubles[group] += Double(bitPattern: UInt64(bitPattern: word))
        case (.avg, _), (.sum, _): addToSum(Int128(word), group: group)
        default: break
        }
    }

    /// Folds `other`'s groups into this one's; `mapping[g]` is the group here of `other`'s group `g`.
    func merge(_ other: Accumulator, mapping: [Int32]) throws(QueryError) {
        if let own, let theirs = other.own {
            try own.merge(theirs, mapping: mapping)
            return
        }
        if let otherPairs = other.distinctPairs {
            // DISTINCT: the other's pairs, their groups mapped and their strings renumbered here.
            var keys = otherPairs.pairs
            for pair in 0..<(keys.count / 2) {
                keys[pair * 2] = Int64(mapping[Int(keys[pair * 2])])
                if argumentShape == .string {
                    keys[pair * 2 + 1] = distinctStrings.intern(Int(keys[pair * 2 + 1]), of: other.distinctStrings)
                }
                if argumentShape == .interval {
                    let value = other.distinctIntervals.representative(keys[pair * 2 + 1])
                    keys[pair * 2 + 1] = distinctIntervals.number(value, insert: true)
                }
            }
            try addPairs(keys)
            return
        }
        let function = specification.function
        if function == .countStar || function == .count || (function == .sum && argumentShape == .integer) {
            try mergeCountsAndSums(other, mapping: mapping)
            return
        }
        for (source, target) in mapping.enumerated() {
            let target = Int(target)
            let otherCount = other.counts[source]
            guard otherCount > 0 else { continue }
            switch (specification.function, argumentShape) {
            case (.countStar, _), (.count, _), (.grouping, _): break
            case (.sum, .double), (.avg, .double): doubles[target] += other.doubles[source]
            case (.min, .double), (.max, .double):
                let order = ExpressionEvaluator.orderDoubles(other.doubles[source], doubles[target])
                if counts[target] == 0 || (specification.function == .min ? order < 0 : order > 0) { doubles[target] = other.doubles[source] }
            case (.min, .string), (.max, .string):
                strings.merge(other.strings, source: source, into: target)
            case (.min, .interval), (.max, .interval):
                let order = other.intervals[source].compare(intervals[target])
                if counts[target] == 0 || (specification.function == .min ? order <= 0 : order >= 0) {
                    intervals[target] = other.intervals[source]
                }
            case (.avg, .interval):
                guard let sum = intervals[target].adding(other.intervals[source]) else {
                    throw .invalid("avg overflowed INTERVAL adding \(other.intervals[source]) to \(intervals[target])")
                }
                intervals[target] = sum
            case (.avg, _), (.sum, _): addToSum(other.exactSum(source), group: target)
            case (.min, _), (.max, _):
                let value = other.integers[source]
                if counts[target] == 0 || (specification.function == .min ? value < integers[target] : value > integers[target]) { integers[target] = value }
            default:
                break  // states of their own merged above
            }
            counts[target] += otherCount
        }
    }

    /// The aggregate's value for `group`.
    func result(_ group: Int) throws(QueryError) -> Value {
        let argumentType = specification.argument?.type ?? .bigint
        let count = counts[group]
        switch specification.function {
        case .countStar, .count: return .integer(count)
        case .grouping: return .integer(0)  // every key is grouped outside grouping sets
        case .avg where argumentShape == .interval:
            guard count > 0 else { return .null }
            guard let average = Self.average(intervals[group], count: count) else {
                throw .invalid("avg of INTERVAL out of range")
            }
            return .interval(average)
        case .sum, .avg:
            guard count > 0 else { return .null }
            let isDouble = argumentShape == .double
            return try finalSumOrAverage(
                integerSum: isDouble ? 0 : exactSum(group), doubleSum: isDouble ? doubles[group] : 0, count: count,
                argumentType: argumentType)
        case .min, .max:
            guard count > 0 else { return .null }
            switch argumentShape {
            case .double: return .double(doubles[group])
            case .string: return strings.value(group).map { .string($0) } ?? .null
            case .boolean: return .boolean(integers[group] != 0)
            case .interval: return .interval(intervals[group])
            case .integer, .none: return .integer(integers[group])
            }
        default:
            // Computed for all groups at once (``results(count:type:control:)``).
            throw .invalid("\(specification.function.rawValue) has no per-group running value")
        }
    }

    /// The results of groups `0 ..< count` as one vector of `type`, straight from the arrays
    /// (no `Value` per group) when the state's shape is the type's; through ``result(_:)`` otherwise.
    func results(count: Int, type: LogicalType, control: QueryControl? = nil, threads: Int = 1) throws(QueryError)
        -> Vector
    {
        if let own { return try own.results(count: count, type: type, control: control, threads: threads) }
        let seen = Array(counts.prefix(count))
        let empty = seen.contains(0) ? seen.map { $0 == 0 } : nil
        let physical = type.physicalType
        let integerType = physical != .float64 && physical != .boolean && physical != .string && physical != .interval
        let function = specification.function
        switch argumentShape {
        case _ where (function == .countStar || function == .count) && integerType:
            return Vector(type: type, count: count, data: .integers(seen), nulls: nil)
        case .integer where function != .avg && integerType && (function != .sum || carries.isEmpty):
            return Vector(type: type, count: count, data: .integers(Array(integers.prefix(count))), nulls: empty)
        case .double where function != .avg && physical == .float64:
            return Vector(type: type, count: count, data: .doubles(Array(doubles.prefix(count))), nulls: empty)
        case .boolean where (function == .min || function == .max) && physical == .boolean:
            return Vector(type: type, count: count, data: .booleans(integers.prefix(count).map { $0 != 0 }), nulls: empty)
        case .string where (function == .min || function == .max) && physical == .string:
            guard let storage = strings.storage(count: count) else {
                throw .invalid("\(function.rawValue) results hold more than 4 GiB of text")
            }
            return Vector(type: type, count: count, data: .strings(storage), nulls: empty)
        case .integer where function == .avg && physical == .float64, .double where function == .avg && physical == .float64:
            return Vector(type: type, count: count, data: .doubles(averages(count: count)), nulls: empty)
        default:
            var values: [Value] = []
            values.reserveCapacity(count)
            for group in 0..<count { values.append(try result(group)) }
            return Vector(type: type, values: values)
        }
    }

    /// `sum / count` as DuckDB averages intervals (PostgreSQL's way): each part divided, the
    /// remainder of months carried into days of 30 and that of days into microseconds; then,
    /// as DuckDB does, the microseconds' own remainder added whole. Nil past the range.
    static func average(_ sum: Interval, count: Int64) -> Interval? {
        let months = Int64(sum.months), days = Int64(sum.days), micros = sum.micros
        var resultDays = days / count
        let monthRemainder = (months % count) * Interval.daysPerMonth
        resultDays += monthRemainder / count
        let dayRemainder = Int128(days % count + monthRemainder % count) * Int128(Interval.microsPerDay)
        let microRemainder = Int128(micros % count) + dayRemainder / Int128(count)
        let resultMicros = Int128(micros / count) + microRemainder
        guard let narrowDays = Int32(exactly: resultDays), let narrowMicros = Int64(exactly: resultMicros) else {
            return nil
        }
        return Interval(months: Int32(truncatingIfNeeded: months / count), days: narrowDays, micros: narrowMicros)
    }

    /// Approximate bytes held.
    var byteCount: Int {
        counts.capacity * 8 + integers.capacity * 8 + carries.capacity * 8 + doubles.capacity * 8 + strings.byteCount
            + intervals.capacity * 16 + distinctIntervals.byteCount + (distinctPairs?.byteCount ?? 0) + (own?.byteCount ?? 0)
    }
}
