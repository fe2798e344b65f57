/// Starling's types as PostgreSQL type OIDs, sizes and modifiers, for RowDescription and
/// parameters (the table itself is StarlingColumns' `PostgresTypeCatalog`, which `pg_catalog` shares).

import StarlingColumns
import StarlingWire

/// The PostgreSQL types the server speaks, by OID.
enum PostgresType {
    static let bool = PostgresTypeCatalog.bool
    static let int8 = PostgresTypeCatalog.int8
    static let int2 = PostgresTypeCatalog.int2
    static let int4 = PostgresTypeCatalog.int4
    static let text = PostgresTypeCatalog.text
    static let float4 = PostgresTypeCatalog.float4
    static let float8 = PostgresTypeCatalog.float8
    static let unknown = PostgresTypeCatalog.unknown
    static let varchar = PostgresTypeCatalog.varchar
    static let date = PostgresTypeCatalog.date
    static let timestamp = PostgresTypeCatalog.timestamp
    static let timestamptz = PostgresTypeCatalog.timestamptz
    static let interval = PostgresTypeCatalog.interval
    static let numeric = PostgresTypeCatalog.numeric

    /// The OID of a result column of `type`, as `pg_attribute.atttypid` has it.
    static func oid(of type: LogicalType) -> UInt32 { PostgresTypeCatalog.oid(of: type) }

    /// The type's size in bytes, -1 when variable.
    static func size(of type: LogicalType) -> Int16 { PostgresTypeCatalog.size(of: type) }

    /// A numeric's modifier; -1 for the other types.
    static func modifier(of type: LogicalType) -> Int32 { PostgresTypeCatalog.modifier(of: type) }

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
