/// Binding INTERVALs: literals, arithmetic with timestamps, dates, intervals and numbers, and the
/// interval functions (`to_days` and the other `to_…`, `age`, `epoch`), with DuckDB's types.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// The names ``bindIntervalFunction(_:)`` binds.
    static let intervalFunctionNames = [
        "to_microseconds", "to_milliseconds", "to_seconds", "to_minutes", "to_hours", "to_days", "to_weeks",
        "to_months", "to_quarters", "to_years", "to_decades", "to_centuries", "to_millennia", "age", "epoch",
    ]

    /// `INTERVAL '3' MONTH` or `INTERVAL '1 day 02:00:00'` as a constant (errors at the literal).
    func bindIntervalLiteral(_ literal: IntervalLiteral) throws(SQLError) -> BoundExpression {
        switch literal.form {
        case .count(let count, let unit):
            guard let unit = Interval.Unit(rawValue: unit.rawValue), let value = unit.interval(count) else {
                throw SQLError("\(literal.sqlText) is out of range", at: literal.position)
            }
            return .constant(.interval(value), .interval)
        case .text(let text):
            do { return .constant(.interval(try Interval.parse(text)), .interval) } catch {
                throw SQLError(error.message, at: literal.position, hint: Self.intervalTextHint)
            }
        }
    }

    static let intervalTextHint = "e.g. '3 days', '2 hours 30 minutes', '1 day 02:00:00', '1 year 2 months'"

    /// `left op right` where one side is an INTERVAL: `TIMESTAMP ± INTERVAL` and `DATE ± INTERVAL`
    /// (a TIMESTAMP), `INTERVAL + TIMESTAMP`, `INTERVAL ± INTERVAL`, `INTERVAL × number` (either way
    /// round: an integer multiplies each part, other numbers as DOUBLE with fractions cascading
    /// down), `INTERVAL / number`. A NULL constant on the other side gives NULL.
    func intervalArithmetic(
        _ op: BinaryOperator, _ left: BoundExpression, _ right: BoundExpression, at position: SourcePosition
    ) throws(SQLError) -> BoundExpression {
        if isNullConstant(left) || isNullConstant(right) {
            let other = isNullConstant(left) ? right : left
            let temporal = other.type == .date || other.type == .timestamp
            return .constant(.null, temporal && op != .multiply && op != .divide ? .timestamp : .interval)
        }
        func refuse() -> SQLError {
            SQLError(
                "cannot apply \(op.rawValue) to \(left.type) and \(right.type)", at: position, hint: Self.intervalHint)
        }
        switch op {
        case .add, .subtract:
            if left.type == .interval && right.type == .interval {
                return try fold(.arithmetic(op == .add ? .add : .subtract, left, right, .interval), at: position)
            }
            if left.type == .interval, op == .add, right.type == .date || right.type == .timestamp {
                return try shift(right, by: left, negate: false, at: position)
            }
            if right.type == .interval, left.type == .date || left.type == .timestamp {
                return try shift(left, by: right, negate: op == .subtract, at: position)
            }
            throw refuse()
        case .multiply, .divide:
            let (interval, factor) = left.type == .interval ? (left, right) : (right, left)
            guard interval.type == .interval, TypeRules.isNumeric(factor.type),
                op == .multiply || left.type == .interval
            else { throw refuse() }
            let arithmeticOperator: ArithmeticOperator = op == .multiply ? .multiply : .divide
            if op == .multiply, TypeRules.isInteger(factor.type) {
                let integer = try coerce(factor, to: .bigint, at: position, what: op.rawValue)
                return try fold(.arithmetic(.multiply, interval, integer, .interval), at: position)
            }
            let number = try coerce(factor, to: .double, at: position, what: op.rawValue)
            return try fold(.arithmetic(arithmeticOperator, interval, number, .interval), at: position)
        default:
            throw refuse()
        }
    }

    static let intervalHint =
        "an INTERVAL adds to a DATE, TIMESTAMP or INTERVAL, subtracts from one, and multiplies or divides by a number"

    /// `value ± interval` for a DATE or TIMESTAMP `value`: a TIMESTAMP, as in DuckDB and
    /// PostgreSQL. The interval's months are calendar months (the day clamped to the month's
    /// length), then its days and time are added. A constant interval of days and time alone
    /// becomes an addition of microseconds, and one of months alone `add_months`, so scans
    /// compare on them as before.
    func shift(_ value: BoundExpression, by interval: BoundExpression, negate: Bool, at position: SourcePosition)
        throws(SQLError) -> BoundExpression
    {
        let timestamp = try coerce(value, to: .timestamp, at: position, what: "INTERVAL arithmetic")
        guard case .constant(let constant, _) = interval, case .interval(var given) = constant else {
            return try fold(.arithmetic(negate ? .subtract : .add, timestamp, interval, .timestamp), at: position)
        }
        if negate {
            guard let negated = given.negated else {
                throw SQLError("INTERVAL '\(given)' cannot be subtracted: its negation is out of range", at: position)
            }
            given = negated
        }
        if given.months == 0 {
            let (dayMicros, o1) = Int64(given.days).multipliedReportingOverflow(by: Interval.microsPerDay)
            let (micros, o2) = dayMicros.addingReportingOverflow(given.micros)
            if !o1, !o2 {
                return try fold(
                    .arithmetic(.add, timestamp, .constant(.integer(micros), .timestamp), .timestamp), at: position)
            }
        } else if given.days == 0 && given.micros == 0 {
            let months = BoundExpression.constant(.integer(Int64(given.months)), .bigint)
            return try fold(.function(.addMonths, [timestamp, months], .timestamp), at: position)
        }
        return try fold(.arithmetic(.add, timestamp, .constant(.interval(given), .interval), .timestamp), at: position)
    }

    /// `end - start` of two DATEs or TIMESTAMPs, one of them a TIMESTAMP: an INTERVAL of whole
    /// days and the time left (`60 days 10:00:00`), as DuckDB subtracts them.
    func timestampDifference(_ end: BoundExpression, _ start: BoundExpression, at position: SourcePosition)
        throws(SQLError) -> BoundExpression
    {
        let endTimestamp = try coerce(end, to: .timestamp, at: position, what: "-")
        let startTimestamp = try coerce(start, to: .timestamp, at: position, what: "-")
        return try fold(.arithmetic(.subtract, endTimestamp, startTimestamp, .interval), at: position)
    }

    /// The interval functions: `to_days(n)` and the other `to_…` (DuckDB's: integers for
    /// microseconds, minutes and hours up to millennia, a DOUBLE for seconds and milliseconds),
    /// `age(end, start)`, `age(start)` (from today's midnight) and `epoch(x)`; nil for another
    /// name.
    func bindIntervalFunction(_ call: ScalarCall) throws(SQLError) -> BoundExpression? {
        switch call.name {
        case "age":
            try call.expectCount(1...2)
            let end: BoundExpression
            let startIndex: Int
            if call.arguments.count == 2 {
                end = try ageTimestamp(call, 0)
                startIndex = 1
            } else {
                // As DuckDB: from the current date's midnight.
                end = .constant(.integer(now.days * Interval.microsPerDay), .timestamp)
                startIndex = 0
            }
            return try call.make(.age, [end, try ageTimestamp(call, startIndex)], .interval)
        case "epoch":
            try call.expectCount(1...1)
            let argument = call.arguments[0]
            let value = argument.type == .interval ? argument : try call.temporal(0)
            return try call.make(.extract, [.constant(.string(DatePart.epoch.rawValue), .varchar), value], .double)
        default:
            guard call.name.hasPrefix("to_"), let unit = Self.toIntervalUnits[call.name] else { return nil }
            try call.expectCount(1...1)
            let takesDouble = unit == .second || unit == .millisecond
            let argument = takesDouble ? try call.double(0) : try call.integer(0)
            return try call.make(.toInterval, [.constant(.string(unit.rawValue), .varchar), argument], .interval)
        }
    }

    /// The unit each `to_…` function makes an interval of.
    static let toIntervalUnits: [String: Interval.Unit] = [
        "to_microseconds": .microsecond, "to_milliseconds": .millisecond, "to_seconds": .second, "to_minutes": .minute,
        "to_hours": .hour, "to_days": .day, "to_weeks": .week, "to_months": .month, "to_quarters": .quarter,
        "to_years": .year, "to_decades": .decade, "to_centuries": .century, "to_millennia": .millennium,
    ]

    /// Argument `index` of `age`, a DATE (its midnight) or TIMESTAMP, as a TIMESTAMP.
    private func ageTimestamp(_ call: ScalarCall, _ index: Int) throws(SQLError) -> BoundExpression {
        if call.isNull(index) { return .constant(.null, .timestamp) }
        return try coerce(try call.temporal(index), to: .timestamp, at: call.position(index), what: call.name)
    }

    /// The parts `extract` and `date_part` read from an INTERVAL (DuckDB's), as `DatePart`s.
    static let intervalParts: Set<DatePart> = [
        .year, .quarter, .month, .day, .hour, .minute, .second, .millisecond, .microsecond, .epoch, .decade,
        .century, .millennium,
    ]

    /// `extract(part FROM interval)`: BIGINT, or DOUBLE for `epoch` (errors at the part name
    /// for parts an interval does not have, such as `dow`).
    func intervalPart(_ part: DatePart, _ value: BoundExpression, at position: SourcePosition) throws(SQLError)
        -> BoundExpression
    {
        guard Self.intervalParts.contains(part) else {
            let names = Self.intervalParts.map(\.rawValue).sorted().joined(separator: ", ")
            throw SQLError("an INTERVAL has no \(part.rawValue); its parts are \(names)", at: position)
        }
        let type: LogicalType = part == .epoch ? .double : .bigint
        return try fold(.function(.extract, [.constant(.string(part.rawValue), .varchar), value], type), at: position)
    }
}
