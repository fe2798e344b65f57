/// Decoding Parquet's metadata from the Thrift compact protocol, field by field; fields Starling
/// does not use are skipped, required ones checked.

import StarlingEncoding

extension ParquetFileMetadata {
    /// Decodes FileMetaData from the footer's bytes, which start at file offset `offset`.
    static func decode(_ buffer: UnsafeRawBufferPointer, offset: Int) throws(EncodedDataError) -> ParquetFileMetadata {
        var thrift = ThriftCompactReader(buffer, baseOffset: offset)
        var metadata = ParquetFileMetadata(version: 0, schema: [], rowCount: -1, rowGroups: [], createdBy: nil)
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .i32): metadata.version = try thrift.readI32("the format version")
            case (2, .list):
                let (type, count) = try thrift.readListHeader("the schema")
                guard type == .structure else { throw thrift.bytes.error("the schema is not a list of structures") }
                for _ in 0..<count { metadata.schema.append(try ParquetSchemaElement.decode(&thrift)) }
            case (3, .i64): metadata.rowCount = try thrift.readI64("the row count")
            case (4, .list):
                let (type, count) = try thrift.readListHeader("the row groups")
                guard type == .structure else { throw thrift.bytes.error("the row groups are not structures") }
                for _ in 0..<count { metadata.rowGroups.append(try ParquetRowGroup.decode(&thrift)) }
            case (6, .binary): metadata.createdBy = try thrift.readString("created_by")
            default: try thrift.skip(field.type)
            }
        }
        guard !metadata.schema.isEmpty, metadata.rowCount >= 0 else {
            throw thrift.bytes.error("the footer has no schema or row count")
        }
        return metadata
    }
}

extension ParquetSchemaElement {
    static func decode(_ thrift: inout ThriftCompactReader) throws(EncodedDataError) -> ParquetSchemaElement {
        try thrift.beginStruct()
        var element = ParquetSchemaElement(
            physicalType: nil, typeLength: nil, repetition: nil, name: "", childCount: 0, convertedType: nil,
            scale: nil, precision: nil, logicalType: nil)
        var named = false
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .i32): element.physicalType = try thrift.readI32("a column's type")
            case (2, .i32): element.typeLength = try thrift.readI32("a type length")
            case (3, .i32): element.repetition = try thrift.readI32("a repetition")
            case (4, .binary):
                element.name = try thrift.readString("a column name")
                named = true
            case (5, .i32):
                let count = try thrift.readI32("a child count")
                guard count >= 0 else { throw thrift.bytes.error("a negative child count") }
                element.childCount = Int(count)
            case (6, .i32): element.convertedType = try thrift.readI32("a converted type")
            case (7, .i32): element.scale = try thrift.readI32("a scale")
            case (8, .i32): element.precision = try thrift.readI32("a precision")
            case (10, .structure): element.logicalType = try ParquetLogicalType.decode(&thrift)
            default: try thrift.skip(field.type)
            }
        }
        thrift.endStruct()
        guard named else { throw thrift.bytes.error("a schema element has no name") }
        return element
    }
}

extension ParquetLogicalType {
    /// The union: one member field, itself a structure.
    static func decode(_ thrift: inout ThriftCompactReader) throws(EncodedDataError) -> ParquetLogicalType {
        try thrift.beginStruct()
        var result = ParquetLogicalType.unknown
        while let field = try thrift.nextField() {
            guard field.type == .structure else {
                try thrift.skip(field.type)
                continue
            }
            switch field.id {
            case 1: result = .string
            case 2: result = .map
            case 3: result = .list
            case 4: result = .enumeration
            case 6: result = .date
            case 11: result = .unknown
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 5:
                result = try decodeDecimal(&thrift)
                continue
            case 7, 8:
                let (adjusted, unit) = try decodeTime(&thrift)
                result =
                    field.id == 7
                    ? .time(adjustedToUTC: adjusted, unit: unit) : .timestamp(adjustedToUTC: adjusted, unit: unit)
                continue
            case 10:
                result = try decodeInteger(&thrift)
                continue
            default: result = .other(field.id)
            }
            try thrift.skip(.structure)
        }
        thrift.endStruct()
        return result
    }

