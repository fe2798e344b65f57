/// Text to typed values: the conversions SQL literals and extract loading share.

/// Parses text into values of a ``LogicalType``, exactly (decimals never pass through binary
/// floating point) and with range checks. Each function returns `nil` or throws a message;
/// callers add the position (SQL offset, file line and column).
public enum ValueParsing {
    /// A parse failure's reason.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// Parses `text` as a value of `type`.
    public static func parse(_ text: String, as type: LogicalType) throws(Failure) -> Value {
        let trimmed = text.trimmingSpaces
        switch type {
        case .boolean:
            guard let value = boolean(trimmed) else { throw Failure("\"\(text)\" is not a boolean (true/false/t/f/1/0/yes/no)") }
            return .boolean(value)
        case .tinyint, .smallint, .integer, .bigint:
            return .integer(try integer(trimmed, type: type))
        case .double:
            guard isDecimalNumber(trimmed), let value = Double(trimmed), value.isFinite else {
                switch trimmed.lowercased() {
                case "nan": return .double(.nan)
                case "inf", "infinity", "+infinity": return .double(.infinity)
                case "-inf", "-infinity": return .double(-.infinity)
                default:
                    throw Failure(isDecimalNumber(trimmed) ? "\(text) is out of range for DOUBLE" : "\"\(text)\" is not a number")
                }
            }
            return .double(value)
        case .decimal(let precision, let scale):
            return .integer(try decimal(trimmed, precision: precision, scale: scale))
        case .date:
            guard let days = date(trimmed) else { throw Failure("\"\(text)\" is not a date (expected YYYY-MM-DD)") }
            return .integer(days)
        case .timestamp:
            guard let micros = timestamp(trimmed) else { throw Failure("\"\(text)\" is not a timestamp (expected YYYY-MM-DD HH:MM:SS[.ffffff][±HH:MM|Z])") }
            return .integer(micros)
        case .varchar:
            return .string(text)
        case .interval:
            return .interval(try Interval.parse(text))
        }
    }

