/// Encodes group and join key columns into fixed-width tuples of 64-bit words.

import StarlingColumns

/// Encodes key columns row by row into tuples of words: one word per column (integers as
/// themselves, doubles by normalised bit pattern, booleans 0/1, strings interned, intervals
/// numbered by their SQL value), then NULL flags (one bit per column, 64 to a word), so NULLs
/// group together but never equal a value.
enum KeyEncoder {
    /// Words per row for `columnCount` key columns.
    static func width(_ columnCount: Int) -> Int { columnCount + nullWords(columnCount) }

    /// Words of NULL flags for `columnCount` key columns (at least one).
    static func nullWords(_ columnCount: Int) -> Int { max(1, (columnCount + 63) / 64) }

    /// `count * width` words. With `insert` false, a string never interned gets a number no
    /// interned string has (it then matches nothing), and so does an interval never numbered.
    /// `interner` may be nil only when no vector holds strings, `intervals` only when none holds
    /// intervals (the caller numbered them already).
    static func encode(
        _ vectors: [Vector], count: Int, interner: StringInterner?, insert: Bool, intervals: IntervalNumbering? = nil
    ) -> [Int64] {
        let width = Self.width(vectors.count)
        var words = [Int64](repeating: 0, count: count * width)
        words.withUnsafeMutableBufferPointer { words in
            for (column, vector) in vectors.enumerated() {
                switch vector.data {
                case .integers(let values):
                    values.withUnsafeBufferPointer { values in
                        for row in 0..<count { words[row * width + column] = values[row] }
                    }
                case .doubles(let values):
                    for row in 0..<count { words[row * width + column] = normalisedBits(values[row]) }
                case .booleans(let values):
                    for row in 0..<count { words[row * width + column] = values[row] ? 1 : 0 }
                case .dictionary, .strings:
                    guard let interner else { preconditionFailure("string key columns need an interner") }
                    let numbers = stringNumbers(vector, count: count, interner: interner, insert: insert)
                    for row in 0..<count { words[row * width + column] = numbers[row] }
                case .intervals(let values):
                    guard let intervals else { preconditionFailure("interval key columns need a numbering") }
                    let numbers = intervals.numbers(values, count: count, insert: insert)
                    for row in 0..<count { words[row * width + column] = numbers[row] }
                }
                if let nulls = vector.nulls {
                    let flagWord = vectors.count + column / 64
                    let flag = Int64(bitPattern: 1 << UInt64(column % 64))
                    for row in 0..<count where nulls[row] {
                        words[row * width + column] = 0
                        words[row * width + flagWord] |= flag
                    }
                }
            }
        }
        return words
    }

    /// The numbers of a string vector's first `count` rows in `interner` (interning new strings
    /// when `insert`; otherwise a string never interned gets -1, which no string has).
    static func stringNumbers(_ vector: Vector, count: Int, interner: StringInterner, insert: Bool) -> [Int64] {
        switch vector.data {
        case .dictionary(let codes, let dictionary):
            if insert { return interner.intern(codes: codes, of: dictionary, count: count) }
            if !Vector.perEntry(entries: dictionary.count, rows: count) {
                return (0..<count).map { interner.lookup(bytes: dictionary.bytes(at: Int(codes[$0]))) ?? -1 }
            }
            // Probing: only the entries this chunk uses are looked up.
            var numbers = [Int64?](repeating: nil, count: dictionary.count)
            return (0..<count).map { row in
                let code = Int(codes[row])
                let number = numbers[code] ?? (interner.lookup(bytes: dictionary.bytes(at: code)) ?? -1)
                numbers[code] = number
                return number
            }
        case .strings(let strings):
            return (0..<count).map { row in
                let text = strings.bytes(at: row)
                return insert ? interner.intern(bytes: text) : (interner.lookup(bytes: text) ?? -1)
            }
        default:
            preconditionFailure("stringNumbers of a \(vector.type) vector")
        }
    }

    /// Doubles equal under SQL equality get one bit pattern (-0.0 as 0.0, every NaN alike).
    @inline(__always)
    static func normalisedBits(_ value: Double) -> Int64 {
        if value == 0 { return 0 }
        if value.isNaN { return Int64(bitPattern: Double.nan.bitPattern) }
        return Int64(bitPattern: value.bitPattern)
    }

    /// Whether key column `column` is NULL in one encoded key (`key` holds its `width` words).
    @inline(__always)
    static func isNull(_ key: UnsafeBufferPointer<Int64>, column: Int, columnCount: Int) -> Bool {
        key[columnCount + column / 64] & Int64(bitPattern: 1 << UInt64(column % 64)) != 0
    }

    /// Whether a row's key (starting at `start`, for `columnCount` columns) has any NULL column.
    @inline(__always)
    static func hasNull(_ words: UnsafeBufferPointer<Int64>, start: Int, columnCount: Int) -> Bool {
        for word in 0..<nullWords(columnCount) where words[start + columnCount + word] != 0 { return true }
        return false
    }
}
