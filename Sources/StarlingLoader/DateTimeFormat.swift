/// `--date-format` and `--timestamp-format`: strptime-style patterns for dates in extracts.

import StarlingColumns

/// A pattern such as `%d/%m/%Y`, `%Y%m%d` or `%d-%b-%Y %H:%M:%S%z`.
///
/// Directives: `%Y` four-digit year, `%y` two-digit year (69–99 → 19xx, else 20xx), `%m` month,
/// `%d` day (one or two digits unless the pattern packs them, as in `%Y%m%d`), `%b`/`%h` month
/// abbreviation, `%B` month name, `%H` hour, `%I` 12-hour hour with `%p` (AM/PM), `%M` minute,
/// `%S` second (a `.fraction` may follow), `%f` fraction of a second (1–9 digits, kept to microseconds), `%z` offset
/// (`Z`, `±HH`, `±HHMM`, `±HH:MM`), `%%` a percent sign; other characters match themselves.
public struct DateTimeFormat: Sendable, Equatable {
    enum Piece: Equatable, Sendable {
        case literal(UInt8)
        case year4, year2, month, day, monthAbbreviation, monthName, hour24, hour12, minute, second, fraction, zone, meridiem
    }

    let pieces: [Piece]
    public let pattern: String

    /// Parses the pattern; `nil` when it has an unknown directive.
    /// Why `pattern` is no format, for a usage error: an unknown `%` directive, or none at all
    /// (`dd/mm/yyyy`, which would match only that text); nil when it is one.
    public static func problem(_ pattern: String) -> String? {
        guard pattern.contains("%") else { return "has no % directive (dd/mm/yyyy is written %d/%m/%Y)" }
        return DateTimeFormat(pattern) == nil ? "has an unknown % directive: \(pattern)" : nil
    }

