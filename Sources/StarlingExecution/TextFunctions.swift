/// `split_part`, `lpad`, `rpad`, `strpos`, `reverse` and `repeat` on UTF-8 bytes.

import StarlingColumns

/// Text kernels that work on each row's bytes and write results straight into a
/// ``StringStorageBuilder``: no `String` per row (except `reverse` of non-ASCII text, which
/// needs grapheme clusters). Positions and lengths count characters (Unicode scalars), as in
/// DuckDB. When the text is dictionary-coded and the other arguments are constants, each
/// dictionary entry is computed once.
enum TextFunctions {
    /// The most bytes one vector of results may hold (its offsets are 32-bit).
    static let byteLimit = Int(UInt32.max)

    static func call(_ function: ScalarFunction, _ arguments: [BoundExpression], _ chunk: Chunk) throws(QueryError)
        -> Vector
    {
        var vectors: [Vector] = []
        for argument in arguments { vectors.append(try ExpressionEvaluator.evaluate(argument, chunk)) }
        let restConstant = arguments.dropFirst().allSatisfy(\.isConstant)
        switch function {
        case .strpos:
            let nulls = vectors.dropFirst().reduce(vectors[0].nulls) { ExpressionEvaluator.unionNulls($0, $1.nulls) }
            var positions = [Int64](repeating: 0, count: chunk.count)
            for row in 0..<chunk.count where !(nulls?[row] ?? false) {
                positions[row] = position(of: vectors[1].stringBytes(at: row), in: vectors[0].stringBytes(at: row))
            }
            return Vector(type: .bigint, count: chunk.count, data: .integers(positions), nulls: nulls)
        case .splitPart:
            let parts = try integers(vectors[2])
            return try map(vectors, restConstant: restConstant, count: chunk.count) {
                text, row, builder throws(QueryError) in
                splitPart(text, vectors[1].stringBytes(at: row), parts[row], into: &builder)
            }
        case .lpad, .rpad:
            let lengths = try integers(vectors[1])
            return try map(vectors, restConstant: restConstant, count: chunk.count) {
                text, row, builder throws(QueryError) in
                try pad(
                    text, to: lengths[row], with: vectors[2].stringBytes(at: row), left: function == .lpad,
                    into: &builder)
            }
        case .reverse:
            return try map(vectors, restConstant: true, count: chunk.count) { text, _, builder throws(QueryError) in
                reverse(text, into: &builder)
            }
        case .repeatText:
            let counts = try integers(vectors[1])
            return try map(vectors, restConstant: restConstant, count: chunk.count) {
                text, row, builder throws(QueryError) in
                try repeatText(text, counts[row], into: &builder)
            }
        case .chr:
            let codes = try integers(vectors[0])
            var builder = StringStorageBuilder()
            for row in 0..<chunk.count {
                guard !vectors[0].isNull(row) else {
                    builder.closeString()
                    continue
                }
                guard let scalar = UInt32(exactly: codes[row]).flatMap(Unicode.Scalar.init) else {
                    throw .invalid("invalid Unicode code point \(codes[row]) in chr")
                }
                builder.appendString(count: UTF8Scalars.encodedLength(scalar.value)) { output in
                    _ = UTF8Scalars.encode(scalar.value, into: output, at: 0)
                }
            }
            return Vector(type: .varchar, count: chunk.count, data: .strings(builder.finish()), nulls: vectors[0].nulls)
        case .ascii, .unicode:
            // The first character's code; for the empty string 0 (ascii) or -1 (unicode), as DuckDB.
            let empty: Int64 = function == .ascii ? 0 : -1
            let codes = ExpressionEvaluator.mapStrings(vectors[0]) { text -> Int64 in
                guard !text.isEmpty else { return empty }
                let (scalar, _) = UTF8Scalars.decode(text, at: 0)
                return scalar == UTF8Scalars.invalid ? Int64(text[0]) : Int64(scalar)
            }
            return Vector(type: .integer, count: chunk.count, data: .integers(codes), nulls: vectors[0].nulls)
        default:
            throw .invalid("internal: \(function.rawValue) is not a text function")
        }
    }

