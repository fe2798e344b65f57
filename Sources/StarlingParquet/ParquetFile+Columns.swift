/// Reading one leaf column of one row group: its pages, decompressed and decoded, as one value
/// per row in Starling's representation.

import StarlingColumns
import StarlingCompression
import StarlingEncoding

/// One column of one row group, a value per row: integers in Starling's stored form (DECIMAL
/// unscaled, DATE days, TIMESTAMP microseconds), doubles, booleans, or strings back to back.
/// NULL rows hold 0, false or an empty string.
public struct ParquetColumnData: Sendable {
    public enum Values: Sendable {
        case integers([Int64])
        case doubles([Double])
        case booleans([Bool])
        /// Row `r`'s bytes are `bytes[ends[r - 1] ..< ends[r]]` (from 0 for the first row).
        case strings(bytes: [UInt8], ends: [Int])
        /// Strings as codes: row `r` is entry `codes[r]` of the entries, whose bytes are laid out
        /// as in `strings` (a NULL row's code is 0). What a dictionary-encoded chunk reads as.
        case dictionary(codes: [UInt32], bytes: [UInt8], ends: [Int])
    }

    public var type: LogicalType
    public var values: Values
    /// `nulls[r]`: row `r` is NULL; nil when no row is.
    public var nulls: [Bool]?
    public var count: Int
}

extension ParquetFile {
    /// Reads `column` of row group `rowGroup`.
    public func readColumn(_ column: ParquetLeafColumn, rowGroup: Int) throws(ParquetError) -> ParquetColumnData {
        guard let type = column.type else {
            throw ParquetError(path: path, "column \(column.name) is \(column.unsupported ?? "unreadable")")
        }
        precondition(
            metadata.rowGroups.indices.contains(rowGroup), "row group \(rowGroup) of \(metadata.rowGroups.count)")
        let group = metadata.rowGroups[rowGroup]
        let chunk = group.columns[column.index]
        let rows = Int(group.rowCount)
        do {
            let (definitions, physical) = try readPages(column, chunk, rows: rows)
            guard !storage.fileWasTruncated else { throw ParquetError(path: path, "the file was truncated while read") }
            return try ParquetValueConversion(column: column, type: type, path: path)
                .dense(physical, definitions: definitions, rows: rows)
        } catch let error as EncodedDataError {
            throw ParquetError(
                path: path,
                "column \(column.name), row group \(rowGroup): damaged at byte \(error.offset): \(error.reason)")
        } catch let error as ParquetError {
            throw error
        } catch {
            throw ParquetError(path: path, "column \(column.name), row group \(rowGroup): \(error)")
        }
    }

