/// INTERVAL kernels: timestamp and interval arithmetic, negation and comparison, as DuckDB
/// computes them (each overflow an error, not a wrap).

import StarlingColumns

extension ExpressionEvaluator {
    /// `left op right` when an interval is involved, as the binder typed it: `TIMESTAMP ±
    /// INTERVAL` (either way round for `+`), `TIMESTAMP - TIMESTAMP` (an INTERVAL), `INTERVAL ±
    /// INTERVAL`, `INTERVAL × BIGINT` (either way round), and `INTERVAL × DOUBLE`, `INTERVAL /
    /// DOUBLE` (division by zero gives NULL, as the other divisions). Nil for other operands.
    static func intervalArithmetic(_ op: ArithmeticOperator, _ left: Vector, _ right: Vector, type: LogicalType)
        throws(QueryError) -> Vector?
    {
        let count = left.count
        let nulls = unionNulls(left.nulls, right.nulls)
        switch (left.data, right.data) {
        case (.integers(let end), .integers(let start)) where type == .interval && op == .subtract:
            let values = try intervalLoop(count, nulls) { (row) throws(QueryError) -> Interval in
                Interval.between(end[row], start[row])
            }
            return Vector(type: type, count: count, data: .intervals(values), nulls: nulls)
        case (.integers(let timestamps), .intervals(let intervals)) where op == .add || op == .subtract:
            return try shift(timestamps, by: intervals, negated: op == .subtract, nulls: nulls, type: type)
        case (.intervals(let intervals), .integers(let timestamps)) where op == .add && type == .timestamp:
            return try shift(timestamps, by: intervals, negated: false, nulls: nulls, type: type)
        case (.intervals(let a), .intervals(let b)) where op == .add || op == .subtract:
            let values = try intervalLoop(count, nulls) { (row) throws(QueryError) -> Interval in
                guard let result = op == .add ? a[row].adding(b[row]) : a[row].subtracting(b[row]) else {
                    throw .invalid("INTERVAL out of range in \(a[row]) \(op.rawValue) \(b[row])")
                }
                return result
            }
            return Vector(type: type, count: count, data: .intervals(values), nulls: nulls)
        case (.intervals(let intervals), .integers(let factors)) where op == .multiply,
            (.integers(let factors), .intervals(let intervals)) where op == .multiply:
            let values = try intervalLoop(count, nulls) { (row) throws(QueryError) -> Interval in
                guard let product = intervals[row].multiplied(by: factors[row]) else {
                    throw .invalid("INTERVAL out of range in \(intervals[row]) * \(factors[row])")
                }
                return product
            }
            return Vector(type: type, count: count, data: .intervals(values), nulls: nulls)
        case (.intervals(let intervals), .doubles(let factors)) where op == .multiply || op == .divide,
            (.doubles(let factors), .intervals(let intervals)) where op == .multiply:
            var divisionByZero: [Int] = []
            let values = try intervalLoop(count, nulls) { (row) throws(QueryError) -> Interval in
                if op == .divide && factors[row] == 0 {
                    divisionByZero.append(row)
                    return .zero
                }
                let result =
                    op == .divide
                    ? intervals[row].divided(by: factors[row]) : intervals[row].multiplied(by: factors[row])
                guard let result else {
                    let number = DoubleFormatting.format(factors[row])
                    throw .invalid("INTERVAL out of range in \(intervals[row]) \(op.rawValue) \(number)")
                }
                return result
            }
            var resultNulls = nulls
            if !divisionByZero.isEmpty {
                // Division by zero gives NULL, as in DuckDB.
                var mask = nulls ?? [Bool](repeating: false, count: count)
                for row in divisionByZero { mask[row] = true }
                resultNulls = mask
            }
            return Vector(type: type, count: count, data: .intervals(values), nulls: resultNulls)
        default:
            return nil
        }
    }

    /// Every timestamp plus (or minus) its row's interval.
    private static func shift(
        _ timestamps: [Int64], by intervals: [Interval], negated: Bool, nulls: [Bool]?, type: LogicalType
    ) throws(QueryError) -> Vector {
        let count = timestamps.count
        var failure: QueryError?
        let values = [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
            for row in 0..<count {
                buffer[row] = 0
                if failure != nil || nulls?[row] == true { continue }
                guard let interval = negated ? intervals[row].negated : intervals[row] else {
                    failure = .invalid("INTERVAL out of range in -(\(intervals[row]))")
                    continue
                }
                guard let shifted = interval.added(toTimestamp: timestamps[row]) else {
                    let timestamp = TimestampFormatting.format(microseconds: timestamps[row])
                    failure = .invalid(
                        "timestamp out of range in \(timestamp) \(negated ? "-" : "+") INTERVAL '\(intervals[row])'")
                    continue
                }
                buffer[row] = shifted
            }
            initialized = count
        }
        if let failure { throw failure }
        return Vector(type: type, count: count, data: .integers(values), nulls: nulls)
    }

    /// `body(row)` for every row that is not NULL (zero for the NULL ones).
    private static func intervalLoop(
        _ count: Int, _ nulls: [Bool]?, _ body: (Int) throws(QueryError) -> Interval
    ) throws(QueryError) -> [Interval] {
        var values = [Interval](repeating: .zero, count: count)
        for row in 0..<count where !(nulls?[row] ?? false) { values[row] = try body(row) }
        return values
    }

    /// `-x` of every interval (an overflow when a part is its minimum).
    static func negateIntervals(_ value: Vector, _ intervals: [Interval]) throws(QueryError) -> Vector {
        let values = try intervalLoop(value.count, value.nulls) { (row) throws(QueryError) -> Interval in
            guard let negated = intervals[row].negated else {
                throw .invalid("INTERVAL out of range in -(\(intervals[row]))")
            }
            return negated
        }
        return Vector(type: value.type, count: value.count, data: .intervals(values), nulls: value.nulls)
    }

    /// `a op b` for every row, in SQL order (30-day months, 24-hour days).
    static func compareIntervals(_ op: ComparisonOperator, _ a: [Interval], _ b: [Interval]) -> [Bool] {
        (0..<a.count).map { op.holds(a[$0].compare(b[$0])) }
    }

    /// `a op constant` for every row, the constant normalised once.
    static func compareIntervals(_ op: ComparisonOperator, _ a: [Interval], constant: Interval) -> [Bool] {
        let key = constant.orderKey
        return a.map { value in
            let own = value.orderKey
            return op.holds(own == key ? 0 : (own < key ? -1 : 1))
        }
    }
}
