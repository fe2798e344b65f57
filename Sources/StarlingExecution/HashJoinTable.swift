/// The build side of a hash join: its rows, and their keys in a hash table with row chains.

import StarlingColumns

/// Built once from the smaller input, then probed by every worker at the same time (read-only).
///
/// One integer-class key (the usual join on a key column) goes through an ``IntegerHashIndex``
/// over the key values themselves; other keys are encoded into word tuples for a ``KeyTable``.
/// Either way each distinct key has a chain of build rows, in build order.
final class HashJoinTable: @unchecked Sendable {
    /// Every build row.
    let rows: Chunk
    private enum Index {
        case integer(IntegerHashIndex)
        case general(KeyTable, StringInterner, width: Int)
    }
    private let index: Index
    /// First build row of each distinct key, and the next row with the same key (-1 ends).
    private var heads: [Int32] = []
    private var next: [Int32]
    let keyCount: Int
    /// The build rows' keys, evaluated once (the join's key filters read them too).
    let keyVectors: [Vector]

    /// Rows inserted between two looks at `control`: a cancelled query stops building within
    /// one slice (a few milliseconds), not after the whole build side.
    static let sliceRows = 1 << 20

    init(rows: Chunk, keys: [BoundExpression], control: QueryControl? = nil) throws(QueryError) {
        self.rows = rows
        keyCount = keys.count
        next = [Int32](repeating: -1, count: rows.count)
        let keyVectors = try keys.map { (key) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(key, rows) }
        self.keyVectors = keyVectors
        if keyVectors.count == 1, case .integers(let values) = keyVectors[0].data {
            // The first batch finds the keys' range itself and goes direct when it is narrow.
            let integerIndex = IntegerHashIndex(expected: rows.count)
            var numbers = [Int32](repeating: -1, count: rows.count)
            let nulls = keyVectors[0].nulls
            var start = 0
            while start < rows.count {
                try control?.check()
                let end = min(rows.count, start + Self.sliceRows)
                let sliceNulls = nulls.map { Array($0[start..<end]) }
                values.withUnsafeBufferPointer { values in
                    numbers.withUnsafeMutableBufferPointer { numbers in
                        integerIndex.findOrInsert(UnsafeBufferPointer(rebasing: values[start..<end]), nulls: sliceNulls,
                                                  into: UnsafeMutableBufferPointer(rebasing: numbers[start..<end]))
                    }
                }
                start = end
            }
            index = .integer(integerIndex)
            chain(numbers, distinct: integerIndex.count)
        } else {
            let interner = StringInterner()
            let width = KeyEncoder.width(keys.count)
            let table = KeyTable(width: width, capacity: rows.count)
            let words = KeyEncoder.encode(keyVectors, count: rows.count, interner: interner, insert: true)
            var numbers = [Int32](repeating: -1, count: rows.count)
            var start = 0
            while start < rows.count {
                try control?.check()
                let end = min(rows.count, start + Self.sliceRows)
                words.withUnsafeBufferPointer { words in
                    guard let base = words.baseAddress else { return }
                    for row in start..<end where !KeyEncoder.hasNull(words, start: row * width, columnCount: keys.count) {
                        numbers[row] = table.findOrInsert(base + row * width)
                    }
                }
                start = end
            }
            index = .general(table, interner, width: width)
            chain(numbers, distinct: table.count)
        }
    }

    /// Links each row with a key number (NULL keys, -1, never match) into its key's chain; in
    /// reverse, so each chain lists rows in build order.
    private func chain(_ numbers: [Int32], distinct: Int) {
        heads = [Int32](repeating: -1, count: distinct)
        numbers.withUnsafeBufferPointer { numbers in
            heads.withUnsafeMutableBufferPointer { heads in
                next.withUnsafeMutableBufferPointer { next in
                    for row in stride(from: numbers.count - 1, through: 0, by: -1) {
                        let number = Int(numbers[row])
                        guard number >= 0 else { continue }
                        next[row] = heads[number]
                        heads[number] = Int32(truncatingIfNeeded: row)
                    }
                }
            }
        }
    }

    /// The key number of each probe row (-1: no build row has that key, or it is NULL).
    private func keyNumbers(_ keyVectors: [Vector], count: Int) throws(QueryError) -> [Int32] {
        var numbers = [Int32](repeating: -1, count: count)
        switch index {
        case .integer(let integerIndex):
            guard case .integers(let values) = keyVectors[0].data else {
                // Both sides are converted to one type when planned; an integer type is integers.
                throw .invalid("a hash join's probe key is not integer-valued like its build key")
            }
            let nulls = keyVectors[0].nulls
            values.withUnsafeBufferPointer { values in
                numbers.withUnsafeMutableBufferPointer { numbers in
                    integerIndex.find(UnsafeBufferPointer(rebasing: values[0..<count]), nulls: nulls, into: numbers)
                }
            }
        case .general(let table, let interner, let width):
            let words = KeyEncoder.encode(keyVectors, count: count, interner: interner, insert: false)
            words.withUnsafeBufferPointer { words in
                guard let base = words.baseAddress else { return }
                for row in 0..<count where !KeyEncoder.hasNull(words, start: row * width, columnCount: keyCount) {
                    numbers[row] = table.find(base + row * width)
                }
            }
        }
        return numbers
    }

    /// The matching (probe row, build row) pairs of a probe chunk's keys, in probe order.
    func probe(_ keyVectors: [Vector], count: Int) throws(QueryError) -> (probe: [Int32], build: [Int32]) {
        let numbers = try keyNumbers(keyVectors, count: count)
        var probeRows: [Int32] = []
        var buildRows: [Int32] = []
        probeRows.reserveCapacity(count)
        buildRows.reserveCapacity(count)
        numbers.withUnsafeBufferPointer { numbers in
            heads.withUnsafeBufferPointer { heads in
                next.withUnsafeBufferPointer { next in
                    for row in 0..<count {
                        let number = Int(numbers[row])
                        guard number >= 0 else { continue }
                        var buildRow = heads[number]
                        while buildRow >= 0 {
                            probeRows.append(Int32(truncatingIfNeeded: row))
                            buildRows.append(buildRow)
                            buildRow = next[Int(buildRow)]
                        }
                    }
                }
            }
        }
        return (probeRows, buildRows)
    }

    /// The probe rows whose key some build row has (each once, in order): all a semi or anti
    /// join without a residual needs.
    func matchingRows(_ keyVectors: [Vector], count: Int) throws(QueryError) -> [Int32] {
        let numbers = try keyNumbers(keyVectors, count: count)
        var rows: [Int32] = []
        rows.reserveCapacity(count)
        for row in 0..<count where numbers[row] >= 0 { rows.append(Int32(truncatingIfNeeded: row)) }
        return rows
    }

    /// Approximate bytes held.
    var byteCount: Int {
        let indexBytes: Int
        switch index {
        case .integer(let integerIndex): indexBytes = integerIndex.byteCount
        case .general(let table, _, _): indexBytes = table.byteCount
        }
        return indexBytes + next.count * 4 + heads.count * 4
    }
}
