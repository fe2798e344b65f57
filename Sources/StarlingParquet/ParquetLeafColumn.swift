/// The leaf columns of a Parquet schema, with the Starling type each is read as.

import StarlingColumns

/// How a leaf's physical values become Starling's stored representation.
enum ParquetConversion: Sendable, Equatable {
    case boolean
    /// INT32 or INT64 as they are (signed), or DECIMAL's unscaled value, or DATE's days.
    case signed
    /// INT32 read unsigned (UINT_8…UINT_32), INT64 unsigned (UINT_64: above BIGINT is an error).
    case unsigned
    case float, double
    /// TIMESTAMP in milliseconds, microseconds or nanoseconds, to microseconds.
    case timestamp(unitsPerMicrosecond: Int64, microsecondsPerUnit: Int64)
    /// Spark's and Impala's INT96 timestamps: nanoseconds of the day, then the Julian day.
    case int96Timestamp
    /// DECIMAL as a big-endian two's complement byte array (BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY).
    case decimalBytes
    /// Bytes as a string (UTF-8 text, or binary kept as it is).
    case string
    /// A 16-byte UUID, written in its 8-4-4-4-12 hexadecimal form.
    case uuid
}

/// One leaf column: its dotted path (nested fields joined by `.`, as NDJSON's are), levels, and
/// the Starling type it reads as, or why it cannot be read.
public struct ParquetLeafColumn: Sendable, Equatable {
    /// The column's index among the leaves (its column chunk in each row group).
    public let index: Int
    public let path: [String]
    public var name: String { path.joined(separator: ".") }
    public let physicalType: Int32
    let typeLength: Int
    public let maxDefinition: Int
    public let maxRepetition: Int
    /// The Starling type, nil when ``unsupported`` says why it cannot be read.
    public let type: LogicalType?
    public let unsupported: String?
    let conversion: ParquetConversion
}

/// Parquet's physical type numbers.
enum ParquetPhysical {
    static let boolean: Int32 = 0
    static let int32: Int32 = 1
    static let int64: Int32 = 2
    static let int96: Int32 = 3
    static let float: Int32 = 4
    static let double: Int32 = 5
    static let byteArray: Int32 = 6
    static let fixedLengthByteArray: Int32 = 7
}

extension ParquetLeafColumn {
    /// The leaves of `schema` (the flattened tree, root first), in order; a damaged tree (child
    /// counts past its end) is an error.
    static func leaves(of schema: [ParquetSchemaElement]) throws(ParquetSchemaProblem) -> [ParquetLeafColumn] {
        guard let root = schema.first else { throw ParquetSchemaProblem("the schema is empty") }
        var leaves: [ParquetLeafColumn] = []
        var next = 1
        func visit(_ path: [String], definition: Int, repetition: Int, depth: Int) throws(ParquetSchemaProblem) {
            guard next < schema.count else { throw ParquetSchemaProblem("the schema ends inside a group") }
            guard depth < 64 else { throw ParquetSchemaProblem("the schema nests too deeply") }
            let element = schema[next]
            next += 1
            let repetitionType = element.repetition ?? 0
            let definition = definition + (repetitionType == 0 ? 0 : 1)
            let repetition = repetition + (repetitionType == 2 ? 1 : 0)
            let path = path + [element.name]
            if element.childCount > 0 || element.physicalType == nil {
                for _ in 0..<element.childCount {
                    try visit(path, definition: definition, repetition: repetition, depth: depth + 1)
                }
                return
            }
            leaves.append(
                leaf(element, index: leaves.count, path: path, definition: definition, repetition: repetition))
        }
        for _ in 0..<root.childCount { try visit([], definition: 0, repetition: 0, depth: 0) }
        guard next == schema.count else { throw ParquetSchemaProblem("the schema has elements outside its root") }
        return leaves
    }

    private static func leaf(
        _ element: ParquetSchemaElement, index: Int, path: [String], definition: Int, repetition: Int
    ) -> ParquetLeafColumn {
        let physical = element.physicalType ?? -1
        var (type, conversion, problem) = mapping(element)
        if repetition > 0 {
            (type, problem) = (nil, "a list (repeated field), which Starling cannot hold until it has lists")
        }
        return ParquetLeafColumn(
            index: index, path: path, physicalType: physical, typeLength: Int(element.typeLength ?? 0),
            maxDefinition: definition, maxRepetition: repetition, type: type, unsupported: problem,
            conversion: conversion)
    }

