/// Starling's types as PostgreSQL types: the OIDs, names, sizes and modifiers that the wire
/// server's RowDescriptions and the engine's `pg_catalog.pg_type` and `pg_attribute` share.

/// One PostgreSQL type the server speaks or the catalog lists, as `pg_type` describes it.
public struct PostgresTypeEntry: Sendable, Equatable {
    /// `pg_type.oid`.
    public var oid: Int64
    /// `typname`: `int4`, `varchar`, …
    public var name: String
    /// `format_type()`'s spelling: `integer`, `character varying`, …
    public var sqlName: String
    /// `typlen`: the size in bytes, -1 when variable.
    public var length: Int64
    /// `typcategory`: `B`oolean, `N`umeric, `S`tring, `D`ate/time, `T`imespan, `U`ser.
    public var category: String
    /// The OID of the array type of this type (`typarray`); 0 when none is listed.
    public var arrayOID: Int64

    public init(oid: Int64, name: String, sqlName: String, length: Int64, category: String, arrayOID: Int64) {
        self.oid = oid
        self.name = name
        self.sqlName = sqlName
        self.length = length
        self.category = category
        self.arrayOID = arrayOID
    }
}

/// The PostgreSQL types, by OID, and Starling's types mapped to them.
public enum PostgresTypeCatalog {
    public static let bool: UInt32 = 16
    public static let char: UInt32 = 18
    public static let name: UInt32 = 19
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let oid: UInt32 = 26
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let unknown: UInt32 = 705
    public static let varchar: UInt32 = 1043
    public static let date: UInt32 = 1082
    public static let timestamp: UInt32 = 1114
    public static let timestamptz: UInt32 = 1184
    public static let interval: UInt32 = 1186
    public static let numeric: UInt32 = 1700

    /// The types `pg_type` lists: those Starling's types map to, and those the catalog's own
    /// columns and the server's parameters use.
    public static let entries: [PostgresTypeEntry] = [
        PostgresTypeEntry(oid: 16, name: "bool", sqlName: "boolean", length: 1, category: "B", arrayOID: 1000),
        PostgresTypeEntry(oid: 18, name: "char", sqlName: "\"char\"", length: 1, category: "Z", arrayOID: 1002),
        PostgresTypeEntry(oid: 19, name: "name", sqlName: "name", length: 64, category: "S", arrayOID: 1003),
        PostgresTypeEntry(oid: 20, name: "int8", sqlName: "bigint", length: 8, category: "N", arrayOID: 1016),
        PostgresTypeEntry(oid: 21, name: "int2", sqlName: "smallint", length: 2, category: "N", arrayOID: 1005),
        PostgresTypeEntry(oid: 23, name: "int4", sqlName: "integer", length: 4, category: "N", arrayOID: 1007),
        PostgresTypeEntry(oid: 25, name: "text", sqlName: "text", length: -1, category: "S", arrayOID: 1009),
        PostgresTypeEntry(oid: 26, name: "oid", sqlName: "oid", length: 4, category: "N", arrayOID: 1028),
        PostgresTypeEntry(oid: 700, name: "float4", sqlName: "real", length: 4, category: "N", arrayOID: 1021),
        PostgresTypeEntry(
            oid: 701, name: "float8", sqlName: "double precision", length: 8, category: "N", arrayOID: 1022),
        PostgresTypeEntry(oid: 705, name: "unknown", sqlName: "unknown", length: -2, category: "X", arrayOID: 0),
        PostgresTypeEntry(
            oid: 1043, name: "varchar", sqlName: "character varying", length: -1, category: "S", arrayOID: 1015),
        PostgresTypeEntry(oid: 1082, name: "date", sqlName: "date", length: 4, category: "D", arrayOID: 1182),
        PostgresTypeEntry(
            oid: 1114, name: "timestamp", sqlName: "timestamp without time zone", length: 8, category: "D",
            arrayOID: 1115),
        PostgresTypeEntry(
            oid: 1184, name: "timestamptz", sqlName: "timestamp with time zone", length: 8, category: "D",
            arrayOID: 1185),
        PostgresTypeEntry(oid: 1186, name: "interval", sqlName: "interval", length: 16, category: "T", arrayOID: 1187),
        PostgresTypeEntry(oid: 1700, name: "numeric", sqlName: "numeric", length: -1, category: "N", arrayOID: 1231),
    ]

    /// The entry for `oid`, if `pg_type` lists it.
    public static func entry(oid: Int64) -> PostgresTypeEntry? {
        entries.first { $0.oid == oid }
    }

    /// The OID of a column of `type` (TINYINT, which PostgreSQL lacks, as int2).
    public static func oid(of type: LogicalType) -> UInt32 {
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
    public static func size(of type: LogicalType) -> Int16 {
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
    public static func modifier(of type: LogicalType) -> Int32 {
        guard case .decimal(let precision, let scale) = type, type.isValid else { return -1 }
        return Int32((precision << 16) | scale) + 4
    }

    /// `format_type(oid, modifier)`: the type's SQL name, with a numeric's precision and scale;
    /// nil for an OID `pg_type` does not list.
    public static func formatted(oid: Int64, modifier: Int64?) -> String? {
        guard let entry = entry(oid: oid) else { return nil }
        if oid == Int64(numeric), let modifier, modifier >= 4, modifier <= Int64(Int32.max) {
            let packed = modifier - 4
            return "numeric(\(packed >> 16),\(packed & 0xFFFF))"
        }
        return entry.sqlName
    }
}
