/// Bound parameter values as SQL literals: checked, quoted and cast, so that no value can change
/// the statement it is put into.

import StarlingColumns
import StarlingWire

/// Turns one Bind parameter into the literal that replaces its `$N`. A value is checked for its
/// declared type (a number must be a number) and then always written as a quoted string (`'` doubled)
/// cast to that type — `CAST('42' AS BIGINT)` — or, for an undeclared type, as a plain quoted
/// string, which the statement's context converts as PostgreSQL resolves an `unknown` literal.
enum ParameterLiteral {
    /// The literal for parameter `number` (1-based), sent in `format` and declared as `oid`.
    static func literal(_ value: [UInt8]?, oid: UInt32, format: ValueFormat, number: Int)
        -> Result<String, ParameterError>
    {
        let sqlType = PostgresType.sqlType(ofParameter: oid)
        guard let value else { return .success(sqlType.map { "CAST(NULL AS \($0))" } ?? "NULL") }
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
        if oid == PostgresType.numeric { return .success(numericLiteral(text.trimmingSpaces)) }
        let quoted = "'" + text.replacing("'", with: "''") + "'"
        return .success(sqlType.map { "CAST(\(quoted) AS \($0))" } ?? quoted)
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
    /// most 18 digits, else a DOUBLE.
    static func numericLiteral(_ text: String) -> String {
        let digits = text.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }.count
        if isDecimal(text) && digits <= 18 { return "(\(text.hasPrefix("+") ? String(text.dropFirst()) : text))" }
        return "CAST('\(text)' AS DOUBLE)"
    }

    /// The text of a binary-format value of type `oid`; nil when its length is wrong or the
    /// type has no binary format here.
    static func binaryText(_ bytes: [UInt8], oid: UInt32) -> String? {
        func integer(_ width: Int) -> Int64? {
            guard bytes.count == width else { return nil }
            var value: Int64 = bytes[0] & 0x80 != 0 ? -1 : 0
            for byte in bytes { value = value << 8 | Int64(byte) }
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
