/// How Starling's types are written in Parquet: physical types, logical and converted types.

import StarlingColumns
import StarlingParquet

/// Parquet's physical types (the `Type` enum of the format's Thrift definition).
enum ParquetPhysicalType: Int32 {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    case double = 5
    case byteArray = 6
}

/// Parquet's value encodings (the `Encoding` enum).
enum ParquetEncoding: Int32 {
    case plain = 0
    case rle = 3
    case rleDictionary = 8
}

/// One column of a Parquet file Starling writes: a name, its Starling type and the physical
/// type that holds it. Every column is OPTIONAL (definition level 1 for a value, 0 for NULL).
struct ParquetColumnSchema {
    let name: String
    let type: LogicalType
    let physical: ParquetPhysicalType

    /// The column for `type`; nil for INTERVAL, which Parquet's INTERVAL (months, days and
    /// milliseconds) cannot hold exactly.
    init?(name: String, type: LogicalType) {
        self.name = name
        self.type = type
        switch type {
        case .boolean: physical = .boolean
        case .tinyint, .smallint, .integer, .date: physical = .int32
        case .bigint, .decimal, .timestamp: physical = .int64
        case .double: physical = .double
        case .varchar: physical = .byteArray
        case .interval: return nil
        }
    }

    /// Writes the column's `SchemaElement`: type, repetition, name, converted type (for older
    /// readers), and logical type.
    func write(to thrift: inout ThriftCompactWriter) {
        thrift.beginListStruct()
        thrift.field(1, i32: physical.rawValue)
        thrift.field(3, i32: 1)  // OPTIONAL
        thrift.field(4, string: name)
        switch type {
        case .tinyint, .smallint:
            let bits: Int8 = type == .tinyint ? 8 : 16
            thrift.field(6, i32: type == .tinyint ? 15 : 16)  // INT_8, INT_16
            thrift.beginStruct(10)
            thrift.beginStruct(10)  // IntType
            thrift.field(1, byte: bits)
            thrift.field(2, bool: true)
            thrift.endStruct()
            thrift.endStruct()
        case .decimal(let precision, let scale):
            thrift.field(6, i32: 5)  // DECIMAL
            thrift.field(7, i32: Int32(scale))
            thrift.field(8, i32: Int32(precision))
            thrift.beginStruct(10)
            thrift.beginStruct(5)  // DecimalType
            thrift.field(1, i32: Int32(scale))
            thrift.field(2, i32: Int32(precision))
            thrift.endStruct()
            thrift.endStruct()
        case .date:
            thrift.field(6, i32: 6)  // DATE
            thrift.beginStruct(10)
            thrift.emptyStruct(6)
            thrift.endStruct()
        case .timestamp:
            // Not adjusted to UTC: no converted type (TIMESTAMP_MICROS means adjusted).
            thrift.beginStruct(10)
            thrift.beginStruct(8)  // TimestampType
            thrift.field(1, bool: false)
            thrift.beginStruct(2)
            thrift.emptyStruct(2)  // MICROS
            thrift.endStruct()
            thrift.endStruct()
            thrift.endStruct()
        case .varchar:
            thrift.field(6, i32: 0)  // UTF8
            thrift.beginStruct(10)
            thrift.emptyStruct(1)  // StringType
            thrift.endStruct()
        case .boolean, .integer, .bigint, .double, .interval:
            break
        }
        thrift.endStruct()
    }
}
