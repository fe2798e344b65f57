/// Scalar functions: strings, numbers, NULL handling and dates.

import StarlingColumns

/// The scalar function kernels. Each evaluates its arguments, then loops once over the rows
/// (string functions once per dictionary entry when the input is dictionary-coded).
enum Functions {
    static func call(_ function: ScalarFunction, _ arguments: [BoundExpression], type: LogicalType, _ chunk: Chunk) throws(QueryError) -> Vector {
        let count = chunk.count
        switch function {
        case .coalesce:
            var result = try ExpressionEvaluator.evaluate(arguments[0], chunk)
            for argument in arguments.dropFirst() where result.nulls != nil {
                let next = try ExpressionEvaluator.evaluate(argument, chunk)
                result = pick(result, next, type: type)
            }
            return result
        case .nullif:
            let value = try ExpressionEvaluator.evaluate(arguments[0], chunk)
            let equal = try ExpressionEvaluator.compare(.equal, arguments[0], arguments[1], chunk)
            guard case .booleans(let flags) = equal.data else { return value }
            var nulls = value.nulls ?? [Bool](repeating: false, count: count)
            for row in 0..<count where flags[row] && !equal.isNull(row) { nulls[row] = true }
            return value.withNulls(nulls)
        case .lower, .upper:
            let value = try ExpressionEvaluator.evaluate(arguments[0], chunk)
            let direction: CaseMapping.Direction = function == .lower ? .lower : .upper
            try CaseMapping.checkRoom(value, direction, function.rawValue)
            return transformText(value) { text, builder in CaseMapping.append(text, direction, to: &builder) }
        case .trim, .ltrim, .rtrim:
            let value = try ExpressionEvaluator.evaluate(arguments[0], chunk)
            var characters: Set<Character> = [" "]
            if arguments.count > 1, case .string(let given) = try ExpressionEvaluator.constantValue(arguments[1]) { characters = Set(given) }
            return mapText(value) { text in
                var slice = Substring(text)
                if function != .rtrim { while let first = slice.first, characters.contains(first) { slice.removeFirst() } }
                if function != .ltrim { while let last = slice.last, characters.contains(last) { slice.removeLast() } }
                return String(slice)
            }
        case .length:
            let value = try ExpressionEvaluator.evaluate(arguments[0], chunk)
            let lengths = ExpressionEvaluator.mapStrings(value) { Int64(scalarCount($0)) }
            return Vector(type: type, count: count, data: .integers(lengths), nulls: value.nulls)
        case .substring, .left, .right, .replace, .concat, .concatOperator, .startsWith, .endsWith, .contains:
            return try rowWise(function, arguments, type: type, chunk)
        case .like, .ilike:
            return try like(arguments, caseInsensitive: function == .ilike, chunk)
        case .abs, .round, .floor, .ceil:
            return try numeric(function, arguments, type: type, chunk)
        case .extract, .dateTrunc, .addMonths:
            return try DateFunctions.call(function, arguments, type: type, chunk)
        case .toInterval, .age:
            return try DateFunctions.intervals(function, arguments, type: type, chunk)
        case .greatest, .least:
            return try extreme(arguments, greatest: function == .greatest, type: type, chunk)
        case .isDistinctFrom, .isNotDistinctFrom:
            return try distinct(arguments, negated: function == .isNotDistinctFrom, chunk)
        case .tryCast:
            return try Cast.cast(try ExpressionEvaluator.evaluate(arguments[0], chunk), to: type, orNull: true)
        case .power, .sqrt, .ln, .log10, .log2, .exp, .log, .sign:
            return try MathFunctions.call(function, arguments, type: type, chunk)
        case .splitPart, .lpad, .rpad, .strpos, .reverse, .repeatText, .chr, .ascii, .unicode:
            return try TextFunctions.call(function, arguments, chunk)
        case .dateDiff, .makeDate, .lastDay, .dayName, .monthName:
            return try CalendarFunctions.call(function, arguments, type: type, chunk)
        case .strftime, .strptime, .tryStrptime:
            return try CalendarFunctions.formatting(function, arguments, chunk)
        case .regexpMatches, .regexpFullMatch, .regexpReplace, .regexpExtract:
            return try RegexpFunctions.call(function, nil, arguments, type: type, chunk)
        case .rowKey:
            return try RowKey.evaluate(arguments, chunk)
        }
    }

