/// Writes a query's chunks as a Parquet file: row groups of column chunks, then the footer.

import Dispatch
import StarlingColumns
import StarlingCompression
import StarlingExecution
import StarlingFormat
import StarlingParquet

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
/// (each row group encoded, its columns in parallel, on an encoder thread while the next one's
/// rows are gathered), then the footer (FileMetaData in the Thrift
/// compact protocol), its length and `PAR1`. Memory holds two row groups' rows at most.
/// `Formats/parquet-writer.md` says what it writes.
public final class ParquetFileWriter {
    let columns: [ParquetColumnSchema]
    let options: ParquetWriterOptions
    private let output: ExportFile
    private var buffers: [ParquetColumnBuffer]
    private(set) var rowGroupRecords: [RowGroupRecord] = []
    /// The row group being encoded, and the buffers of the one before it, emptied for reuse.
    private var inFlight: RowGroupJob?
    private var spare: [ParquetColumnBuffer]?
    /// Rows written so far, in finished row groups.
    public private(set) var rowCount = 0
    /// The file's size after the last finished row group (the one being encoded not counted).
    public private(set) var finishedBytes = 0

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

    /// Adds `chunk`'s rows, handing each row group to the encoder as it fills.
    public func write(_ chunk: Chunk) throws(ExportError) {
        try write(chunk, 0..<chunk.count)
    }

    /// Adds rows `range` of `chunk`.
    public func write(_ chunk: Chunk, _ range: Range<Int>) throws(ExportError) {
        precondition(chunk.columns.count == columns.count, "a chunk of \(chunk.columns.count) columns")
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(range.upperBound, start + options.rowGroupRows - buffers[0].rowCount)
            for index in columns.indices { buffers[index].append(chunk.columns[index], start..<end) }
            start = end
            if buffers[0].rowCount >= options.rowGroupRows { try writeRowGroup() }
        }
    }

    /// Writes the last row group and the footer. The caller then commits the ``ExportFile``.
    public func finish() throws(ExportError) {
        if buffers[0].rowCount > 0 || (rowGroupRecords.isEmpty && inFlight == nil) { try writeRowGroup() }
        try waitForEncoder()
        var thrift = ThriftCompactWriter()
        writeFooter(&thrift)
        var tail = thrift.bytes
        ParquetPlainEncoder.appendLittleEndian(UInt32(thrift.bytes.count), to: &tail)
        tail += Self.magic
        do throws(FileError) { try output.write(tail) } catch { throw ExportError(error) }
    }

    /// Waits for the row group being encoded, if any, so that nothing writes to the file after
    /// this returns (before the caller abandons it).
    public func stop() {
        inFlight?.done.wait()
        inFlight = nil
    }

    deinit { stop() }

    /// Hands the buffered rows to the encoder thread, after the previous row group is written:
    /// the next row group's rows are gathered while this one is encoded, and at most two are
    /// held.
    private func writeRowGroup() throws(ExportError) {
        try waitForEncoder()
        let job = RowGroupJob(columns: columns, buffers: buffers, options: options, output: output)
        buffers = spare ?? columns.map { ParquetColumnBuffer(physical: $0.physical) }
        spare = nil
        inFlight = job
        Self.encoder.async { job.run() }
    }

    /// Waits for the row group being encoded and records it; throws its failure.
    private func waitForEncoder() throws(ExportError) {
        guard let job = inFlight else { return }
        job.done.wait()
        inFlight = nil
        if let failure = job.failure { throw failure }
        rowCount += job.record.rows
        rowGroupRecords.append(job.record)
        finishedBytes = output.position
        for index in job.buffers.indices { job.buffers[index].removeAll() }
        spare = job.buffers
    }

    /// The thread row groups are encoded and written on (their columns in parallel).
    private static let encoder = DispatchQueue(label: "starling.parquet-encoder")

    /// One row group's rows and its column chunks' offsets and metadata.
    struct RowGroupRecord {
        var rows: Int
        var chunks: [(start: Int, metadata: ParquetChunkMetadata)]
    }
}

/// A row group encoded and written on the encoder thread; read by the writer only after `done`.
private final class RowGroupJob: @unchecked Sendable {
    let columns: [ParquetColumnSchema]
    var buffers: [ParquetColumnBuffer]
    let options: ParquetWriterOptions
    let output: ExportFile
    let done = DispatchSemaphore(value: 0)
    var record: ParquetFileWriter.RowGroupRecord
    var failure: ExportError?

    init(
        columns: [ParquetColumnSchema], buffers: [ParquetColumnBuffer], options: ParquetWriterOptions,
        output: ExportFile
    ) {
        self.columns = columns
        self.buffers = buffers
        self.options = options
        self.output = output
        record = ParquetFileWriter.RowGroupRecord(rows: buffers.first?.rowCount ?? 0, chunks: [])
    }

    func run() {
        defer { done.signal() }
        do throws(ExportError) { try encodeAndWrite() } catch { failure = error }
    }

    /// Encodes the columns (in parallel) and writes them in order.
    private func encodeAndWrite() throws(ExportError) {
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
        for index in 0..<count {
            let chunk: (bytes: [UInt8], metadata: ParquetChunkMetadata)
            do throws(CompressionError) { chunk = try encoded[index].get() } catch {
                throw ExportError("column \"\(columns[index].name)\": \(error)")
            }
            record.chunks.append((start: output.position, metadata: chunk.metadata))
            do throws(FileError) { try output.write(chunk.bytes) } catch { throw ExportError(error) }
        }
    }
}
