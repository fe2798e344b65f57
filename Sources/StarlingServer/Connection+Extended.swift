/// The extended query protocol: Parse, Bind, Describe, Execute, Close and Sync, with named and
/// unnamed statements and portals.

import NIOCore
import StarlingColumns
import StarlingEngine
import StarlingExecution
import StarlingSQL
import StarlingWire

extension Connection {
    /// An error in an extended-query cycle: reported, then messages skipped until Sync.
    func extendedError(_ sqlState: String, _ message: String) {
        send(.errorResponse(ErrorFields(sqlState: sqlState, message: message)))
        skippingUntilSync = true
    }

    func parse(name: String, query: String, types: [UInt32]) {
        if !name.isEmpty && statements[name] != nil {
            extendedError("42P05", "prepared statement \"\(name)\" already exists")
            return
        }
        guard SQLText.split(query).count <= 1 else {
            extendedError("42601", "cannot insert multiple commands into a prepared statement")
            return
        }
        let count = max(types.count, SQLText.parameterCount(query))
        guard count <= Int(Int16.max) else {
            extendedError("54000", "a statement may have at most \(Int16.max) parameters, not \(count)")
            return
        }
        let declared = (0..<count).map { $0 < types.count ? types[$0] : 0 }
        statements[name] = PreparedStatement(name: name, query: query, parameterTypes: declared)
        send(.parseComplete)
    }

    func bind(_ bind: BindMessage) {
        guard let statement = statements[bind.statement] else {
            extendedError("26000", "prepared statement \"\(bind.statement)\" does not exist")
            return
        }
        if !bind.portal.isEmpty && portals[bind.portal] != nil {
            extendedError("42P03", "portal \"\(bind.portal)\" already exists")
            return
        }
        let count = statement.parameterTypes.count
        guard bind.parameters.count == count else {
            extendedError(
                "08P01",
                "bind message supplies \(bind.parameters.count) parameters, but prepared statement "
                    + "\"\(statement.name)\" requires \(count)")
            return
        }
        var literals: [String] = []
        for index in 0..<count {
            let literal = ParameterLiteral.literal(
                bind.parameters[index], oid: statement.parameterTypes[index], format: bind.parameterFormat(index),
                number: index + 1)
            switch literal {
            case .success(let text): literals.append(text)
            case .failure(let error):
                extendedError(error.sqlState, error.message)
                return
            }
        }
        let bound: BoundText
        switch SQLText.bind(statement.query, literals) {
        case .success(let text): bound = text
        case .failure(let error):
            extendedError(error.sqlState, error.message)
            return
        }
        closePortal(bind.portal)
        let portal = Portal(
            name: bind.portal, query: bound.text, resultFormats: bind.resultFormats,
            returnsRows: statement.returnsRows)
        portal.bound = bound
        portals[bind.portal] = portal
        send(.bindComplete)
    }

    func describe(_ target: DescribeTarget, name: String) {
        switch target {
        case .statement:
            guard let statement = statements[name] else {
                extendedError("26000", "prepared statement \"\(name)\" does not exist")
                return
            }
            send(.parameterDescription(statement.parameterTypes.map(PostgresType.described(parameter:))))
            guard statement.returnsRows else {
                send(.noData)
                return
            }
            describeStatement(statement)
        case .portal:
            guard let portal = portals[name] else {
                extendedError("34000", "portal \"\(name)\" does not exist")
                return
            }
            if let command = CursorCommand.parse(portal.query) {
                // A FETCH's rows are its cursor's, in the FETCH portal's formats.
                guard case .success(.fetch(let cursorName, _)) = command, let cursor = portals[cursorName],
                    cursor.isCursor
                else {
                    send(.noData)
                    return
                }
                if let columns = cursor.columns {
                    send(.rowDescription(portal.fields(for: columns)))
                } else if cursor.finished {
                    send(.noData)
                } else {
                    start(cursor)
                    busy = .portal(cursor, .describe(fetch: portal))
                    armPortalTimer()
                    pump()
                }
                return
            }
            if let fields = portal.fields {
                send(.rowDescription(fields))
            } else if !portal.returnsRows || portal.finished {
                send(.noData)
            } else {
                start(portal)
                busy = .portal(portal, .describe(fetch: nil))
                armPortalTimer()
                pump()
            }
        }
    }

