/// The parts of a Parquet file's metadata Starling reads: FileMetaData and what it holds.

/// One element of the flattened schema tree (`SchemaElement`).
public struct ParquetSchemaElement: Sendable, Equatable {
    /// The physical type (`Type`), nil for a group.
    public var physicalType: Int32?
    public var typeLength: Int32?
    /// REQUIRED 0, OPTIONAL 1, REPEATED 2; nil (the root) as REQUIRED.
    public var repetition: Int32?
    public var name: String
    public var childCount: Int
    public var convertedType: Int32?
    public var scale: Int32?
    public var precision: Int32?
    public var logicalType: ParquetLogicalType?
}

/// The `LogicalType` union's members Starling reads.
public enum ParquetLogicalType: Sendable, Equatable {
    case string, map, list, enumeration, json, bson, uuid, date, unknown
    case decimal(scale: Int32, precision: Int32)
    /// Time and timestamp units: 1 millis, 2 micros, 3 nanos.
    case time(adjustedToUTC: Bool, unit: Int)
    case timestamp(adjustedToUTC: Bool, unit: Int)
    case integer(bitWidth: Int8, signed: Bool)
    case other(Int16)
}

/// Min, max and NULL count of a column chunk (PLAIN bytes, without a length for BYTE_ARRAY).
public struct ParquetChunkStatistics: Sendable, Equatable {
    public var nullCount: Int64?
    /// `min_value` / `max_value`, or the deprecated `min` / `max` when only those are there.
    public var minimum: [UInt8]?
    public var maximum: [UInt8]?
    /// Whether the values come from the deprecated fields (signed byte order for strings).
    public var deprecatedOrder = false
}

/// A column chunk's metadata (`ColumnChunk` with its `ColumnMetaData`).
public struct ParquetColumnChunk: Sendable, Equatable {
    public var physicalType: Int32
    public var path: [String]
    public var codec: Int32
    public var valueCount: Int64
    public var compressedSize: Int64
    public var dataPageOffset: Int64
    public var dictionaryPageOffset: Int64?
    public var statistics: ParquetChunkStatistics?
}

public struct ParquetRowGroup: Sendable, Equatable {
    public var columns: [ParquetColumnChunk]
    public var rowCount: Int64
}

/// FileMetaData.
public struct ParquetFileMetadata: Sendable, Equatable {
    public var version: Int32
    public var schema: [ParquetSchemaElement]
    public var rowCount: Int64
    public var rowGroups: [ParquetRowGroup]
    public var createdBy: String?
}

/// A page's header (`PageHeader` and its data, dictionary or version 2 data page header).
struct ParquetPageHeader {
    /// DATA_PAGE 0, INDEX_PAGE 1, DICTIONARY_PAGE 2, DATA_PAGE_V2 3.
    var type: Int32
    var uncompressedSize: Int
    var compressedSize: Int
    var valueCount = 0
    var encoding: Int32 = 0
    var definitionEncoding: Int32 = 3
    var repetitionEncoding: Int32 = 3
    /// Version 2 data pages: the levels' byte lengths (stored uncompressed, before the values),
    /// and whether the values are compressed.
    var definitionBytes = 0
    var repetitionBytes = 0
    var isCompressed = true
    var nullCount = 0
    var rowCount = 0
}
