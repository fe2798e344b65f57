/// One client connection: its startup, its messages in order, and the results it is sent.

import NIOCore
import StarlingEngine
import StarlingExecution
import StarlingWire

/// The channel handler of one connection, on its event loop. Messages are handled one at a time
/// in order: while a statement runs (on the query pool), later messages wait in ``pending``.
/// Results arrive through a ``ResultQueue`` and are written as the channel accepts them, so a
/// slow client slows its query instead of filling memory.
final class Connection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = FrontendPacket
    typealias OutboundOut = ByteBuffer

    let server: ServerContext
    var context: ChannelHandlerContext?
    var session: SessionState?
    var peer = "unknown"
    var counted = false
    let openedAt = ContinuousClock.now
    var statementCount = 0

    /// The timeout of the running Describe, Execute or FETCH of a portal.
    var portalTimer: Scheduled<Void>?
    /// Closes a connection that sends no startup packet.
    var startupTimer: Scheduled<Void>?

    /// Messages received while busy.
    var pending: [FrontendMessage] = []
    /// What the connection waits for before the next message.
    var busy: Busy?
    /// After an error in an extended-query cycle, messages are skipped until Sync.
    var skippingUntilSync = false
    var statements: [String: PreparedStatement] = [:]
    var portals: [String: Portal] = [:]
    /// Output gathered during one round of handling, written at its end.
    var output: ByteBuffer
    var pumping = false
    var pumpAgain = false
    /// The cursor statement being answered, for its log line.
    var lastCommandText = ""
    /// The input of the `COPY … FROM STDIN` waiting for the client's rows.
    var copyIn: CopyInStream?
    /// The SCRAM exchange under way, between the startup packet and AuthenticationOk.
    var authentication: AuthenticationStep?
    /// An SSLRequest arrived (only one is answered).
    var sslRequested = false
    /// A TLS handler decrypts the connection (`Connection+TLS`).
    var encrypted = false
    /// Messages waiting beyond which the connection stops reading until they are handled.
    static let maximumPending = 1_000

    /// What the connection is waiting for.
    enum Busy {
        /// The statements of a Query message.
        case simple(ResultQueue, SimpleResult)
        /// The rows of a portal, for Execute (`limit` rows at most, 0: all) or Describe.
        case portal(Portal, PortalWork)
        /// A Describe of a statement being planned.
        case describing
    }

    /// A Query message being answered: its statements, the next one to run, and the encoder of
    /// the current one's rows.
    final class SimpleResult {
        let query: String
        let pieces: [SQLText.Piece]
        var next = 0
        var failed = false
        var encoder: RowEncoder?
        /// The format of the current statement's rows when it is a `COPY … TO STDOUT`.
        var copyFormat: CopyFormat?
        var copyEncoder: CopyOutEncoder?

        init(query: String, pieces: [SQLText.Piece]) {
            self.query = query
            self.pieces = pieces
        }
    }

    enum PortalWork {
        case execute(limit: Int)
        /// Describe of the portal, or of the FETCH portal `fetch` reading it (in its formats).
        case describe(fetch: Portal?)
        /// FETCH of up to `limit` rows (0: all) of a cursor; `then` is the Query message it is part
        /// of (nil in the extended protocol, where the rows take the formats of portal `fetch`),
        /// whose next statement runs after it.
        case fetch(limit: Int, then: SimpleResult?, fetch: Portal?)
    }

    init(server: ServerContext) {
        self.server = server
        self.output = ByteBufferAllocator().buffer(capacity: 4096)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        output = context.channel.allocator.buffer(capacity: 4096)
        peer = context.channel.remoteAddress?.description ?? "unknown"
        // A client that has not started its session within the limit is let go, as PostgreSQL's
        // authentication_timeout does: sockets that never start are not counted as connections.
        startupTimer = context.eventLoop.scheduleTask(in: Self.startupTimeout) { [weak self] in
            guard let self, session == nil, let context = self.context, context.channel.isActive else { return }
            fatal("08P01", "no startup message within \(Self.startupTimeout.nanoseconds / 1_000_000_000) s")
        }
    }

    /// How long a new connection may take to send its startup packet.
    static let startupTimeout = TimeAmount.seconds(60)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .startup(let request): startup(request)
        case .message(let message):
            if routeCopyMessage(message) { break }
            if busy != nil || !pending.isEmpty {
                pending.append(message)
                if pending.count >= Self.maximumPending {
                    context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
                }
            } else {
                handle(message)
            }
        }
        flushOutput()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let wireError = error as? WireError {
            send(
                .errorResponse(ErrorFields(severity: "FATAL", sqlState: wireError.sqlState, message: wireError.message))
            )
            server.log.write("connection \(peer): protocol violation: \(wireError.message)")
        } else if !(error is NIOCore.ChannelError), let text = Self.logText(for: error) {
            server.log.write("connection \(peer): \(text)")
        }
        flushOutput()
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { pump() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        startupTimer?.cancel()
        portalTimer?.cancel()
        closeAllPortals(keepingHoldable: false)
        if case .simple(let queue, _) = busy { queue.close() }
        copyIn?.end(.failed("the client closed the connection"))
        copyIn = nil
        busy = nil
        pending.removeAll()
        if let session {
            session.cancel(reason: "the client closed the connection")
            server.unregister(session.processID)
            let elapsed = ServerLog.milliseconds(ContinuousClock.now - openedAt)
            server.log.write(
                "[\(session.processID)] user=\(session.user) database=\(session.database) from \(peer): "
                    + "disconnected after \(elapsed), \(statementCount) statements")
        }
        if counted { server.connectionClosed() }
        context.fireChannelInactive()
    }

    // MARK: Startup

    func startup(_ request: StartupRequest) {
        switch request {
        case .sslRequest:
            answerSSLRequest()
        case .gssEncryptionRequest:
            output.writeInteger(UInt8(ascii: "N"))
        case .cancel(let processID, let secretKey):
            let found = server.cancel(processID: processID, secretKey: secretKey)
            server.log.write("cancel request from \(peer) for [\(processID)]: \(found ? "cancelled" : "no such query")")
            context?.close(promise: nil)
        case .startup(let message):
            guard server.connectionOpened() else {
                fatal(
                    "53300",
                    "sorry, too many clients already (--max-connections \(server.configuration.maxConnections))")
                return
            }
            counted = true
            guard allowedWithoutTLS() else { return }
            guard let user = message["user"], !user.isEmpty else {
                fatal("28000", "no PostgreSQL user name specified in startup packet")
                return
            }
            authenticate(
                user: user, database: message["database"] ?? user, applicationName: message["application_name"] ?? "")
        }
    }

    /// Opens the session of an authenticated user (or a loopback client of a warehouse without
    /// users, as admin): AuthenticationOk, the ParameterStatus values clients read,
    /// BackendKeyData and ReadyForQuery.
    func begin(user: String, role: Role, database: String, applicationName: String) {
        let configuration = server.configuration
        let control = QueryControl()
        var engine = Engine(
            warehouse: configuration.warehouse, waitForLock: true, threads: configuration.threads,
            memoryLimit: configuration.memoryLimit, control: control)
        // A write while another writer commits waits for it, up to the statement's timeout (or
        // until cancelled), as PostgreSQL waits for a lock; it holds its query slot meanwhile.
        // The warehouse is the database, whatever name the client asked for.
        engine.databaseName = ServerIdentity.databaseName
        // Only an admin may raise a session's memory limit past the server's.
        if role != .admin { engine.memoryLimitCeiling = engine.memoryLimit }
        // Only an admin's queries may read files of the server's machine.
        engine.mayReadFiles = role == .admin
        let session = server.register { processID in
            SessionState(
                user: user, role: role, database: database, applicationName: applicationName, engine: engine,
                control: control,
                processID: processID, secretKey: Int32.random(in: Int32.min...Int32.max))
        }
        self.session = session
        startupTimer?.cancel()
        startupTimer = nil
        send(.authenticationOk)
        let reported: [(String, String)] = [
            ("server_version", ServerIdentity.serverVersion), ("server_encoding", "UTF8"), ("client_encoding", "UTF8"),
            ("DateStyle", "ISO, MDY"), ("IntervalStyle", "postgres"), ("integer_datetimes", "on"),
            ("standard_conforming_strings", "on"), ("TimeZone", "UTC"), ("application_name", applicationName),
            ("is_superuser", role == .admin ? "on" : "off"), ("session_authorization", user),
        ]
        for (name, value) in reported { send(.parameterStatus(name: name, value: value)) }
        send(.backendKeyData(processID: session.processID, secretKey: session.secretKey))
        send(.readyForQuery(.idle))
        server.log.write(
            "[\(session.processID)] user=\(user) role=\(role.rawValue) database=\(database) from \(peer): "
                + "connected \(transportDescription)"
                + (applicationName.isEmpty ? "" : " (\(applicationName))"))
    }

    /// A FATAL ErrorResponse, then the connection closes.
    func fatal(_ sqlState: String, _ message: String) {
        send(.errorResponse(ErrorFields(severity: "FATAL", sqlState: sqlState, message: message)))
        server.log.write("connection \(peer): \(message)")
        flushOutput()
        context?.close(promise: nil)
    }

    // MARK: Messages

    /// Handles one message (not busy).
    func handle(_ message: FrontendMessage) {
        if let step = authentication {
            handleAuthentication(message, step: step)
            return
        }
        guard session != nil else {
            fatal("08P01", "a message arrived before the startup packet")
            return
        }
        if skippingUntilSync {
            switch message {
            case .sync, .terminate: break
            default: return
            }
        }
        switch message {
        case .query(let text): simpleQuery(text)
        case .parse(let name, let query, let types): parse(name: name, query: query, types: types)
        case .bind(let bind): self.bind(bind)
        case .describe(let target, let name): describe(target, name: name)
        case .execute(let portal, let maxRows): execute(portal: portal, limit: maxRows)
        case .close(let target, let name): close(target, name: name)
        case .sync: sync()
        case .flush: flushOutput()
        case .terminate:
            flushOutput()
            context?.close(promise: nil)
        case .password:
            fatal("08P01", "a password message arrived after authentication")
        case .copyData, .copyDone, .copyFail:
            // With no COPY FROM STDIN running (it failed), the rest of its input is dropped.
            break
        }
    }

    /// Handles waiting messages until one makes the connection busy.
    func processPending() {
        let wasFull = pending.count >= Self.maximumPending
        while busy == nil, !pending.isEmpty {
            handle(pending.removeFirst())
        }
        if wasFull && pending.count < Self.maximumPending, let context {
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            context.read()
        }
        // Written when the connection waits for the client; busy again (the next pipelined
        // statement), the answers go on gathering until Sync, Flush or the work's own writes.
        if busy == nil || output.readableBytes >= Self.portalFlushBytes { flushOutput() }
    }

    /// A Query message: its statements run in order, each on the query pool (cursor statements
    /// here), until one fails.
    func simpleQuery(_ text: String) {
        guard let session else { return }
        closePortal("")
        if session.transactionStatus == .idle { closeAllPortals(keepingHoldable: true) }
        let pieces = SQLText.split(text)
        statementCount += pieces.count
        guard !pieces.isEmpty else {
            send(.emptyQueryResponse)
            send(.readyForQuery(session.transactionStatus))
            return
        }
        runNext(SimpleResult(query: text, pieces: pieces))
    }

    /// Runs the next statement of a Query message, or, when none is left (or one failed), sends
    /// ReadyForQuery and goes on with the waiting messages.
    func runNext(_ result: SimpleResult) {
        guard let loop = context?.eventLoop else { return }
        while !result.failed, result.next < result.pieces.count {
            let piece = result.pieces[result.next]
            result.next += 1
            if let command = CursorCommand.parse(piece.text) {
                if runCursorCommand(command, text: piece.text, then: result, fetch: nil) { return }
                continue
            }
            let queue = ResultQueue(eventLoop: loop) { [self] in pump() }
            busy = .simple(queue, result)
            submit([piece], query: result.query, into: queue)
            return
        }
        busy = nil
        send(.readyForQuery(session?.transactionStatus ?? .idle))
        flushOutput()
        processPending()
    }

    /// Runs `pieces` on the query pool, results into `queue`.
    func submit(
        _ pieces: [SQLText.Piece], query: String, into queue: ResultQueue, timed: Bool = true, allowsCopy: Bool = true
    ) {
        guard let session, let loop = context?.eventLoop else { return }
        var runner = StatementRunner(session: session, context: server, eventLoop: loop)
        runner.timed = timed
        runner.allowsCopy = allowsCopy
        if pieces.count == 1, InlineStatement.qualifies(pieces[0].text) {
            // A SELECT of constants: here, without two thread switches (its answer is one row,
            // so the queue never waits for this loop to drain it).
            runner.shallow = true
            runner.run(pieces, query: query, into: queue)
            return
        }
        server.queryPool.submit { [runner] state in
            guard state == .active else {
                queue.push(
                    .failed(ErrorFields(severity: "FATAL", sqlState: "57P01", message: "the server is shutting down")))
                queue.push(.end)
                return
            }
            runner.run(pieces, query: query, into: queue)
        }
    }

    /// Writes what has arrived for the current work, as far as the channel takes it. Not
    /// reentrant: a call made while it runs (a flush that makes the channel writable again, a
    /// message handled after the work ends) makes it go round once more instead.
    func pump() {
        if pumping {
            pumpAgain = true
            return
        }
        pumping = true
        defer { pumping = false }
        repeat {
            pumpAgain = false
            pumpOnce()
        } while pumpAgain
    }

    private func pumpOnce() {
        guard let context, context.channel.isActive else { return }
        switch busy {
        case .simple(let queue, let result):
            while context.channel.isWritable, let item = queue.take() {
                if case .end = item {
                    busy = nil
                    closeCursorsAfterTransaction()
                    runNext(result)
                    return
                }
                writeSimple(item, result)
            }
        case .portal(let portal, let work):
            pumpPortal(portal, work)
            // The extended protocol's answers wait for Sync or Flush (as PostgreSQL's do): a
            // pipelined Parse, Bind, Describe, Execute, Sync is answered in one write, not five.
            // Large results still go out as they come.
            guard output.readableBytes >= Self.portalFlushBytes else { return }
        case .describing, nil:
            break
        }
        flushOutput()
    }

    /// Output a portal's rows gather before they are written without waiting for Sync.
    static let portalFlushBytes = 1 << 16

    /// One item of a Query message's results.
    func writeSimple(_ item: ResultItem, _ result: SimpleResult) {
        switch item {
        case .columns(let columns):
            if let format = result.copyFormat {
                let encoder = CopyOutEncoder(format: format, types: columns.map(\.type))
                result.copyEncoder = encoder
                send(.copyOutResponse(columns: columns.count))
                encoder.writeHeader(columns.map(\.name), into: &output)
                return
            }
            let encoder = RowEncoder(types: columns.map(\.type), formats: columns.map { _ in .text })
            result.encoder = encoder
            send(.rowDescription(columns.map { PostgresType.field(name: $0.name, type: $0.type, format: .text) }))
        case .chunk(let chunk):
            if let copyEncoder = result.copyEncoder {
                copyEncoder.write(chunk, into: &output)
            } else {
                result.encoder?.write(chunk, rows: 0..<chunk.count, into: &output)
            }
            if output.readableBytes >= 1 << 16 { flushOutput() }
        case .complete(let tag):
            if result.copyEncoder != nil { send(.copyDone) }
            endCopy(result)
            send(.commandComplete(tag))
        case .empty: send(.emptyQueryResponse)
        case .copyOut(let format): result.copyFormat = format
        case .copyIn(let columns, let stream):
            copyIn = stream
            let loop = context?.eventLoop
            stream.attach { [weak self] in
                loop?.execute { self?.resumeReading() }
            }
            send(.copyInResponse(columns: columns))
        case .failed(let fields):
            result.failed = true
            endCopy(result)
            send(.errorResponse(fields))
        case .parameterStatus(let name, let value): send(.parameterStatus(name: name, value: value))
        case .end: break
        }
    }

    // MARK: COPY

    /// Hands a CopyData, CopyDone or CopyFail to the running `COPY … FROM STDIN`; true when the
    /// message was one of those (with no COPY running, PostgreSQL drops them too). Any other
    /// message ends the copy with an error, then waits its turn (Sync and Flush are ignored).
    func routeCopyMessage(_ message: FrontendMessage) -> Bool {
        switch message {
        case .copyData(let bytes):
            if let copyIn, !copyIn.append(bytes) {
                context?.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
            }
            return true
        case .copyDone:
            copyIn?.end(.done)
            copyIn = nil
            return true
        case .copyFail(let reason):
            copyIn?.end(.failed(reason))
            copyIn = nil
            return true
        case .sync, .flush:
            return copyIn != nil
        default:
            if let copyIn {
                copyIn.end(.failed("an unexpected message arrived during COPY from stdin"))
                self.copyIn = nil
            }
            return false
        }
    }

    /// Reading goes on after a COPY's input was taken.
    func resumeReading() {
        guard let context, context.channel.isActive, pending.count < Self.maximumPending else { return }
        context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        context.read()
    }

    /// The end of a statement: no COPY runs any more.
    private func endCopy(_ result: SimpleResult) {
        result.copyFormat = nil
        result.copyEncoder = nil
        copyIn = nil
    }

    // MARK: Output

    func send(_ message: BackendMessage) {
        message.encode(into: &output)
    }

    /// Writes and flushes what was gathered.
    func flushOutput() {
        guard let context, output.readableBytes > 0 else { return }
        let bytes = output
        output = context.channel.allocator.buffer(capacity: 4096)
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }
}
