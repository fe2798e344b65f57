/// String functions on UTF-8 byte buffers: substring, left, right, concat (and `||`),
/// starts_with, ends_with and contains, without a `String` or a `Value` per row.

import StarlingColumns

extension Functions {
    /// `function` over its evaluated arguments, when the kernel here applies (the string
    /// arguments are VARCHAR); nil otherwise, for the row-wise path. Positions count characters
    /// (Unicode scalars), as in PostgreSQL and DuckDB.
    static func stringKernel(_ function: ScalarFunction, _ vectors: [Vector], type: LogicalType, count: Int) throws(QueryError) -> Vector? {
        switch function {
        case .concat:
            guard vectors.allSatisfy({ $0.type == .varchar }) else { return nil }
            return try concat(vectors, count: count)
        case .concatOperator:
            guard vectors.allSatisfy({ $0.type == .varchar }) else { return nil }
            let joined = try concat(vectors, count: count)
            let nulls = vectors.dropFirst().reduce(vectors.first?.nulls) { ExpressionEvaluator.unionNulls($0, $1.nulls) }
            return Vector(type: .varchar, count: count, data: joined.data, nulls: nulls)
        case .substring, .left, .right:
            guard vectors[0].type == .varchar, vectors.dropFirst().allSatisfy({ if case .integers = $0.data { return true }; return false }) else { return nil }
            return try slice(function, vectors, count: count)
        case .startsWith, .endsWith, .contains:
            guard vectors.count == 2, vectors.allSatisfy({ $0.type == .varchar }) else { return nil }
            let nulls = ExpressionEvaluator.unionNulls(vectors[0].nulls, vectors[1].nulls)
            var flags = [Bool](repeating: false, count: count)
            for row in 0..<count where !(nulls?[row] ?? false) {
                let text = vectors[0].stringBytes(at: row), needle = vectors[1].stringBytes(at: row)
                if function == .startsWith {
                    flags[row] = LikePattern.hasPrefix(text, needle, at: 0)
                } else if function == .endsWith {
                    flags[row] = LikePattern.hasPrefix(text, needle, at: text.count - needle.count)
                } else if let base = text.baseAddress {
                    flags[row] = LikePattern.find(needle, in: base, from: 0, to: text.count) != nil
                } else {
                    flags[row] = needle.isEmpty
                }
            }
            return Vector(type: .boolean, count: count, data: .booleans(flags), nulls: nulls)
        default:
            return nil
        }
    }

    /// concat(): the pieces of each row back to back, NULLs as empty, written straight into
    /// storage sized in a first pass over their lengths (no builder arrays growing piece by
    /// piece, no copy at the end). A result past the 4 GiB a storage addresses is an error.
    static func concat(_ vectors: [Vector], count: Int) throws(QueryError) -> Vector {
        let offsets = ByteStorage(capacity: count + 1, of: UInt32.self)
        let ends = offsets.typed(UInt32.self, count: count + 1)
        var total = 0
        ends[0] = 0
        for row in 0..<count {
            for vector in vectors where !vector.isNull(row) { total &+= vector.stringBytes(at: row).count }
            guard total <= Int(UInt32.max) else {
                throw .invalid("concatenated strings pass 4 GiB in one chunk of \(count) rows")
            }
            ends[row + 1] = UInt32(truncatingIfNeeded: total)
        }
        let bytes = ByteStorage(byteCount: total, zeroed: false)
        let base = bytes.mutableBytes
        for row in 0..<count {
            var position = Int(ends[row])
            for vector in vectors where !vector.isNull(row) {
                let piece = vector.stringBytes(at: row)
                // The first pass summed these same lengths: each piece fits where it goes.
                if let source = piece.baseAddress, let target = base.baseAddress, !piece.isEmpty {
                    (target + position).copyMemory(from: source, byteCount: piece.count)
                }
                position &+= piece.count
            }
        }
        let storage = StringStorage(offsets: offsets, bytes: bytes, count: count)
        return Vector(type: .varchar, count: count, data: .strings(storage), nulls: nil)
    }

    /// substring(s, start [, length]), left(s, n), right(s, n).
    static func slice(_ function: ScalarFunction, _ vectors: [Vector], count: Int) throws(QueryError) -> Vector {
        let nulls = vectors.dropFirst().reduce(vectors[0].nulls) { ExpressionEvaluator.unionNulls($0, $1.nulls) }
        let integers = vectors.dropFirst().map { vector -> [Int64] in if case .integers(let values) = vector.data { return values }; return [] }
        var builder = StringStorageBuilder()
        builder.reserveCapacity(strings: count, bytes: count * 8)
        for row in 0..<count {
            if nulls?[row] ?? false { builder.closeString(); continue }
            let text = vectors[0].stringBytes(at: row)
            var from: Int64, end: Int64
            switch function {
            case .substring:
                // 1-based; a negative start counts from the end (DuckDB); a start before the
                // first character shortens the length (PostgreSQL and DuckDB).
                var start = integers[0][row]
                let length: Int64? = integers.count > 1 ? integers[1][row] : nil
                if let length, length < 0 { throw .invalid("negative substring length not allowed") }
                if start >= 0, let length {
                    // Counted from the front: no need to count the characters, as offsets past
                    // the last character are the end of the text.
                    let (sum, overflow) = start.addingReportingOverflow(length)
                    end = overflow ? Int64.max : sum
                } else {
                    let characters = scalarCount(text)
                    if start < 0 { start = max(Int64(characters) + start + 1, Int64(Int32.min)) }
                    end = Int64(characters) + 1
                    if let length {
                        let (sum, overflow) = start.addingReportingOverflow(length)
                        end = overflow ? end : min(end, sum)
                    }
                }
                from = max(start, 1)
            default:
                let characters = scalarCount(text)
                let requested = integers[0][row]
                let take = requested >= 0 ? min(requested, Int64(characters)) : max(Int64(characters) + max(requested, Int64(Int32.min)), 0)
                from = function == .left ? 1 : Int64(characters) - take + 1
                end = from + take
            }
            if from < end {
                let lower = byteOffset(text, scalar: Int(from - 1)), upper = byteOffset(text, scalar: Int(end - 1))
                builder.appendPiece(UnsafeRawBufferPointer(rebasing: text[lower..<upper]))
            }
            builder.closeString()
        }
        return Vector(type: .varchar, count: count, data: .strings(builder.finish()), nulls: nulls)
    }

    /// The number of Unicode scalars in UTF-8 `text` (bytes that are not continuation bytes).
    @inline(__always)
    static func scalarCount(_ text: UnsafeRawBufferPointer) -> Int {
        var count = 0
        for byte in text { count &+= (byte & 0xC0) != 0x80 ? 1 : 0 }
        return count
    }

    /// The byte offset where scalar `index` starts (`text.count` past the last).
    @inline(__always)
    static func byteOffset(_ text: UnsafeRawBufferPointer, scalar index: Int) -> Int {
        var seen = 0
        for offset in 0..<text.count where (text[offset] & 0xC0) != 0x80 {
            if seen == index { return offset }
            seen += 1
        }
        return text.count
    }
}
