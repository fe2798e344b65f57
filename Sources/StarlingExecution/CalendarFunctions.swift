/// `date_diff`, `make_date`, `last_day`, `dayname` and `monthname`: calendar kernels on DATE (days)
/// and TIMESTAMP (µs), the unit or name resolved once per vector.

import StarlingColumns

/// Calendar functions beyond `extract` and `date_trunc` (``DateFunctions``).
public enum CalendarFunctions {
    /// A unit `date_diff` counts in, and the spellings DuckDB accepts for it.
    public enum DifferenceUnit: String, CaseIterable, Sendable {
        case millennium, century, decade, year, isoyear, quarter, month, week, day, hour, minute, second
        case millisecond, microsecond, epoch

        static let synonyms: [String: DifferenceUnit] = [
            "millennia": .millennium, "millenniums": .millennium, "mil": .millennium, "mils": .millennium,
            "centuries": .century, "cent": .century, "c": .century, "decades": .decade, "dec": .decade,
            "years": .year, "y": .year, "yr": .year, "yrs": .year, "yy": .year, "yyyy": .year,
            "quarters": .quarter, "months": .month, "mon": .month, "mons": .month, "weeks": .week, "w": .week,
            "days": .day, "d": .day, "dayofmonth": .day, "dow": .day, "isodow": .day, "dayofweek": .day,
            "weekday": .day, "doy": .day, "dayofyear": .day, "hours": .hour, "h": .hour, "hr": .hour, "hrs": .hour,
            "minutes": .minute, "min": .minute, "mins": .minute, "m": .minute, "seconds": .second, "sec": .second,
            "secs": .second, "s": .second, "milliseconds": .millisecond, "ms": .millisecond, "msec": .millisecond,
            "msecs": .millisecond, "microseconds": .microsecond, "us": .microsecond, "usec": .microsecond,
            "usecs": .microsecond,
        ]

        /// The unit `name` spells, in any case; nil when it names none.
        public init?(name: String) {
            let lowered = name.lowercased()
            guard let unit = DifferenceUnit(rawValue: lowered) ?? Self.synonyms[lowered] else { return nil }
            self = unit
        }
    }

    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// Years a DATE made here may have: its day count fits an Int32, a TIMESTAMP's µs an Int64.
    static let yearRange = -290_000...290_000

    static func call(_ function: ScalarFunction, _ arguments: [BoundExpression], type: LogicalType, _ chunk: Chunk)
        throws(QueryError) -> Vector
    {
        var vectors: [Vector] = []
        for argument in arguments { vectors.append(try ExpressionEvaluator.evaluate(argument, chunk)) }
        let nulls = vectors.dropFirst().reduce(vectors[0].nulls) { ExpressionEvaluator.unionNulls($0, $1.nulls) }
        let count = chunk.count
        switch function {
        case .dateDiff:
            guard case .string(let name) = try ExpressionEvaluator.constantValue(arguments[0]),
                let unit = DifferenceUnit(name: name)
            else { throw .invalid("internal: date_diff needs a unit") }
            let start = try integers(vectors[1])
            let end = try integers(vectors[2])
            var result = [Int64](repeating: 0, count: count)
            for row in 0..<count where !(nulls?[row] ?? false) {
                result[row] = try difference(unit, start[row], end[row])
            }
            return Vector(type: .bigint, count: count, data: .integers(result), nulls: nulls)
        case .makeDate:
            let years = try integers(vectors[0])
            let months = try integers(vectors[1])
            let days = try integers(vectors[2])
            var result = [Int64](repeating: 0, count: count)
            for row in 0..<count where !(nulls?[row] ?? false) {
                let (year, month, day) = (years[row], months[row], days[row])
                guard yearRange.contains(Int(clamping: year)), (1...12).contains(month),
                    day >= 1, day <= CalendarDate.daysInMonth(year: Int(year), month: Int(month))
                else { throw .invalid("date out of range: \(year)-\(month)-\(day)") }
                result[row] = CalendarDate(year: Int(year), month: Int(month), day: Int(day)).daysSinceEpoch
            }
            return Vector(type: .date, count: count, data: .integers(result), nulls: nulls)
        case .lastDay:
            let values = try integers(vectors[0])
            let isTimestamp = vectors[0].type == .timestamp
            let result = values.map { value -> Int64 in
                let days = isTimestamp ? DateFunctions.split(value).days : value
                let date = CalendarDate(daysSinceEpoch: days)
                let last = CalendarDate.daysInMonth(year: date.year, month: date.month)
                return days + Int64(last - date.day)
            }
            return Vector(type: .date, count: count, data: .integers(result), nulls: nulls)
        case .dayName, .monthName:
            let values = try integers(vectors[0])
            let isTimestamp = vectors[0].type == .timestamp
            let names = function == .dayName ? dayNames : monthNames
            // Codes into a dictionary of the seven (twelve) names.
            let codes = values.map { value -> UInt32 in
                let days = isTimestamp ? DateFunctions.split(value).days : value
                if function == .dayName { return UInt32(DateFunctions.isoDayOfWeek(days) % 7) }
                return UInt32(CalendarDate(daysSinceEpoch: days).month - 1)
            }
            return Vector(
                type: .varchar, count: count, data: .dictionary(codes: codes, dictionary: StringStorage(names)),
                nulls: nulls)
        default:
            throw .invalid("internal: \(function.rawValue) is not a calendar function")
        }
    }

