/// Date and timestamp functions: `extract`, `date_trunc`, and month arithmetic.

import StarlingColumns

/// Calendar kernels on DATE (days since 1970-01-01) and TIMESTAMP (µs since the epoch, UTC).
enum DateFunctions {
    static let microsPerDay: Int64 = 86_400_000_000

    static func call(_ function: ScalarFunction, _ arguments: [BoundExpression], type: LogicalType, _ chunk: Chunk)
        throws(QueryError) -> Vector
    {
        switch function {
        case .extract:
            guard case .string(let field) = try ExpressionEvaluator.constantValue(arguments[0]),
                let part = DatePart(name: field)
            else { throw .invalid("extract needs a field name") }
            let value = try ExpressionEvaluator.evaluate(arguments[1], chunk)
            if case .intervals(let intervals) = value.data {
                if part == .epoch {
                    return Vector(
                        type: type, count: value.count, data: .doubles(intervals.map(\.epochSeconds)),
                        nulls: value.nulls)
                }
                let result = try intervals.map { (interval) throws(QueryError) -> Int64 in try part.extract(interval) }
                return Vector(type: type, count: value.count, data: .integers(result), nulls: value.nulls)
            }
            guard case .integers(let numbers) = value.data else { throw .invalid("extract needs a date or timestamp") }
            let isTimestamp = value.type == .timestamp
            if part == .epoch {
                let seconds = numbers.map { isTimestamp ? Double($0) / 1_000_000 : Double($0) * 86_400 }
                return Vector(type: type, count: value.count, data: .doubles(seconds), nulls: value.nulls)
            }
            let result: [Int64]
            if !isTimestamp {
                result = mapDays(numbers, count: value.count, nulls: value.nulls) {
                    part.extract($0, isTimestamp: false)
                }
            } else if part.dependsOnDayOnly {
                let days = numbers.prefix(value.count).map { split($0).days }
                result = mapDays(days, count: value.count, nulls: value.nulls) { part.extract($0, isTimestamp: false) }
            } else {
                result = numbers.map { part.extract($0, isTimestamp: isTimestamp) }
            }
            return Vector(type: type, count: value.count, data: .integers(result), nulls: value.nulls)
        case .dateTrunc:
            guard case .string(let name) = try ExpressionEvaluator.constantValue(arguments[0]),
                let unit = DatePart(name: name)
            else { throw .invalid("date_trunc needs a unit") }
            let value = try ExpressionEvaluator.evaluate(arguments[1], chunk)
            guard case .integers(let numbers) = value.data else {
                throw .invalid("date_trunc needs a date or timestamp")
            }
            let isTimestamp = value.type == .timestamp
            let result: [Int64]
            if !isTimestamp {
                result = mapDays(numbers, count: value.count, nulls: value.nulls) {
                    truncate(unit, $0, isTimestamp: false)
                }
            } else if unit.dependsOnDayOnly {
                // A timestamp cut to a day or coarser is its day's start: `date_trunc('month', d)`
                // on a DATE, cast to TIMESTAMP first, is a table of its days too.
                let days = numbers.prefix(value.count).map { split($0).days }
                result = mapDays(days, count: value.count, nulls: value.nulls) {
                    truncate(unit, $0, isTimestamp: false) &* microsPerDay
                }
            } else {
                result = numbers.map { truncate(unit, $0, isTimestamp: true) }
            }
            return Vector(type: type, count: value.count, data: .integers(result), nulls: value.nulls)
        case .addMonths:
            let value = try ExpressionEvaluator.evaluate(arguments[0], chunk)
            let months = try ExpressionEvaluator.evaluate(arguments[1], chunk)
            guard case .integers(let numbers) = value.data, case .integers(let counts) = months.data else {
                throw .invalid("month arithmetic needs a date and a number")
            }
            let isTimestamp = value.type == .timestamp
            var result: [Int64] = []
            result.reserveCapacity(numbers.count)
            for row in 0..<numbers.count {
                guard let shifted = addMonths(numbers[row], counts[row], isTimestamp: isTimestamp) else {
                    if value.isNull(row) || months.isNull(row) {
                        result.append(0)
                        continue
                    }
                    throw .invalid("date out of range adding \(counts[row]) months")
                }
                result.append(shifted)
            }
            return Vector(
                type: type, count: value.count, data: .integers(result),
                nulls: ExpressionEvaluator.unionNulls(value.nulls, months.nulls))
        default:
            throw .invalid("\(function.rawValue) is not a date function")
        }
    }

    /// At most this many distinct days are looked up in a table rather than computed per row.
    static let dayTableLimit = 4_096

