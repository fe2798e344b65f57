/// `greatest`, `least` and `IS [NOT] DISTINCT FROM`: comparisons in which NULL is not unknown.

import StarlingColumns

extension Functions {
    /// `greatest(a, b, …)` or `least(…)`: per row the largest (smallest) argument that is not
    /// NULL, NULL only when every argument is (DuckDB). The arguments have the result's type;
    /// they are folded in pairs, each pair in one typed loop.
    static func extreme(_ arguments: [BoundExpression], greatest: Bool, type: LogicalType, _ chunk: Chunk)
        throws(QueryError) -> Vector
    {
        var result = try ExpressionEvaluator.evaluate(arguments[0], chunk).retyped(type)
        for argument in arguments.dropFirst() {
            result = try better(
                result, try ExpressionEvaluator.evaluate(argument, chunk), greatest: greatest, type: type)
        }
        return result
    }

    /// Per row, whichever of `first` and `second` is greater (less) and not NULL.
    private static func better(_ first: Vector, _ second: Vector, greatest: Bool, type: LogicalType)
        throws(QueryError) -> Vector
    {
        let count = first.count
        // Whether the row takes `second`: `first` is NULL, or both are values and `second` wins.
        var takeSecond = [Bool](repeating: false, count: count)
        let sign = greatest ? 1 : -1
        switch (first.data, second.data) {
        case (.integers(let a), .integers(let b)):
            for row in 0..<count { takeSecond[row] = (b[row] > a[row]) == greatest && b[row] != a[row] }
        case (.doubles(let a), .doubles(let b)):
            for row in 0..<count { takeSecond[row] = ExpressionEvaluator.orderDoubles(b[row], a[row]) * sign > 0 }
        case (.booleans(let a), .booleans(let b)):
            for row in 0..<count { takeSecond[row] = a[row] != b[row] && b[row] == greatest }
        case (.strings, .strings), (.strings, .dictionary), (.dictionary, .strings), (.dictionary, .dictionary):
            for row in 0..<count {
                takeSecond[row] = compareBytes(second.stringBytes(at: row), first.stringBytes(at: row)) * sign > 0
            }
        case (.intervals(let a), .intervals(let b)):
            // As DuckDB, whose greatest and least order intervals by their parts as they are
            // (months, then days, then microseconds), not as comparisons do: least(INTERVAL 25
            // HOUR, INTERVAL 1 DAY) is 25 hours.
            for row in 0..<count {
                let x = a[row], y = b[row]
                let order = y.months != x.months ? (y.months < x.months ? -1 : 1)
                    : y.days != x.days ? (y.days < x.days ? -1 : 1) : (y.micros < x.micros ? -1 : (y.micros > x.micros ? 1 : 0))
                takeSecond[row] = order * sign > 0
            }
        default:
            throw .invalid("internal: greatest/least of \(first.type) and \(second.type)")
        }
        var nulls: [Bool]?
        if first.nulls != nil || second.nulls != nil {
            var mask = [Bool](repeating: false, count: count)
            for row in 0..<count {
                let firstNull = first.isNull(row)
                let secondNull = second.isNull(row)
                if firstNull || secondNull { takeSecond[row] = firstNull }
                mask[row] = firstNull && secondNull
            }
            nulls = mask
        }
        let chosen = takeSecond.map { $0 ? 1 : 0 }
        return ExpressionEvaluator.choose(chosen, from: [first, second], type: type, count: count).withNulls(nulls)
    }

    /// `a IS [NOT] DISTINCT FROM b`: `<>` (`=`) where neither is NULL; two NULLs are not
    /// distinct, one NULL is distinct from any value. Never NULL.
    static func distinct(_ arguments: [BoundExpression], negated: Bool, _ chunk: Chunk) throws(QueryError) -> Vector {
        let left = try ExpressionEvaluator.evaluate(arguments[0], chunk)
        let right = try ExpressionEvaluator.evaluate(arguments[1], chunk)
        let compared = try ExpressionEvaluator.compare(negated ? .equal : .notEqual, left, right)
        guard case .booleans(var flags) = compared.data else { throw .invalid("IS DISTINCT FROM needs a comparison") }
        if left.nulls != nil || right.nulls != nil {
            for row in 0..<flags.count {
                let leftNull = left.isNull(row)
                let rightNull = right.isNull(row)
                if leftNull || rightNull { flags[row] = (leftNull != rightNull) != negated }
            }
        }
        return Vector(type: .boolean, count: flags.count, data: .booleans(flags), nulls: nil)
    }
}
