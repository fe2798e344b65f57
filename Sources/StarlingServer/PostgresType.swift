/// Starling's types as PostgreSQL type OIDs, sizes and modifiers, for RowDescription and
/// parameters.

import StarlingColumns
import StarlingWire

/// The PostgreSQL types the server speaks, by OID.
enum PostgresType {
    static let bool: UInt32 = 16
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let float4: UInt32 = 700
    static let float8: UInt32 = 701
    static let unknown: UInt32 = 705
    static let varchar: UInt32 = 1043
    static let date: UInt32 = 1082
    static let timestamp: UInt32 = 1114
    static let timestamptz: UInt32 = 1184
    static let interval: UInt32 = 1186
    static let numeric: UInt32 = 1700

    /// The OID of a result column of `type` (TINYINT, which PostgreSQL lacks, as int2).
    static func oid(of type: LogicalType) -> UInt32 {
        switch type {
        case .boolean: return bool
        case .tinyint, .smallint: return int2
        case .integer: return int4
        case .bigint: return int8
        case .double: return float8
        case .decimal: return numeric
        case .date: return date
        case .timestamp: return timestamp
        case .varchar: return varchar
        case .interval: return interval
        }
    }

    /// The type's size in bytes, -1 when variable.
    static func size(of type: LogicalType) -> Int16 {
        switch type {
        case .boolean: return 1
        case .tinyint, .smallint: return 2
        case .integer, .date: return 4
        case .bigint, .double, .timestamp: return 8
        case .interval: return 16
        case .decimal, .varchar: return -1
        }
    }

    /// A numeric's modifier: `((precision << 16) | scale) + 4`, as PostgreSQL stores it; -1
    /// for the other types.
    static func modifier(of type: LogicalType) -> Int32 {
        guard case .decimal(let precision, let scale) = type else { return -1 }
        return Int32((precision << 16) | scale) + 4
    }

    /// The RowDescription field for a column.
    static func field(name: String, type: LogicalType, format: ValueFormat) -> FieldDescription {
        FieldDescription(
            name: name, typeOID: oid(of: type), typeSize: size(of: type), typeModifier: modifier(of: type),
            format: format)
    }

    /// The SQL type a parameter declared with `oid` is cast to; nil for unknown or untyped
    /// parameters, which stay plain string literals (resolved by context, as PostgreSQL's
    /// `unknown` literals are).
    static func sqlType(ofParameter oid: UInt32) -> String? {
        switch oid {
        case bool: return "BOOLEAN"
        case int2: return "SMALLINT"
        case int4: return "INTEGER"
        case int8: return "BIGINT"
        case float4, float8: return "DOUBLE"
        case text, varchar: return "VARCHAR"
        case date: return "DATE"
        case timestamp: return "TIMESTAMP"
        case interval: return "INTERVAL"
        default: return nil
        }
    }

    /// The OID ParameterDescription reports for a parameter declared with `oid`: text for the
    /// undeclared ones, whose values are then sent as text.
    static func described(parameter oid: UInt32) -> UInt32 {
        oid == 0 || oid == unknown ? text : oid
    }
}
