/// Cancelling a running query, and watching how far it has got.

import Synchronization

/// Shared by whoever runs a statement and the executor's workers: `cancel()` may be called from
/// any thread (a signal handler too: it only stores to an atomic); workers check it between
/// morsels and stop with a `cancelled` ``QueryError``. The counters say how many morsels (row
/// groups of a scan, or materialised chunks) are planned and done, and how many rows the scans
/// read, for a progress line.
public final class QueryControl: Sendable {
    private let cancelled = Atomic<Bool>(false)
    private let morselsPlanned = Atomic<Int>(0)
    private let morselsDone = Atomic<Int>(0)
    private let rowsScanned = Atomic<Int>(0)

    public init() {}

    /// Asks the running statement to stop at its next morsel.
    public func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    public var isCancelled: Bool {
        cancelled.load(ordering: .relaxed)
    }

    /// Clears the flag and the counters before the next statement.
    public func reset() {
        cancelled.store(false, ordering: .relaxed)
        morselsPlanned.store(0, ordering: .relaxed)
        morselsDone.store(0, ordering: .relaxed)
        rowsScanned.store(0, ordering: .relaxed)
    }

    /// Throws `cancelled` when ``cancel()`` was called.
    public func check() throws(QueryError) {
        if isCancelled { throw QueryError(.cancelled, "cancelled") }
    }

    /// Morsels planned and done so far, and rows the scans read.
    public var progress: (planned: Int, done: Int, rowsScanned: Int) {
        (morselsPlanned.load(ordering: .relaxed), morselsDone.load(ordering: .relaxed), rowsScanned.load(ordering: .relaxed))
    }

    func planned(_ count: Int) { morselsPlanned.add(count, ordering: .relaxed) }
    func finishedMorsel() { morselsDone.add(1, ordering: .relaxed) }
    func scanned(_ rows: Int) { rowsScanned.add(rows, ordering: .relaxed) }
}