    /// `transform` of the first `count` of `numbers` (days since the epoch; 0 for rows flagged in
    /// `nulls`). Dates repeat (every order of a day), so when the chunk's days span at most
    /// ``dayTableLimit`` the calendar arithmetic is done once per day of that span and each row
    /// looks its day up.
    static func mapDays(_ numbers: [Int64], count: Int, nulls: [Bool]?, _ transform: (Int64) -> Int64) -> [Int64] {
        let count = min(count, numbers.count)
        var low = Int64.max
        var high = Int64.min
        for row in 0..<count where !(nulls?[row] ?? false) {
            low = min(low, numbers[row])
            high = max(high, numbers[row])
        }
        guard low <= high else { return [Int64](repeating: 0, count: count) }
        let (span, overflow) = high.subtractingReportingOverflow(low)
        guard !overflow, span < Int64(dayTableLimit), Int(span) < count / 2 else {
            return (0..<count).map { row in (nulls?[row] ?? false) ? 0 : transform(numbers[row]) }
        }
        let table = (0...span).map { transform(low + $0) }
        var result = [Int64](repeating: 0, count: count)
        numbers.withUnsafeBufferPointer { numbers in
            table.withUnsafeBufferPointer { table in
                result.withUnsafeMutableBufferPointer { result in
                    if let nulls {
                        for row in 0..<count where !nulls[row] { result[row] = table[Int(numbers[row] &- low)] }
                    } else {
                        for row in 0..<count { result[row] = table[Int(numbers[row] &- low)] }
                    }
                }
            }
        }
        return result
    }

    /// Splits a timestamp into days and microseconds of the day (floor division).
    static func split(_ micros: Int64) -> (days: Int64, micros: Int64) {
        var days = micros / microsPerDay
        var remainder = micros % microsPerDay
        if remainder < 0 {
            days -= 1
            remainder += microsPerDay
        }
        return (days, remainder)
    }

    /// ISO day of week: Monday 1 … Sunday 7.
    static func isoDayOfWeek(_ days: Int64) -> Int64 {
        // 1970-01-01 was a Thursday (4).
        ((days + 3) % 7 + 7) % 7 + 1
    }

    /// The start of the `unit` (a ``DatePart/truncationUnits`` member) that holds `value`.
    static func truncate(_ unit: DatePart, _ value: Int64, isTimestamp: Bool) -> Int64 {
        let (days, micros) = isTimestamp ? split(value) : (value, 0)
        let date = CalendarDate(daysSinceEpoch: days)
        var truncatedDays = days
        var truncatedMicros: Int64 = 0
        switch unit {
        case .decade:
            // Toward zero, as DuckDB does before year 0.
            truncatedDays = CalendarDate(year: date.year / 10 * 10, month: 1, day: 1).daysSinceEpoch
        case .century, .millennium:
            let span = unit == .century ? 100 : 1000
            truncatedDays = CalendarDate(year: date.year / span * span, month: 1, day: 1).daysSinceEpoch
        case .isoyear:
            // The Monday of the ISO year's first week (the week holding its January 4).
            let thursday = days - isoDayOfWeek(days) + 4
            let fourth = DatePart.yearStart(DatePart.year(thursday)) + 3
            truncatedDays = fourth - isoDayOfWeek(fourth) + 1
        case .millisecond: truncatedMicros = micros / 1000 * 1000
        case .microsecond: truncatedMicros = micros
        case .year: truncatedDays = CalendarDate(year: date.year, month: 1, day: 1).daysSinceEpoch
        case .quarter:
            truncatedDays = CalendarDate(year: date.year, month: (date.month - 1) / 3 * 3 + 1, day: 1).daysSinceEpoch
        case .month: truncatedDays = CalendarDate(year: date.year, month: date.month, day: 1).daysSinceEpoch
        case .week: truncatedDays = days - isoDayOfWeek(days) + 1
        case .hour: truncatedMicros = micros / 3_600_000_000 * 3_600_000_000
        case .minute: truncatedMicros = micros / 60_000_000 * 60_000_000
        case .second: truncatedMicros = micros / 1_000_000 * 1_000_000
        default: break
        }
        return isTimestamp ? truncatedDays * microsPerDay + truncatedMicros : truncatedDays
    }

    /// `value` plus `months` calendar months, the day clamped to the month's length.
    static func addMonths(_ value: Int64, _ months: Int64, isTimestamp: Bool) -> Int64? {
        let (days, micros) = isTimestamp ? split(value) : (value, 0)
        let date = CalendarDate(daysSinceEpoch: days)
        guard months.magnitude < 1_000_000 else { return nil }
        let total = Int64(date.year) * 12 + Int64(date.month - 1) + months
        let year = Int(total >= 0 ? total / 12 : (total - 11) / 12)
        let month = Int(total - Int64(year) * 12) + 1
        guard (-100_000...100_000).contains(year) else { return nil }
        let day = min(date.day, CalendarDate.daysInMonth(year: year, month: month))
        let newDays = CalendarDate(year: year, month: month, day: day).daysSinceEpoch
        return isTimestamp ? newDays * microsPerDay + micros : newDays
    }
}
