/// Bound parameter values as SQL literals: checked, quoted and cast, so that no value can change
/// the statement it is put into.

import StarlingColumns
import StarlingWire

/// Turns one Bind parameter into the literal that replaces its `$N`. A value is checked for its
/// declared type (a number must be a number) and then written as the plain literal of that type
/// — `42`, ` -1.5e0`, `TRUE`, `12.50`, `DATE '2024-01-02'`, `TIMESTAMP '…'`, `'text'` (quotes
/// doubled) — which INSERT … VALUES takes too; an undeclared type gives a quoted string, which
/// the statement's context converts, as PostgreSQL resolves an `unknown` literal. A negative
/// number starts with a space, so that `1 -$1` cannot become a `--` comment.
enum ParameterLiteral {
    /// The literal for parameter `number` (1-based), sent in `format` and declared as `oid`.
    static func literal(_ value: [UInt8]?, oid: UInt32, format: ValueFormat, number: Int)
        -> Result<String, ParameterError>
    {
        guard let value else { return .success("NULL") }
        let text: String
        switch format {
        case .text:
            guard let decoded = String(validating: value, as: UTF8.self) else {
                return .failure(
                    ParameterError(
                        sqlState: "22021", message: "parameter $\(number) is not valid UTF-8 text"))
            }
            text = decoded
        case .binary:
            guard binaryTypes.contains(oid) else {
                return .failure(
                    ParameterError(
                        sqlState: "0A000",
                        message: "parameter $\(number) is in binary format for type oid \(oid), which Starling "
                            + "does not have"))
            }
            guard let decoded = binaryText(value, oid: oid) else {
                return .failure(
                    ParameterError(
                        sqlState: "22P03",
                        message: "incorrect binary data format in bind parameter \(number) (type oid \(oid))"))
            }
            text = decoded
        }
        guard !text.utf8.contains(0) else {
            return .failure(ParameterError(sqlState: "22021", message: "parameter $\(number) holds a NUL byte"))
        }
        if let problem = check(text, oid: oid) {
            return .failure(ParameterError(sqlState: "22P02", message: "parameter $\(number): \(problem)"))
        }
        return .success(sqlLiteral(text, oid: oid))
    }

    /// The literal of a checked value.
    static func sqlLiteral(_ text: String, oid: UInt32) -> String {
        let trimmed = text.trimmingSpaces
        let quoted = "'" + text.replacing("'", with: "''") + "'"
        func signed(_ number: String) -> String { number.hasPrefix("-") ? " " + number : number }
        switch oid {
        case PostgresType.bool:
            return ["t", "true", "y", "yes", "on", "1"].contains(trimmed.lowercased()) ? "TRUE" : "FALSE"
        case PostgresType.int2, PostgresType.int4, PostgresType.int8:
            return Int64(trimmed).map { signed(String($0)) } ?? quoted
        case PostgresType.float4, PostgresType.float8:
            guard let number = Double(trimmed), number.isFinite else { return "CAST(\(quoted) AS DOUBLE)" }
            // With an exponent, the literal is a DOUBLE (`1.5` alone would be a DECIMAL).
            let digits = "\(number)"
            return signed(digits.contains("e") ? digits : digits + "e0")
        case PostgresType.numeric: return numericLiteral(trimmed)
        case PostgresType.date: return "DATE " + quoted
        case PostgresType.timestamp, PostgresType.timestamptz: return "TIMESTAMP " + quoted
        case PostgresType.interval: return "CAST(\(quoted) AS INTERVAL)"
        default: return quoted
        }
    }

    /// Why `text` is not a value of the type `oid` names; nil when it is (or the engine's cast
    /// will tell).
    static func check(_ text: String, oid: UInt32) -> String? {
        let trimmed = text.trimmingSpaces
        switch oid {
        case PostgresType.bool:
            let accepted: Set<String> = ["t", "true", "y", "yes", "on", "1", "f", "false", "n", "no", "off", "0"]
            return accepted.contains(trimmed.lowercased()) ? nil : "invalid input syntax for type boolean: \"\(text)\""
        case PostgresType.int2, PostgresType.int4, PostgresType.int8:
            guard let number = Int64(trimmed) else {
                return "invalid input syntax for type integer: \"\(text)\""
            }
            let range: ClosedRange<Int64> =
                oid == PostgresType.int2
                ? Int64(Int16.min)...Int64(Int16.max)
                : oid == PostgresType.int4 ? Int64(Int32.min)...Int64(Int32.max) : Int64.min...Int64.max
            return range.contains(number) ? nil : "value \"\(text)\" is out of range for its type"
        case PostgresType.numeric:
            return isDecimal(trimmed) || Double(trimmed) != nil || trimmed.lowercased() == "nan"
                ? nil : "invalid input syntax for type numeric: \"\(text)\""
        case PostgresType.float4, PostgresType.float8:
            return Double(trimmed) != nil || ["nan", "infinity", "-infinity"].contains(trimmed.lowercased())
                ? nil : "invalid input syntax for type double precision: \"\(text)\""
        default:
            return nil
        }
    }