    public init?(_ pattern: String) {
        self.pattern = pattern
        var pieces: [Piece] = []
        var bytes = Array(pattern.utf8).makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "%") else {
                pieces.append(.literal(byte))
                continue
            }
            switch bytes.next() {
            case UInt8(ascii: "Y"): pieces.append(.year4)
            case UInt8(ascii: "y"): pieces.append(.year2)
            case UInt8(ascii: "m"): pieces.append(.month)
            case UInt8(ascii: "d"), UInt8(ascii: "e"): pieces.append(.day)
            case UInt8(ascii: "b"), UInt8(ascii: "h"): pieces.append(.monthAbbreviation)
            case UInt8(ascii: "B"): pieces.append(.monthName)
            case UInt8(ascii: "H"): pieces.append(.hour24)
            case UInt8(ascii: "I"): pieces.append(.hour12)
            case UInt8(ascii: "M"): pieces.append(.minute)
            case UInt8(ascii: "S"): pieces.append(.second)
            case UInt8(ascii: "f"): pieces.append(.fraction)
            case UInt8(ascii: "z"), UInt8(ascii: "Z"): pieces.append(.zone)
            case UInt8(ascii: "p"): pieces.append(.meridiem)
            case UInt8(ascii: "%"): pieces.append(.literal(UInt8(ascii: "%")))
            default: return nil
            }
        }
        self.pieces = pieces
    }

    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]

    /// The date in `bytes`, as days since 1970-01-01 (time fields, if any, are ignored).
    public func days(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard let parts = parse(bytes) else { return nil }
        return parts.days
    }

    /// The timestamp in `bytes`, as UTC microseconds.
    public func micros(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard let parts = parse(bytes) else { return nil }
        return parts.days * 86_400_000_000 + parts.microsOfDay - Int64(parts.offsetSeconds) * 1_000_000
    }

    struct Parts {
        var days: Int64
        var microsOfDay: Int64
        var offsetSeconds: Int
    }

    func parse(_ bytes: UnsafeRawBufferPointer) -> Parts? {
        var index = 0
        let count = bytes.count
        var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0
        var fraction: Int64 = 0
        var offset = 0
        var pm: Bool?
        /// Reads up to `maximum` digits (at least one); when the next piece is also a number,
        /// reads exactly `maximum` so packed patterns like `%Y%m%d` work.
        func number(_ minimum: Int, _ maximum: Int, packed: Bool) -> Int? {
            var value = 0
            var read = 0
            while read < maximum, index < count, bytes[index] >= 48, bytes[index] <= 57 {
                value = value * 10 + Int(bytes[index] - 48)
                index += 1
                read += 1
            }
            guard read >= (packed ? maximum : minimum) else { return nil }
            return value
        }
        /// Reads 1–9 fraction digits as microseconds (digits past the sixth are dropped).
        func microseconds() -> Int64? {
            var digits = 0
            var value: Int64 = 0
            while index < count, bytes[index] >= 48, bytes[index] <= 57, digits < 9 {
                if digits < 6 { value = value * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 6)..<6 { value *= 10 }
            return value
        }
        for (position, piece) in pieces.enumerated() {
            let nextIsNumber: Bool = {
                guard position + 1 < pieces.count else { return false }
                switch pieces[position + 1] {
                case .year4, .year2, .month, .day, .hour24, .hour12, .minute, .second: return true
                default: return false
                }
            }()
            switch piece {
            case .literal(let byte):
                guard index < count, bytes[index] == byte else { return nil }
                index += 1
            case .year4:
                guard let value = number(4, 4, packed: true) else { return nil }
                year = value
            case .year2:
                guard let value = number(2, 2, packed: true) else { return nil }
                year = value >= 69 ? 1900 + value : 2000 + value
            case .month:
                guard let value = number(1, 2, packed: nextIsNumber) else { return nil }
                month = value
            case .day:
                guard let value = number(1, 2, packed: nextIsNumber) else { return nil }
                day = value
            case .hour24, .hour12:
                guard let value = number(1, 2, packed: nextIsNumber) else { return nil }
                hour = value
            case .minute:
                guard let value = number(2, 2, packed: true) else { return nil }
                minute = value
            case .second:
                guard let value = number(2, 2, packed: true) else { return nil }
                second = value
                // A fraction may follow the seconds even without %f, unless the pattern spells it out.
                let patternContinues: Bool = {
                    guard position + 1 < pieces.count else { return false }
                    if case .literal(let next) = pieces[position + 1], next == UInt8(ascii: ".") { return true }
                    return pieces[position + 1] == .fraction
                }()
                if !patternContinues, index + 1 < count, bytes[index] == UInt8(ascii: "."), bytes[index + 1] >= 48, bytes[index + 1] <= 57 {
                    index += 1
                    guard let value = microseconds() else { return nil }
                    fraction = value
                }
            case .fraction:
                guard let value = microseconds() else { return nil }
                fraction = value
            case .monthAbbreviation, .monthName:
                var letters: [UInt8] = []
                while index < count, (bytes[index] | 0x20) >= 97, (bytes[index] | 0x20) <= 122 {
                    letters.append(bytes[index] | 0x20)
                    index += 1
                }
                let word = String(decoding: letters, as: UTF8.self)
                guard let found = Self.monthNames.firstIndex(where: { piece == .monthName ? $0 == word : $0.hasPrefix(word) && word.count >= 3 }) else { return nil }
                month = found + 1
            case .meridiem:
                guard index + 1 < count else { return nil }
                let first = bytes[index] | 0x20
                guard (first == 97 || first == 112), (bytes[index + 1] | 0x20) == 109 else { return nil }
                pm = first == 112
                index += 2
            case .zone:
                guard index < count else { return nil }
                if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let hours = number(2, 2, packed: true) else { return nil }
                var minutes = 0
                if index < count, bytes[index] == UInt8(ascii: ":") { index += 1 }
                if index < count, bytes[index] >= 48, bytes[index] <= 57 {
                    guard let value = number(2, 2, packed: true) else { return nil }
                    minutes = value
                }
                guard hours <= 18, minutes < 60 else { return nil }
                offset = sign * (hours * 3600 + minutes * 60)
            }
        }
        guard index == count else { return nil }
        if let pm {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        guard (1...12).contains(month), day >= 1, day <= CalendarDate.daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 60 else { return nil }
        let days = CalendarDate(year: year, month: month, day: day).daysSinceEpoch
        let micros = Int64(hour * 3600 + minute * 60 + second) * 1_000_000 + fraction
        return Parts(days: days, microsOfDay: micros, offsetSeconds: offset)
    }
}
