/// `UNION [ALL]`, `EXCEPT [ALL]` and `INTERSECT [ALL]` over materialised inputs.

import StarlingColumns

enum SetOperations {
    static func run(_ kind: SetOperationKind, all: Bool, left: [Chunk], right: [Chunk], types: [LogicalType]) throws(QueryError) -> Chunk {
        let empty = Chunk(columns: types.map { Vector(type: $0, values: []) }, count: 0)
        let leftRows = Chunk.concatenate([empty] + left, types: types)
        let rightRows = Chunk.concatenate([empty] + right, types: types)
        switch kind {
        case .union:
            let combined = Chunk.concatenate([leftRows, rightRows], types: types)
            return all ? combined : distinct(combined)
        case .except, .intersect:
            // Count the right side's rows by key, then keep left rows (multiset semantics with ALL).
            let interner = StringInterner()
            let intervals = IntervalNumbering()
            let width = KeyEncoder.width(types.count)
            let table = KeyTable(width: width)
            var remaining: [Int] = []
            let rightWords = KeyEncoder.encode(
                rightRows.columns, count: rightRows.count, interner: interner, insert: true, intervals: intervals)
            rightWords.withUnsafeBufferPointer { words in
                guard let base = words.baseAddress else { return }
                for row in 0..<rightRows.count {
                    let number = Int(table.findOrInsert(base + row * width))
                    if number == remaining.count { remaining.append(0) }
                    remaining[number] += 1
                }
            }
            let source = all ? leftRows : distinct(leftRows)
            let leftWords = KeyEncoder.encode(
                source.columns, count: source.count, interner: interner, insert: false, intervals: intervals)
            var keep: [Int32] = []
            leftWords.withUnsafeBufferPointer { words in
                guard let base = words.baseAddress else { return }
                for row in 0..<source.count {
                    let number = Int(table.find(base + row * width))
                    let present = number >= 0 && remaining[number] > 0
                    if present && all { remaining[number] -= 1 }
                    if present == (kind == .intersect) { keep.append(Int32(row)) }
                }
            }
            return source.gather(keep)
        }
    }

    /// The first occurrence of each distinct row, in order.
    static func distinct(_ chunk: Chunk) -> Chunk {
        let interner = StringInterner()
        let width = KeyEncoder.width(chunk.columns.count)
        let table = KeyTable(width: width)
        let words = KeyEncoder.encode(
            chunk.columns, count: chunk.count, interner: interner, insert: true, intervals: IntervalNumbering())
        var keep: [Int32] = []
        words.withUnsafeBufferPointer { words in
            guard let base = words.baseAddress else { return }
            for row in 0..<chunk.count {
                let before = table.count
                _ = table.findOrInsert(base + row * width)
                if table.count > before { keep.append(Int32(row)) }
            }
        }
        return chunk.gather(keep)
    }
}
