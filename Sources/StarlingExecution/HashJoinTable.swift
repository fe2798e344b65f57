/// The build side of a hash join: its rows, and their keys in a hash table with row chains.

import StarlingColumns

/// Built once from the smaller input, then probed by every worker at the same time (read-only).
final class HashJoinTable: @unchecked Sendable {
    /// Every build row.
    let rows: Chunk
    private let table: KeyTable
    private let interner = StringInterner()
    /// First build row of each distinct key, and the next row with the same key (-1 ends).
    private var heads: [Int32] = []
    private var next: [Int32]
    let keyWidth: Int
    let keyCount: Int

    init(rows: Chunk, keys: [BoundExpression]) throws(QueryError) {
        self.rows = rows
        keyWidth = KeyEncoder.width(keys.count)
        keyCount = keys.count
        table = KeyTable(width: keyWidth, capacity: rows.count)
        next = [Int32](repeating: -1, count: rows.count)
        let keyVectors = try keys.map { (key) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(key, rows) }
        let words = KeyEncoder.encode(keyVectors, count: rows.count, interner: interner, insert: true)
        let width = keyWidth
        let keyCount = keys.count
        words.withUnsafeBufferPointer { words in
            guard let base = words.baseAddress else { return }
            // Insert in reverse so each chain lists rows in build order.
            for row in stride(from: rows.count - 1, through: 0, by: -1) {
                // NULL keys never match.
                if KeyEncoder.hasNull(words, start: row * width, columnCount: keyCount) { continue }
                let number = Int(table.findOrInsert(base + row * width))
                if number == heads.count {
                    heads.append(Int32(row))
                } else {
                    next[row] = heads[number]
                    heads[number] = Int32(row)
                }
            }
        }
    }

    /// The matching (probe row, build row) pairs of a probe chunk's keys, in probe order.
    func probe(_ keyVectors: [Vector], count: Int) -> (probe: [Int32], build: [Int32]) {
        let words = KeyEncoder.encode(keyVectors, count: count, interner: interner, insert: false)
        let width = keyWidth
        var probeRows: [Int32] = []
        var buildRows: [Int32] = []
        probeRows.reserveCapacity(count)
        buildRows.reserveCapacity(count)
        words.withUnsafeBufferPointer { words in
            guard let base = words.baseAddress else { return }
            for row in 0..<count {
                if KeyEncoder.hasNull(words, start: row * width, columnCount: keyCount) { continue }
                let number = table.find(base + row * width)
                guard number >= 0 else { continue }
                var buildRow = heads[Int(number)]
                while buildRow >= 0 {
                    probeRows.append(Int32(row))
                    buildRows.append(buildRow)
                    buildRow = next[Int(buildRow)]
                }
            }
        }
        return (probeRows, buildRows)
    }

    /// Approximate bytes held.
    var byteCount: Int { table.byteCount + next.count * 4 + heads.count * 4 }
}
