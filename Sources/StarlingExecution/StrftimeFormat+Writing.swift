/// strftime: a timestamp written in a ``StrftimeFormat``.

import StarlingColumns

extension StrftimeFormat {
    /// Appends `micros` (a TIMESTAMP) formatted to the string being built.
    func write(_ micros: Int64, into builder: inout StringStorageBuilder) {
        let (days, time) = DateFunctions.split(micros)
        let date = CalendarDate(daysSinceEpoch: days)
        let weekday = Int(DateFunctions.isoDayOfWeek(days) % 7)  // 0 = Sunday
        let hour = Int(time / 3_600_000_000)
        let fraction = time % 1_000_000
        for piece in pieces {
            switch piece {
            case .literal(let bytes), .whitespace(let bytes):
                bytes.withUnsafeBytes { builder.appendPiece($0) }
            case .field(let specifier, let padded):
                switch specifier {
                case .weekdayAbbreviation: Self.appendName(Self.weekdayNames[weekday], abbreviated: true, &builder)
                case .weekdayName: Self.appendName(Self.weekdayNames[weekday], abbreviated: false, &builder)
                case .weekday: Self.appendNumber(Int64(weekday), width: 1, &builder)
                case .isoWeekday: Self.appendNumber(Int64(weekday == 0 ? 7 : weekday), width: 1, &builder)
                case .day: Self.appendNumber(Int64(date.day), width: padded ? 2 : 1, &builder)
                case .monthAbbreviation, .monthAbbreviation2:
                    Self.appendName(Self.monthNames[date.month - 1], abbreviated: true, &builder)
                case .monthName: Self.appendName(Self.monthNames[date.month - 1], abbreviated: false, &builder)
                case .month: Self.appendNumber(Int64(date.month), width: padded ? 2 : 1, &builder)
                case .year2:
                    let year = Int64(date.year) % 100
                    Self.appendNumber(year < 0 ? -year : year, width: padded ? 2 : 1, &builder)
                case .year: Self.appendNumber(Int64(date.year), width: padded ? 4 : 1, &builder)
                case .isoYear:
                    Self.appendNumber(DatePart.yearweek.extract(micros, isTimestamp: true) / 100, width: 4, &builder)
                case .hour24: Self.appendNumber(Int64(hour), width: padded ? 2 : 1, &builder)
                case .hour12:
                    let twelve = hour % 12 == 0 ? 12 : hour % 12
                    Self.appendNumber(Int64(twelve), width: padded ? 2 : 1, &builder)
                case .meridiem: Self.appendName(hour < 12 ? "AM" : "PM", abbreviated: false, &builder)
                case .minute: Self.appendNumber(time / 60_000_000 % 60, width: padded ? 2 : 1, &builder)
                case .second: Self.appendNumber(time / 1_000_000 % 60, width: padded ? 2 : 1, &builder)
                case .milliseconds: Self.appendNumber(fraction / 1_000, width: 3, &builder)
                case .microseconds: Self.appendNumber(fraction, width: 6, &builder)
                case .nanoseconds: Self.appendNumber(fraction * 1_000, width: 9, &builder)
                case .utcOffset: Self.appendName("+00", abbreviated: false, &builder)
                case .zoneName: break
                case .dayOfYear:
                    let dayOfYear = days - DatePart.yearStart(Int64(date.year)) + 1
                    Self.appendNumber(dayOfYear, width: padded ? 3 : 1, &builder)
                case .weekOfYearSunday, .weekOfYearMonday:
                    // C's definitions: weeks start on Sunday (Monday); days before the first are week 0.
                    let dayOfYear = days - DatePart.yearStart(Int64(date.year))
                    let offset = specifier == .weekOfYearSunday ? weekday : (weekday + 6) % 7
                    Self.appendNumber((dayOfYear + 7 - Int64(offset)) / 7, width: 2, &builder)
                case .isoWeek:
                    Self.appendNumber(DatePart.week.extract(micros, isTimestamp: true), width: 2, &builder)
                }
            }
        }
    }

    /// Appends a name, or its first three letters.
    static func appendName(_ name: StaticString, abbreviated: Bool, _ builder: inout StringStorageBuilder) {
        let count = abbreviated ? min(3, name.utf8CodeUnitCount) : name.utf8CodeUnitCount
        builder.appendPiece(UnsafeRawBufferPointer(start: name.utf8Start, count: count))
    }

    static func appendName(_ name: [UInt8], abbreviated: Bool, _ builder: inout StringStorageBuilder) {
        name.withUnsafeBytes { bytes in
            builder.appendPiece(
                UnsafeRawBufferPointer(rebasing: bytes[0..<(abbreviated ? min(3, bytes.count) : bytes.count)]))
        }
    }

    /// Appends `value` in decimal, zero-padded to `width` digits (a `-` before a negative one).
    static func appendNumber(_ value: Int64, width: Int, _ builder: inout StringStorageBuilder) {
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let sign = value < 0 ? 1 : 0
        let length = sign + max(digits, width)
        builder.appendPiece(count: length) { output in
            if sign == 1 { output[0] = UInt8(ascii: "-") }
            var index = length - 1
            while index >= sign {
                output[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
                index -= 1
            }
        }
    }
}
