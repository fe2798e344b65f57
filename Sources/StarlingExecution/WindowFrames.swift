/// Where each row's window frame starts and ends within its partition, for ROWS, RANGE and
/// GROUPS frames.

import StarlingColumns

/// The frames of one partition (positions `start..<end` of a bucket's sorted rows).
struct WindowFrames {
    let partitions: WindowPartitions
    let frame: WindowFrameSpecification
    let start: Int
    let end: Int
    /// RANGE frames with offsets: the key, its non-NULL positions, and each row's bounds.
    private let range: RangeSearch?

    /// Whether every frame starts at the partition's start (running aggregates, one pass).
    var isRunning: Bool {
        if case .unboundedPreceding = frame.start { return true }
        return false
    }

    /// Whether every frame is the whole partition.
    var isWhole: Bool {
        if case .unboundedPreceding = frame.start, case .unboundedFollowing = frame.end { return true }
        return false
    }

    /// `descending`: whether the (first) ORDER BY key sorts descending.
    init(
        _ partitions: WindowPartitions, _ frame: WindowFrameSpecification, _ arguments: WindowArgumentValues,
        _ start: Int, _ end: Int,
        descending: Bool
    ) throws(QueryError) {
        self.partitions = partitions
        self.frame = frame
        self.start = start
        self.end = end
        if let key = arguments.rangeKey {
            range = try RangeSearch(
                key: key, lower: arguments.rangeStart, upper: arguments.rangeEnd, order: partitions.order, start: start,
                end: end,
                descending: descending)
        } else {
            range = nil
        }
    }

    /// The frame of the row at `position`: positions `low..<high` (empty when `low >= high`).
    @inline(__always)
    func bounds(_ position: Int) -> (low: Int, high: Int) {
        let low = self.low(position)
        let high = self.high(position)
        return (low, max(low, high))
    }

    private func low(_ position: Int) -> Int {
        switch frame.start {
        case .unboundedPreceding: return start
        case .unboundedFollowing: return end
        case .currentRow: return frame.mode == .rows ? position : partitions.peerStart(position)
        case .preceding(let offset): return shifted(position, by: -offset, atStart: true)
        case .following(let offset): return shifted(position, by: offset, atStart: true)
        case .value: return range?.low(position, partitions) ?? start
        }
    }

    private func high(_ position: Int) -> Int {
        switch frame.end {
        case .unboundedPreceding: return start
        case .unboundedFollowing: return end
        case .currentRow: return frame.mode == .rows ? position + 1 : partitions.peerEnd(position)
        case .preceding(let offset): return shifted(position, by: -offset, atStart: false)
        case .following(let offset): return shifted(position, by: offset, atStart: false)
        case .value: return range?.high(position, partitions) ?? end
        }
    }

    /// ROWS: the row `offset` away (the one after it for a frame's end); GROUPS: the first row
    /// of the peer group `offset` groups away (the row after that group for an end), clamped
    /// to the partition.
    private func shifted(_ position: Int, by offset: Int64, atStart: Bool) -> Int {
        if frame.mode == .rows {
            let (target, overflow) = Int64(position).addingReportingOverflow(offset)
            if overflow { return offset < 0 ? start : end }
            let bound = atStart ? target : target + 1
            return Int(min(max(bound, Int64(start)), Int64(end)))
        }
        let first = Int64(partitions.peerGroup[start])
        let last = Int64(partitions.peerGroup[end - 1])
        let (group, overflow) = Int64(partitions.peerGroup[position]).addingReportingOverflow(offset)
        if overflow || group < first { return start }
        if group > last { return end }
        return Int(partitions.peerStarts[Int(atStart ? group : group + 1)])
    }
}

/// RANGE frames with offsets: binary searches over the partition's sorted, non-NULL keys.
struct RangeSearch {
    enum Keys {
        case integers([Int64], lower: [Int64]?, upper: [Int64]?)
        case doubles([Double], lower: [Double]?, upper: [Double]?)
    }

    let keys: Keys
    let keyNulls: [Bool]?
    let order: [Int32]
    /// The partition's positions whose key is not NULL.
    let valued: Range<Int>
    let descending: Bool

    init(key: Vector, lower: Vector?, upper: Vector?, order: [Int32], start: Int, end: Int, descending: Bool)
        throws(QueryError)
    {
        func integers(_ vector: Vector?) -> [Int64]? {
            if case .integers(let values)? = vector?.data { return values }
            return nil
        }
        func doubles(_ vector: Vector?) -> [Double]? {
            if case .doubles(let values)? = vector?.data { return values }
            return nil
        }
        switch key.data {
        case .integers(let values): keys = .integers(values, lower: integers(lower), upper: integers(upper))
        case .doubles(let values): keys = .doubles(values, lower: doubles(lower), upper: doubles(upper))
        default: throw .invalid("a RANGE frame with an offset needs a numeric or temporal ORDER BY key")
        }
        keyNulls = key.nulls
        self.order = order
        var first = start
        var last = end
        if let nulls = key.nulls {
            while first < last && nulls[Int(order[first])] { first += 1 }
            while last > first && nulls[Int(order[last - 1])] { last -= 1 }
        }
        valued = first..<last
        self.descending = descending
    }

    /// The first position whose key is at or past the row's lower bound.
    func low(_ position: Int, _ partitions: WindowPartitions) -> Int {
        let row = Int(order[position])
        if keyNulls?[row] == true { return partitions.peerStart(position) }
        switch keys {
        case .integers(let values, let lower, _):
            guard let lower else { return valued.lowerBound }
            return search(values, lower[row], inclusive: true)
        case .doubles(let values, let lower, _):
            guard let lower else { return valued.lowerBound }
            return search(values, lower[row], inclusive: true)
        }
    }

    /// The first position whose key is past the row's upper bound.
    func high(_ position: Int, _ partitions: WindowPartitions) -> Int {
        let row = Int(order[position])
        if keyNulls?[row] == true { return partitions.peerEnd(position) }
        switch keys {
        case .integers(let values, _, let upper):
            guard let upper else { return valued.upperBound }
            return search(values, upper[row], inclusive: false)
        case .doubles(let values, _, let upper):
            guard let upper else { return valued.upperBound }
            return search(values, upper[row], inclusive: false)
        }
    }

    /// The first valued position whose key comes at or after `bound` in the sort (`inclusive`)
    /// or strictly after it.
    private func search<T: Comparable>(_ values: [T], _ bound: T, inclusive: Bool) -> Int {
        var low = valued.lowerBound
        var high = valued.upperBound
        while low < high {
            let middle = (low + high) / 2
            let key = values[Int(order[middle])]
            let before =
                descending ? (inclusive ? key > bound : key >= bound) : (inclusive ? key < bound : key <= bound)
            if before { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
