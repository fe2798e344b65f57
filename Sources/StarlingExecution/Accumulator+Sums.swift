/// Integer sums and averages of ``Accumulator``: 64-bit loops that widen to 128 bits at the first
/// overflow, sums in lanes for few groups, merges, and the final values.

import StarlingColumns

extension Accumulator {
    /// Gives every group a carry word (zero), for a sum that has just run past BIGINT.
    func widen() {
        guard carries.count < integers.count else { return }
        carries.append(contentsOf: repeatElement(0, count: integers.count - carries.count))
    }

    /// Adds `value` to group `group`'s sum: on its 64-bit word while the sums have no carries and
    /// the word does not overflow; exactly, in 128 bits (widening the sums), otherwise.
    func addToSum(_ value: Int128, group: Int) {
        if carries.isEmpty, let narrow = Int64(exactly: value) {
            let (sum, overflow) = integers[group].addingReportingOverflow(narrow)
            if !overflow {
                integers[group] = sum
                return
            }
        }
        widen()
        setExactSum(group, exactSum(group) + value)
    }

    /// A group's exact integer sum: `carries[g]` × 2⁶⁴ + `integers[g]` (a sum that never ran
    /// past BIGINT has no carries).
    @inline(__always)
    func exactSum(_ group: Int) -> Int128 {
        let low = Int128(integers[group])
        return group < carries.count ? (Int128(carries[group]) << 64) + low : low
    }

    /// Stores `total` as group `group`'s sum: its low 64 bits, and the multiple of 2⁶⁴ beside.
    @inline(__always)
    func setExactSum(_ group: Int, _ total: Int128) {
        let low = Int64(truncatingIfNeeded: total)
        integers[group] = low
        carries[group] = Int64(truncatingIfNeeded: (total - Int128(low)) >> 64)
    }

    /// After a fast loop over one chunk noted an overflow, each touched group's sum made exact
    /// again (widening a sum that had no carries). `value(row)` is the row's value, nil when the
    /// row is not used. The loops added every used value with wrapping, so the sum before the
    /// chunk is the wrapped sum now minus the chunk's own, and the chunk's own is recounted in
    /// 128 bits.
    func carryOverflow(groups: [Int32], value: (Int) -> Int64?) {
        var added: [Int: Int128] = [:]
        for row in 0..<groups.count {
            if let number = value(row) { added[Int(groups[row]), default: 0] += Int128(number) }
        }
        addExactly(added)
    }

    /// Adds `added[g]` to group `g`'s sum exactly, where the low words already hold it added
    /// with wrapping.
    func addExactly(_ added: [Int: Int128]) {
        widen()
        for (group, addedSum) in added {
            integers[group] = integers[group] &- Int64(truncatingIfNeeded: addedSum)
            setExactSum(group, exactSum(group) + addedSum)
        }
    }

    /// Every row's value into its group's sum (counts are the caller's), the overflow noted
    /// without a branch per row. With `bounds` proving that no sum of the chunk's values can
    /// overflow, the chunk is summed without checks.
    func sumIntegers(_ values: [Int64], groups: [Int32], bounds: ClosedRange<Int64>?) throws(QueryError) {
        guard specification.function == .sum || specification.function == .avg else { return }
        let count = groups.count
        if integers.count <= Self.laneGroupLimit {
            if let bounds, IntegerBounds.sumFits(bounds, count: count) {
                try sumIntegersInLanes(values, groups: groups) { sum, value in (sum &+ value, 0) }
            } else {
                try sumIntegersInLanes(values, groups: groups) { sum, value in
                    let (result, overflow) = sum.addingReportingOverflow(value)
                    return (result, overflow ? 1 : 0)
                }
            }
            return
        }
        var overflow: UInt8 = 0
        values.withUnsafeBufferPointer { values in
            groups.withUnsafeBufferPointer { groups in
                integers.withUnsafeMutableBufferPointer { sums in
                    for row in 0..<count {
                        let group = Int(groups[row])
                        let (sum, over) = sums[group].addingReportingOverflow(values[row])
                        sums[group] = sum
                        overflow |= over ? 1 : 0
                    }
                }
            }
        }
        if overflow != 0 { throw .invalid("\(specification.function.rawValue) overflowed BIGINT") }
    }

    /// At most this many groups are summed in lanes.
    static let laneGroupLimit = 256
    /// Independent partial sums per group: consecutive rows of one group add to different
    /// lanes, so no add waits for the one before it through memory.
    static let lanes = 4