    /// `s LIKE p [ESCAPE e]` with a pattern (or escape) that varies by row: each distinct pattern
    /// and escape compiled once.
    static func like(_ arguments: [BoundExpression], caseInsensitive: Bool, _ chunk: Chunk) throws(QueryError) -> Vector {
        let count = chunk.count
        let value = try ExpressionEvaluator.evaluate(arguments[0], chunk)
        let pattern = try ExpressionEvaluator.evaluate(arguments[1], chunk)
        let escape = arguments.count > 2 ? try ExpressionEvaluator.evaluate(arguments[2], chunk) : nil
        var nulls = ExpressionEvaluator.unionNulls(value.nulls, pattern.nulls)
        if let escape { nulls = ExpressionEvaluator.unionNulls(nulls, escape.nulls) }
        struct Key: Hashable {
            let pattern: String
            let escape: String
        }
        var compiled: [Key: LikePattern] = [:]
        var flags = [Bool](repeating: false, count: count)
        for row in 0..<count where !(nulls?[row] ?? false) {
            let key = Key(
                pattern: String(decoding: pattern.stringBytes(at: row), as: UTF8.self),
                escape: escape.map { String(decoding: $0.stringBytes(at: row), as: UTF8.self) } ?? "")
            let like: LikePattern
            if let known = compiled[key] {
                like = known
            } else {
                do {
                    like = try LikePattern(
                        key.pattern, caseInsensitive: caseInsensitive, escape: try LikePattern.escapeByte(key.escape))
                } catch {
                    throw .invalid(error.message)
                }
                compiled[key] = like
            }
            flags[row] = like.matches(value.stringBytes(at: row))
        }
        return Vector(type: .boolean, count: count, data: .booleans(flags), nulls: nulls)
    }

    /// `first` where it is not NULL, else `second`.
    static func pick(_ first: Vector, _ second: Vector, type: LogicalType) -> Vector {
        guard let nulls = first.nulls else { return first }
        var values: [Value] = []
        values.reserveCapacity(first.count)
        for row in 0..<first.count { values.append(nulls[row] ? second.value(at: row) : first.value(at: row)) }
        return Vector(type: type, values: values)
    }

    /// Applies a text transformation (once per dictionary entry).
    static func mapText(_ value: Vector, _ body: (String) -> String) -> Vector {
        switch value.data {
        case .dictionary(let codes, let dictionary) where Vector.perEntry(entries: dictionary.count, rows: value.count):
            let mapped = StringStorage((0..<dictionary.count).map { body(dictionary.string(at: $0)) })
            return Vector(type: .varchar, count: value.count, data: .dictionary(codes: codes, dictionary: mapped), nulls: value.nulls)
        default:
            let texts = ExpressionEvaluator.mapStrings(value) { body(String(decoding: $0, as: UTF8.self)) }
            return Vector(type: .varchar, count: value.count, data: .strings(StringStorage(texts)), nulls: value.nulls)
        }
    }

    /// A text transformation that writes each row's result into a builder (once per dictionary
    /// entry when that is cheaper), the NULL rows left empty.
    static func transformText(
        _ value: Vector, _ body: (UnsafeRawBufferPointer, inout StringStorageBuilder) -> Void
    ) -> Vector {
        var builder = StringStorageBuilder()
        switch value.data {
        case .dictionary(let codes, let dictionary) where Vector.perEntry(entries: dictionary.count, rows: value.count):
            builder.reserveCapacity(strings: dictionary.count, bytes: dictionary.byteCount)
            for entry in 0..<dictionary.count { body(dictionary.bytes(at: entry), &builder) }
            return Vector(type: .varchar, count: value.count, data: .dictionary(codes: codes, dictionary: builder.finish()), nulls: value.nulls)
        default:
            builder.reserveCapacity(strings: value.count, bytes: value.count * 8)
            for row in 0..<value.count {
                if value.isNull(row) { builder.closeString() } else { body(value.stringBytes(at: row), &builder) }
            }
            return Vector(type: .varchar, count: value.count, data: .strings(builder.finish()), nulls: value.nulls)
        }
    }

    /// Functions of several arguments, computed on values (NULL in any argument gives NULL, except concat).
    static func rowWise(_ function: ScalarFunction, _ arguments: [BoundExpression], type: LogicalType, _ chunk: Chunk) throws(QueryError) -> Vector {
        let vectors = try arguments.map { (argument) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(argument, chunk) }
        if let vector = try stringKernel(function, vectors, type: type, count: chunk.count) { return vector }
        var results: [Value] = []
        results.reserveCapacity(chunk.count)
        for row in 0..<chunk.count {
            let values = vectors.map { $0.value(at: row) }
            if function == .concat {
                results.append(.string(values.map { $0.isNull ? "" : $0.formatted(as: .varchar) }.joined()))
                continue
            }
            if values.contains(where: \.isNull) { results.append(.null); continue }
            if function == .concatOperator {
                results.append(.string(values.map { $0.formatted(as: .varchar) }.joined()))
                continue
            }
            results.append(try apply(function, values, types: vectors.map(\.type)))
        }
        return Vector(type: type, values: results)
    }

    static func text(_ value: Value, _ type: LogicalType) -> String {
        if case .string(let text) = value { return text }
        return value.formatted(as: type)
    }

    static func integer(_ value: Value) -> Int64 {
        if case .integer(let number) = value { return number }
        return 0
    }

