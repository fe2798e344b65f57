/// Encodes one column's rows of a row group as a Parquet column chunk: an optional dictionary
/// page, then data pages, each compressed.

import StarlingCompression
import StarlingParquet

/// A column chunk's statistics: min and max in the column's PLAIN encoding (without a length
/// for BYTE_ARRAY), compared as the physical and logical type order them.
struct ParquetStatistics {
    var minimum: [UInt8]?
    var maximum: [UInt8]?
    var nullCount: Int
}

/// What the footer records of a column chunk; offsets from the chunk's first byte.
struct ParquetChunkMetadata {
    var encodings: [ParquetEncoding]
    /// Rows, NULLs included.
    var valueCount: Int
    var uncompressedSize: Int
    var compressedSize: Int
    var dictionaryPageOffset: Int?
    var dataPageOffset: Int
    var statistics: ParquetStatistics
}

/// Writes a column chunk: RLE_DICTIONARY pages after a PLAIN dictionary page when the
/// dictionary makes the chunk smaller, PLAIN pages otherwise (always for BOOLEAN); definition
/// levels in the hybrid encoding with a 4-byte length, in version 1 data pages of about 1 MiB.
struct ParquetChunkEncoder {
    let column: ParquetColumnSchema
    let codec: ParquetCodec
    let level: Int

    /// Uncompressed bytes a data page aims at.
    static let pageBytes = 1 << 20
    /// Statistics are left out for a BYTE_ARRAY chunk whose minimum or maximum is longer.
    static let maximumStatisticBytes = 256

    /// The chunk's bytes and metadata.
    func encode(_ buffer: ParquetColumnBuffer) throws(CompressionError) -> (
        bytes: [UInt8], metadata: ParquetChunkMetadata
    ) {
        var output: [UInt8] = []
        var uncompressed = 0
        var encodings: [ParquetEncoding] = [.rle]
        var dictionaryOffset: Int?
        let plain = ParquetPlainEncoder(column: column, buffer: buffer)
        let dictionary = chooseDictionary(buffer, plain: plain)
        if let dictionary {
            dictionaryOffset = 0
            let page = plain.dictionaryPage(dictionary)
            uncompressed += try writePage(
                page, into: &output,
                header: { thrift, compressedSize in
                    Self.pageHeader(&thrift, type: 2, uncompressed: page.count, compressed: compressedSize)
                    thrift.beginStruct(7)  // DictionaryPageHeader
                    thrift.field(1, i32: Int32(dictionary.entries.count))
                    thrift.field(2, i32: ParquetEncoding.plain.rawValue)
                    thrift.endStruct()
                })
            encodings += [.plain, .rleDictionary]
        } else {
            encodings.append(.plain)
        }
        let dataOffset = output.count
        let rows = buffer.rowCount
        let pageRows = max(1, min(rows, Self.pageBytes / max(1, plain.estimatedBytes / max(1, rows))))
        var row = 0
        var value = 0
        repeat {
            let end = pageEnd(buffer, from: row, value: value, rows: pageRows)
            let present = buffer.definitions[row..<end].reduce(0) { $0 + Int($1) }
            let page = pageBody(buffer, rows: row..<end, values: value..<value + present, plain, dictionary)
            uncompressed += try writePage(
                page, into: &output,
                header: { thrift, compressedSize in
                    Self.pageHeader(&thrift, type: 0, uncompressed: page.count, compressed: compressedSize)
                    thrift.beginStruct(5)  // DataPageHeader
                    thrift.field(1, i32: Int32(end - row))
                    thrift.field(2, i32: (dictionary == nil ? ParquetEncoding.plain : .rleDictionary).rawValue)
                    thrift.field(3, i32: ParquetEncoding.rle.rawValue)
                    thrift.field(4, i32: ParquetEncoding.rle.rawValue)
                    thrift.endStruct()
                })
            row = end
            value += present
        } while row < rows
        let metadata = ParquetChunkMetadata(
            encodings: encodings, valueCount: rows, uncompressedSize: uncompressed, compressedSize: output.count,
            dictionaryPageOffset: dictionaryOffset, dataPageOffset: dataOffset,
            statistics: plain.statistics(dictionary))
        return (output, metadata)
    }

