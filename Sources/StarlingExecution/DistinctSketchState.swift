/// `approx_count_distinct(x)`: a HyperLogLog sketch per group (``HyperLogLog``'s 4,096 registers,
/// about 1.6% standard error), kept sparse — the exact set of hashes — until a group has 256
/// distinct ones, so that many small groups cost little and small counts are exact.

import StarlingColumns
import StarlingEncoding
import StarlingFormat

/// Per group: a sorted list of distinct hashes, or a slot of dense registers.
final class DistinctSketchState: GroupedAggregate {
    /// Distinct hashes a group keeps before its registers take over.
    static let sparseLimit = 256
    static let registerCount = 1 << HyperLogLog.precision

    private var sparse: [[UInt64]] = []
    /// A group's slot in `registers` (its registers at `slot × registerCount`), or -1.
    private var slots: [Int32] = []
    private var registers: [UInt8] = []

    init(_ specification: AggregateSpecification) {}

    var byteCount: Int { registers.capacity + sparse.reduce(0) { $0 + $1.capacity * 8 } + slots.capacity * 4 }

    private func grow(to groups: Int) {
        guard groups > slots.count else { return }
        sparse += [[UInt64]](repeating: [], count: groups - slots.count)
        slots += [Int32](repeating: -1, count: groups - slots.count)
    }

    func update(_ inputs: AggregateInputs) throws(QueryError) {
        guard let argument = inputs.argument else { return }
        let groups = inputs.groups
        grow(to: (groups.max().map { Int($0) } ?? -1) + 1)
        if case .integers(let values) = argument.data, argument.nulls == nil, inputs.included == nil {
            addIntegers(values, groups: groups)
            return
        }
        let hashes = Self.hashes(argument)
        for row in 0..<groups.count where inputs.keeps(row) && !argument.isNull(row) {
            add(hashes[row], to: Int(groups[row]))
        }
    }

    /// Integers with no NULL and no FILTER, hashed as they are added. Rows of groups still
    /// sparse go first, one by one (a group may turn dense on the way); then every row of a
    /// dense group goes straight into its registers, branch-free — a value added twice changes
    /// nothing, so order and repeats are free, and skipping repeats (tried) cost more in
    /// mispredicted branches on short runs than it saved.
    private func addIntegers(_ values: [Int64], groups: [Int32]) {
        let count = min(values.count, groups.count)
        guard count > 0 else { return }
        let first = groups[0]
        // One branch-free pass (a global aggregate's groups are all 0), then one slot looked up.
        let uniform = groups.withUnsafeBufferPointer { groups in
            var differing: Int32 = 0
            for row in 0..<count { differing |= groups[row] ^ first }
            return differing == 0
        }
        if uniform, slots[Int(first)] >= 0 {
            addDense(values.prefix(count), slot: Int(slots[Int(first)]))
            return
        }
        let allDense = uniform ? false : groups.prefix(count).allSatisfy { slots[Int($0)] >= 0 }
        if !allDense {
            for row in 0..<count where slots[Int(groups[row])] < 0 {
                add(ColumnSketch.hash(values[row]), to: Int(groups[row]))
            }
        }
        let registerCount = Self.registerCount
        slots.withUnsafeBufferPointer { slots in
            registers.withUnsafeMutableBufferPointer { registers in
                values.withUnsafeBufferPointer { values in
                    groups.withUnsafeBufferPointer { groups in
                        for row in 0..<count {
                            let slot = Int(slots[Int(groups[row])])
                            guard slot >= 0 else { continue }
                            let (register, rank) = HyperLogLog.slot(of: ColumnSketch.hash(values[row]))
                            let index = slot &* registerCount &+ register
                            registers[index] = max(registers[index], rank)
                        }
                    }
                }
            }
        }
    }

    /// Integers all of one dense group (a global aggregate's, a large group's chunk): one slot's
    /// registers, no group per row.
    private func addDense(_ values: ArraySlice<Int64>, slot: Int) {
        let base = slot * Self.registerCount
        registers.withUnsafeMutableBufferPointer { registers in
            values.withUnsafeBufferPointer { values in
                let own = UnsafeMutableBufferPointer(rebasing: registers[base..<(base + Self.registerCount)])
                HyperLogLog.add(integers: values, into: own)
            }
        }
    }

