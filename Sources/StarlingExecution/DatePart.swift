/// The fields `extract`, `date_part` and the named part functions read from a date or timestamp,
/// the units `date_trunc` cuts to, and the per-row kernels that read them.

import StarlingColumns

/// A part of a date or timestamp, resolved once per vector (not compared as text per row).
public enum DatePart: String, CaseIterable, Sendable {
    case year, quarter, month, day, dow, isodow, week, doy, hour, minute, second, epoch, decade, yearweek
    case century, millennium, isoyear, millisecond, microsecond

    /// The units `date_trunc` accepts.
    public static let truncationUnits: [DatePart] = [
        .millennium, .century, .decade, .year, .isoyear, .quarter, .month, .week, .day, .hour, .minute, .second,
        .millisecond, .microsecond,
    ]

    /// Other spellings DuckDB accepts for a part.
    static let synonyms: [String: DatePart] = [
        "years": .year, "months": .month, "days": .day, "dayofmonth": .day, "dayofweek": .dow, "weekday": .dow,
        "dayofyear": .doy, "hours": .hour, "minutes": .minute, "seconds": .second, "weeks": .week,
        "quarters": .quarter, "decades": .decade, "centuries": .century, "millennia": .millennium,
        "milliseconds": .millisecond, "ms": .millisecond, "microseconds": .microsecond, "us": .microsecond,
    ]

    /// The part `name` spells, in any case; nil when it names none.
    public init?(name: String) {
        let lowered = name.lowercased()
        guard let part = DatePart(rawValue: lowered) ?? Self.synonyms[lowered] else { return nil }
        self = part
    }

    /// Whether the part of a timestamp, or its truncation to this unit, depends on its day
    /// alone (not on the time of day).
    var dependsOnDayOnly: Bool {
        switch self {
        case .year, .quarter, .month, .day, .dow, .isodow, .week, .doy, .decade, .yearweek, .century, .millennium,
            .isoyear:
            return true
        case .hour, .minute, .second, .epoch, .millisecond, .microsecond: return false
        }
    }

    /// The part of `value` (days for a DATE, µs for a TIMESTAMP); `epoch` in whole seconds.
    func extract(_ value: Int64, isTimestamp: Bool) -> Int64 {
        let (days, micros) = isTimestamp ? DateFunctions.split(value) : (value, 0)
        switch self {
        case .year: return Self.year(days)
        case .quarter: return Int64((CalendarDate(daysSinceEpoch: days).month - 1) / 3 + 1)
        case .month: return Int64(CalendarDate(daysSinceEpoch: days).month)
        case .day: return Int64(CalendarDate(daysSinceEpoch: days).day)
        case .dow: return DateFunctions.isoDayOfWeek(days) % 7
        case .isodow: return DateFunctions.isoDayOfWeek(days)
        case .doy: return days - Self.yearStart(Self.year(days)) + 1
        case .week, .yearweek, .isoyear:
            let thursday = days - DateFunctions.isoDayOfWeek(days) + 4
            let isoYear = Self.year(thursday)
            if self == .isoyear { return isoYear }
            let week = (thursday - Self.yearStart(isoYear)) / 7 + 1
            return self == .week ? week : isoYear * 100 + week
        case .hour: return micros / 3_600_000_000
        case .minute: return micros / 60_000_000 % 60
        case .second: return micros / 1_000_000 % 60
        case .epoch: return isTimestamp ? value / 1_000_000 : days * 86_400
        case .decade: return Self.year(days) / 10
        // DuckDB's: the 21st century starts in 2001, the years before 1 count down from -1.
        case .century, .millennium:
            let span: Int64 = self == .century ? 100 : 1000
            let year = Self.year(days)
            return year > 0 ? (year - 1) / span + 1 : -((-year) / span) - 1
        // Within the minute, as DuckDB counts them.
        case .millisecond: return micros / 1000 % 60_000
        case .microsecond: return micros % 60_000_000
        }
    }

    /// The first day of each year from ``firstTabledYear`` on, through 2199: most dates a
    /// warehouse holds fall here, and their year is a guess and a comparison.
    private static let yearStarts: [Int64] = (firstTabledYear...2200).map {
        CalendarDate(year: $0, month: 1, day: 1).daysSinceEpoch
    }
    private static let firstTabledYear = 1900

    /// The year of the day `days` after 1970-01-01.
    static func year(_ days: Int64) -> Int64 {
        // Within the table: guess by the mean year length (off by at most one), then correct.
        let offset = days - yearStarts[0]
        if offset >= 0, offset < yearStarts[yearStarts.count - 1] - yearStarts[0] {
            var index = Int(offset * 400 / 146_097)
            if index + 1 < yearStarts.count, yearStarts[index + 1] <= days { index += 1 }
            if yearStarts[index] > days { index -= 1 }
            return Int64(firstTabledYear + index)
        }
        return Int64(CalendarDate(daysSinceEpoch: days).year)
    }

    /// Days from 1970-01-01 to January 1 of `year`.
    static func yearStart(_ year: Int64) -> Int64 {
        let index = Int(year) - firstTabledYear
        if index >= 0, index < yearStarts.count { return yearStarts[index] }
        return CalendarDate(year: Int(year), month: 1, day: 1).daysSinceEpoch
    }
}

extension DatePart {
    /// The part of an interval, as DuckDB reads it: years and months from the months (`14
    /// months` is year 1, month 2), days as they are, the time parts from the microseconds
    /// (hours not wrapped at 24; seconds, milliseconds and microseconds within the minute), each
    /// with the sign of its source. `epoch` is ``Interval/epochSeconds``, read by the caller.
    func extract(_ interval: Interval) throws(QueryError) -> Int64 {
        let months = Int64(interval.months), micros = interval.micros
        switch self {
        case .year: return months / 12
        case .quarter: return months % 12 / 3 + 1
        case .month: return months % 12
        case .day: return Int64(interval.days)
        case .decade: return months / 120
        case .century: return months / 1_200
        case .millennium: return months / 12_000
        case .hour: return micros / Interval.microsPerHour
        case .minute: return micros % Interval.microsPerHour / Interval.microsPerMinute
        case .second: return micros % Interval.microsPerMinute / Interval.microsPerSecond
        case .millisecond: return micros % Interval.microsPerMinute / Interval.microsPerMillisecond
        case .microsecond: return micros % Interval.microsPerMinute
        case .epoch: return Int64(interval.epochSeconds)
        case .dow, .isodow, .week, .doy, .yearweek, .isoyear:
            throw .invalid("an INTERVAL has no \(rawValue)")
        }
    }
}
