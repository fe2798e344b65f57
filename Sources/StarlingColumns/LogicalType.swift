/// The SQL types Starling stores, and the physical representation each one uses in memory and on disk.

/// A column's SQL type.
///
/// Every logical type maps to exactly one ``PhysicalType``; kernels dispatch on the physical type
/// once per vector and then run a loop specialised for it.
public enum LogicalType: Hashable, Sendable {
    case boolean
    case tinyint
    case smallint
    case integer
    case bigint
    case double
    /// An exact decimal with `precision` ≤ 18 digits, `scale` of them after the point,
    /// stored as the unscaled value in an `Int64` (`12.34` with scale 2 is stored as `1234`).
    case decimal(precision: Int, scale: Int)
    /// Days since 1970-01-01, as an `Int32`.
    case date
    /// Microseconds since 1970-01-01 00:00:00 UTC, as an `Int64`.
    case timestamp
    /// UTF-8 text.
    case varchar
    /// A span of time: months, days and microseconds kept apart, as DuckDB keeps them
    /// (``Interval``). Only in queries: the segment and catalog formats have no INTERVAL, so no
    /// table or view column has this type.
    case interval

    /// The largest decimal precision an `Int64` holds exactly.
    public static let maximumDecimalPrecision = 18

    /// How values of this type are laid out.
    public var physicalType: PhysicalType {
        switch self {
        case .boolean: return .boolean
        case .tinyint: return .int8
        case .smallint: return .int16
        case .integer, .date: return .int32
        case .bigint, .decimal, .timestamp: return .int64
        case .double: return .float64
        case .varchar: return .string
        case .interval: return .interval
        }
    }

    /// Whether a table or view column may have this type: every type but INTERVAL, which the
    /// segment and catalog formats do not have.
    public var isStorable: Bool {
        switch self {
        case .boolean, .tinyint, .smallint, .integer, .bigint, .double, .decimal, .date, .timestamp, .varchar: return true
        case .interval: return false
        }
    }

    /// Whether the type is valid: decimal precision in 1...18 and scale in 0...precision.
    public var isValid: Bool {
        if case .decimal(let precision, let scale) = self {
            return (1...LogicalType.maximumDecimalPrecision).contains(precision) && (0...precision).contains(scale)
        }
        return true
    }
}

extension LogicalType: CustomStringConvertible {
    /// The SQL spelling of the type, for example `DECIMAL(12,2)`.
    public var description: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .tinyint: return "TINYINT"
        case .smallint: return "SMALLINT"
        case .integer: return "INTEGER"
        case .bigint: return "BIGINT"
        case .double: return "DOUBLE"
        case .decimal(let precision, let scale): return "DECIMAL(\(precision),\(scale))"
        case .date: return "DATE"
        case .timestamp: return "TIMESTAMP"
        case .varchar: return "VARCHAR"
        case .interval: return "INTERVAL"
        }
    }
}

/// The in-memory representation of a column's values.
public enum PhysicalType: Hashable, Sendable {
    /// One byte per value, 0 or 1.
    case boolean
    case int8
    case int16
    case int32
    case int64
    /// IEEE 754 binary64.
    case float64
    /// Variable-length UTF-8 bytes, as offsets and bytes or as dictionary codes.
    case string
    /// 16 bytes: months (`Int32`), days (`Int32`), microseconds (`Int64`), as ``Interval``.
    case interval

    /// Bytes per value for fixed-width types; `nil` for strings.
    public var byteWidth: Int? {
        switch self {
        case .boolean, .int8: return 1
        case .int16: return 2
        case .int32: return 4
        case .int64, .float64: return 8
        case .interval: return 16
        case .string: return nil
        }
    }

    /// Whether values are integers (booleans count: they are 0 or 1), so integer encodings apply.
    public var isInteger: Bool {
        switch self {
        case .boolean, .int8, .int16, .int32, .int64: return true
        case .float64, .string, .interval: return false
        }
    }

    /// The smallest and largest value an integer physical type holds, as `Int64`.
    public var integerRange: ClosedRange<Int64>? {
        switch self {
        case .boolean: return 0...1
        case .int8: return Int64(Int8.min)...Int64(Int8.max)
        case .int16: return Int64(Int16.min)...Int64(Int16.max)
        case .int32: return Int64(Int32.min)...Int64(Int32.max)
        case .int64: return Int64.min...Int64.max
        case .float64, .string, .interval: return nil
        }
    }
}
