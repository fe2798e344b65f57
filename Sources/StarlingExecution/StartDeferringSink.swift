/// A sink that passes its columns on only with the first rows (or at the end), so a query that
/// fails before producing any row can run again into the same sink.

import StarlingColumns

/// Forwards to `target`, calling its `start` only when the first chunk arrives or the query
/// finishes: until then nothing has reached the target, and ``wroteRows`` is false.
public final class StartDeferringSink: ResultSink {
    private let target: ResultSink
    private var columns: [PlanColumn]?
    private var started = false
    /// Whether any row has been passed on.
    public private(set) var wroteRows = false

    public init(_ target: ResultSink) {
        self.target = target
    }

    public func start(_ columns: [PlanColumn]) throws(QueryError) {
        self.columns = columns
    }

    public func write(_ chunk: Chunk) throws(QueryError) -> Bool {
        try startTarget()
        wroteRows = true
        return try target.write(chunk)
    }

    public func finish() throws(QueryError) {
        try startTarget()
        try target.finish()
    }

    private func startTarget() throws(QueryError) {
        guard !started, let columns else { return }
        started = true
        try target.start(columns)
    }
}
