/// Runs a connection's statements on a worker thread, handing their results to a ResultQueue.

import NIOCore
import StarlingEngine
import StarlingExecution
import StarlingSQL
import StarlingWire

/// Runs the statements of one Query message, or one portal, in order, stopping at the first
/// error: session commands (``SessionCommand``) itself, the rest through the session's engine.
/// Statements that change the warehouse commit on their own, so inside a transaction block only
/// reads run. Each statement gets one log line.
struct StatementRunner {
    let session: SessionState
    let context: ServerContext
    let eventLoop: EventLoop
    /// Whether each statement's timeout runs from its start to its end. A portal's or cursor's
    /// is kept by the connection instead, per Execute or FETCH, so the time a suspended portal
    /// waits for the client does not count.
    var timed = true
    /// Whether COPY to or from the client may run: in a Query message, not in a portal.
    var allowsCopy = true
    /// The statement is an ``InlineStatement``: it runs on the calling thread (the event loop).
    var shallow = false

    /// Runs `pieces` of `query` into `queue`, then pushes ``ResultItem/end``; the statements'
    /// log lines are written after that, so the client does not wait for them.
    func run(_ pieces: [SQLText.Piece], query: String, into queue: ResultQueue) {
        var lines: [String] = []
        defer {
            queue.push(.end)
            for line in lines { context.log.write(line) }
        }
        if pieces.isEmpty {
            queue.push(.empty)
            return
        }
        for piece in pieces {
            guard !queue.isClosed, runOne(piece, query: query, into: queue, log: &lines) else { return }
        }
    }

    /// The error for a statement in a failed transaction block, before ROLLBACK.
    static let abortedTransaction = ErrorFields(
        sqlState: "25P02", message: "current transaction is aborted, commands ignored until end of transaction block")

    /// How long a statement may run: the session's `statement_timeout` when set, at most the
    /// server's `--query-timeout`; nil for no limit.
    static func timeout(_ session: SessionState, _ configuration: ServerConfiguration) -> Duration? {
        let server = configuration.queryTimeout
        let milliseconds = session.setting("statement_timeout").flatMap(SessionCommand.statementTimeout) ?? 0
        guard milliseconds > 0 else { return server }
        let session = Duration.milliseconds(milliseconds)
        return server.map { min($0, session) } ?? session
    }

