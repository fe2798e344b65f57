/// Proleptic Gregorian calendar dates and timestamp formatting, without Foundation.

/// A calendar date converted to and from days since 1970-01-01.
///
/// Uses Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms, exact for every
/// date an `Int32` day count can hold.
public struct CalendarDate: Hashable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` after 1970-01-01 (negative for earlier dates).
    public init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Whether `year` is a leap year.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in `month` of `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// ISO 8601: `2025-03-01`.
    public var description: String {
        let yearText: String
        if year < 0 {
            yearText = "-" + Self.pad(-year, width: 4)
        } else {
            yearText = Self.pad(year, width: 4)
        }
        return yearText + "-" + Self.pad(month, width: 2) + "-" + Self.pad(day, width: 2)
    }

    static func pad(_ value: Int, width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// Formats microsecond timestamps as `2025-03-01 13:45:00[.123456]` (UTC).
public enum TimestampFormatting {
    /// The day since 1970-01-01 and the microsecond within it, by floor division so that times
    /// before 1970 land on the right day.
    @inline(__always)
    public static func split(microseconds: Int64) -> (days: Int64, remainder: Int64) {
        let perDay: Int64 = 86_400_000_000
        var days = microseconds / perDay
        var remainder = microseconds % perDay
        if remainder < 0 {
            days -= 1
            remainder += perDay
        }
        return (days, remainder)
    }

    public static func format(microseconds: Int64) -> String {
        let (days, remainder) = split(microseconds: microseconds)
        let date = CalendarDate(daysSinceEpoch: days)
        let seconds = remainder / 1_000_000
        let fraction = remainder % 1_000_000
        var text = date.description + " " + CalendarDate.pad(Int(seconds / 3600), width: 2) + ":"
            + CalendarDate.pad(Int(seconds / 60 % 60), width: 2) + ":" + CalendarDate.pad(Int(seconds % 60), width: 2)
        if fraction != 0 {
            var digits = CalendarDate.pad(Int(fraction), width: 6)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }
}