    private static func decodeDecimal(_ thrift: inout ThriftCompactReader) throws(EncodedDataError)
        -> ParquetLogicalType
    {
        try thrift.beginStruct()
        var scale: Int32 = 0
        var precision: Int32 = 0
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .i32): scale = try thrift.readI32("a decimal's scale")
            case (2, .i32): precision = try thrift.readI32("a decimal's precision")
            default: try thrift.skip(field.type)
            }
        }
        thrift.endStruct()
        return .decimal(scale: scale, precision: precision)
    }

    private static func decodeTime(_ thrift: inout ThriftCompactReader) throws(EncodedDataError) -> (Bool, Int) {
        try thrift.beginStruct()
        var adjusted = false
        var unit = 0
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .booleanTrue), (1, .booleanFalse): adjusted = thrift.boolean(field.type)
            case (2, .structure):
                try thrift.beginStruct()
                while let member = try thrift.nextField() {
                    if member.type == .structure { unit = Int(member.id) }
                    try thrift.skip(member.type)
                }
                thrift.endStruct()
            default: try thrift.skip(field.type)
            }
        }
        thrift.endStruct()
        return (adjusted, unit)
    }

    private static func decodeInteger(_ thrift: inout ThriftCompactReader) throws(EncodedDataError)
        -> ParquetLogicalType
    {
        try thrift.beginStruct()
        var width: Int8 = 0
        var signed = true
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .byte): width = try thrift.readByteValue("an integer's width")
            case (2, .booleanTrue), (2, .booleanFalse): signed = thrift.boolean(field.type)
            default: try thrift.skip(field.type)
            }
        }
        thrift.endStruct()
        return .integer(bitWidth: width, signed: signed)
    }
}

extension ParquetRowGroup {
    static func decode(_ thrift: inout ThriftCompactReader) throws(EncodedDataError) -> ParquetRowGroup {
        try thrift.beginStruct()
        var group = ParquetRowGroup(columns: [], rowCount: -1)
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .list):
                let (type, count) = try thrift.readListHeader("a row group's columns")
                guard type == .structure else { throw thrift.bytes.error("a row group's columns are not structures") }
                for _ in 0..<count { group.columns.append(try ParquetColumnChunk.decode(&thrift)) }
            case (3, .i64): group.rowCount = try thrift.readI64("a row group's row count")
            default: try thrift.skip(field.type)
            }
        }
        thrift.endStruct()
        guard group.rowCount >= 0 else { throw thrift.bytes.error("a row group without a row count") }
        return group
    }
}

extension ParquetColumnChunk {
    /// A ColumnChunk; its ColumnMetaData must be inline (files with metadata elsewhere, via
    /// `file_path`, are refused).
    static func decode(_ thrift: inout ThriftCompactReader) throws(EncodedDataError) -> ParquetColumnChunk {
        try thrift.beginStruct()
        var chunk: ParquetColumnChunk?
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .binary):
                throw thrift.bytes.error("a column chunk in another file (\(try thrift.readString("a file path")))")
            case (3, .structure): chunk = try decodeMetadata(&thrift)
            default: try thrift.skip(field.type)
            }
        }
        thrift.endStruct()
        guard let chunk else { throw thrift.bytes.error("a column chunk without its metadata") }
        return chunk
    }

    private static func decodeMetadata(_ thrift: inout ThriftCompactReader) throws(EncodedDataError)
        -> ParquetColumnChunk
    {
        try thrift.beginStruct()
        var chunk = ParquetColumnChunk(
            physicalType: -1, path: [], codec: 0, valueCount: -1, compressedSize: -1, dataPageOffset: -1,
            dictionaryPageOffset: nil, statistics: nil)
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .i32): chunk.physicalType = try thrift.readI32("a chunk's type")
            case (3, .list):
                let (type, count) = try thrift.readListHeader("a chunk's path")
                guard type == .binary else { throw thrift.bytes.error("a chunk's path is not strings") }
                for _ in 0..<count { chunk.path.append(try thrift.readString("a path element")) }
            case (4, .i32): chunk.codec = try thrift.readI32("a codec")
            case (5, .i64): chunk.valueCount = try thrift.readI64("a chunk's value count")
            case (7, .i64): chunk.compressedSize = try thrift.readI64("a chunk's compressed size")
            case (9, .i64): chunk.dataPageOffset = try thrift.readI64("a data page offset")
            case (11, .i64): chunk.dictionaryPageOffset = try thrift.readI64("a dictionary page offset")
            case (12, .structure): chunk.statistics = try ParquetChunkStatistics.decode(&thrift)
            default: try thrift.skip(field.type)
            }
        }
        thrift.endStruct()
        guard chunk.physicalType >= 0, chunk.valueCount >= 0, chunk.compressedSize >= 0, chunk.dataPageOffset >= 0
        else { throw thrift.bytes.error("a column chunk's metadata lacks its type, counts or offsets") }
        return chunk
    }
}

