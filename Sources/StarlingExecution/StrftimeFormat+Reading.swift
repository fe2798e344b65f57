/// strptime: a timestamp read from text in a ``StrftimeFormat``.

import StarlingColumns

extension StrftimeFormat {
    /// The timestamp (µs, UTC) `text` gives in this format, or nil when it does not match or
    /// names no valid date or time. Whitespace around the text is skipped, a run of whitespace
    /// in the format matches one or more whitespace characters; numbers take one to their width
    /// of digits; names ignore case; a missing year, month or day is 1900, January, 1.
    func read(_ text: UnsafeRawBufferPointer) -> Int64? {
        var reader = Reader(text: text)
        var year: Int64 = 1900
        var month: Int64 = 1
        var day: Int64 = 1
        var dayOfYear: Int64?
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        var micros: Int64 = 0
        var offset: Int64 = 0
        var twelveHour: Int64?
        var afternoon: Bool?
        reader.skipWhitespace()
        for piece in pieces {
            switch piece {
            case .literal(let bytes):
                guard reader.expect(bytes) else { return nil }
            case .whitespace:
                guard reader.skipWhitespace() > 0 else { return nil }
            case .field(let specifier, _):
                switch specifier {
                case .year:
                    guard let value = reader.number(maximumDigits: 4) else { return nil }
                    year = value
                case .year2:
                    guard let value = reader.number(maximumDigits: 2) else { return nil }
                    year = value < 69 ? 2000 + value : 1900 + value
                case .month:
                    guard let value = reader.number(maximumDigits: 2) else { return nil }
                    month = value
                case .day:
                    guard let value = reader.number(maximumDigits: 2) else { return nil }
                    day = value
                case .dayOfYear:
                    guard let value = reader.number(maximumDigits: 3) else { return nil }
                    dayOfYear = value
                case .hour24:
                    guard let value = reader.number(maximumDigits: 2) else { return nil }
                    hour = value
                case .hour12:
                    guard let value = reader.number(maximumDigits: 2) else { return nil }
                    twelveHour = value
                case .minute:
                    guard let value = reader.number(maximumDigits: 2) else { return nil }
                    minute = value
                case .second:
                    guard let value = reader.number(maximumDigits: 2) else { return nil }
                    second = value
                case .milliseconds, .microseconds, .nanoseconds:
                    let width = specifier == .milliseconds ? 3 : (specifier == .microseconds ? 6 : 9)
                    guard let value = reader.fraction(maximumDigits: width) else { return nil }
                    micros = value
                case .monthAbbreviation, .monthAbbreviation2, .monthName:
                    guard let index = reader.name(Self.monthNames, Self.monthAbbreviations) else { return nil }
                    month = Int64(index + 1)
                case .weekdayAbbreviation, .weekdayName:
                    guard reader.name(Self.weekdayNames, Self.weekdayAbbreviations) != nil else { return nil }
                case .meridiem:
                    guard let index = reader.name(Self.meridiems, []) else { return nil }
                    afternoon = index == 1
                case .utcOffset:
                    guard let value = reader.utcOffset() else { return nil }
                    offset = value
                default:
                    return nil
                }
            }
        }
        reader.skipWhitespace()
        guard reader.atEnd else { return nil }
        if let twelveHour {
            guard (1...12).contains(twelveHour) else { return nil }
            hour = twelveHour % 12 + ((afternoon ?? false) ? 12 : 0)
        } else if let afternoon, afternoon, hour < 12 {
            hour += 12
        }
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
            CalendarFunctions.yearRange.contains(Int(year))
        else { return nil }
        var days: Int64
        if let dayOfYear {
            let length: Int64 = CalendarDate.isLeapYear(Int(year)) ? 366 : 365
            guard (1...length).contains(dayOfYear) else { return nil }
            days = DatePart.yearStart(year) + dayOfYear - 1
        } else {
            guard (1...12).contains(month), day >= 1,
                day <= CalendarDate.daysInMonth(year: Int(year), month: Int(month))
            else { return nil }
            days = CalendarDate(year: Int(year), month: Int(month), day: Int(day)).daysSinceEpoch
        }
        days = days * 86_400_000_000 + ((hour * 60 + minute) * 60 + second) * 1_000_000 + micros
        // The local time given with an offset, in UTC.
        return days - offset
    }

    /// A cursor over the text being read.
    struct Reader {
        let text: UnsafeRawBufferPointer
        var position = 0

        var atEnd: Bool { position >= text.count }

        @discardableResult
        mutating func skipWhitespace() -> Int {
            let start = position
            while position < text.count, text[position] == 0x20 || (0x09...0x0D).contains(text[position]) {
                position += 1
            }
            return position - start
        }

        mutating func expect(_ bytes: [UInt8]) -> Bool {
            guard text.count - position >= bytes.count else { return false }
            for (index, byte) in bytes.enumerated() where text[position + index] != byte { return false }
            position += bytes.count
            return true
        }

        mutating func expectIgnoringCase(_ bytes: [UInt8]) -> Bool {
            guard text.count - position >= bytes.count else { return false }
            for (index, byte) in bytes.enumerated()
            where CaseMapping.asciiMap(text[position + index], .lower) != CaseMapping.asciiMap(byte, .lower) {
                return false
            }
            position += bytes.count
            return true
        }

        /// One to `maximumDigits` digits.
        mutating func number(maximumDigits: Int) -> Int64? {
            var value: Int64 = 0
            var digits = 0
            while digits < maximumDigits, position < text.count, (0x30...0x39).contains(text[position]) {
                value = value * 10 + Int64(text[position] - 0x30)
                position += 1
                digits += 1
            }
            return digits > 0 ? value : nil
        }

        /// One to `maximumDigits` digits of a fraction of a second, as microseconds.
        mutating func fraction(maximumDigits: Int) -> Int64? {
            let start = position
            guard var value = number(maximumDigits: maximumDigits) else { return nil }
            var digits = position - start
            while digits < 6 {
                value *= 10
                digits += 1
            }
            while digits > 6 {
                value /= 10
                digits -= 1
            }
            return value
        }

        /// The index of the name (or else of the abbreviation) the text continues with.
        mutating func name(_ names: [[UInt8]], _ abbreviations: [[UInt8]]) -> Int? {
            for (index, name) in names.enumerated() where expectIgnoringCase(name) { return index }
            for (index, name) in abbreviations.enumerated() where expectIgnoringCase(name) { return index }
            return nil
        }

        /// `±HH`, `±HHMM` or `±HH:MM`, as microseconds east of UTC.
        mutating func utcOffset() -> Int64? {
            guard position < text.count, text[position] == UInt8(ascii: "+") || text[position] == UInt8(ascii: "-")
            else { return nil }
            let negative = text[position] == UInt8(ascii: "-")
            position += 1
            let start = position
            guard let hours = number(maximumDigits: 2), position - start == 2, hours <= 23 else { return nil }
            var minutes: Int64 = 0
            if position < text.count, text[position] == UInt8(ascii: ":") { position += 1 }
            let minuteStart = position
            if let value = number(maximumDigits: 2) {
                guard position - minuteStart == 2, value <= 59 else { return nil }
                minutes = value
            }
            let micros = (hours * 60 + minutes) * 60_000_000
            return negative ? -micros : micros
        }
    }
}
