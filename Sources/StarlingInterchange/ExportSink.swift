/// A query's rows written to a file as they stream: COPY … TO 'file'.

import StarlingColumns
import StarlingCompression
import StarlingExecution
import StarlingFormat

/// The format of an exported file.
public enum ExportFormat: Sendable, Equatable {
    /// CSV (or another delimited text) or NDJSON; `header` puts the column names first in
    /// delimited text, and `nullText` spells NULL there (empty by default). The file is
    /// compressed whole with `compression` (gzip or zstd at level 3), or not.
    case delimited(DelimitedFormat, header: Bool, nullText: String?, compression: StreamCompression)
    case parquet(ParquetWriterOptions)
}

/// Writes the rows a query streams into `path`, in bounded memory (a batch of text, or one
/// Parquet row group), through an ``ExportFile``: the file appears whole when ``finish()``
/// succeeds, and a failed or cancelled query leaves nothing (call ``abandon()``).
public final class ExportSink: ResultSink {
    public let path: String
    public let format: ExportFormat
    /// Rows written.
    public private(set) var rows = 0
    /// Bytes handed to the file so far (before compression; a Parquet row group being encoded
    /// is not counted yet).
    public var bytesWritten: Int { parquet?.finishedBytes ?? file?.position ?? 0 }
    private var file: ExportFile?
    private var text: DelimitedWriter?
    private var parquet: ParquetFileWriter?

    public init(path: String, format: ExportFormat) {
        self.path = path
        self.format = format
    }

    public func start(_ columns: [PlanColumn]) throws(QueryError) {
        abandon()
        rows = 0
        do {
            let compression: StreamCompression
            if case .delimited(_, _, _, let given) = format { compression = given } else { compression = .none }
            let file = try ExportFile(path: path, compression: compression)
            self.file = file
            switch format {
            case .delimited(let delimited, let header, let nullText, _):
                text = DelimitedWriter(delimited, columns: columns, nullText: nullText)
                if header, case .delimited(let separator) = delimited {
                    let text = String(UnicodeScalar(separator))
                    let names = columns.map { TextEscaping.quoteDelimited($0.name, text) }
                    try file.write(Array((names.joined(separator: text) + "\n").utf8))
                }
            case .parquet(let options):
                parquet = try ParquetFileWriter(columns: columns, options: options, output: file)
            }
        } catch {
            abandon()
            throw Self.queryError(error)
        }
    }

    public func write(_ chunk: Chunk) throws(QueryError) -> Bool {
        try write(chunk, 0..<chunk.count)
        return true
    }

    /// Writes rows `range` of `chunk`.
    public func write(_ chunk: Chunk, _ range: Range<Int>) throws(QueryError) {
        guard let file else { preconditionFailure("rows written before start") }
        do {
            if let parquet {
                try parquet.write(chunk, range)
            } else if var writer = text.take() {
                var failure: FileError?
                writer.render(chunk, range, firstIndex: rows) { bytes in
                    do throws(FileError) { try file.write(bytes) } catch { failure = error }
                }
                text = consume writer
                if let failure { throw failure }
            }
        } catch {
            abandon()
            throw Self.queryError(error)
        }
        rows += range.count
    }

    public func finish() throws(QueryError) {
        guard let file else { preconditionFailure("finished before start") }
        do {
            try parquet?.finish()
            try file.commit()
        } catch {
            abandon()
            throw Self.queryError(error)
        }
        self.file = nil
        parquet = nil
        text = nil
    }

    /// Removes what was written (nothing once finished).
    public func abandon() {
        parquet?.stop()
        file?.abandon()
        file = nil
        parquet = nil
        text = nil
    }

    private static func queryError(_ error: any Error) -> QueryError {
        QueryError(.output, "\(error)")
    }
}
