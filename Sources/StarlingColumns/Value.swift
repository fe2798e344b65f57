/// A single scalar value, used for literals, statistics and tests; never in hot loops.

/// One value of some ``LogicalType``. The type gives the meaning of the payload: `.integer` holds
/// TINYINT…BIGINT values, DECIMAL unscaled values, DATE days and TIMESTAMP microseconds.
public enum Value: Hashable, Sendable {
    case null
    case boolean(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    /// An INTERVAL, its parts as given (identity compares them one by one: `1 month` is not
    /// `30 days` here, though SQL finds them equal).
    case interval(Interval)

    /// Identity, not SQL equality: doubles compare by bit pattern, so NaN equals itself and
    /// `-0.0` differs from `0.0` (what round-trip tests need).
    public static func == (left: Value, right: Value) -> Bool {
        switch (left, right) {
        case (.null, .null): return true
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): return a == b
        case (.interval(let a), .interval(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .boolean(let value): hasher.combine(1); hasher.combine(value)
        case .integer(let value): hasher.combine(2); hasher.combine(value)
        case .double(let value): hasher.combine(3); hasher.combine(value.bitPattern)
        case .string(let value): hasher.combine(4); hasher.combine(value)
        case .interval(let value): hasher.combine(5); hasher.combine(value)
        }
    }

    /// Whether this is SQL NULL.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Renders the value as SQL would print it for `type` (`12.50`, `2025-03-01`, `true`).
    public func formatted(as type: LogicalType) -> String {
        switch self {
        case .null:
            return "NULL"
        case .boolean(let value):
            return value ? "true" : "false"
        case .double(let value):
            return DoubleFormatting.format(value)
        case .string(let value):
            return value
        case .interval(let value):
            return value.description
        case .integer(let value):
            switch type {
            case .decimal(_, let scale): return DecimalFormatting.format(unscaled: value, scale: scale)
            case .date: return CalendarDate(daysSinceEpoch: value).description
            case .timestamp: return TimestampFormatting.format(microseconds: value)
            case .boolean: return value != 0 ? "true" : "false"
            case .tinyint, .smallint, .integer, .bigint, .double, .varchar, .interval: return String(value)
            }
        }
    }
}

/// Formats doubles the way PostgreSQL and DuckDB print them: shortest round-trip digits.
public enum DoubleFormatting {
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value)) + ".0"
        }
        return "\(value)"
    }
}

/// Formats scaled integers as decimals.
public enum DecimalFormatting {
    /// `format(unscaled: -1205, scale: 2)` is `-12.05`.
    public static func format(unscaled: Int64, scale: Int) -> String {
        format(unscaled: Int128(unscaled), scale: scale)
    }

    /// The same for a 128-bit unscaled value (an exact sum past BIGINT, in an error message).
    public static func format(unscaled: Int128, scale: Int) -> String {
        if scale == 0 { return String(unscaled) }
        let negative = unscaled < 0
        // Work on the magnitude, unsigned, so the type's minimum does not overflow.
        let magnitude = unscaled.magnitude
        var digits = String(magnitude)
        if digits.count <= scale {
            digits = String(repeating: "0", count: scale - digits.count + 1) + digits
        }
        let pointIndex = digits.index(digits.endIndex, offsetBy: -scale)
        return (negative ? "-" : "") + digits[..<pointIndex] + "." + digits[pointIndex...]
    }
}
