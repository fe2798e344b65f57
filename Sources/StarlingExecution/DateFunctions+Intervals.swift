/// The interval functions: `to_days(n)` and the other `to_…`, and `age(end, start)`.

import StarlingColumns

extension DateFunctions {
    /// `to_…` (``ScalarFunction/toInterval``) and ``ScalarFunction/age``.
    static func intervals(_ function: ScalarFunction, _ arguments: [BoundExpression], type: LogicalType, _ chunk: Chunk)
        throws(QueryError) -> Vector
    {
        switch function {
        case .toInterval:
            guard case .string(let name) = try ExpressionEvaluator.constantValue(arguments[0]),
                let unit = Interval.Unit(rawValue: name)
            else { throw .invalid("internal: to_interval needs a unit") }
            let value = try ExpressionEvaluator.evaluate(arguments[1], chunk)
            var result = [Interval](repeating: .zero, count: value.count)
            switch value.data {
            case .integers(let counts):
                for row in 0..<value.count where !value.isNull(row) {
                    guard let interval = unit.interval(counts[row]) else {
                        throw .invalid("INTERVAL of \(counts[row]) \(unit.rawValue)s is out of range")
                    }
                    result[row] = interval
                }
            case .doubles(let counts):
                // Seconds and milliseconds: the microseconds rounded half to even, as DuckDB.
                let perUnit = unit == .millisecond ? Interval.microsPerMillisecond : Interval.microsPerSecond
                for row in 0..<value.count where !value.isNull(row) {
                    let micros = (counts[row] * Double(perUnit)).rounded(.toNearestOrEven)
                    guard micros >= -9.223_372_036_854_775_808e18, micros < 9.223_372_036_854_775_808e18 else {
                        let shown = DoubleFormatting.format(counts[row])
                        throw .invalid("INTERVAL of \(shown) \(unit.rawValue)s is out of range")
                    }
                    result[row] = Interval(micros: Int64(micros))
                }
            case .booleans, .strings, .dictionary, .intervals:
                throw .invalid("internal: to_interval of \(value.type)")
            }
            return Vector(type: type, count: value.count, data: .intervals(result), nulls: value.nulls)
        case .age:
            let end = try ExpressionEvaluator.evaluate(arguments[0], chunk)
            let start = try ExpressionEvaluator.evaluate(arguments[1], chunk)
            guard case .integers(let ends) = end.data, case .integers(let starts) = start.data else {
                throw .invalid("internal: age needs timestamps")
            }
            let nulls = ExpressionEvaluator.unionNulls(end.nulls, start.nulls)
            var result = [Interval](repeating: .zero, count: end.count)
            for row in 0..<end.count where !(nulls?[row] ?? false) {
                guard let age = Interval.age(ends[row], starts[row]) else {
                    throw .invalid("age of \(TimestampFormatting.format(microseconds: starts[row])) is out of range")
                }
                result[row] = age
            }
            return Vector(type: type, count: end.count, data: .intervals(result), nulls: nulls)
        default:
            throw .invalid("\(function.rawValue) is not an interval function")
        }
    }
}