    /// Plans a prepared statement, its parameters NULL, for the columns it will return.
    func describeStatement(_ statement: PreparedStatement) {
        guard let session, let loop = context?.eventLoop else { return }
        let nulls = statement.parameterTypes.map { oid in
            PostgresType.sqlType(ofParameter: oid).map { "CAST(NULL AS \($0))" } ?? "NULL"
        }
        guard case .success(let query) = SQLText.substitute(statement.query, nulls) else {
            send(.noData)
            return
        }
        if let command = CursorCommand.parse(query) {
            if case .success(.fetch(let name, _)) = command, let fields = portals[name]?.fields {
                send(.rowDescription(fields))
            } else {
                send(.noData)
            }
            return
        }
        busy = .describing
        let future = server.queryPool.runIfActive(eventLoop: loop) {
            () -> Result<[FieldDescription], StatementFailure> in
            if case .show(let name, let spelling) = SessionCommand.parse(query), !name.isEmpty {
                return .success([PostgresType.field(name: spelling, type: .varchar, format: .text)])
            }
            // Describe runs one read-only statement: the text must parse as exactly one, so that no
            // statement hidden after it runs unchecked by the session's role.
            guard let parsed = try? Parser.parse("DESCRIBE " + query), parsed.count == 1,
                Role.required(for: parsed[0].statement).role == .reader
            else {
                return .failure(
                    StatementFailure(
                        ErrorFields(sqlState: "42601", message: "cannot describe this statement's result")))
            }
            let sink = CollectingSink()
            do throws(EngineError) {
                try session.engine.run("DESCRIBE " + query, into: sink)
            } catch {
                return .failure(
                    StatementFailure(
                        ErrorMapping.fields(
                            error, query: query, offset: 0, syntax: false, cancelReason: nil)))
            }
            let rows = sink.rows
            guard rows.columns.count >= 2 else { return .success([]) }
            return .success(
                (0..<rows.count).map { row in
                    let name = rows.columns[0].value(at: row).formatted(as: .varchar)
                    let typeName = rows.columns[1].value(at: row).formatted(as: .varchar)
                    let type = LogicalType(canonicalName: typeName) ?? .varchar
                    return PostgresType.field(name: name, type: type, format: .text)
                })
        }
        future.whenComplete { [self] result in
            busy = nil
            switch result {
            case .success(.success(let fields)): send(fields.isEmpty ? .noData : .rowDescription(fields))
            case .success(.failure(let failure)):
                send(.errorResponse(failure.fields))
                skippingUntilSync = true
            case .failure:
                extendedError("57P01", "the server is shutting down")
            }
            flushOutput()
            processPending()
        }
    }

    func execute(portal name: String, limit: Int) {
        guard let portal = portals[name] else {
            extendedError("34000", "portal \"\(name)\" does not exist")
            return
        }
        if portal.finished {
            send(.commandComplete(portal.returnsRows ? "SELECT 0" : ""))
            return
        }
        if let command = CursorCommand.parse(portal.query) {
            portal.finished = true
            _ = runCursorCommand(command, text: portal.query, then: nil, fetch: portal)
            return
        }
        start(portal)
        portal.sent = 0
        busy = .portal(portal, .execute(limit: limit))
        armPortalTimer()
        pump()
    }

    /// Starts running a portal's statement, unless it already runs.
    func start(_ portal: Portal) {
        guard portal.queue == nil, let loop = context?.eventLoop else { return }
        let queue = ResultQueue(eventLoop: loop) { [self] in pump() }
        portal.queue = queue
        statementCount += 1
        submit(SQLText.split(portal.query), query: portal.query, into: queue, timed: false, allowsCopy: false)
    }

