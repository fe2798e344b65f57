/// INTERVAL text: DuckDB's output format (`1 year 2 months 3 days 04:05:06.789`) and the text it
/// casts to an interval (`2 hours 30 minutes`, `1 day 02:00:00`, `3 days ago`, `1.5 hours`).

extension Interval: CustomStringConvertible {
    /// As DuckDB prints it: years and months (from `months`), days, then the time as
    /// `[-]HH:MM:SS[.ffffff]`, each part only when not zero (`00:00:00` when all are);
    /// singular for 1 and -1 (`1 day`, `-1 year`), plural otherwise.
    public var description: String {
        var parts: [String] = []
        func add(_ value: Int32, _ unit: String) {
            guard value != 0 else { return }
            parts.append(String(value) + " " + unit + (value == 1 || value == -1 ? "" : "s"))
        }
        add(months / 12, "year")
        add(months % 12, "month")
        add(days, "day")
        if micros != 0 {
            // Worked on the negative side, where Int64.min has room.
            var rest = micros < 0 ? micros : -micros
            let hours = -(rest / Self.microsPerHour)
            rest += hours * Self.microsPerHour
            let minutes = -(rest / Self.microsPerMinute)
            rest += minutes * Self.microsPerMinute
            let seconds = -(rest / Self.microsPerSecond)
            rest += seconds * Self.microsPerSecond
            let fraction = -rest
            var text = micros < 0 ? "-" : ""
            text +=
                (hours < 10 ? "0" : "") + String(hours) + ":" + Self.twoDigits(minutes) + ":" + Self.twoDigits(seconds)
            if fraction != 0 {
                var digits = String(fraction)
                digits = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
                while digits.hasSuffix("0") { digits.removeLast() }
                text += "." + digits
            }
            parts.append(text)
        }
        return parts.isEmpty ? "00:00:00" : parts.joined(separator: " ")
    }

    static func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0" + String(value) : String(value)
    }
}

extension Interval {
    /// A unit of interval text (`3 hours`) or of `INTERVAL n unit`, by any of DuckDB's spellings.
    public enum Unit: String, CaseIterable, Sendable {
        case microsecond, millisecond, second, minute, hour, day, week, month, quarter, year, decade, century
        case millennium

        /// DuckDB's spellings of each unit (the date part specifiers an interval takes).
        static let spellings: [String: Unit] = {
            var names: [String: Unit] = [:]
            let table: [(Unit, [String])] = [
                (.year, ["year", "yr", "y", "years", "yrs"]), (.month, ["month", "mon", "months", "mons"]),
                (.day, ["day", "days", "d", "dayofmonth"]), (.decade, ["decade", "dec", "decades", "decs"]),
                (.century, ["century", "cent", "centuries", "c"]),
                (.millennium, ["millennium", "mil", "millenniums", "millennia", "mils", "millenium"]),
                (.microsecond, ["microseconds", "microsecond", "us", "usec", "usecs", "usecond", "useconds"]),
                (.millisecond, ["milliseconds", "millisecond", "ms", "msec", "msecs", "msecond", "mseconds"]),
                (.second, ["second", "sec", "seconds", "secs", "s"]),
                (.minute, ["minute", "min", "minutes", "mins", "m"]),
                (.hour, ["hour", "hr", "hours", "hrs", "h"]), (.week, ["week", "weeks", "w", "weekofyear"]),
                (.quarter, ["quarter", "quarters"]),
            ]
            for (unit, spellings) in table {
                for spelling in spellings { names[spelling] = unit }
            }
            return names
        }()

        /// Date parts DuckDB knows that are no unit of an interval.
        static let otherDateParts: Set<String> = [
            "epoch", "dow", "dayofweek", "weekday", "isodow", "doy", "dayofyear", "yearweek", "isoyear", "era",
            "timezone", "timezone_hour", "timezone_minute", "julian", "jd",
        ]

        /// The unit `name` spells, in any case.
        public init?(name: String) {
            guard let unit = Self.spellings[name.lowercased()] else { return nil }
            self = unit
        }

        /// `count` of this unit as an interval (`INTERVAL 3 MONTH`, `to_months(3)`); nil when
        /// it leaves the range of the part it goes to.
        public func interval(_ count: Int64) -> Interval? {
            func months(_ perUnit: Int64) -> Interval? {
                let (product, overflow) = count.multipliedReportingOverflow(by: perUnit)
                guard !overflow, let narrow = Int32(exactly: product) else { return nil }
                return Interval(months: narrow)
            }
            func micros(_ perUnit: Int64) -> Interval? {
                let (product, overflow) = count.multipliedReportingOverflow(by: perUnit)
                return overflow ? nil : Interval(micros: product)
            }
            switch self {
            case .microsecond: return micros(1)
            case .millisecond: return micros(Interval.microsPerMillisecond)
            case .second: return micros(Interval.microsPerSecond)
            case .minute: return micros(Interval.microsPerMinute)
            case .hour: return micros(Interval.microsPerHour)
            case .day, .week:
                let (product, overflow) = count.multipliedReportingOverflow(by: self == .week ? 7 : 1)
                guard !overflow, let narrow = Int32(exactly: product) else { return nil }
                return Interval(days: narrow)
            case .month: return months(1)
            case .quarter: return months(3)
            case .year: return months(12)
            case .decade: return months(120)
            case .century: return months(1_200)
            case .millennium: return months(12_000)
            }
        }
    }

