/// Intervals against the calendar: added to timestamps, between timestamps, and `age`.

extension Interval {
    /// `timestamp + self` (microseconds since the epoch), as DuckDB adds: the months first, as
    /// calendar months with the day clamped to the month's length, then the days and the
    /// microseconds. Nil when the result passes the range of a TIMESTAMP.
    @inlinable
    public func added(toTimestamp timestamp: Int64) -> Int64? {
        if months == 0 {
            let (dayMicros, o1) = Int64(days).multipliedReportingOverflow(by: Self.microsPerDay)
            let (shifted, o2) = timestamp.addingReportingOverflow(dayMicros)
            let (result, o3) = shifted.addingReportingOverflow(micros)
            return o1 || o2 || o3 ? nil : result
        }
        return addedWithMonths(toTimestamp: timestamp)
    }

    @usableFromInline
    func addedWithMonths(toTimestamp timestamp: Int64) -> Int64? {
        let (day, time) = TimestampFormatting.split(microseconds: timestamp)
        let date = CalendarDate(daysSinceEpoch: day)
        let total = Int64(date.year) * 12 + Int64(date.month - 1) + Int64(months)
        let year = total >= 0 ? total / 12 : (total - 11) / 12
        let month = Int(total - year * 12) + 1
        // Past this a timestamp overflows anyway; the bound keeps the day arithmetic small.
        guard year.magnitude < 1_000_000 else { return nil }
        let clamped = min(date.day, CalendarDate.daysInMonth(year: Int(year), month: month))
        let newDay = CalendarDate(year: Int(year), month: month, day: clamped).daysSinceEpoch + Int64(days)
        let (dayMicros, o1) = newDay.multipliedReportingOverflow(by: Self.microsPerDay)
        let (withTime, o2) = dayMicros.addingReportingOverflow(time)
        let (result, o3) = withTime.addingReportingOverflow(micros)
        return o1 || o2 || o3 ? nil : result
    }

    /// `end - start` for two timestamps: whole days of 24 hours and the rest, both with the
    /// difference's sign (DuckDB's `GetDifference`). The difference is taken in 128 bits, as
    /// DuckDB takes it, so even the two ends of the 64-bit range have one (the days fit 32 bits).
    @inlinable
    public static func between(_ end: Int64, _ start: Int64) -> Interval {
        let (difference, overflow) = end.subtractingReportingOverflow(start)
        if !overflow { return fromMicros(difference) }
        let wide = Int128(end) - Int128(start)
        let day = Int128(microsPerDay)
        return Interval(
            months: 0, days: Int32(truncatingIfNeeded: wide / day), micros: Int64(truncatingIfNeeded: wide % day))
    }

    /// `age(end, start)`: years, months and days between the two timestamps' calendar dates,
    /// and the time of day between them, each field borrowing from the next larger one as
    /// PostgreSQL and DuckDB compute it (a borrowed month has the days of the month of `start`,
    /// or of `end` when `end` is earlier). Nil when the result passes the interval's range.
    public static func age(_ end: Int64, _ start: Int64) -> Interval? {
        let negative = end < start
        let (endDay, endTime) = TimestampFormatting.split(microseconds: end)
        let (startDay, startTime) = TimestampFormatting.split(microseconds: start)
        let endDate = CalendarDate(daysSinceEpoch: endDay)
        let startDate = CalendarDate(daysSinceEpoch: startDay)
        var years = Int64(endDate.year) - Int64(startDate.year)
        var months = Int64(endDate.month - startDate.month)
        var days = Int64(endDate.day - startDate.day)
        var hours = endTime / microsPerHour - startTime / microsPerHour
        var minutes = endTime / microsPerMinute % 60 - startTime / microsPerMinute % 60
        var seconds = endTime / microsPerSecond % 60 - startTime / microsPerSecond % 60
        var micros = endTime % microsPerSecond - startTime % microsPerSecond
        if negative {
            (years, months, days) = (-years, -months, -days)
            (hours, minutes, seconds, micros) = (-hours, -minutes, -seconds, -micros)
        }
        if micros < 0 {
            micros += microsPerSecond
            seconds -= 1
        }
        if seconds < 0 {
            seconds += 60
            minutes -= 1
        }
        if minutes < 0 {
            minutes += 60
            hours -= 1
        }
        if hours < 0 {
            hours += 24
            days -= 1
        }
        let borrowed = negative ? endDate : startDate
        while days < 0 {
            days += Int64(CalendarDate.daysInMonth(year: borrowed.year, month: borrowed.month))
            months -= 1
        }
        while months < 0 {
            months += 12
            years -= 1
        }
        if negative {
            (years, months, days) = (-years, -months, -days)
            (hours, minutes, seconds, micros) = (-hours, -minutes, -seconds, -micros)
        }
        let (yearMonths, o1) = years.multipliedReportingOverflow(by: 12)
        let (totalMonths, o2) = yearMonths.addingReportingOverflow(months)
        guard !o1, !o2, let narrowMonths = Int32(exactly: totalMonths), let narrowDays = Int32(exactly: days) else {
            return nil
        }
        let time = ((hours * 60 + minutes) * 60 + seconds) * microsPerSecond + micros
        return Interval(months: narrowMonths, days: narrowDays, micros: time)
    }
}