    /// Writes a portal's results for the current Describe or Execute.
    func pumpPortal(_ portal: Portal, _ work: PortalWork) {
        guard let queue = portal.queue, let context else { return }
        switch work {
        case .describe(let fetch):
            while let item = queue.take() {
                switch item {
                case .columns(let columns):
                    let fields = portal.setColumns(columns)
                    send(.rowDescription(fetch?.fields(for: columns) ?? fields))
                    return endPortalWork()
                case .parameterStatus(let name, let value): send(.parameterStatus(name: name, value: value))
                case .copyOut: break
                case .copyIn(_, let stream): stream.abandon()
                case .failed(let fields):
                    portal.finished = true
                    send(.errorResponse(portal.clientError(fields)))
                    skippingUntilSync = true
                    return endPortalWork()
                case .chunk, .complete, .empty, .end:
                    send(.noData)
                    return endPortalWork()
                }
            }
        case .fetch(let limit, let then, let fetch):
            pumpFetch(portal, queue, limit: limit, then: then, formatsOf: fetch)
        case .execute(let limit):
            while true {
                if let (chunk, offset) = portal.leftover {
                    let room = limit == 0 ? chunk.count : limit - portal.sent
                    let end = offset + min(chunk.count - offset, room)
                    portal.encoder?.write(chunk, rows: offset..<end, into: &output)
                    portal.sent += end - offset
                    portal.leftover = end < chunk.count ? (chunk, end) : nil
                    if output.readableBytes >= 1 << 16 { flushOutput() }
                    if limit != 0 && portal.sent >= limit {
                        send(.portalSuspended)
                        return endPortalWork()
                    }
                    continue
                }
                guard context.channel.isWritable, let item = queue.take() else { return }
                switch item {
                case .columns(let columns): _ = portal.setColumns(columns)
                case .chunk(let chunk): portal.leftover = (chunk, 0)
                case .parameterStatus(let name, let value): send(.parameterStatus(name: name, value: value))
                case .copyOut: break
                case .copyIn(_, let stream): stream.abandon()
                case .complete(let tag):
                    portal.finished = true
                    send(.commandComplete(tag))
                    closeCursorsAfterTransaction()
                    return endPortalWork()
                case .empty:
                    portal.finished = true
                    send(.emptyQueryResponse)
                    return endPortalWork()
                case .failed(let fields):
                    portal.finished = true
                    send(.errorResponse(portal.clientError(fields)))
                    skippingUntilSync = true
                    return endPortalWork()
                case .end:
                    portal.finished = true
                    return endPortalWork()
                }
            }
        }
    }

    /// The Describe or Execute is answered: on to the next message (the answer goes out with the
    /// Sync's, or when the connection waits for the client).
    func endPortalWork() {
        disarmPortalTimer()
        busy = nil
        processPending()
    }

    /// Starts the timeout of a portal's Describe, Execute or FETCH (`statement_timeout`, at most
    /// `--query-timeout`).
    func armPortalTimer() {
        disarmPortalTimer()
        guard let session, let loop = context?.eventLoop,
            let timeout = StatementRunner.timeout(session, server.configuration)
        else { return }
        portalTimer = loop.scheduleTask(in: .nanoseconds(timeout.nanosecondsClamped)) { [session] in
            session.cancel(reason: "canceling statement due to statement timeout")
        }
    }

    func disarmPortalTimer() {
        portalTimer?.cancel()
        portalTimer = nil
    }

    func close(_ target: DescribeTarget, name: String) {
        switch target {
        case .statement: statements.removeValue(forKey: name)
        case .portal: closePortal(name)
        }
        send(.closeComplete)
    }

    /// Drops a portal, stopping its statement if it still runs.
    func closePortal(_ name: String) {
        portals.removeValue(forKey: name)?.queue?.close()
    }

    /// Drops every portal, but for cursors declared WITH HOLD when `keepingHoldable`.
    func closeAllPortals(keepingHoldable: Bool) {
        for (name, portal) in portals where !(keepingHoldable && portal.holdable) {
            portal.queue?.close()
            portals.removeValue(forKey: name)
        }
    }

    /// Sync: the end of an extended-query cycle. Outside a transaction block its portals close.
    func sync() {
        skippingUntilSync = false
        let status = session?.transactionStatus ?? .idle
        if status == .idle { closeAllPortals(keepingHoldable: true) }
        send(.readyForQuery(status))
        flushOutput()
    }
}
