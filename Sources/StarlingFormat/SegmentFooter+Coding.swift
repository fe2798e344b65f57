/// Serialising the footer, and parsing it from untrusted bytes.

import StarlingColumns
import StarlingEncoding
import StarlingCompression

extension SegmentFooter {
    /// Statistics flag bits.
    enum StatisticsFlag {
        static let hasMinimumMaximum: UInt8 = 1
        static let minimumTruncated: UInt8 = 2
        static let maximumTruncated: UInt8 = 4
    }

    /// The footer's bytes, as specified in `Formats/segment.md`.
    public func serialized() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(littleEndian: writeVersion)
        writer.write(littleEndian: readVersion)
        writer.write(littleEndian: UInt64(rowCount))
        writer.write(littleEndian: UInt16(columns.count))
        for (index, column) in columns.enumerated() {
            var record = ByteWriter()
            record.write(shortString: column.name)
            record.write(SegmentFormat.typeIdentifier(column.type))
            if case .decimal(let precision, let scale) = column.type {
                record.write(UInt8(precision))
                record.write(UInt8(scale))
            } else {
                record.write(0)
                record.write(0)
            }
            record.write(0)
            if writeVersion >= SegmentFormat.sketchVersion {
                let location = sketch(column: index)
                record.write(littleEndian: UInt64(location?.offset ?? 0))
                record.write(littleEndian: UInt32(location?.length ?? 0))
                record.write(littleEndian: location?.checksum ?? 0)
            }
            writer.write(littleEndian: UInt16(record.count))
            writer.write(bytes: record.bytes)
        }
        writer.write(littleEndian: UInt32(rowGroups.count))
        for group in rowGroups {
            var record = ByteWriter()
            record.write(littleEndian: UInt64(group.firstRow))
            record.write(littleEndian: UInt32(group.rowCount))
            for (index, chunk) in group.chunks.enumerated() {
                let chunkRecord = Self.serialize(chunk, type: columns[index].type)
                record.write(littleEndian: UInt16(chunkRecord.count))
                record.write(bytes: chunkRecord)
            }
            writer.write(littleEndian: UInt32(record.count))
            writer.write(bytes: record.bytes)
        }
        writer.write(littleEndian: UInt16(metadata.count))
        for key in metadata.keys.sorted() {
            writer.write(shortString: key)
            let value = Array((metadata[key] ?? "").utf8)
            writer.write(littleEndian: UInt32(value.count))
            writer.write(bytes: value)
        }
        return writer.bytes
    }

    static func serialize(_ chunk: ChunkDescriptor, type: LogicalType) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(littleEndian: UInt64(chunk.offset))
        writer.write(littleEndian: UInt32(chunk.storedLength))
        writer.write(littleEndian: UInt32(chunk.encodedLength))
        writer.write(littleEndian: UInt32(chunk.plainLength))
        writer.write(chunk.encoding.rawValue)
        writer.write(chunk.compression.rawValue)
        let statistics = chunk.statistics
        var flags: UInt8 = 0
        if !statistics.minimum.isNull && !statistics.maximum.isNull { flags |= StatisticsFlag.hasMinimumMaximum }
        if chunk.minimumTruncated { flags |= StatisticsFlag.minimumTruncated }
        if chunk.maximumTruncated { flags |= StatisticsFlag.maximumTruncated }
        writer.write(flags)
        writer.write(0)
        writer.write(littleEndian: chunk.checksum)
        writer.write(littleEndian: UInt32(statistics.nullCount))
        writer.write(littleEndian: statistics.distinctCount)
        if flags & StatisticsFlag.hasMinimumMaximum != 0 {
            for value in [statistics.minimum, statistics.maximum] {
                switch value {
                case .integer(let integer): writer.write(littleEndian: integer)
                case .boolean(let flag): writer.write(littleEndian: Int64(flag ? 1 : 0))
                case .double(let double): writer.write(littleEndian: double.bitPattern)
                case .string(let string): writer.write(shortString: string)
                case .null: preconditionFailure("checked above")
                case .interval: preconditionFailure("segments hold no INTERVAL, so no statistics of one")
                }
            }
        }
        return writer.bytes
    }

    /// Parses footer bytes. `baseOffset` is the footer's offset in the file, so errors name file
    /// offsets; `dataEnd` is where chunk data must end (the footer's offset).
    static func parse(_ bytes: UnsafeRawBufferPointer, baseOffset: Int, dataEnd: Int) throws(EncodedDataError) -> SegmentFooter {
        var reader = ByteReader(bytes, baseOffset: baseOffset)
        let writeVersion = try reader.read(UInt16.self, "write version")
        let readVersion = try reader.read(UInt16.self, "read version")
        guard readVersion <= SegmentFormat.supportedReadVersion else {
            throw EncodedDataError(offset: baseOffset + 2, reason: "file needs reader version \(readVersion); this build reads up to \(SegmentFormat.supportedReadVersion)")
        }
        guard readVersion >= 1, writeVersion >= readVersion else {
            throw EncodedDataError(offset: baseOffset, reason: "versions write \(writeVersion) / read \(readVersion) are inconsistent")
        }
        // Records may carry fields a newer writer added; skip them only when the writer is newer.
        let newerWriter = writeVersion > SegmentFormat.writeVersion
        let rowCountValue = try reader.read(UInt64.self, "row count")
        guard rowCountValue <= UInt64(Int32.max) * UInt64(SegmentFormat.maximumRowGroupRows) else {
            throw reader.error("row count \(rowCountValue) is implausible")
        }
        let rowCount = Int(rowCountValue)
        let columnCount = Int(try reader.read(UInt16.self, "column count"))
        guard columnCount <= SegmentFormat.maximumColumns else { throw reader.error("\(columnCount) columns exceed the limit \(SegmentFormat.maximumColumns)") }
        var columns: [ColumnSchema] = []
        var sketches: [SketchLocation?] = []
        for index in 0..<columnCount {
            let length = Int(try reader.read(UInt16.self, "column \(index) record length"))
            var record = ByteReader(try reader.readBytes(length, "column \(index) record"), baseOffset: reader.baseOffset + reader.offset - length)
            let name = try record.readShortString("column \(index) name")
            let identifier = try record.readByte("column \(index) type")
            let precision = try record.readByte("column \(index) precision")
            let scale = try record.readByte("column \(index) scale")
            _ = try record.readByte("column \(index) reserved byte")
            guard let type = SegmentFormat.logicalType(identifier: identifier, precision: precision, scale: scale) else {
                throw EncodedDataError(offset: record.baseOffset, reason: "column \(index) has unknown type \(identifier) (\(precision),\(scale))")
            }
            if writeVersion >= SegmentFormat.sketchVersion {
                sketches.append(try parseSketchLocation(&record, column: index, dataEnd: dataEnd))
            }
            if !newerWriter { try record.requireEnd("column \(index) record") }
            columns.append(ColumnSchema(name: name, type: type))
        }
        let groupCount = try reader.readCount("row group count", limit: max(rowCount, 1))
        var rowGroups: [RowGroupDescriptor] = []
        var nextRow = 0
        for groupIndex in 0..<groupCount {
            let length = Int(try reader.read(UInt32.self, "row group \(groupIndex) record length"))
            var record = ByteReader(try reader.readBytes(length, "row group \(groupIndex) record"), baseOffset: reader.baseOffset + reader.offset - length)
            let firstRow = try record.read(UInt64.self, "row group \(groupIndex) first row")
            let groupRows = Int(try record.read(UInt32.self, "row group \(groupIndex) row count"))
            guard firstRow == UInt64(nextRow) else {
                throw EncodedDataError(offset: record.baseOffset, reason: "row group \(groupIndex) starts at row \(firstRow), expected \(nextRow)")
            }
            guard groupRows <= SegmentFormat.maximumRowGroupRows, groupRows <= rowCount - nextRow else {
                throw EncodedDataError(offset: record.baseOffset + 8, reason: "row group \(groupIndex) has \(groupRows) rows, beyond the segment's \(rowCount) or the limit")
            }
            var chunks: [ChunkDescriptor] = []
            for columnIndex in 0..<columnCount {
                let chunkLength = Int(try record.read(UInt16.self, "chunk record length"))
                let chunkStart = record.baseOffset + record.offset
                var chunkReader = ByteReader(try record.readBytes(chunkLength, "chunk record"), baseOffset: chunkStart)
                let chunk = try parseChunk(&chunkReader, type: columns[columnIndex].type, rows: groupRows, dataEnd: dataEnd, readVersion: readVersion)
                if !newerWriter { try chunkReader.requireEnd("chunk record") }
                chunks.append(chunk)
            }
            if !newerWriter { try record.requireEnd("row group \(groupIndex) record") }
            rowGroups.append(RowGroupDescriptor(firstRow: nextRow, rowCount: groupRows, chunks: chunks))
            nextRow += groupRows
        }
        guard nextRow == rowCount else {
            throw reader.error("row groups hold \(nextRow) rows but the footer says \(rowCount)")
        }
        var metadata: [String: String] = [:]
        let entryCount = Int(try reader.read(UInt16.self, "metadata count"))
        for index in 0..<entryCount {
            let key = try reader.readShortString("metadata key \(index)")
            let valueLength = try reader.readCount("metadata value \(index) length", limit: reader.remaining)
            let start = reader.offset
            guard let value = String(validating: try reader.readBytes(valueLength, "metadata value \(index)"), as: UTF8.self) else {
                throw EncodedDataError(offset: baseOffset + start, reason: "metadata value \(index) is not valid UTF-8")
            }
            metadata[key] = value
        }
        if !newerWriter { try reader.requireEnd("the footer") }
        return SegmentFooter(writeVersion: writeVersion, readVersion: readVersion, rowCount: rowCount, columns: columns, rowGroups: rowGroups, metadata: metadata,
            sketches: sketches)
    }

    /// A column record's sketch location (write version 4): all zeros for none; otherwise a
    /// range of the data region no longer than a register sketch.
    static func parseSketchLocation(_ record: inout ByteReader, column: Int, dataEnd: Int) throws(EncodedDataError) -> SketchLocation? {
        let start = record.baseOffset + record.offset
        let offset = try record.read(UInt64.self, "column \(column) sketch offset")
        let length = try record.read(UInt32.self, "column \(column) sketch length")
        let checksum = try record.read(UInt64.self, "column \(column) sketch checksum")
        if length == 0 {
            guard offset == 0, checksum == 0 else {
                throw EncodedDataError(offset: start, reason: "column \(column) has no sketch but a sketch offset or checksum")
            }
            return nil
        }
        guard offset >= UInt64(SegmentFormat.headerSize), Int(length) <= ColumnSketch.maximumByteCount,
            offset <= UInt64(dataEnd), UInt64(length) <= UInt64(dataEnd) - offset
        else {
            throw EncodedDataError(offset: start, reason: "column \(column)'s sketch (\(length) bytes at \(offset)) lies outside the data region or is too long")
        }
        return SketchLocation(offset: Int(offset), length: Int(length), checksum: checksum)
    }

    static func parseChunk(_ reader: inout ByteReader, type: LogicalType, rows: Int, dataEnd: Int, readVersion: UInt16) throws(EncodedDataError) -> ChunkDescriptor {
        let start = reader.baseOffset
        let offset = try reader.read(UInt64.self, "chunk offset")
        let storedLength = Int(try reader.read(UInt32.self, "chunk stored length"))
        let encodedLength = Int(try reader.read(UInt32.self, "chunk encoded length"))
        let plainLength = Int(try reader.read(UInt32.self, "chunk plain length"))
        guard offset >= UInt64(SegmentFormat.headerSize), offset <= UInt64(dataEnd), storedLength <= dataEnd - Int(offset) else {
            throw EncodedDataError(offset: start, reason: "chunk bytes \(offset)+\(storedLength) lie outside the data region \(SegmentFormat.headerSize)..<\(dataEnd)")
        }
        guard encodedLength <= SegmentFormat.maximumChunkBytes else {
            throw EncodedDataError(offset: start + 12, reason: "chunk encoded length \(encodedLength) exceeds the limit")
        }
        let encodingByte = try reader.readByte("chunk encoding")
        guard let encoding = Encoding(rawValue: encodingByte) else {
            throw EncodedDataError(offset: start + 20, reason: "unknown encoding \(encodingByte)")
        }
        // A file may only use encodings its read version defines (older readers reject the rest).
        guard encoding.readVersion <= readVersion else {
            throw EncodedDataError(offset: start + 20, reason: "encoding \(encoding) needs read version \(encoding.readVersion), but the file declares \(readVersion)")
        }
        let compressionByte = try reader.readByte("chunk compression")
        guard let compression = Compression(rawValue: compressionByte) else {
            throw EncodedDataError(offset: start + 21, reason: "unknown compression \(compressionByte)")
        }
        guard compression != .none || storedLength == encodedLength else {
            throw EncodedDataError(offset: start + 8, reason: "uncompressed chunk stores \(storedLength) bytes but encodes \(encodedLength)")
        }
        let flags = try reader.readByte("statistics flags")
        guard flags & ~7 == 0 else { throw EncodedDataError(offset: start + 22, reason: "unknown statistics flags \(flags)") }
        _ = try reader.readByte("reserved byte")
        let checksum = try reader.read(UInt64.self, "chunk checksum")
        let nullCount = Int(try reader.read(UInt32.self, "null count"))
        guard nullCount <= rows else { throw EncodedDataError(offset: start + 32, reason: "null count \(nullCount) exceeds the \(rows) rows") }
        let distinct = try reader.read(UInt64.self, "distinct count")
        var statistics = ChunkStatistics(nullCount: nullCount, distinctCount: distinct, minimum: .null, maximum: .null)
        if flags & StatisticsFlag.hasMinimumMaximum != 0 {
            statistics.minimum = try parseStatisticsValue(&reader, type: type, what: "minimum")
            statistics.maximum = try parseStatisticsValue(&reader, type: type, what: "maximum")
        }
        return ChunkDescriptor(
            offset: Int(offset), storedLength: storedLength, encodedLength: encodedLength, plainLength: plainLength,
            encoding: encoding, compression: compression, checksum: checksum, statistics: statistics,
            minimumTruncated: flags & StatisticsFlag.minimumTruncated != 0,
            maximumTruncated: flags & StatisticsFlag.maximumTruncated != 0)
    }

    static func parseStatisticsValue(_ reader: inout ByteReader, type: LogicalType, what: String) throws(EncodedDataError) -> Value {
        switch type.physicalType {
        case .string:
            return .string(try reader.readShortString(what))
        case .float64:
            return .double(Double(bitPattern: try reader.read(UInt64.self, what)))
        case .boolean:
            let value = try reader.read(Int64.self, what)
            guard value == 0 || value == 1 else { throw reader.error("boolean \(what) \(value) is not 0 or 1") }
            return .boolean(value == 1)
        default:
            let value = try reader.read(Int64.self, what)
            guard type.physicalType.integerRange?.contains(value) ?? true else {
                throw reader.error("\(what) \(value) does not fit \(type)")
            }
            return .integer(value)
        }
    }
}