    /// Where the page from `row` (whose first value is `value`) ends: after `rows` rows, or for
    /// strings once its values reach ``pageBytes`` (one row at least).
    private func pageEnd(_ buffer: ParquetColumnBuffer, from row: Int, value: Int, rows: Int) -> Int {
        guard column.physical == .byteArray else { return min(buffer.rowCount, row + rows) }
        var end = row
        var next = value
        var bytes = 0
        while end < buffer.rowCount && (end == row || bytes < Self.pageBytes) {
            if buffer.definitions[end] != 0 {
                bytes += buffer.stringEnds[next] - (next == 0 ? 0 : buffer.stringEnds[next - 1]) + 4
                next += 1
            }
            end += 1
        }
        return end
    }

    /// The dictionary, when one makes the chunk smaller than PLAIN values.
    private func chooseDictionary(_ buffer: ParquetColumnBuffer, plain: ParquetPlainEncoder) -> ParquetDictionary? {
        let count = buffer.valueCount
        guard count > 1 else { return nil }
        let limit = max(1, count / 2)
        let dictionary: ParquetDictionary?
        switch column.physical {
        case .boolean: return nil
        case .int32, .int64:
            dictionary = buffer.integers.withUnsafeBufferPointer { ParquetDictionary.integers($0, limit: limit) }
        case .double:
            let patterns = buffer.doubles.map { Int64(bitPattern: $0.bitPattern) }
            dictionary = patterns.withUnsafeBufferPointer { ParquetDictionary.integers($0, limit: limit) }
        case .byteArray:
            dictionary = ParquetDictionary.strings(buffer, limit: limit)
        }
        guard let dictionary else { return nil }
        let width = Self.indexWidth(dictionary)
        let encoded = plain.dictionaryBytes(dictionary) + (count * width + 7) / 8
        return encoded < plain.estimatedBytes ? dictionary : nil
    }

    /// The bit width of a dictionary's indices (at least 1).
    static func indexWidth(_ dictionary: ParquetDictionary) -> Int {
        max(1, HybridEncoder.bitWidth(forMaximum: UInt32(max(0, dictionary.entries.count - 1))))
    }

    /// A data page's uncompressed body: definition levels, then the values of `values`.
    private func pageBody(
        _ buffer: ParquetColumnBuffer, rows: Range<Int>, values: Range<Int>, _ plain: ParquetPlainEncoder,
        _ dictionary: ParquetDictionary?
    ) -> [UInt8] {
        var levels = HybridEncoder(bitWidth: 1)
        if values.count == rows.count {
            levels.encode(repeating: 1, count: rows.count)
        } else {
            let wide = buffer.definitions[rows].map { UInt32($0) }
            wide.withUnsafeBufferPointer { levels.encode($0) }
        }
        var body: [UInt8] = []
        body.reserveCapacity(levels.bytes.count + 4 + plain.estimatedBytes * values.count / max(1, buffer.valueCount))
        ParquetPlainEncoder.appendLittleEndian(UInt32(levels.bytes.count), to: &body)
        body += levels.bytes
        if let dictionary {
            let width = Self.indexWidth(dictionary)
            var indices = HybridEncoder(bitWidth: width)
            dictionary.indices.withUnsafeBufferPointer { all in
                indices.encode(UnsafeBufferPointer(rebasing: all[values]))
            }
            body.append(UInt8(width))
            body += indices.bytes
        } else {
            plain.appendValues(values, to: &body)
        }
        return body
    }

    /// Compresses `page`, writes its header (made by `header` given the compressed size) and
    /// the compressed bytes; returns the uncompressed size the metadata counts (header included).
    private func writePage(
        _ page: [UInt8], into output: inout [UInt8], header: (inout ThriftCompactWriter, Int) -> Void
    ) throws(CompressionError) -> Int {
        let compressed = try codec.compress(page, level: level)
        guard page.count <= Int(Int32.max), compressed.count <= Int(Int32.max) else {
            throw .inputTooLarge(codec: .none, size: page.count)
        }
        var thrift = ThriftCompactWriter()
        header(&thrift, compressed.count)
        thrift.endStruct()
        output += thrift.bytes
        output += compressed
        return thrift.bytes.count + page.count
    }

    /// A PageHeader's first fields: type, uncompressed and compressed size.
    private static func pageHeader(_ thrift: inout ThriftCompactWriter, type: Int32, uncompressed: Int, compressed: Int)
    {
        thrift.field(1, i32: type)
        thrift.field(2, i32: Int32(uncompressed))
        thrift.field(3, i32: Int32(compressed))
    }
}