    /// The chunk's definition levels (nil when the column is required) and present values.
    private func readPages(_ column: ParquetLeafColumn, _ chunk: ParquetColumnChunk, rows: Int) throws -> (
        [UInt8]?, ParquetPhysicalValues
    ) {
        let start = Int(Self.chunkStart(chunk))
        let end = start + Int(chunk.compressedSize)
        let file = storage.bytes
        var definitions: [UInt8]? = column.maxDefinition > 0 ? [] : nil
        var values = ParquetPhysicalValues(physical: column.physicalType, typeLength: column.typeLength)
        // Strings stay codes into the dictionary while every page is dictionary-encoded.
        if column.conversion == .string { values.codes = [] }
        var dictionary: ParquetPhysicalValues?
        var levels = 0
        var offset = start
        while levels < rows {
            guard offset < end else {
                throw EncodedDataError(offset: offset, reason: "the chunk ends after \(levels) of \(rows) rows")
            }
            var thrift = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: file[offset..<end]), baseOffset: offset)
            let header = try ParquetPageHeader.decode(&thrift)
            let bodyStart = offset + thrift.offset
            guard header.compressedSize <= end - bodyStart else {
                throw EncodedDataError(
                    offset: bodyStart, reason: "a page of \(header.compressedSize) bytes runs past its chunk")
            }
            let body = UnsafeRawBufferPointer(rebasing: file[bodyStart..<bodyStart + header.compressedSize])
            offset = bodyStart + header.compressedSize
            switch header.type {
            case 2:
                let page = try decompress(body, codec: chunk.codec, size: header.uncompressedSize, at: bodyStart)
                var entries = ParquetPhysicalValues(physical: column.physicalType, typeLength: column.typeLength)
                try page.withUnsafeBytes { raw in
                    var reader = ByteReader(raw, baseOffset: bodyStart)
                    guard header.valueCount <= raw.count * 8 + 1 else {
                        throw reader.error("a dictionary of \(header.valueCount) entries")
                    }
                    try entries.appendPlain(&reader, count: header.valueCount)
                }
                // Codes kept so far name the dictionary this one replaces (a damaged or unusual
                // chunk with two): they become values first.
                if values.codeDictionary != nil { values.materializeCodes() }
                dictionary = entries
            case 0, 3:
                guard header.valueCount <= rows - levels else {
                    throw EncodedDataError(
                        offset: bodyStart,
                        reason: "a page of \(header.valueCount) values past the row group's \(rows) rows")
                }
                try readDataPage(header, body, at: bodyStart, column, chunk.codec, &definitions, &values, dictionary)
                levels += header.valueCount
            default:
                continue
            }
        }
        return (definitions, values)
    }

    /// Decodes one data page (version 1: levels inside the compressed body; version 2: levels
    /// uncompressed before it).
    private func readDataPage(
        _ header: ParquetPageHeader, _ body: UnsafeRawBufferPointer, at bodyStart: Int, _ column: ParquetLeafColumn,
        _ codec: Int32, _ definitions: inout [UInt8]?, _ values: inout ParquetPhysicalValues,
        _ dictionary: ParquetPhysicalValues?
    ) throws {
        let count = header.valueCount
        let levelWidth = HybridWidth.bits(column.maxDefinition)
        var present = count
        var valuesBytes: [UInt8]
        var valuesOffset = bodyStart
        if header.type == 0 {
            valuesBytes = try decompress(body, codec: codec, size: header.uncompressedSize, at: bodyStart)
            var consumed = 0
            if column.maxDefinition > 0 {
                guard header.definitionEncoding == 3 else {
                    throw EncodedDataError(
                        offset: bodyStart, reason: "definition levels in encoding \(header.definitionEncoding)")
                }
                try valuesBytes.withUnsafeBytes { raw in
                    var reader = ByteReader(raw, baseOffset: bodyStart)
                    let length = try reader.readCount("definition levels", limit: raw.count - 4)
                    var levels = ByteReader(
                        try reader.readBytes(length, "definition levels"), baseOffset: bodyStart + 4)
                    let decoded = try ParquetDecoders.hybrid(&levels, bitWidth: levelWidth, count: count)
                    present = try Self.append(decoded, maximum: column.maxDefinition, to: &definitions, at: levels)
                    consumed = 4 + length
                }
            }
            valuesBytes.removeFirst(consumed)
            valuesOffset += consumed
        } else {
            let levelBytes = header.repetitionBytes + header.definitionBytes
            guard header.repetitionBytes == 0 || column.maxRepetition > 0, levelBytes <= body.count else {
                throw EncodedDataError(
                    offset: bodyStart, reason: "levels of \(levelBytes) bytes in a page of \(body.count)")
            }
            if column.maxDefinition > 0 {
                let slice = UnsafeRawBufferPointer(rebasing: body[header.repetitionBytes..<levelBytes])
                var levels = ByteReader(slice, baseOffset: bodyStart + header.repetitionBytes)
                let decoded = try ParquetDecoders.hybrid(&levels, bitWidth: levelWidth, count: count)
                present = try Self.append(decoded, maximum: column.maxDefinition, to: &definitions, at: levels)
            }
            let rest = UnsafeRawBufferPointer(rebasing: body[levelBytes...])
            valuesOffset = bodyStart + levelBytes
            valuesBytes =
                header.isCompressed
                ? try decompress(rest, codec: codec, size: header.uncompressedSize - levelBytes, at: valuesOffset)
                : Array(rest)
        }
        try valuesBytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw, baseOffset: valuesOffset)
            try Self.decodeValues(header.encoding, &reader, count: present, into: &values, dictionary: dictionary)
        }
    }

    /// Appends definition levels (1 present, 0 NULL); returns how many are present.
    private static func append(_ levels: [UInt32], maximum: Int, to definitions: inout [UInt8]?, at reader: ByteReader)
        throws(EncodedDataError) -> Int
    {
        var present = 0
        for level in levels {
            guard level <= maximum else { throw reader.error("a definition level of \(level) past \(maximum)") }
            let isPresent = Int(level) == maximum
            definitions?.append(isPresent ? 1 : 0)
            present += isPresent ? 1 : 0
        }
        return present
    }

    /// Decodes `count` present values in `encoding`.
    private static func decodeValues(
        _ encoding: Int32, _ reader: inout ByteReader, count: Int, into values: inout ParquetPhysicalValues,
        dictionary: ParquetPhysicalValues?
    ) throws(EncodedDataError) {
        // `count` is at most the row group's rows (checked against its limit); each decoder checks
        // its bytes as it reads them.
        if encoding != 2 && encoding != 8 { values.materializeCodes() }
        switch encoding {
        case 0:
            guard count * values.minimumBytes <= reader.remaining else {
                throw reader.error("\(count) PLAIN values in \(reader.remaining) bytes")
            }
            try values.appendPlain(&reader, count: count)
        case 2, 8:
            guard let dictionary else { throw reader.error("dictionary-encoded values without a dictionary page") }
            let width = Int(try reader.readByte("a dictionary index width"))
            let indices = try ParquetDecoders.hybrid(&reader, bitWidth: width, count: count)
            try values.appendGathered(from: dictionary, indices, at: reader)
        case 3:
            guard values.physical == ParquetPhysical.boolean else {
                throw reader.error("RLE values that are not booleans")
            }
            let length = try reader.readCount("RLE booleans", limit: reader.remaining - 4)
            var run = ByteReader(
                try reader.readBytes(length, "RLE booleans"), baseOffset: reader.baseOffset + reader.offset)
            values.booleans.append(
                contentsOf: try ParquetDecoders.hybrid(&run, bitWidth: 1, count: count).map { $0 != 0 })
        case 5: try values.appendDeltaIntegers(&reader, count: count)
        case 6: try values.appendDeltaLength(&reader, count: count)
        case 7: try values.appendDeltaStrings(&reader, count: count)
        case 9: try values.appendByteStreamSplit(&reader, count: count)
        default: throw reader.error("value encoding \(encoding), which Starling does not read")
        }
    }

    /// A page's body decompressed with the chunk's codec to exactly `size` bytes.
    private func decompress(_ body: UnsafeRawBufferPointer, codec: Int32, size: Int, at offset: Int) throws -> [UInt8] {
        guard size >= 0, size <= 1 << 30 else {
            throw EncodedDataError(offset: offset, reason: "a page of \(size) bytes uncompressed")
        }
        switch codec {
        case 0:
            guard body.count == size else {
                throw EncodedDataError(
                    offset: offset, reason: "an uncompressed page of \(body.count) bytes, not \(size)")
            }
            return Array(body)
        case 1:
            guard size <= body.count * 32 + 64 else {
                throw EncodedDataError(offset: offset, reason: "\(body.count) Snappy bytes cannot hold \(size)")
            }
            return try Compressor.unsnappy(body, decompressedSize: size)
        case 2: return try Self.gunzip(body, size: size, at: offset)
        case 6: return try Compressor.decompress(body, codec: .zstd, decompressedSize: size)
        case 7: return try Compressor.decompress(body, codec: .lz4, decompressedSize: size)
        case 5: return try Self.hadoopLZ4(body, size: size, at: offset)
        default:
            let names: [Int32: String] = [3: "LZO", 4: "BROTLI"]
            throw EncodedDataError(
                offset: offset, reason: "the \(names[codec] ?? "codec \(codec)") codec, which Starling does not read")
        }
    }

    /// A gzip (or zlib) page, which must inflate to exactly `size` bytes.
    private static func gunzip(_ body: UnsafeRawBufferPointer, size: Int, at offset: Int) throws -> [UInt8] {
        guard size <= body.count * 1_100 + 1_024 else {
            throw EncodedDataError(offset: offset, reason: "\(body.count) gzip bytes cannot hold \(size)")
        }
        var position = 0
        let input = Array(body)
        let stream = try DecompressingStream(compression: .gzip, bufferSize: max(1, min(input.count, 1 << 20))) {
            buffer in
            let count = min(buffer.count, input.count - position)
            input.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<position + count]))
            }
            position += count
            return count
        }
        var output = [UInt8](repeating: 0, count: size + 1)
        var filled = 0
        while true {
            let count = try output.withUnsafeMutableBytes { raw in
                try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
            }
            if count == 0 { break }
            filled += count
            guard filled <= size else { break }
        }
        guard filled == size else {
            throw EncodedDataError(offset: offset, reason: "a gzip page of \(filled) bytes, not \(size)")
        }
        output.removeLast()
        return output
    }

    /// Parquet's older LZ4 codec: Hadoop's framing (big-endian decompressed and compressed
    /// sizes before each LZ4 block), or a plain LZ4 block as some writers wrote it.
    private static func hadoopLZ4(_ body: UnsafeRawBufferPointer, size: Int, at offset: Int) throws -> [UInt8] {
        var output: [UInt8] = []
        var position = 0
        func bigEndian(_ at: Int) -> Int {
            (0..<4).reduce(0) { $0 << 8 | Int(body[at + $1]) }
        }
        while position + 8 <= body.count, output.count < size {
            let decompressed = bigEndian(position)
            let compressed = bigEndian(position + 4)
            guard compressed <= body.count - position - 8, decompressed <= size - output.count else { break }
            let block = UnsafeRawBufferPointer(rebasing: body[position + 8..<position + 8 + compressed])
            guard let piece = try? Compressor.decompress(block, codec: .lz4, decompressedSize: decompressed) else {
                break
            }
            output += piece
            position += 8 + compressed
        }
        if output.count == size && position == body.count { return output }
        return try Compressor.decompress(body, codec: .lz4, decompressedSize: size)
    }
}

/// The bit width of levels up to a maximum.
enum HybridWidth {
    static func bits(_ maximum: Int) -> Int { maximum == 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount }
}
