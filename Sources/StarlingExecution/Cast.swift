/// `CAST(x AS type)`: conversions between every pair of types, checked.

import StarlingColumns

/// Type conversions on vectors. Narrowing checks the range; decimals round half away from zero;
/// text is parsed as the loader parses it (an unparsable value is an error naming it).
/// `TRY_CAST` (`orNull`) makes every value that does not convert NULL instead, and a conversion
/// between types that never convert all NULL.
public enum Cast {
    public static func cast(_ value: Vector, to target: LogicalType, orNull: Bool = false) throws(QueryError) -> Vector {
        var failed: [Bool]? = orNull ? [Bool](repeating: false, count: value.count) : nil
        guard orNull else { return try convert(value, to: target, failed: &failed) }
        let converted: Vector
        do { converted = try convert(value, to: target, failed: &failed) } catch {
            // Types that never convert (DATE to INTEGER): NULL for every row.
            return Vector(constant: .null, type: target, count: value.count)
        }
        guard let failed, failed.contains(true) else { return converted }
        return converted.withNulls(ExpressionEvaluator.unionNulls(converted.nulls, failed))
    }

    /// Records a row that does not convert in `failed` (TRY_CAST), or throws `error` (CAST).
    @inline(__always)
    static func fail(_ row: Int, _ failed: inout [Bool]?, _ error: @autoclosure () -> QueryError) throws(QueryError) {
        guard failed != nil else { throw error() }
        failed?[row] = true
    }

    static func convert(_ value: Vector, to target: LogicalType, failed: inout [Bool]?)
        throws(QueryError) -> Vector
    {
        let source = value.type
        if source == target { return value }
        let count = value.count
        // NULL converts to every type.
        if let nulls = value.nulls, !nulls.contains(false) { return Vector(constant: .null, type: target, count: count) }
        if target == .varchar {
            return Vector(type: .varchar, count: count, data: .strings(StringStorage((0..<count).map { value.isNull($0) ? "" : value.value(at: $0).formatted(as: source) })), nulls: value.nulls)
        }
        switch value.data {
        case .strings, .dictionary:
            // Parse each distinct string once.
            var parsed: [Value] = []
            parsed.reserveCapacity(count)
            for row in 0..<count {
                if value.isNull(row) { parsed.append(.null); continue }
                let text = String(decoding: value.stringBytes(at: row), as: UTF8.self)
                do { parsed.append(try ValueParsing.parse(text, as: target)) } catch {
                    try fail(row, &failed, .invalid("could not convert '\(text)' to \(target): \(error.message)"))
                    parsed.append(.null)
                }
            }
            return Vector(type: target, values: parsed)
        case .booleans(let flags):
            switch target.physicalType {
            case .float64: return Vector(type: target, count: count, data: .doubles(flags.map { $0 ? 1 : 0 }), nulls: value.nulls)
            case .int8, .int16, .int32, .int64:
                guard !isTemporal(target) else { throw .invalid("cannot cast BOOLEAN to \(target)") }
                let one = decimalScale(target).map { ValueParsing.power10($0) } ?? 1
                return Vector(type: target, count: count, data: .integers(flags.map { $0 ? one : 0 }), nulls: value.nulls)
            default: throw .invalid("cannot cast BOOLEAN to \(target)")
            }
        case .doubles(let numbers):
            switch target {
            case .boolean: return Vector(type: target, count: count, data: .booleans(numbers.map { $0 != 0 }), nulls: value.nulls)
            case .tinyint, .smallint, .integer, .bigint, .decimal:
                let factor = Double(ValueParsing.power10(decimalScale(target) ?? 0))
                let range = target.physicalType.integerRange ?? Int64.min...Int64.max
                let limit = decimalLimit(target)
                var result: [Int64] = []
                result.reserveCapacity(count)
                for (row, number) in numbers.enumerated() {
                    if value.isNull(row) { result.append(0); continue }
                    let scaled = (number * factor).rounded(decimalScale(target) == nil ? .toNearestOrEven : .toNearestOrAwayFromZero)
                    guard scaled.isFinite, scaled >= -9.2e18, scaled <= 9.2e18, range.contains(Int64(scaled)), abs(Int64(scaled)) <= limit else {
                        try fail(row, &failed, .invalid("\(DoubleFormatting.format(number)) is out of range for \(target)"))
                        result.append(0)
                        continue
                    }
                    result.append(Int64(scaled))
                }
                return Vector(type: target, count: count, data: .integers(result), nulls: value.nulls)
            default: throw .invalid("cannot cast DOUBLE to \(target)")
            }
        case .integers(let numbers):
            guard target != .interval else { throw .invalid("cannot cast \(source) to INTERVAL") }
            return try castIntegers(numbers, value, from: source, to: target, failed: &failed)
        case .intervals:
            // Text is the one type an interval becomes (above), as in DuckDB.
            throw .invalid("cannot cast INTERVAL to \(target)")
        }
    }

