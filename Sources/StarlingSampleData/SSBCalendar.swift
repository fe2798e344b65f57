/// The SSB date dimension: every day from 1992-01-01 to 1998-12-31, with the attributes the spec
/// names, and the YYYYMMDD keys lineorder's order and commit dates refer to.

import StarlingColumns

/// The days of the SSB calendar and the rows of `date.tbl`.
enum SSBCalendar {
    static let firstDay = CalendarDate(year: 1992, month: 1, day: 1)
    static let lastDay = CalendarDate(year: 1998, month: 12, day: 31)

    /// 2,557 days (7 × 365 + 2 leap days; the spec's "2,556" stops a day short).
    static let dayCount = Int(lastDay.daysSinceEpoch - firstDay.daysSinceEpoch) + 1

    /// Orders are placed on the first `orderDays` days (TPC-H: up to 151 days before the end), so
    /// that the latest commit date, `commitDelays.upperBound` days on, is still in the table.
    static let orderDays = dayCount - 151
    static let commitDelays = 30...90

    /// The date of day `index` (0 is 1992-01-01).
    static func date(_ index: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: firstDay.daysSinceEpoch + Int64(index))
    }

    /// The YYYYMMDD key of every day, in order.
    static func dateKeys() -> [Int] {
        (0..<dayCount).map { index in
            let day = date(index)
            return day.year * 10_000 + day.month * 100 + day.day
        }
    }

    /// The day of the week, 0 for Sunday … 6 for Saturday.
    static func weekday(_ date: CalendarDate) -> Int {
        // 1970-01-01 was a Thursday.
        let days = date.daysSinceEpoch + 4
        return Int(((days % 7) + 7) % 7)
    }

    /// Writes the whole date table (it draws no random numbers).
    static func writeRows(into writer: inout RowWriter) {
        let months = WordList(SSBText.months)
        let shortMonths = WordList(SSBText.months.map { String($0.prefix(3)) })
        let weekdays = WordList(SSBText.weekdays)
        let seasons = WordList((1...12).map { SSBText.season(month: $0) })
        for index in 0..<dayCount {
            let day = date(index)
            let weekday = weekday(day)
            let dayOfYear = Int(day.daysSinceEpoch - CalendarDate(year: day.year, month: 1, day: 1).daysSinceEpoch) + 1
            let lastInMonth = day.day == CalendarDate.daysInMonth(year: day.year, month: day.month)
            let month = day.month - 1

            writer.integerField(day.year * 10_000 + day.month * 100 + day.day)
            // d_date: "January 1, 1992"
            writer.word(months, month)
            writer.byte(UInt8(ascii: " "))
            writer.integer(day.day)
            writer.byte(UInt8(ascii: ","))
            writer.byte(UInt8(ascii: " "))
            writer.integer(day.year)
            writer.endField()
            writer.wordField(weekdays, weekday)
            writer.wordField(months, month)
            writer.integerField(day.year)
            writer.integerField(day.year * 100 + day.month)
            writer.word(shortMonths, month)
            writer.integer(day.year)
            writer.endField()
            writer.integerField(weekday + 1)
            writer.integerField(day.day)
            writer.integerField(dayOfYear)
            writer.integerField(day.month)
            writer.integerField((dayOfYear - 1) / 7 + 1)
            writer.wordField(seasons, month)
            writer.integerField(weekday == 6 ? 1 : 0)
            writer.integerField(lastInMonth ? 1 : 0)
            writer.integerField(SSBText.holidays.contains(day.month * 100 + day.day) ? 1 : 0)
            writer.integerField((1...5).contains(weekday) ? 1 : 0)
            writer.endRow()
        }
    }
}