    /// `[+-]digits[.digits][e[+-]digits]` (at least one digit before the exponent): what SQL and
    /// the loader accept as a number (Swift's own parser also takes hexadecimal and `nan`).
    public static func isDecimalNumber(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var digits = 0
        while let byte = bytes.first, byte >= 48, byte <= 57 { bytes = bytes.dropFirst(); digits += 1 }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            while let byte = bytes.first, byte >= 48, byte <= 57 { bytes = bytes.dropFirst(); digits += 1 }
        }
        guard digits > 0 else { return false }
        if let byte = bytes.first, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            var exponentDigits = 0
            while let byte = bytes.first, byte >= 48, byte <= 57 { bytes = bytes.dropFirst(); exponentDigits += 1 }
            guard exponentDigits > 0 else { return false }
        }
        return bytes.isEmpty
    }

    /// `true/false/t/f/1/0/yes/no/y/n/on/off`, any case.
    public static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "t", "1", "yes", "y", "on": return true
        case "false", "f", "0", "no", "n", "off": return false
        default: return nil
        }
    }

    /// A whole number in the range of `type`.
    public static func integer(_ text: String, type: LogicalType) throws(Failure) -> Int64 {
        guard let value = Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text) else {
            if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                // PostgreSQL rounds a fractional literal assigned to an integer column.
                let rounded: Int64
                do {
                    rounded = try decimal(text, precision: 18, scale: 0)
                } catch {
                    throw Failure(error.message.contains("out of range") ? "\(text) is out of range for \(type)" : "\"\(text)\" is not a whole number")
                }
                guard let range = type.physicalType.integerRange, range.contains(rounded) else {
                    throw Failure("\(text) is out of range for \(type)")
                }
                return rounded
            }
            throw Failure(text.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "+" }) && !text.isEmpty
                ? "\(text) is out of range for \(type)" : "\"\(text)\" is not a whole number")
        }
        guard let range = type.physicalType.integerRange, range.contains(value) else {
            throw Failure("\(text) is out of range for \(type)")
        }
        return value
    }

    /// A decimal as its unscaled value at `scale`, rounded half away from zero when the text has
    /// more fractional digits, and at most `precision` digits in all.
    public static func decimal(_ text: String, precision: Int, scale: Int) throws(Failure) -> Int64 {
        var bytes = Array(text.utf8)
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes.removeFirst()
        }
        var exponent = 0
        if let e = bytes.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            guard let value = Int(String(decoding: bytes[(e + 1)...], as: UTF8.self)), value.magnitude < 100 else {
                throw Failure("\"\(text)\" is not a number")
            }
            exponent = value
            bytes.removeSubrange(e...)
        }
        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var seenPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { throw Failure("\"\(text)\" is not a number") }
                seenPoint = true
            } else if byte >= 0x30 && byte <= 0x39 {
                if seenPoint { fractionDigits.append(byte - 0x30) } else { integerDigits.append(byte - 0x30) }
            } else {
                throw Failure("\"\(text)\" is not a number")
            }
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { throw Failure("\"\(text)\" is not a number") }
        // Apply the exponent by moving digits across the point.
        var digits = integerDigits + fractionDigits
        var pointPosition = integerDigits.count + exponent
        if pointPosition < 0 {
            digits = [UInt8](repeating: 0, count: -pointPosition) + digits
            pointPosition = 0
        }
        if pointPosition > digits.count {
            digits += [UInt8](repeating: 0, count: pointPosition - digits.count)
        }
        // Keep `scale` fractional digits, rounding on the next one.
        let kept = pointPosition + scale
        var roundUp = false
        if kept < digits.count {
            roundUp = digits[kept] >= 5
            digits.removeSubrange(kept...)
        } else {
            digits += [UInt8](repeating: 0, count: kept - digits.count)
        }
        var value: Int64 = 0
        var significant = 0
        for digit in digits {
            if value > 0 || digit > 0 { significant += 1 }
            let (multiplied, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = multiplied.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { throw Failure("\(text) is out of range for DECIMAL(\(precision),\(scale))") }
            value = added
        }
        if roundUp {
            let (added, overflow) = value.addingReportingOverflow(1)
            guard !overflow else { throw Failure("\(text) is out of range for DECIMAL(\(precision),\(scale))") }
            value = added
        }
        let limit = power10(precision)
        guard value < limit else { throw Failure("\(text) is out of range for DECIMAL(\(precision),\(scale))") }
        return negative ? -value : value
    }

    /// 10^exponent for 0…18.
    public static func power10(_ exponent: Int) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<min(max(exponent, 0), 18) { result *= 10 }
        return result
    }

    /// `YYYY-MM-DD` (also `YYYY-M-D`) to days since 1970-01-01.
    public static func date(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count >= 4, parts[0].count <= 6, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              (1...12).contains(month), (1...CalendarDate.daysInMonth(year: year, month: month)).contains(day) else { return nil }
        let days = CalendarDate(year: year, month: month, day: day).daysSinceEpoch
        guard days >= Int64(Int32.min), days <= Int64(Int32.max) else { return nil }
        return days
    }

    /// ISO 8601: `YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z|±HH[:MM]]`, or a date alone (midnight),
    /// to microseconds since the epoch, UTC; nil also when that is beyond 64 bits (years past
    /// 294,246, which a six-digit year reaches).
    public static func timestamp(_ text: String) -> Int64? {
        let characters = Array(text)
        guard characters.count >= 10, let days = date(String(characters[0..<10])) else { return nil }
        let (midnight, overflow) = days.multipliedReportingOverflow(by: 86_400_000_000)
        guard !overflow else { return nil }
        if characters.count == 10 { return midnight }
        guard characters[10] == " " || characters[10] == "T" || characters[10] == "t" else { return nil }
        var rest = Array(characters[11...])
        // Time zone suffix.
        var offsetSeconds = 0
        if rest.last == "Z" || rest.last == "z" {
            rest.removeLast()
        } else if let signIndex = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = String(rest[(signIndex + 1)...]).replacingColons
            guard zone.count == 2 || zone.count == 4, zone.allSatisfy(\.isASCIIDigit),
                  let hours = Int(zone.prefix(2)), let minutes = Int(zone.dropFirst(2).isEmpty ? "0" : String(zone.dropFirst(2))),
                  hours <= 18, minutes < 60 else { return nil }
            offsetSeconds = (hours * 3600 + minutes * 60) * (rest[signIndex] == "-" ? -1 : 1)
            rest.removeSubrange(signIndex...)
        }
        let timeParts = String(rest).split(separator: ":", omittingEmptySubsequences: false)
        guard timeParts.count == 2 || timeParts.count == 3,
              timeParts[0].count == 2, timeParts[1].count == 2,
              let hour = Int(timeParts[0]), let minute = Int(timeParts[1]), hour < 24, minute < 60 else { return nil }
        var second = 0
        var fraction: Int64 = 0
        if timeParts.count == 3 {
            let secondParts = timeParts[2].split(separator: ".", omittingEmptySubsequences: false)
            guard secondParts[0].count == 2, let parsed = Int(secondParts[0]), parsed < 60 else { return nil }
            second = parsed
            if secondParts.count == 2 {
                let digits = secondParts[1]
                guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCIIDigit) else { return nil }
                let padded = String(digits.prefix(6)) + String(repeating: "0", count: max(0, 6 - digits.count))
                fraction = Int64(padded) ?? 0
            } else if secondParts.count > 2 {
                return nil
            }
        }
        let ofDay = Int64(hour * 3600 + minute * 60 + second - offsetSeconds) * 1_000_000 + fraction
        let (micros, beyond) = midnight.addingReportingOverflow(ofDay)
        return beyond ? nil : micros
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    var trimmingSpaces: String { trimmed { $0 == " " || $0 == "\t" } }

    var replacingColons: String { filter { $0 != ":" } }
}