    /// Runs one statement; false when it failed (the rest are skipped).
    private func runOne(_ piece: SQLText.Piece, query: String, into queue: ResultQueue, log: inout [String]) -> Bool {
        let clock = ContinuousClock()
        let started = clock.now
        session.resetCancel()
        context.statementStarted()
        defer { context.statementFinished() }
        let timer = (timed ? Self.timeout(session, context.configuration) : nil).map { timeout in
            eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.nanosecondsClamped))) { [session] in
                session.cancel(reason: "canceling statement due to statement timeout")
            }
        }
        defer { timer?.cancel() }
        let outcome = execute(piece, query: query, into: queue)
        let elapsed = ServerLog.milliseconds(clock.now - started)
        let who = "[\(session.processID)] user=\(session.user)"
        switch outcome {
        case .success(let (tag, rows)):
            queue.push(.complete(tag))
            let rowText = rows.map { " rows=\($0)" } ?? ""
            log.append("\(who) \(elapsed)\(rowText) \(tag): \(ServerLog.excerpt(piece.text))")
            return true
        case .failure(let failure):
            let fields = failure.fields
            if session.transactionStatus == .inTransaction { session.transactionStatus = .failed }
            queue.push(.failed(fields))
            log.append(
                "\(who) \(elapsed) error \(fields.sqlState) \(fields.message): \(ServerLog.excerpt(piece.text))")
            return false
        }
    }

    /// The statement's tag and rows, or its error.
    private func execute(_ piece: SQLText.Piece, query: String, into queue: ResultQueue)
        -> Result<(tag: String, rows: Int?), StatementFailure>
    {
        if let command = SessionCommand.parse(piece.text) {
            return runCommand(command, piece, query: query, into: queue)
        }
        if session.transactionStatus == .failed {
            return .failure(StatementFailure(Self.abortedTransaction))
        }
        let statements: [ParsedStatement]
        do throws(SQLError) {
            statements = try Parser.parse(piece.text)
        } catch {
            return .failure(
                StatementFailure(
                    ErrorMapping.fields(
                        .sql(error, script: piece.text), query: query, offset: piece.offset, syntax: true,
                        cancelReason: nil)))
        }
        guard statements.count == 1, let statement = statements.first?.statement else {
            return .failure(
                StatementFailure(
                    ErrorFields(
                        sqlState: "42601", message: "cannot insert multiple commands into a prepared statement")))
        }
        if let denial = Role.denial(of: statement, user: session.user, role: session.role) {
            return .failure(StatementFailure(ErrorFields(sqlState: "42501", message: denial)))
        }
        let clientCopy: Bool
        switch statement {
        case .copy(let copy): clientCopy = copy.fromStandardInput
        case .copyTo(let copy): clientCopy = copy.target == .standardOutput
        default: clientCopy = false
        }
        if clientCopy && !allowsCopy {
            return .failure(
                StatementFailure(
                    ErrorFields(
                        sqlState: "0A000", message: "COPY FROM STDIN and TO STDOUT run in a simple Query message",
                        hint: "send the COPY without parameters through the simple query protocol")))
        }
        if case .copyTo(let copy) = statement, copy.target == .standardOutput {
            return copyOut(copy, piece, query: query, into: queue)
        }
        let tag: String?
        switch statement {
        case .query: tag = nil
        case .explain: tag = "EXPLAIN"
        case .show: tag = "SHOW"
        case .set: tag = "SET"
        default:
            guard session.transactionStatus == .idle else {
                return .failure(
                    StatementFailure(
                        ErrorFields(
                            sqlState: "25006",
                            message: "statements that change the warehouse cannot run inside a transaction block",
                            hint: "each such statement commits on its own: run it outside BEGIN … COMMIT "
                                + "(in psycopg: autocommit=True)")))
            }
            tag = nil
        }
        if case .copy(let copy) = statement, copy.fromStandardInput {
            return copyIn(copy, piece, query: query, into: queue)
        }
        let sink = QueueSink(queue)
        var outcomeTag: String?
        do throws(EngineError) {
            try session.engine.run(piece.text, into: sink, shallow: shallow, onOutcome: { outcomeTag = $0.tag })
        } catch {
            return .failure(
                StatementFailure(
                    ErrorMapping.fields(
                        error, query: query, offset: piece.offset, syntax: false, cancelReason: session.lastCancelReason
                    )))
        }
        if let outcomeTag { return .success((outcomeTag, nil)) }
        return .success((tag ?? "SELECT \(sink.rows)", sink.rows))
    }

    /// BEGIN, COMMIT, ROLLBACK, and SET and SHOW of the client settings.
    private func runCommand(_ command: SessionCommand, _ piece: SQLText.Piece, query: String, into queue: ResultQueue)
        -> Result<(tag: String, rows: Int?), StatementFailure>
    {
        let status = session.transactionStatus
        switch command {
        case .begin:
            if status == .idle { session.transactionStatus = .inTransaction }
            return .success(("BEGIN", nil))
        case .commit:
            session.transactionStatus = .idle
            return .success((status == .failed ? "ROLLBACK" : "COMMIT", nil))
        case .rollback:
            session.transactionStatus = .idle
            return .success(("ROLLBACK", nil))
        case .savepoint, .releaseSavepoint, .rollbackToSavepoint:
            guard status != .idle else {
                return .failure(
                    StatementFailure(
                        ErrorFields(sqlState: "25P01", message: "savepoints can only be used in transaction blocks")))
            }
            if command == .rollbackToSavepoint {
                session.transactionStatus = .inTransaction
                return .success(("ROLLBACK", nil))
            }
            guard status != .failed else {
                return .failure(StatementFailure(Self.abortedTransaction))
            }
            return .success((command == .savepoint ? "SAVEPOINT" : "RELEASE", nil))
        case .set, .show:
            guard status != .failed else {
                return .failure(StatementFailure(Self.abortedTransaction))
            }
        }
        switch command {
        case .set(let name, let value) where name == "timezone":
            // SET TIME ZONE 'UTC': the engine's TimeZone setting.
            let rewritten = SQLText.Piece(text: "SET TimeZone = \(value.isEmpty ? "''" : value)", offset: piece.offset)
            return execute(rewritten, query: query, into: queue)
        case .set(let name, let value):
            switch SessionCommand.accept(name, value) {
            case .success(let kept):
                session.set(name, kept)
                if let reported = SessionCommand.reported[name] {
                    queue.push(.parameterStatus(name: reported, value: kept))
                }
                return .success(("SET", nil))
            case .failure(let error):
                return .failure(StatementFailure(ErrorFields(sqlState: error.sqlState, message: error.message)))
            }
        case .show(let name, let spelling):
            let value = session.setting(name) ?? ""
            queue.push(.columns([PlanColumn(name: spelling, type: .varchar)]))
            queue.push(.chunk(Chunk(columns: [Vector(type: .varchar, values: [.string(value)])], count: 1)))
            return .success(("SHOW", 1))
        default:
            return .success(("", nil))
        }
    }
}

/// A failed statement's ErrorResponse fields (a type so `Result` can carry them).
struct StatementFailure: Error {
    let fields: ErrorFields
    init(_ fields: ErrorFields) { self.fields = fields }
}

extension Duration {
    /// Nanoseconds, at most `Int64.max`.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        guard seconds < Int64.max / 1_000_000_000 else { return Int64.max }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