    static func integers(_ vector: Vector) throws(QueryError) -> [Int64] {
        guard case .integers(let values) = vector.data else {
            throw .invalid("internal: a text function needs an integer")
        }
        return values
    }

    /// Calls `body` with each row's text (the first vector's), its row, and the builder the result
    /// goes to; NULL when any argument is. Once per dictionary entry (row 0 for the other
    /// arguments) when the text is dictionary-coded and the rest are constants.
    static func map(
        _ vectors: [Vector], restConstant: Bool, count: Int,
        _ body: (UnsafeRawBufferPointer, Int, inout StringStorageBuilder) throws(QueryError) -> Void
    ) throws(QueryError) -> Vector {
        let text = vectors[0]
        var builder = StringStorageBuilder()
        if restConstant, case .dictionary(let codes, let dictionary) = text.data,
            count > 0, Vector.perEntry(entries: dictionary.count, rows: count)
        {
            // A constant NULL argument makes every row NULL.
            if vectors.dropFirst().contains(where: { $0.isNull(0) }) {
                return Vector(constant: .null, type: .varchar, count: count)
            }
            builder.reserveCapacity(strings: dictionary.count, bytes: dictionary.byteCount)
            for entry in 0..<dictionary.count { try body(dictionary.bytes(at: entry), 0, &builder) }
            let storage = builder.finish()
            return Vector(
                type: .varchar, count: count, data: .dictionary(codes: codes, dictionary: storage), nulls: text.nulls)
        }
        let nulls = vectors.dropFirst().reduce(text.nulls) { ExpressionEvaluator.unionNulls($0, $1.nulls) }
        builder.reserveCapacity(strings: count, bytes: count * 8)
        for row in 0..<count {
            if nulls?[row] ?? false {
                builder.closeString()
            } else {
                try body(text.stringBytes(at: row), row, &builder)
            }
        }
        return Vector(type: .varchar, count: count, data: .strings(builder.finish()), nulls: nulls)
    }

    /// Fails unless `bytes` more bytes fit in `builder`.
    @inline(__always)
    static func checkRoom(_ builder: StringStorageBuilder, _ bytes: Int, _ name: String) throws(QueryError) {
        guard bytes <= byteLimit - builder.byteCount else {
            throw .invalid("the results of \(name) pass 4 GiB in one vector of rows")
        }
    }

    /// The 1-based character position where `needle` first occurs in `text`, 0 when it does not
    /// (1 for the empty needle).
    static func position(of needle: UnsafeRawBufferPointer, in text: UnsafeRawBufferPointer) -> Int64 {
        guard !needle.isEmpty else { return 1 }
        guard let base = text.baseAddress, let offset = LikePattern.find(needle, in: base, from: 0, to: text.count)
        else { return 0 }
        return Int64(Functions.scalarCount(UnsafeRawBufferPointer(rebasing: text[0..<offset]))) + 1
    }

    /// Part `index` of `text` split at `delimiter` (1-based; negative counts from the end; 0 or
    /// past the parts gives the empty string). The empty delimiter splits into characters.
    static func splitPart(
        _ text: UnsafeRawBufferPointer, _ delimiter: UnsafeRawBufferPointer, _ index: Int64,
        into builder: inout StringStorageBuilder
    ) {
        defer { builder.closeString() }
        guard index != 0, let base = text.baseAddress, !text.isEmpty else { return }
        // The byte ranges of the parts are found by walking from the front; a negative index
        // first counts the parts.
        func next(after start: Int) -> (end: Int, resume: Int)? {
            guard start < text.count else { return nil }
            if delimiter.isEmpty {
                let end = min(start + LikePattern.scalarLength(text[start]), text.count)
                return (end, end)
            }
            guard let found = LikePattern.find(delimiter, in: base, from: start, to: text.count) else { return nil }
            return (found, found + delimiter.count)
        }
        var wanted = index
        if index < 0 {
            var parts = Int64(Functions.scalarCount(text))
            if !delimiter.isEmpty {
                parts = 1
                var start = 0
                while let (_, resume) = next(after: start) {
                    parts += 1
                    start = resume
                }
            }
            guard parts + index >= 0 else { return }
            wanted = parts + index + 1
        }
        var start = 0
        var part: Int64 = 1
        while true {
            let piece = next(after: start)
            if part == wanted {
                let end = piece?.end ?? text.count
                if start < end { builder.appendPiece(UnsafeRawBufferPointer(rebasing: text[start..<end])) }
                return
            }
            guard let piece else { return }
            if delimiter.isEmpty && piece.resume >= text.count { return }
            start = piece.resume
            part += 1
        }
    }