    /// Sums for few groups (TPC-H Q1's four): row `r` adds to lane `r % lanes` of its group,
    /// and the lanes are folded into the sums after the chunk. `add` gives a sum and 1 when it
    /// overflowed (a constant 0 when the caller proved it cannot).
    @inline(__always)
    func sumIntegersInLanes(
        _ values: [Int64], groups: [Int32], _ add: (Int64, Int64) -> (Int64, UInt8)
    ) throws(QueryError) {
        let count = groups.count
        let groupCount = integers.count
        let lanes = Self.lanes
        var partial = [Int64](repeating: 0, count: groupCount * lanes)
        var overflow: UInt8 = 0
        values.withUnsafeBufferPointer { values in
            groups.withUnsafeBufferPointer { groups in
                partial.withUnsafeMutableBufferPointer { partial in
                    var row = 0
                    while row + lanes <= count {
                        for lane in 0..<lanes {
                            let slot = lane &* groupCount &+ Int(groups[row &+ lane])
                            let (sum, over) = add(partial[slot], values[row &+ lane])
                            partial[slot] = sum
                            overflow |= over
                        }
                        row &+= lanes
                    }
                    while row < count {
                        let slot = Int(groups[row])
                        let (sum, over) = add(partial[slot], values[row])
                        partial[slot] = sum
                        overflow |= over
                        row &+= 1
                    }
                }
            }
        }
        for lane in 0..<lanes {
            for group in 0..<groupCount {
                let (sum, over) = integers[group].addingReportingOverflow(partial[lane * groupCount + group])
                integers[group] = sum
                overflow |= over ? 1 : 0
            }
        }
        if overflow != 0 { throw .invalid("\(specification.function.rawValue) overflowed BIGINT") }
    }

    func updateIntegers(_ values: [Int64], groups: [Int32], allRows: Bool, use: (Int) -> Bool) throws(QueryError) {
        let count = groups.count
        switch specification.function {
        case .sum, .avg:
            var overflow: UInt8 = 0
            withRowBuffers(values, groups) { values, groups, sums, counts in
                // The overflow is noted without a branch per row.
                for row in 0..<count where allRows || use(row) {
                    let group = Int(groups[row])
                    let (sum, over) = sums[group].addingReportingOverflow(values[row])
                    sums[group] = sum
                    overflow |= over ? 1 : 0
                    counts[group] += 1
                }
            }
            if overflow != 0 { throw .invalid("\(specification.function.rawValue) overflowed BIGINT") }
        case .min, .max:
            let isMin = specification.function == .min
            // One group and every row used (a global min or max): the chunk's extreme, then one fold.
            if allRows, counts.count == 1, let extreme = isMin ? values.prefix(count).min() : values.prefix(count).max()
            {
                if counts[0] == 0 || (isMin ? extreme < integers[0] : extreme > integers[0]) { integers[0] = extreme }
                counts[0] += Int64(count)
                return
            }
            withRowBuffers(values, groups) { values, groups, extremes, counts in
                for row in 0..<count where allRows || use(row) {
                    let group = Int(groups[row])
                    let value = values[row]
                    let better = isMin ? value < extremes[group] : value > extremes[group]
                    if counts[group] == 0 || better { extremes[group] = value }
                    counts[group] &+= 1
                }
            }
        default: break
        }
    }

    /// `body` over the rows' values and groups and the per-group integers and counts, as
    /// buffers (the hot loops check no bounds or uniqueness per row).
    func withRowBuffers(
        _ values: [Int64], _ groups: [Int32],
        _ body: (
            UnsafeBufferPointer<Int64>, UnsafeBufferPointer<Int32>, UnsafeMutableBufferPointer<Int64>,
            UnsafeMutableBufferPointer<Int64>
        ) -> Void
    ) {
        values.withUnsafeBufferPointer { values in
            groups.withUnsafeBufferPointer { groups in
                integers.withUnsafeMutableBufferPointer { integers in
                    counts.withUnsafeMutableBufferPointer { counts in body(values, groups, integers, counts) }
                }
            }
        }
    }

