/// Where a query's rows go as they are produced: the printer, a file, later a socket.

import StarlingColumns

/// Receives one query's rows, in the plan's order, a chunk at a time, as the executor produces
/// them: `start` once with the columns, `write` for each non-empty chunk, `finish` once after
/// the last. A sink that has had enough (a client that went away, a `head` that closed the pipe)
/// returns false from `write`; the executor then stops taking morsels and calls `finish`.
///
/// Calls come from one thread at a time but not always the same thread. A sink's errors stop
/// the query and reach the caller unchanged.
public protocol ResultSink: AnyObject {
    func start(_ columns: [PlanColumn]) throws(QueryError)
    /// Takes `chunk` (never empty); false when no more rows are wanted.
    func write(_ chunk: Chunk) throws(QueryError) -> Bool
    func finish() throws(QueryError)
}

/// A sink that keeps every row: the materialised result, for callers that want it whole.
public final class CollectingSink: ResultSink {
    public private(set) var columns: [PlanColumn] = []
    public private(set) var chunks: [Chunk] = []

    public init() {}

    public func start(_ columns: [PlanColumn]) throws(QueryError) {
        self.columns = columns
        chunks = []
    }

    public func write(_ chunk: Chunk) throws(QueryError) -> Bool {
        chunks.append(chunk)
        return true
    }

    public func finish() throws(QueryError) {}

    /// The rows written, as one chunk.
    public var rows: Chunk {
        let types = columns.map(\.type)
        if chunks.isEmpty { return Chunk(columns: types.map { Vector(type: $0, values: []) }, count: 0) }
        return Chunk.concatenate(chunks, types: types)
    }
}