    /// `text` padded on the left (or right) with `fill` repeated, or cut, to `length` characters.
    static func pad(
        _ text: UnsafeRawBufferPointer, to length: Int64, with fill: UnsafeRawBufferPointer, left: Bool,
        into builder: inout StringStorageBuilder
    ) throws(QueryError) {
        let characters = Int64(Functions.scalarCount(text))
        guard length > 0 else { return builder.closeString() }
        if length <= characters {
            let end = Functions.byteOffset(text, scalar: Int(length))
            builder.appendPiece(UnsafeRawBufferPointer(rebasing: text[0..<end]))
            return builder.closeString()
        }
        let fillCharacters = Int64(Functions.scalarCount(fill))
        guard fillCharacters > 0 else { throw .invalid("Insufficient padding in \(left ? "LPAD" : "RPAD").") }
        let missing = length - characters
        let (cycles, rest) = missing.quotientAndRemainder(dividingBy: fillCharacters)
        let restBytes = Functions.byteOffset(fill, scalar: Int(rest))
        let (whole, overflow) = cycles.multipliedReportingOverflow(by: Int64(fill.count))
        let name = left ? "lpad" : "rpad"
        guard !overflow, whole <= Int64(byteLimit) else {
            throw .invalid("the results of \(name) pass 4 GiB in one vector of rows")
        }
        try checkRoom(builder, Int(whole) + restBytes + text.count, name)
        if !left { builder.appendPiece(text) }
        appendRepeating(fill, byteCount: Int(whole) + restBytes, into: &builder)
        if left { builder.appendPiece(text) }
        builder.closeString()
    }

    /// Appends `byteCount` bytes of `pattern` repeated (the last copy cut short) to the string
    /// being built: the pattern once, then what is written so far copied after itself.
    static func appendRepeating(
        _ pattern: UnsafeRawBufferPointer, byteCount: Int, into builder: inout StringStorageBuilder
    ) {
        guard byteCount > 0, !pattern.isEmpty else { return }
        builder.appendPiece(count: byteCount) { output in
            guard let target = output.baseAddress, let source = pattern.baseAddress else { return }
            var filled = min(pattern.count, byteCount)
            target.copyMemory(from: source, byteCount: filled)
            while filled < byteCount {
                let piece = min(filled, byteCount - filled)
                (target + filled).copyMemory(from: UnsafeRawPointer(target), byteCount: piece)
                filled += piece
            }
        }
    }

    /// `text` reversed by grapheme clusters (`e` and a combining accent stay together), as in
    /// DuckDB; ASCII by bytes.
    static func reverse(_ text: UnsafeRawBufferPointer, into builder: inout StringStorageBuilder) {
        if CaseMapping.isASCII(text) {
            builder.appendString(count: text.count) { output in
                for index in 0..<text.count { output[index] = text[text.count - 1 - index] }
            }
            return
        }
        var reversed = String(String(decoding: text, as: UTF8.self).reversed())
        reversed.withUTF8 { builder.append(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// `text` `count` times (nothing for a count of 0 or less).
    static func repeatText(_ text: UnsafeRawBufferPointer, _ count: Int64, into builder: inout StringStorageBuilder)
        throws(QueryError)
    {
        guard count > 0, !text.isEmpty else { return builder.closeString() }
        let (total, overflow) = count.multipliedReportingOverflow(by: Int64(text.count))
        guard !overflow, total <= Int64(byteLimit) else {
            throw .invalid("the results of repeat pass 4 GiB in one vector of rows")
        }
        try checkRoom(builder, Int(total), "repeat")
        appendRepeating(text, byteCount: Int(total), into: &builder)
        builder.closeString()
    }
}