    /// Parses interval text as DuckDB casts it: numbers with units (`2 hours 30 minutes`,
    /// fractions cascading down: `1.5 days` is a day and 12 hours), `[-]H:MM[:SS[.ffffff]]`
    /// (which ends the text), a lone number of seconds (`42`), an optional leading `@` and a
    /// trailing `ago` that negates the whole.
    public static func parse(_ text: String) throws(ValueParsing.Failure) -> Interval {
        var parser = IntervalTextParser(bytes: Array(text.utf8), text: text)
        return try parser.parse()
    }
}

/// The state of one ``Interval/parse(_:)``: DuckDB's `Interval::FromCString`, step for step.
struct IntervalTextParser {
    let bytes: [UInt8]
    let text: String
    var position = 0
    var result = Interval.zero
    var foundAny = false

    init(bytes: [UInt8], text: String) {
        self.bytes = bytes
        self.text = text
    }

    var invalid: ValueParsing.Failure { ValueParsing.Failure("\"\(text)\" is not an interval") }
    var outOfRange: ValueParsing.Failure { ValueParsing.Failure("interval \"\(text)\" is out of range") }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    mutating func parse() throws(ValueParsing.Failure) -> Interval {
        guard !bytes.isEmpty else { throw invalid }
        if bytes[0] == UInt8(ascii: "@") { position = 1 }
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isSpace(byte) {
                position += 1
            } else if Self.isDigit(byte) || byte == UInt8(ascii: "-") {
                let negative = byte == UInt8(ascii: "-")
                if negative { position += 1 }
                if try number(negative: negative) { return result }
            } else if byte | 0x20 == UInt8(ascii: "a") {
                try ago()
                break
            } else {
                throw invalid
            }
        }
        guard foundAny else { throw invalid }
        return result
    }

    /// One number and its unit, or a time (which ends the text: true), or a lone number of
    /// seconds (which must end it: true).
    mutating func number(negative: Bool) throws(ValueParsing.Failure) -> Bool {
        let start = position
        while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        if position < bytes.count, bytes[position] == UInt8(ascii: ":") {
            try add(\.micros, try time(from: start, negative: negative), 1)
            foundAny = true
            return true
        }
        guard position > start else { throw invalid }
        guard var number = Int64(String(decoding: bytes[start..<position], as: UTF8.self)) else { throw outOfRange }
        var fraction = 0.0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
            if position > fractionStart {
                fraction = Double("0." + String(decoding: bytes[fractionStart..<position], as: UTF8.self)) ?? 0
            }
        }
        if negative {
            number = -number
            fraction = -fraction
        }
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        let unitStart = position
        while position < bytes.count, Self.isLetter(bytes[position]) { position += 1 }
        let name = String(decoding: bytes[unitStart..<position], as: UTF8.self)
        if name.isEmpty && !foundAny {
            // A number alone: seconds.
            try add(\.micros, number, Interval.microsPerSecond, fraction: fraction)
            foundAny = true
            guard bytes[position...].allSatisfy(Self.isSpace) else { throw invalid }
            return true
        }
        guard let unit = Interval.Unit(name: name) else {
            let lowered = name.lowercased()
            if Interval.Unit.otherDateParts.contains(lowered) {
                throw ValueParsing.Failure("\"\(name)\" is not a unit of an interval (in \"\(text)\")")
            }
            throw ValueParsing.Failure("unknown interval unit \"\(name)\" in \"\(text)\"")
        }
        try add(unit, number, fraction)
        foundAny = true
        return false
    }

    /// `number` (and `fraction`) of `unit` added, fractions cascading down as in DuckDB.
    mutating func add(_ unit: Interval.Unit, _ number: Int64, _ fraction: Double) throws(ValueParsing.Failure) {
        let day = Interval.microsPerDay
        switch unit {
        case .millennium: try add(\.months, number, 12_000, fraction: fraction)
        case .century: try add(\.months, number, 1_200, fraction: fraction)
        case .decade: try add(\.months, number, 120, fraction: fraction)
        case .year: try add(\.months, number, 12, fraction: fraction)
        case .quarter:
            try add(\.months, number, 3)
            let months = Int32(truncatingIfNeeded: Int64(fraction * 3))
            try add(\.months, Int64(months), 1)
            try add(\.days, 0, Interval.daysPerMonth, fraction: fraction * 3 - Double(months))
        case .month:
            try add(\.months, number, 1)
            let days = Int32(truncatingIfNeeded: Int64(fraction * 30))
            try add(\.days, Int64(days), 1)
            try add(\.micros, 0, day, fraction: fraction * 30 - Double(days))
        case .week:
            try add(\.days, number, 7)
            let days = Int32(truncatingIfNeeded: Int64(fraction * 7))
            try add(\.days, Int64(days), 1)
            try add(\.micros, 0, day, fraction: fraction * 7 - Double(days))
        case .day:
            try add(\.days, number, 1)
            try add(\.micros, 0, day, fraction: fraction)
        case .hour: try add(\.micros, number, Interval.microsPerHour, fraction: fraction)
        case .minute: try add(\.micros, number, Interval.microsPerMinute, fraction: fraction)
        case .second: try add(\.micros, number, Interval.microsPerSecond, fraction: fraction)
        case .millisecond: try add(\.micros, number, Interval.microsPerMillisecond, fraction: fraction)
        case .microsecond: try add(\.micros, number, 1)
        }
    }

    /// `number × perUnit` (and the fraction's share, rounded half away from zero) added to a part.
    mutating func add<Part: FixedWidthInteger & SignedInteger>(
        _ part: WritableKeyPath<Interval, Part>, _ number: Int64, _ perUnit: Int64, fraction: Double = 0
    ) throws(ValueParsing.Failure) {
        let (product, overflow) = number.multipliedReportingOverflow(by: perUnit)
        guard !overflow, let narrow = Part(exactly: product) else { throw outOfRange }
        let (sum, sumOverflow) = result[keyPath: part].addingReportingOverflow(narrow)
        guard !sumOverflow else { throw outOfRange }
        result[keyPath: part] = sum
        if abs(fraction) > 1e-10 {
            let share = (fraction * Double(perUnit)).rounded(.toNearestOrAwayFromZero)
            guard share.magnitude < 9.2e18, let narrowShare = Part(exactly: Int64(share)) else { throw outOfRange }
            let (withShare, shareOverflow) = result[keyPath: part].addingReportingOverflow(narrowShare)
            guard !shareOverflow else { throw outOfRange }
            result[keyPath: part] = withShare
        }
    }

    /// `H:MM[:SS[.ffffff]]` from `start` as microseconds, negated when `negative` (hours up to
    /// 10 digits, as long as the whole fits 64 bits; minutes and seconds below 60); whatever
    /// follows is ignored, as DuckDB ignores it.
    mutating func time(from start: Int, negative: Bool) throws(ValueParsing.Failure) -> Int64 {
        var index = start
        var hours: Int64 = 0
        var digits = 0
        while index < bytes.count, Self.isDigit(bytes[index]) {
            digits += 1
            guard digits <= 10 else { throw invalid }
            hours = hours * 10 + Int64(bytes[index] - 0x30)
            index += 1
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw invalid }
        index += 1
        func twoDigits() -> Int64? {
            guard index < bytes.count, Self.isDigit(bytes[index]) else { return nil }
            var value = Int64(bytes[index] - 0x30)
            index += 1
            if index < bytes.count, Self.isDigit(bytes[index]) {
                value = value * 10 + Int64(bytes[index] - 0x30)
                index += 1
            }
            return value
        }
        var minutes: Int64 = 0
        if index < bytes.count {
            guard let parsed = twoDigits(), parsed < 60 else { throw invalid }
            minutes = parsed
        }
        var seconds: Int64 = 0
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: ":") else { throw invalid }
            index += 1
            if index < bytes.count {
                guard let parsed = twoDigits(), parsed < 60 else { throw invalid }
                seconds = parsed
            }
        }
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100_000
            while index < bytes.count, Self.isDigit(bytes[index]) {
                fraction += Int64(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
        }
        // At most 10 digits of hours: the seconds fit; the microseconds may not.
        let wholeSeconds = (hours * 60 + minutes) * 60 + seconds
        let (micros, overflow) = wholeSeconds.multipliedReportingOverflow(by: Interval.microsPerSecond)
        guard !overflow else { throw invalid }
        // Summed on the negative side, where Int64.min has room.
        let (total, sumOverflow) = (-micros).subtractingReportingOverflow(fraction)
        guard !sumOverflow else { throw invalid }
        if negative { return total }
        guard total != .min else { throw invalid }
        return -total
    }

    /// `ago` (any case) and nothing but spaces after it: the whole interval negated.
    mutating func ago() throws(ValueParsing.Failure) {
        guard position + 3 <= bytes.count, bytes[position + 1] | 0x20 == UInt8(ascii: "g"),
            bytes[position + 2] | 0x20 == UInt8(ascii: "o"), bytes[(position + 3)...].allSatisfy(Self.isSpace)
        else { throw invalid }
        guard let negated = result.negated else { throw outOfRange }
        result = negated
        position = bytes.count
    }
}