    /// `strftime(ts, format)`, `strptime(text, format)` and `try_strptime`: each distinct format
    /// read once per vector (a constant one once).
    static func formatting(_ function: ScalarFunction, _ arguments: [BoundExpression], _ chunk: Chunk)
        throws(QueryError) -> Vector
    {
        let count = chunk.count
        let value = try ExpressionEvaluator.evaluate(arguments[0], chunk)
        let format = try ExpressionEvaluator.evaluate(arguments[1], chunk)
        let nulls = ExpressionEvaluator.unionNulls(value.nulls, format.nulls)
        var formats: [String: StrftimeFormat] = [:]
        func formatAt(_ row: Int) throws(QueryError) -> StrftimeFormat {
            let text = String(decoding: format.stringBytes(at: row), as: UTF8.self)
            if let known = formats[text] { return known }
            do {
                let made = try StrftimeFormat(text, parsing: function != .strftime)
                formats[text] = made
                return made
            } catch {
                throw .invalid(error.message)
            }
        }
        // A constant format is read once, not per row.
        let constant = arguments[1].isConstant && count > 0 && !format.isNull(0) ? try formatAt(0) : nil
        if function == .strftime {
            let micros = try integers(value)
            var builder = StringStorageBuilder()
            builder.reserveCapacity(strings: count, bytes: count * 20)
            for row in 0..<count {
                if !(nulls?[row] ?? false) {
                    if let constant {
                        constant.write(micros[row], into: &builder)
                    } else {
                        try formatAt(row).write(micros[row], into: &builder)
                    }
                    try TextFunctions.checkRoom(builder, 0, "strftime")
                }
                builder.closeString()
            }
            return Vector(type: .varchar, count: count, data: .strings(builder.finish()), nulls: nulls)
        }
        var result = [Int64](repeating: 0, count: count)
        var failed: [Bool]?
        for row in 0..<count where !(nulls?[row] ?? false) {
            let text = value.stringBytes(at: row)
            let parsed: StrftimeFormat
            if let constant { parsed = constant } else { parsed = try formatAt(row) }
            if let micros = parsed.read(text) {
                result[row] = micros
            } else if function == .tryStrptime {
                if failed == nil { failed = [Bool](repeating: false, count: count) }
                failed?[row] = true
            } else {
                let shown = String(decoding: text, as: UTF8.self)
                throw .invalid("could not parse \"\(shown)\" according to the format \"\(parsed.text)\"")
            }
        }
        return Vector(
            type: .timestamp, count: count, data: .integers(result),
            nulls: ExpressionEvaluator.unionNulls(nulls, failed))
    }

    static func integers(_ vector: Vector) throws(QueryError) -> [Int64] {
        guard case .integers(let values) = vector.data else {
            throw .invalid("internal: a date function needs integers")
        }
        return values
    }

    /// `a` divided by `b` (> 0), rounded down.
    @inline(__always)
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && a < 0) ? quotient - 1 : quotient
    }

    /// How many `unit` boundaries lie between two timestamps (µs), as DuckDB counts them: the
    /// difference of the calendar fields for years to months; whole weeks of the days between
    /// the two dates; days between the dates; and the difference of the times cut to the unit.
    static func difference(_ unit: DifferenceUnit, _ start: Int64, _ end: Int64) throws(QueryError) -> Int64 {
        func calendar(_ micros: Int64) -> CalendarDate {
            CalendarDate(daysSinceEpoch: DateFunctions.split(micros).days)
        }
        func cut(_ size: Int64) -> Int64 { floorDivide(end, size) - floorDivide(start, size) }
        switch unit {
        case .millennium, .century, .decade, .year:
            let size: Int = unit == .year ? 1 : (unit == .decade ? 10 : (unit == .century ? 100 : 1000))
            return Int64(calendar(end).year / size - calendar(start).year / size)
        case .isoyear:
            let endYear = DatePart.yearweek.extract(end, isTimestamp: true) / 100
            return endYear - DatePart.yearweek.extract(start, isTimestamp: true) / 100
        case .quarter, .month:
            let (from, to) = (calendar(start), calendar(end))
            let months = Int64(to.year - from.year) * 12 + Int64(to.month - from.month)
            if unit == .month { return months }
            return Int64(to.year - from.year) * 4 + Int64((to.month - 1) / 3 - (from.month - 1) / 3)
        case .week:
            return (DateFunctions.split(end).days - DateFunctions.split(start).days) / 7
        case .day:
            return DateFunctions.split(end).days - DateFunctions.split(start).days
        case .hour: return cut(3_600_000_000)
        case .minute: return cut(60_000_000)
        case .second, .epoch: return cut(1_000_000)
        case .millisecond: return cut(1_000)
        case .microsecond:
            let (difference, overflow) = end.subtractingReportingOverflow(start)
            guard !overflow else { throw .invalid("date_diff in microseconds is out of range for BIGINT") }
            return difference
        }
    }
}