    static func apply(_ function: ScalarFunction, _ values: [Value], types: [LogicalType]) throws(QueryError) -> Value {
        let first = text(values[0], types[0])
        switch function {
        case .substring:
            // 1-based, on characters; a negative start counts from the end (DuckDB); a start
            // before the first character shortens the length (PostgreSQL and DuckDB).
            let scalars = Array(first.unicodeScalars)
            var start = integer(values[1])
            if start < 0 { start = max(Int64(scalars.count) + start + 1, Int64(Int32.min)) }
            var end = Int64(scalars.count) + 1
            if values.count > 2 {
                let length = integer(values[2])
                guard length >= 0 else { throw .invalid("negative substring length not allowed") }
                let (sum, overflow) = start.addingReportingOverflow(length)
                end = overflow ? end : min(end, sum)
            }
            let from = max(start, 1)
            guard from < end else { return .string("") }
            var result = String.UnicodeScalarView()
            result.append(contentsOf: scalars[Int(from - 1)..<Int(end - 1)])
            return .string(String(result))
        case .left, .right:
            let scalars = Array(first.unicodeScalars)
            let requested = integer(values[1])
            let take = requested >= 0 ? min(Int(min(requested, Int64(Int32.max))), scalars.count) : max(scalars.count + Int(max(requested, Int64(Int32.min))), 0)
            var result = String.UnicodeScalarView()
            result.append(contentsOf: function == .left ? scalars[0..<take] : scalars[(scalars.count - take)...])
            return .string(String(result))
        case .replace:
            let search = text(values[1], types[1])
            let replacement = text(values[2], types[2])
            guard !search.isEmpty else { return .string(first) }
            return .string(first.split(separator: search, omittingEmptySubsequences: false).joined(separator: replacement))
        case .startsWith:
            return .boolean(first.utf8.starts(with: text(values[1], types[1]).utf8))
        case .endsWith:
            return .boolean(first.utf8.reversed().starts(with: text(values[1], types[1]).utf8.reversed()))
        case .contains:
            let needle = text(values[1], types[1])
            return .boolean(needle.isEmpty || first.contains(needle))
        default:
            throw .invalid("\(function.rawValue) is not a row-wise function")
        }
    }

    static func numeric(_ function: ScalarFunction, _ arguments: [BoundExpression], type: LogicalType, _ chunk: Chunk) throws(QueryError) -> Vector {
        let value = try ExpressionEvaluator.evaluate(arguments[0], chunk)
        var digits: Int64 = 0
        if arguments.count > 1, case .integer(let given) = try ExpressionEvaluator.constantValue(arguments[1]) { digits = given }
        switch value.data {
        case .doubles(let numbers):
            let factor = pow10(Int(max(min(digits, 15), -15)))
            let result: [Double] = numbers.map { number in
                switch function {
                case .abs: return Swift.abs(number)
                case .floor: return number.rounded(.down)
                case .ceil: return number.rounded(.up)
                default: return digits == 0 ? number.rounded(.toNearestOrAwayFromZero) : (number * factor).rounded(.toNearestOrAwayFromZero) / factor
                }
            }
            return Vector(type: type, count: value.count, data: .doubles(result), nulls: value.nulls)
        case .integers(let numbers):
            let scale = Cast.decimalScale(value.type) ?? 0
            let targetScale = Cast.decimalScale(type) ?? 0
            var result: [Int64] = []
            result.reserveCapacity(numbers.count)
            for (row, number) in numbers.enumerated() {
                if value.isNull(row) { result.append(0); continue }
                switch function {
                case .abs:
                    guard number != Int64.min else { throw .invalid("\(value.type) overflow in abs") }
                    result.append(Swift.abs(number))
                default:
                    // Round (or floor/ceil) to `keep` fractional digits (negative: tens, hundreds…),
                    // then express at the result scale.
                    let keep = function == .round ? Int(max(min(digits, Int64(scale)), -18)) : 0
                    guard scale - keep <= 18 else { result.append(0); continue }
                    let divisor = ValueParsing.power10(scale - keep)
                    var quotient = number / divisor
                    let remainder = number % divisor
                    switch function {
                    case .floor where remainder < 0: quotient -= 1
                    case .ceil where remainder > 0: quotient += 1
                    case .round where remainder.magnitude * 2 >= divisor.magnitude && divisor > 1: quotient += number < 0 ? -1 : 1
                    default: break
                    }
                    let whole: (partialValue: Int64, overflow: Bool) = keep < 0 ? quotient.multipliedReportingOverflow(by: ValueParsing.power10(-keep)) : (quotient, false)
                    guard !whole.overflow, let scaled = Cast.rescale(whole.partialValue, from: max(keep, 0), to: targetScale),
                          (type.physicalType.integerRange ?? Int64.min...Int64.max).contains(scaled) else {
                        throw .invalid("\(type) overflow in \(function.rawValue)")
                    }
                    result.append(scaled)
                }
            }
            return Vector(type: type, count: value.count, data: .integers(result), nulls: value.nulls)
        default:
            throw .invalid("\(function.rawValue) needs a number")
        }
    }

    static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<Swift.abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }
}
