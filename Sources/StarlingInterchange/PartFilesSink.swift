/// A query's rows written as numbered files of about a given size in one directory.

import StarlingExecution

/// Writes rows into `directory/part-00000<suffix>`, `part-00001<suffix>`, …: a file is closed
/// once it holds about `fileBytes` and the next one is opened with the next rows, so a
/// distributed engine gets files of the size it reads best. Each file appears whole (through an
/// ``ExportSink``); a query with no rows writes one file of none.
public final class PartFilesSink: ResultSink {
    public let directory: String
    public let suffix: String
    public let format: ExportFormat
    public let fileBytes: Int
    /// The files completed, in order.
    public private(set) var paths: [String] = []
    public private(set) var rows = 0
    private var columns: [PlanColumn] = []
    private var current: ExportSink?

    public init(directory: String, suffix: String, format: ExportFormat, fileBytes: Int) {
        self.directory = directory
        self.suffix = suffix
        self.format = format
        self.fileBytes = max(1, fileBytes)
    }

    public func start(_ columns: [PlanColumn]) throws(QueryError) {
        abandon()
        paths = []
        rows = 0
        self.columns = columns
    }

    /// Writes `chunk` a slice of ``sliceRows`` at a time, so that a large chunk can end one file
    /// and start the next.
    public func write(_ chunk: Chunk) throws(QueryError) -> Bool {
        var start = 0
        while start < chunk.count {
            let end = min(chunk.count, start + Self.sliceRows)
            let sink = try currentSink()
            try sink.write(chunk, start..<end)
            rows += end - start
            if sink.bytesWritten >= fileBytes { try closeCurrent() }
            start = end
        }
        return true
    }

    static let sliceRows = 8_192

    public func finish() throws(QueryError) {
        if current == nil && paths.isEmpty { _ = try currentSink() }
        try closeCurrent()
    }

    /// Removes the file being written (completed ones stay: the caller removes the directory).
    public func abandon() {
        current?.abandon()
        current = nil
    }

    private func currentSink() throws(QueryError) -> ExportSink {
        if let current { return current }
        let name = String(paths.count)
        let padded = String(repeating: "0", count: max(0, 5 - name.count)) + name
        let sink = ExportSink(path: "\(directory)/part-\(padded)\(suffix)", format: format)
        try sink.start(columns)
        current = sink
        return sink
    }

    private func closeCurrent() throws(QueryError) {
        guard let sink = current else { return }
        current = nil
        try sink.finish()
        paths.append(sink.path)
    }
}