    /// Whether `text` is digits with an optional sign and fraction: `-12.50`.
    static func isDecimal(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty else { return false }
        return parts.allSatisfy { part in part.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
            && (parts.count == 1 || !parts[1].isEmpty)
    }

    /// A NUMERIC value (checked by ``check(_:oid:)``) as an exact DECIMAL literal when it has at
    /// most 18 digits (a negative one after a space), else a DOUBLE.
    static func numericLiteral(_ text: String) -> String {
        let digits = text.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }.count
        guard isDecimal(text) && digits <= 18 else { return "CAST('\(text)' AS DOUBLE)" }
        if text.hasPrefix("+") { return String(text.dropFirst()) }
        return text.hasPrefix("-") ? " " + text : text
    }

    /// The types whose binary format parameters may use.
    static let binaryTypes: Set<UInt32> = [
        PostgresType.bool, PostgresType.int2, PostgresType.int4, PostgresType.int8, PostgresType.float4,
        PostgresType.float8, PostgresType.numeric, PostgresType.date, PostgresType.timestamp, PostgresType.timestamptz,
        PostgresType.interval, PostgresType.text, PostgresType.varchar, PostgresType.unknown, 0,
    ]

    /// The text of a binary-format value of type `oid`; nil when its length is wrong or the
    /// type has no binary format here.
    static func binaryText(_ bytes: [UInt8], oid: UInt32) -> String? {
        /// The big-endian integer of `width` bytes at `start`; without a start, of all the bytes.
        func integer(_ width: Int, at start: Int? = nil) -> Int64? {
            let from = start ?? 0
            guard start != nil ? from + width <= bytes.count : bytes.count == width else { return nil }
            var value: Int64 = bytes[from] & 0x80 != 0 ? -1 : 0
            for byte in bytes[from..<(from + width)] { value = value << 8 | Int64(byte) }
            return value
        }
        switch oid {
        case PostgresType.bool:
            guard bytes.count == 1 else { return nil }
            return bytes[0] != 0 ? "true" : "false"
        case PostgresType.int2: return integer(2).map(String.init)
        case PostgresType.int4: return integer(4).map(String.init)
        case PostgresType.int8: return integer(8).map(String.init)
        case PostgresType.float4:
            return integer(4).map { doubleText(Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0)))) }
        case PostgresType.float8:
            return integer(8).map { doubleText(Double(bitPattern: UInt64(bitPattern: $0))) }
        case PostgresType.numeric: return NumericBinary.text(bytes)
        case PostgresType.date:
            return integer(4).map { CalendarDate(daysSinceEpoch: $0 + PostgresEpoch.days).description }
        case PostgresType.timestamp, PostgresType.timestamptz:
            return integer(8).flatMap { micros in
                let (sum, overflow) = micros.addingReportingOverflow(PostgresEpoch.microseconds)
                return overflow ? nil : TimestampFormatting.format(microseconds: sum)
            }
        case PostgresType.interval:
            guard bytes.count == 16, let micros = integer(8, at: 0), let days = integer(4, at: 8),
                let months = integer(4, at: 12)
            else { return nil }
            return IntervalText.postgres(
                Interval(
                    months: Int32(truncatingIfNeeded: months), days: Int32(truncatingIfNeeded: days), micros: micros))
        case PostgresType.text, PostgresType.varchar, PostgresType.unknown, 0:
            return String(validating: bytes, as: UTF8.self)
        default:
            return nil
        }
    }

    /// A double as text a cast reads back exactly.
    static func doubleText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }
}

extension String {
    /// Without leading and trailing spaces.
    var trimmingSpaces: String {
        let scalars = unicodeScalars.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        var text = String(scalars)
        while let last = text.last, last == " " || last == "\t" || last == "\n" || last == "\r" { text.removeLast() }
        return text
    }
}
