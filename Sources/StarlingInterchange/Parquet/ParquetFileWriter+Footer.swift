/// The footer of a Parquet file Starling writes: FileMetaData in the Thrift compact protocol.

import StarlingParquet

extension ParquetFileWriter {
    /// FileMetaData: version, schema (a root group of the columns), rows, row groups, the
    /// writer's name and each column's TYPE_ORDER (so readers trust min and max).
    func writeFooter(_ thrift: inout ThriftCompactWriter) {
        thrift.field(1, i32: 2)
        thrift.beginList(2, of: .structure, count: columns.count + 1)
        thrift.beginListStruct()
        thrift.field(4, string: "schema")
        thrift.field(5, i32: Int32(columns.count))
        thrift.endStruct()
        for column in columns { column.write(to: &thrift) }
        thrift.field(3, i64: Int64(rowCount))
        thrift.beginList(4, of: .structure, count: rowGroupRecords.count)
        for group in rowGroupRecords { writeRowGroup(group, &thrift) }
        thrift.field(6, string: options.createdBy)
        thrift.beginList(7, of: .structure, count: columns.count)
        for _ in columns {
            thrift.beginListStruct()
            thrift.emptyStruct(1)  // TypeDefinedOrder
            thrift.endStruct()
        }
        thrift.endStruct()
    }

    /// A RowGroup: its column chunks, sizes, rows and where it starts.
    private func writeRowGroup(_ group: RowGroupRecord, _ thrift: inout ThriftCompactWriter) {
        thrift.beginListStruct()
        thrift.beginList(1, of: .structure, count: group.chunks.count)
        for (index, chunk) in group.chunks.enumerated() { writeColumnChunk(chunk, column: columns[index], &thrift) }
        thrift.field(2, i64: Int64(group.chunks.reduce(0) { $0 + $1.metadata.uncompressedSize }))
        thrift.field(3, i64: Int64(group.rows))
        thrift.field(5, i64: Int64(group.chunks.first?.start ?? 0))
        thrift.field(6, i64: Int64(group.chunks.reduce(0) { $0 + $1.metadata.compressedSize }))
        thrift.endStruct()
    }

    /// A ColumnChunk and its ColumnMetaData, offsets made absolute.
    private func writeColumnChunk(
        _ chunk: (start: Int, metadata: ParquetChunkMetadata), column: ParquetColumnSchema,
        _ thrift: inout ThriftCompactWriter
    ) {
        let metadata = chunk.metadata
        thrift.beginListStruct()
        thrift.field(2, i64: Int64(chunk.start))
        thrift.beginStruct(3)
        thrift.field(1, i32: column.physical.rawValue)
        thrift.beginList(2, of: .i32, count: metadata.encodings.count)
        for encoding in metadata.encodings { thrift.element(i32: encoding.rawValue) }
        thrift.beginList(3, of: .binary, count: 1)
        thrift.element(binary: Array(column.name.utf8))
        thrift.field(4, i32: options.codec.rawValue)
        thrift.field(5, i64: Int64(metadata.valueCount))
        thrift.field(6, i64: Int64(metadata.uncompressedSize))
        thrift.field(7, i64: Int64(metadata.compressedSize))
        thrift.field(9, i64: Int64(chunk.start + metadata.dataPageOffset))
        if let dictionary = metadata.dictionaryPageOffset {
            thrift.field(11, i64: Int64(chunk.start + dictionary))
        }
        thrift.beginStruct(12)
        thrift.field(3, i64: Int64(metadata.statistics.nullCount))
        if let maximum = metadata.statistics.maximum, let minimum = metadata.statistics.minimum {
            thrift.field(5, binary: maximum)
            thrift.field(6, binary: minimum)
        }
        thrift.endStruct()
        thrift.endStruct()
        thrift.endStruct()
    }
}