    /// The Starling type of a leaf, from its logical type (or converted type) and physical type.
    private static func mapping(_ element: ParquetSchemaElement) -> (LogicalType?, ParquetConversion, String?) {
        let physical = element.physicalType ?? -1
        let converted = element.convertedType
        func decimal(_ precision: Int32, _ scale: Int32) -> (LogicalType?, ParquetConversion, String?) {
            guard (1...18).contains(precision), (0...precision).contains(scale) else {
                return (nil, .signed, "DECIMAL(\(precision),\(scale)): Starling's decimals hold 1 to 18 digits")
            }
            let conversion: ParquetConversion =
                physical == ParquetPhysical.int32 || physical == ParquetPhysical.int64 ? .signed : .decimalBytes
            return (.decimal(precision: Int(precision), scale: Int(scale)), conversion, nil)
        }
        switch element.logicalType {
        case .decimal(let scale, let precision)?: return decimal(precision, scale)
        case .date?: return (.date, .signed, nil)
        case .timestamp(_, let unit)?: return timestamp(unit)
        case .time?: return (nil, .signed, "TIME, which Starling does not have")
        case .uuid?: return (.varchar, .uuid, nil)
        case .integer(let width, let signed)?:
            switch (width, signed) {
            case (8, true): return (.tinyint, .signed, nil)
            case (16, true), (8, false): return (.smallint, signed ? .signed : .unsigned, nil)
            case (32, true), (16, false): return (.integer, signed ? .signed : .unsigned, nil)
            case (64, true), (32, false): return (.bigint, signed ? .signed : .unsigned, nil)
            case (64, false): return (.bigint, .unsigned, nil)
            default: return (nil, .signed, "an INTEGER(\(width)) column")
            }
        case .map?, .list?: return (nil, .signed, "a map or list, which Starling cannot hold")
        default: break
        }
        switch converted {
        case 5?: return decimal(element.precision ?? 0, element.scale ?? 0)
        case 6?: return (.date, .signed, nil)
        case 9?: return timestamp(1)
        case 10?: return timestamp(2)
        case 15?: return (.tinyint, .signed, nil)
        case 16?: return (.smallint, .signed, nil)
        case 11?: return (.smallint, .unsigned, nil)
        case 12?: return (.integer, .unsigned, nil)
        case 13?, 14?: return (.bigint, .unsigned, nil)
        case 7?, 8?: return (nil, .signed, "TIME, which Starling does not have")
        case 21?: return (nil, .signed, "INTERVAL, which Starling cannot read from Parquet yet")
        default: break
        }
        switch physical {
        case ParquetPhysical.boolean: return (.boolean, .boolean, nil)
        case ParquetPhysical.int32: return (.integer, .signed, nil)
        case ParquetPhysical.int64: return (.bigint, .signed, nil)
        case ParquetPhysical.int96: return (.timestamp, .int96Timestamp, nil)
        case ParquetPhysical.float: return (.double, .float, nil)
        case ParquetPhysical.double: return (.double, .double, nil)
        case ParquetPhysical.byteArray, ParquetPhysical.fixedLengthByteArray: return (.varchar, .string, nil)
        default: return (nil, .signed, "physical type \(physical)")
        }
    }

    private static func timestamp(_ unit: Int) -> (LogicalType?, ParquetConversion, String?) {
        switch unit {
        case 1: return (.timestamp, .timestamp(unitsPerMicrosecond: 1, microsecondsPerUnit: 1_000), nil)
        case 2: return (.timestamp, .timestamp(unitsPerMicrosecond: 1, microsecondsPerUnit: 1), nil)
        case 3: return (.timestamp, .timestamp(unitsPerMicrosecond: 1_000, microsecondsPerUnit: 1), nil)
        default: return (nil, .signed, "a TIMESTAMP of unknown unit \(unit)")
        }
    }
}

/// A schema that does not describe a tree.
struct ParquetSchemaProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