    static func isTemporal(_ type: LogicalType) -> Bool { type == .date || type == .timestamp }

    static func decimalScale(_ type: LogicalType) -> Int? {
        if case .decimal(_, let scale) = type { return scale }
        return nil
    }

    /// The largest magnitude a type holds (10^p - 1 for DECIMAL(p,s)).
    static func decimalLimit(_ type: LogicalType) -> Int64 {
        if case .decimal(let precision, _) = type { return ValueParsing.power10(precision) - 1 }
        return Int64.max
    }

    static func castIntegers(
        _ numbers: [Int64], _ value: Vector, from source: LogicalType, to target: LogicalType,
        failed: inout [Bool]?
    ) throws(QueryError) -> Vector {
        let count = numbers.count
        switch (source, target) {
        case (.date, .timestamp):
            // Dates past about year 292,277 have no TIMESTAMP.
            var micros = [Int64](repeating: 0, count: count)
            for row in 0..<count {
                let (product, overflow) = numbers[row].multipliedReportingOverflow(by: 86_400_000_000)
                if overflow && !value.isNull(row) {
                    try fail(row, &failed, .invalid("date out of range for TIMESTAMP"))
                } else {
                    micros[row] = overflow ? 0 : product
                }
            }
            return Vector(type: target, count: count, data: .integers(micros), nulls: value.nulls)
        case (.timestamp, .date):
            let perDay: Int64 = 86_400_000_000
            return Vector(type: target, count: count, data: .integers(numbers.map { $0 >= 0 ? $0 / perDay : ($0 - perDay + 1) / perDay }), nulls: value.nulls)
        case (.date, _), (.timestamp, _), (_, .date), (_, .timestamp):
            throw .invalid("cannot cast \(source) to \(target)")
        default: break
        }
        let sourceScale = decimalScale(source) ?? 0
        // Widening between integer types changes nothing in 64-bit values.
        if let sourceRange = source.physicalType.integerRange, let targetRange = target.physicalType.integerRange,
           decimalScale(source) == nil, decimalScale(target) == nil, target != .boolean,
           targetRange.lowerBound <= sourceRange.lowerBound, targetRange.upperBound >= sourceRange.upperBound {
            return value.retyped(target)
        }
        if target == .boolean {
            return Vector(type: target, count: count, data: .booleans(numbers.map { $0 != 0 }), nulls: value.nulls)
        }
        if target == .double {
            let divisor = Double(ValueParsing.power10(sourceScale))
            return Vector(type: target, count: count, data: .doubles(numbers.map { sourceScale == 0 ? Double($0) : Double($0) / divisor }), nulls: value.nulls)
        }
        let targetScale = decimalScale(target) ?? 0
        let range = target.physicalType.integerRange ?? Int64.min...Int64.max
        let limit = decimalLimit(target)
        var result: [Int64] = []
        result.reserveCapacity(count)
        for (row, number) in numbers.enumerated() {
            if value.isNull(row) { result.append(0); continue }
            guard let converted = rescale(number, from: sourceScale, to: targetScale), range.contains(converted), converted.magnitude <= limit.magnitude else {
                try fail(row, &failed, .invalid("\(Value.integer(number).formatted(as: source)) is out of range for \(target)"))
                result.append(0)
                continue
            }
            result.append(converted)
        }
        return Vector(type: target, count: count, data: .integers(result), nulls: value.nulls)
    }

    /// `value` at scale `from` as scale `to`, rounding half away from zero; `nil` on overflow.
    public static func rescale(_ value: Int64, from: Int, to: Int) -> Int64? {
        if from == to { return value }
        if to > from {
            let (result, overflow) = value.multipliedReportingOverflow(by: ValueParsing.power10(to - from))
            return overflow ? nil : result
        }
        let divisor = ValueParsing.power10(from - to)
        let quotient = value / divisor
        let remainder = value % divisor
        if remainder.magnitude * 2 >= divisor.magnitude { return quotient + (value < 0 ? -1 : 1) }
        return quotient
    }

    /// A constant cast at bind time.
    public static func castValue(_ value: Value, from source: LogicalType, to target: LogicalType) throws(QueryError) -> Value {
        try cast(Vector(type: source, values: [value]), to: target).value(at: 0)
    }
}