    /// Each row's 64-bit hash (NULL rows' are unspecified), the ones segments' stored sketches
    /// hold (``ColumnSketch/hash(_:)``): integers mixed, doubles by their canonical bits, strings
    /// by xxHash64 of their bytes, a dictionary's entries hashed once; intervals (never stored)
    /// by their normalised key.
    static func hashes(_ vector: Vector) -> [UInt64] {
        switch vector.data {
        case .integers(let values): return values.map(ColumnSketch.hash)
        case .booleans(let values): return values.map { ColumnSketch.hash($0 ? 1 : 0) }
        case .doubles(let values): return values.map { ColumnSketch.hash(ColumnSketch.doubleKey($0)) }
        case .strings(let storage):
            return (0..<vector.count).map { ColumnSketch.hash(storage.bytes(at: $0)) }
        case .dictionary(let codes, let dictionary):
            let entries = (0..<dictionary.count).map { ColumnSketch.hash(dictionary.bytes(at: $0)) }
            return codes.prefix(vector.count).map { Int($0) < entries.count ? entries[Int($0)] : 0 }
        case .intervals(let values):
            // Equal intervals (a month and 30 days) hash alike: by their normalised key.
            return values.map { value in
                let key = value.orderKey
                return HyperLogLog.mix(key.months &* 0x2545_F491_4F6C_DD1D ^ key.micros)
            }
        }
    }

    /// Adds one hash to group `group`'s sketch.
    @inline(__always)
    private func add(_ hash: UInt64, to group: Int) {
        let slot = Int(slots[group])
        if slot >= 0 {
            let (register, rank) = HyperLogLog.slot(of: hash)
            let index = slot * Self.registerCount + register
            if registers[index] < rank { registers[index] = rank }
            return
        }
        var low = 0
        var high = sparse[group].count
        while low < high {
            let middle = (low + high) / 2
            if sparse[group][middle] < hash { low = middle + 1 } else { high = middle }
        }
        guard low == sparse[group].count || sparse[group][low] != hash else { return }
        sparse[group].insert(hash, at: low)
        if sparse[group].count > Self.sparseLimit { makeDense(group) }
    }

    /// Moves group `group` from its hashes to registers of its own.
    private func makeDense(_ group: Int) {
        guard slots[group] < 0 else { return }
        let slot = registers.count / Self.registerCount
        registers += [UInt8](repeating: 0, count: Self.registerCount)
        slots[group] = Int32(slot)
        let hashes = sparse[group]
        sparse[group] = []
        for hash in hashes { add(hash, to: group) }
    }

    /// Folds a segment column's stored sketch into group `group`: its exact hashes one by one,
    /// its registers register by register. The same values scanned would give the same state.
    func absorb(_ sketch: ColumnSketch, group: Int) {
        grow(to: group + 1)
        switch sketch.form {
        case .hashes(let hashes):
            for hash in hashes { add(hash, to: group) }
        case .registers(let stored):
            guard stored.count == Self.registerCount else { return }
            fold(stored[...], into: group)
        }
    }

    /// Raises group `group`'s registers (made dense) to `other`'s, register by register.
    private func fold(_ other: ArraySlice<UInt8>, into group: Int) {
        makeDense(group)
        let base = Int(slots[group]) * Self.registerCount
        for (register, value) in zip(base..<(base + Self.registerCount), other) {
            registers[register] = max(registers[register], value)
        }
    }

    func merge(_ other: any GroupedAggregate, mapping: [Int32]) throws(QueryError) {
        let other = try same(other, as: DistinctSketchState.self)
        grow(to: (mapping.max().map { Int($0) } ?? -1) + 1)
        for (source, target) in mapping.enumerated() where source < other.slots.count {
            let target = Int(target)
            let slot = Int(other.slots[source])
            guard slot >= 0 else {
                for hash in other.sparse[source] { add(hash, to: target) }
                continue
            }
            let otherBase = slot * Self.registerCount
            fold(other.registers[otherBase..<(otherBase + Self.registerCount)], into: target)
        }
    }

    func results(count: Int, type: LogicalType, control: QueryControl?, threads: Int) throws(QueryError) -> Vector {
        var estimates = [Int64](repeating: 0, count: count)
        registers.withUnsafeBufferPointer { registers in
            for group in 0..<min(count, slots.count) {
                let slot = Int(slots[group])
                if slot < 0 {
                    estimates[group] = Int64(sparse[group].count)
                } else {
                    let start = slot * Self.registerCount
                    let own = UnsafeBufferPointer(rebasing: registers[start..<(start + Self.registerCount)])
                    estimates[group] = Int64(clamping: HyperLogLog.estimate(registers: own))
                }
            }
        }
        return Vector(type: type, count: count, data: .integers(estimates), nulls: nil)
    }
}