    /// The merge of counts and of integer sums (the commonest, with many groups): one loop
    /// over raw buffers, the groups checked once and the overflow noted without a branch. A
    /// sum past BIGINT on either side, or on the way, is made exact after the loop.
    func mergeCountsAndSums(_ other: Accumulator, mapping: [Int32]) throws(QueryError) {
        let summing = specification.function == .sum
        let sourceLimit = summing ? min(other.counts.count, other.integers.count) : other.counts.count
        let targetLimit = summing ? min(counts.count, integers.count) : counts.count
        guard mapping.count <= sourceLimit, mapping.allSatisfy({ $0 >= 0 && Int($0) < targetLimit }) else {
            throw .invalid("aggregate groups out of range in a merge")
        }
        var overflow: UInt8 = 0
        mapping.withUnsafeBufferPointer { mapping in
            other.counts.withUnsafeBufferPointer { otherCounts in
                other.integers.withUnsafeBufferPointer { otherSums in
                    counts.withUnsafeMutableBufferPointer { counts in
                        integers.withUnsafeMutableBufferPointer { sums in
                            for source in 0..<mapping.count {
                                let target = Int(mapping[source])
                                counts[target] &+= otherCounts[source]
                                guard summing else { continue }
                                let (sum, over) = sums[target].addingReportingOverflow(otherSums[source])
                                sums[target] = sum
                                overflow |= over ? 1 : 0
                            }
                        }
                    }
                }
            }
        }
        guard summing, overflow != 0 || !other.carries.isEmpty else { return }
        // The loop added the low words with wrapping; redo the touched groups in 128 bits.
        var added: [Int: Int128] = [:]
        for (source, target) in mapping.enumerated() where other.counts[source] > 0 {
            added[Int(target), default: 0] += other.exactSum(source)
        }
        addExactly(added)
    }

    /// Takes the counts and exact sums of `source` (an `avg` of the same argument over the same
    /// rows) as this `sum`'s own, for groups `0 ..< groupCount`.
    func takeSums(of source: Accumulator, groupCount: Int) throws(QueryError) {
        resize(groupCount)
        guard source.counts.count >= groupCount, source.integers.count >= groupCount else {
            throw .invalid("\(specification.function.rawValue) has no sums to take")
        }
        for group in 0..<groupCount {
            counts[group] = source.counts[group]
            let sum = source.exactSum(group)
            if let narrow = Int64(exactly: sum), carries.isEmpty {
                integers[group] = narrow
            } else {
                widen()
                setExactSum(group, sum)
            }
        }
    }

    /// The averages of groups `0 ..< count` (0 where a group has no values: its NULL flag says
    /// so), computed as ``finalSumOrAverage(integerSum:doubleSum:count:argumentType:)`` does,
    /// one loop over the arrays (TPC-H's GROUP BY l_orderkey has 1.5 M groups per scale factor).
    func averages(count: Int) -> [Double] {
        var averages = [Double](repeating: 0, count: count)
        guard counts.count >= count else { return averages }
        if argumentShape == .double {
            guard doubles.count >= count else { return averages }
            for group in 0..<count where counts[group] > 0 { averages[group] = doubles[group] / Double(counts[group]) }
            return averages
        }
        guard integers.count >= count, carries.count >= count else { return averages }
        let divisor = Double(ValueParsing.power10(Cast.decimalScale(specification.argument?.type ?? .bigint) ?? 0))
        for group in 0..<count where counts[group] > 0 {
            // A sum inside 64 bits converts directly: the same double as through 128 bits.
            let sum = carries[group] == 0 ? Double(integers[group]) : Double(exactSum(group))
            averages[group] = sum / divisor / Double(counts[group])
        }
        return averages
    }

    /// A sum or average from a group's exact sum: a sum past 64 bits is an error (DuckDB's sums
    /// are 128-bit HUGEINT and DECIMAL(38); Starling's stay 64-bit, widened only on the way). A
    /// DECIMAL's sum may use all 64 bits (19 digits, as TPC-H Q1's charge total at SF 10 does),
    /// though its type says DECIMAL(18, s).
    func finalSumOrAverage(
        integerSum: Int128, doubleSum: Double, count: Int64, argumentType: LogicalType
    ) throws(QueryError) -> Value {
        let isDouble = argumentType.physicalType == .float64
        if specification.function == .sum {
            if isDouble { return .double(doubleSum) }
            let type = specification.type
            guard let sum = Int64(exactly: integerSum) else {
                let total = DecimalFormatting.format(unscaled: integerSum, scale: Cast.decimalScale(type) ?? 0)
                throw .invalid(
                    "sum overflowed \(type): the total \(total) is past its range; "
                        + "sum(CAST(x AS DOUBLE)) gives an approximate total")
            }
            return .integer(sum)
        }
        if isDouble { return .double(doubleSum / Double(count)) }
        let scale = Cast.decimalScale(argumentType) ?? 0
        return .double(Double(integerSum) / Double(ValueParsing.power10(scale)) / Double(count))
    }
}
