/// Writes a query's chunks as a Parquet file: row groups of column chunks, then the footer.

import Dispatch
import StarlingColumns
import StarlingCompression
import StarlingExecution
import StarlingFormat

/// How a Parquet file is written: its page codec (and ZSTD level) and rows per row group.
public struct ParquetWriterOptions: Sendable, Equatable {
    public var codec: ParquetCodec = .zstd
    public var level: Int = CompressionSetting.defaultZstdLevel
    /// Rows per row group (DuckDB's default: 122,880, 60 of its vectors).
    public var rowGroupRows = 122_880
    /// The footer's `created_by`.
    public var createdBy = "Starling"

    public init() {}
}

/// Writes a Parquet file (format 2.x metadata, version 1 data pages) through an
/// ``ExportFile``: `PAR1`, each row group's column chunks as ``ParquetChunkEncoder`` encodes them
/// (the row group's columns encoded in parallel), then the footer (FileMetaData in the Thrift
/// compact protocol), its length and `PAR1`. Memory holds one row group's rows at a time.
/// `Formats/parquet-writer.md` says what it writes.
public final class ParquetFileWriter {
    let columns: [ParquetColumnSchema]
    let options: ParquetWriterOptions
    private let output: ExportFile
    private var buffers: [ParquetColumnBuffer]
    private(set) var rowGroupRecords: [RowGroupRecord] = []
    /// Rows written so far, in finished row groups.
    public private(set) var rowCount = 0

    /// A writer of `columns` to `output`. Throws for a column of a type Parquet cannot hold
    /// (INTERVAL).
    public init(columns: [PlanColumn], options: ParquetWriterOptions, output: ExportFile) throws(ExportError) {
        var schema: [ParquetColumnSchema] = []
        for column in columns {
            guard let parquet = ParquetColumnSchema(name: column.name, type: column.type) else {
                throw ExportError(
                    "Parquet cannot hold the \(column.type) column \"\(column.name)\"; cast it to VARCHAR")
            }
            schema.append(parquet)
        }
        guard !schema.isEmpty else { throw ExportError("a Parquet file needs at least one column") }
        self.columns = schema
        self.options = options
        self.output = output
        buffers = schema.map { ParquetColumnBuffer(physical: $0.physical) }
        do throws(FileError) { try output.write(Self.magic) } catch { throw ExportError(error) }
    }

    static let magic: [UInt8] = Array("PAR1".utf8)

    /// Adds `chunk`'s rows, writing each row group as it fills.
    public func write(_ chunk: Chunk) throws(ExportError) {
        precondition(chunk.columns.count == columns.count, "a chunk of \(chunk.columns.count) columns")
        var start = 0
        while start < chunk.count {
            let end = min(chunk.count, start + options.rowGroupRows - buffers[0].rowCount)
            for index in columns.indices { buffers[index].append(chunk.columns[index], start..<end) }
            start = end
            if buffers[0].rowCount >= options.rowGroupRows { try writeRowGroup() }
        }
    }

    /// Writes the last row group and the footer. The caller then commits the ``ExportFile``.
    public func finish() throws(ExportError) {
        if buffers[0].rowCount > 0 || rowGroupRecords.isEmpty { try writeRowGroup() }
        var thrift = ThriftCompactWriter()
        writeFooter(&thrift)
        var tail = thrift.bytes
        ParquetPlainEncoder.appendLittleEndian(UInt32(thrift.bytes.count), to: &tail)
        tail += Self.magic
        do throws(FileError) { try output.write(tail) } catch { throw ExportError(error) }
    }

    /// Encodes the buffered rows' columns (in parallel) and writes them.
    private func writeRowGroup() throws(ExportError) {
        typealias Encoded = Result<(bytes: [UInt8], metadata: ParquetChunkMetadata), CompressionError>
        let count = columns.count
        var encoded = [Encoded](repeating: .failure(.fileCompressionFailed("not encoded")), count: count)
        let inputs = UncheckedSendable((columns: columns, buffers: buffers, options: options))
        encoded.withUnsafeMutableBufferPointer { results in
            let slots = ConcurrentSlots(results)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                let (columns, buffers, options) = inputs.value
                let encoder = ParquetChunkEncoder(column: columns[index], codec: options.codec, level: options.level)
                slots.pointer[index] = Result { () throws(CompressionError) in try encoder.encode(buffers[index]) }
            }
        }
        var record = RowGroupRecord(rows: buffers[0].rowCount, chunks: [])
        for index in 0..<count {
            let chunk: (bytes: [UInt8], metadata: ParquetChunkMetadata)
            do throws(CompressionError) { chunk = try encoded[index].get() } catch {
                throw ExportError("column \"\(columns[index].name)\": \(error)")
            }
            record.chunks.append((start: output.position, metadata: chunk.metadata))
            do throws(FileError) { try output.write(chunk.bytes) } catch { throw ExportError(error) }
        }
        rowCount += record.rows
        rowGroupRecords.append(record)
        for index in self.buffers.indices { self.buffers[index].removeAll() }
    }

    /// One row group's rows and its column chunks' offsets and metadata.
    struct RowGroupRecord {
        var rows: Int
        var chunks: [(start: Int, metadata: ParquetChunkMetadata)]
    }
}
