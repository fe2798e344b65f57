/// What every connection of a server shares: its settings, log, query pool, and the sessions a
/// CancelRequest can reach.

import NIOConcurrencyHelpers
import NIOPosix
import Synchronization

/// The server-wide state. Connections register their session's process id and secret key so a
/// CancelRequest from another connection can find the query to cancel.
final class ServerContext: Sendable {
    let configuration: ServerConfiguration
    let log: ServerLog
    /// Runs statements off the event loops: as many threads as `--max-concurrent-queries`, so
    /// the rest wait in arrival order.
    let queryPool: QueryPool
    /// Random bytes from which an unknown user's stand-in SCRAM salt is derived, so it is the
    /// same on every attempt while the server runs, as a real user's is.
    let unknownUserSecret = SCRAMVerifier.randomBytes(32)

    private let sessions = NIOLockedValueBox<[Int32: SessionState]>([:])
    private let runningStatements = Atomic<Int>(0)
    private let openConnections = Atomic<Int>(0)

    init(configuration: ServerConfiguration, log: ServerLog) {
        self.configuration = configuration
        self.log = log
        self.queryPool = QueryPool(numberOfThreads: configuration.maxConcurrentQueries)
    }

    /// A fresh process id for a session, unused by any registered one.
    func register(_ make: (Int32) -> SessionState) -> SessionState {
        sessions.withLockedValue { sessions in
            var processID = Int32.random(in: 1_000...Int32.max)
            while sessions[processID] != nil { processID = Int32.random(in: 1_000...Int32.max) }
            let session = make(processID)
            sessions[processID] = session
            return session
        }
    }

    func unregister(_ processID: Int32) {
        _ = sessions.withLockedValue { $0.removeValue(forKey: processID) }
    }

    /// Cancels the running statement of the session with `processID` when `secretKey` matches;
    /// whether one did.
    func cancel(processID: Int32, secretKey: Int32) -> Bool {
        guard let session = sessions.withLockedValue({ $0[processID] }), session.secretKey == secretKey else {
            return false
        }
        session.cancel(reason: "canceling statement due to user request")
        return true
    }

    /// Counts a connection in; false (not counted) when `--max-connections` are open.
    func connectionOpened() -> Bool {
        let count = openConnections.add(1, ordering: .relaxed).newValue
        guard count <= configuration.maxConnections else {
            openConnections.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func connectionClosed() { openConnections.subtract(1, ordering: .relaxed) }

    func statementStarted() { runningStatements.add(1, ordering: .relaxed) }
    func statementFinished() { runningStatements.subtract(1, ordering: .relaxed) }

    /// Statements running now (shutdown waits for them).
    var running: Int { runningStatements.load(ordering: .relaxed) }
}
