/// Builds a column's ``ColumnSketch`` as a segment's rows are appended: hashes kept exactly in a
/// small open-addressing table until there are more than 256, then HyperLogLog registers.

import StarlingColumns
import StarlingEncoding

/// Adds the non-NULL values of a column's vectors; ``finish()`` gives the sketch. Integers go in
/// blocks, widened to 64 bits; a dictionary's entries are hashed once each, for the codes used.
public struct ColumnSketchBuilder {
    /// Open-addressing slots of the exact phase (0 is empty; a zero hash is kept aside).
    private var table: [UInt64]? = [UInt64](repeating: 0, count: ColumnSketchBuilder.tableSlots)
    private var tableCount = 0
    private var hasZeroHash = false
    /// The registers once the table has overflowed.
    private var registers = HyperLogLog()

    /// Twice the exact limit, so probe chains stay short.
    static let tableSlots = 2 * ColumnSketch.exactLimit
    /// Values widened at a time.
    static let blockSize = 4096

    public init() {}

    /// Adds every non-NULL value of `vector`. INTERVAL vectors (never stored) add nothing.
    public mutating func add(_ vector: ColumnVector) {
        switch vector.payload {
        case .fixed:
            switch vector.type.physicalType {
            case .boolean:
                addIntegers(vector) { (base: UnsafeRawPointer, row: Int) in
                    base.load(fromByteOffset: row, as: UInt8.self) == 0 ? 0 : 1
                }
            case .int8:
                addIntegers(vector) { (base: UnsafeRawPointer, row: Int) in
                    Int64(base.load(fromByteOffset: row, as: Int8.self))
                }
            case .int16:
                addIntegers(vector) { (base: UnsafeRawPointer, row: Int) in
                    Int64(base.loadUnaligned(fromByteOffset: row &* 2, as: Int16.self))
                }
            case .int32:
                addIntegers(vector) { (base: UnsafeRawPointer, row: Int) in
                    Int64(base.loadUnaligned(fromByteOffset: row &* 4, as: Int32.self))
                }
            case .int64:
                addIntegers(vector) { (base: UnsafeRawPointer, row: Int) in
                    base.loadUnaligned(fromByteOffset: row &* 8, as: Int64.self)
                }
            case .float64:
                addIntegers(vector) { (base: UnsafeRawPointer, row: Int) in
                    ColumnSketch.doubleKey(base.loadUnaligned(fromByteOffset: row &* 8, as: Double.self))
                }
            case .string, .interval: return
            }
        case .strings:
            for row in 0..<vector.count where !vector.isNull(row) {
                add(hash: ColumnSketch.hash(vector.stringBytes(at: row)))
            }
        case .dictionary(let codes, let dictionary):
            var used = [Bool](repeating: false, count: dictionary.count)
            let base = UnsafeRawPointer(codes.baseAddress)
            for row in 0..<vector.count where !vector.isNull(row) {
                let code = Int(base.loadUnaligned(fromByteOffset: row &* 4, as: UInt32.self))
                if code < used.count { used[code] = true }
            }
            for code in used.indices where used[code] {
                add(hash: ColumnSketch.hash(dictionary.bytes(at: code)))
            }
        }
    }

    /// The values of a fixed-width vector, widened by `load` a block at a time, NULL rows left out.
    private mutating func addIntegers(_ vector: ColumnVector, _ load: (UnsafeRawPointer, Int) -> Int64) {
        guard case .fixed(let storage) = vector.payload else { return }
        let base = UnsafeRawPointer(storage.baseAddress)
        var block = [Int64](repeating: 0, count: Self.blockSize)
        var start = 0
        while start < vector.count {
            let end = min(start + Self.blockSize, vector.count)
            var filled = 0
            block.withUnsafeMutableBufferPointer { block in
                if vector.validity == nil {
                    for row in start..<end { block[row &- start] = load(base, row) }
                    filled = end - start
                } else {
                    for row in start..<end where !vector.isNull(row) {
                        block[filled] = load(base, row)
                        filled &+= 1
                    }
                }
            }
            block.withUnsafeBufferPointer { add(integers: UnsafeBufferPointer(rebasing: $0[0..<filled])) }
            start = end
        }
    }

    /// Adds integers by their mixed hash: to the table while it holds few, else straight to
    /// the registers with ``HyperLogLog``'s branch-free kernel.
    private mutating func add(integers values: UnsafeBufferPointer<Int64>) {
        var index = 0
        while table != nil, index < values.count {
            add(hash: ColumnSketch.hash(values[index]))
            index += 1
        }
        guard index < values.count else { return }
        registers.add(integers: UnsafeBufferPointer(rebasing: values[index...]))
    }

    /// Adds one hash.
    private mutating func add(hash: UInt64) {
        guard table != nil else {
            registers.add(hash: hash)
            return
        }
        if hash == 0 {
            if !hasZeroHash {
                hasZeroHash = true
                tableCount += 1
            }
        } else {
            insert(hash)
        }
        if tableCount > ColumnSketch.exactLimit { spill() }
    }

    /// Puts a non-zero hash in the table unless it is there.
    private mutating func insert(_ hash: UInt64) {
        let mask = Self.tableSlots - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        // The table is at most half full while in use (at most 257 of 512 slots), so a probe
        // always meets an empty slot.
        while true {
            guard let current = table?[slot] else { return }
            if current == hash { return }
            if current == 0 {
                table?[slot] = hash
                tableCount += 1
                return
            }
            slot = (slot + 1) & mask
        }
    }

    /// The exact hashes, ascending (nil once the registers took over).
    private var exactHashes: [UInt64]? {
        guard let table else { return nil }
        return ((hasZeroHash ? [0] : []) + table.filter { $0 != 0 }).sorted()
    }

    /// Moves from the exact table to registers.
    private mutating func spill() {
        let hashes = exactHashes ?? []
        table = nil
        for hash in hashes { registers.add(hash: hash) }
    }

    /// The sketch of every value added.
    public func finish() -> ColumnSketch {
        if let hashes = exactHashes { return ColumnSketch(.hashes(hashes)) }
        return ColumnSketch(.registers(registers.registerValues))
    }
}