extension ParquetChunkStatistics {
    static func decode(_ thrift: inout ThriftCompactReader) throws(EncodedDataError) -> ParquetChunkStatistics {
        try thrift.beginStruct()
        var statistics = ParquetChunkStatistics()
        var oldMinimum: [UInt8]?
        var oldMaximum: [UInt8]?
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .binary): oldMaximum = try thrift.readBinary("a maximum")
            case (2, .binary): oldMinimum = try thrift.readBinary("a minimum")
            case (3, .i64): statistics.nullCount = try thrift.readI64("a NULL count")
            case (5, .binary): statistics.maximum = try thrift.readBinary("a maximum")
            case (6, .binary): statistics.minimum = try thrift.readBinary("a minimum")
            default: try thrift.skip(field.type)
            }
        }
        thrift.endStruct()
        if statistics.minimum == nil && statistics.maximum == nil, let oldMinimum, let oldMaximum {
            statistics.minimum = oldMinimum
            statistics.maximum = oldMaximum
            statistics.deprecatedOrder = true
        }
        return statistics
    }
}

extension ParquetPageHeader {
    /// Decodes a page header at the reader's position (it ends where the page's body starts).
    static func decode(_ thrift: inout ThriftCompactReader) throws(EncodedDataError) -> ParquetPageHeader {
        var header = ParquetPageHeader(type: -1, uncompressedSize: -1, compressedSize: -1)
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .i32): header.type = try thrift.readI32("a page type")
            case (2, .i32): header.uncompressedSize = Int(try thrift.readI32("a page's uncompressed size"))
            case (3, .i32): header.compressedSize = Int(try thrift.readI32("a page's compressed size"))
            case (5, .structure): try decodeData(&thrift, &header)
            case (7, .structure): try decodeDictionary(&thrift, &header)
            case (8, .structure): try decodeDataV2(&thrift, &header)
            default: try thrift.skip(field.type)
            }
        }
        guard header.type >= 0, header.uncompressedSize >= 0, header.compressedSize >= 0, header.valueCount >= 0
        else { throw thrift.bytes.error("a page header lacks its type or sizes, or has a negative one") }
        return header
    }

    private static func decodeData(_ thrift: inout ThriftCompactReader, _ header: inout ParquetPageHeader)
        throws(EncodedDataError)
    {
        try thrift.beginStruct()
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .i32): header.valueCount = Int(try thrift.readI32("a page's value count"))
            case (2, .i32): header.encoding = try thrift.readI32("a page's encoding")
            case (3, .i32): header.definitionEncoding = try thrift.readI32("a definition level encoding")
            case (4, .i32): header.repetitionEncoding = try thrift.readI32("a repetition level encoding")
            default: try thrift.skip(field.type)
            }
        }
        thrift.endStruct()
    }

    private static func decodeDictionary(_ thrift: inout ThriftCompactReader, _ header: inout ParquetPageHeader)
        throws(EncodedDataError)
    {
        try thrift.beginStruct()
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .i32): header.valueCount = Int(try thrift.readI32("a dictionary's size"))
            case (2, .i32): header.encoding = try thrift.readI32("a dictionary's encoding")
            default: try thrift.skip(field.type)
            }
        }
        thrift.endStruct()
    }

    private static func decodeDataV2(_ thrift: inout ThriftCompactReader, _ header: inout ParquetPageHeader)
        throws(EncodedDataError)
    {
        try thrift.beginStruct()
        while let field = try thrift.nextField() {
            switch (field.id, field.type) {
            case (1, .i32): header.valueCount = Int(try thrift.readI32("a page's value count"))
            case (2, .i32): header.nullCount = Int(try thrift.readI32("a page's NULL count"))
            case (3, .i32): header.rowCount = Int(try thrift.readI32("a page's row count"))
            case (4, .i32): header.encoding = try thrift.readI32("a page's encoding")
            case (5, .i32): header.definitionBytes = Int(try thrift.readI32("a page's definition level length"))
            case (6, .i32): header.repetitionBytes = Int(try thrift.readI32("a page's repetition level length"))
            case (7, .booleanTrue), (7, .booleanFalse): header.isCompressed = thrift.boolean(field.type)
            default: try thrift.skip(field.type)
            }
        }
        thrift.endStruct()
        guard header.definitionBytes >= 0, header.repetitionBytes >= 0, header.nullCount >= 0 else {
            throw thrift.bytes.error("a version 2 page header has a negative length")
        }
    }
}
