/// Cursors: DECLARE makes a named portal, FETCH reads its next rows, CLOSE drops it; a cursor
/// without HOLD lasts until its transaction ends.

import NIOCore
import StarlingWire

extension Connection {
    /// Runs a cursor statement, part of Query message `then` (nil: an Execute of portal `fetch`).
    /// True when the connection is now busy with a FETCH, whose end goes on with `then`'s next
    /// statement.
    func runCursorCommand(
        _ parsed: Result<CursorCommand, ParameterError>, text: String, then: SimpleResult?, fetch: Portal?
    ) -> Bool {
        let status = session?.transactionStatus ?? .idle
        lastCommandText = text
        let command: CursorCommand
        switch parsed {
        case .success(let parsed): command = parsed
        case .failure(let error):
            cursorError(error.sqlState, error.message, then: then)
            return false
        }
        if status == .failed {
            cursorError(
                "25P02", "current transaction is aborted, commands ignored until end of transaction block", then: then)
            return false
        }
        switch command {
        case .declare(let name, let binary, let hold, let query):
            guard hold || status == .inTransaction else {
                cursorError("25P01", "DECLARE CURSOR can only be used in transaction blocks", then: then)
                return false
            }
            guard portals[name] == nil else {
                cursorError("42P03", "cursor \"\(name)\" already exists", then: then)
                return false
            }
            let cursor = Portal(name: name, query: query, resultFormats: binary ? [.binary] : [], returnsRows: true)
            cursor.isCursor = true
            cursor.holdable = hold
            portals[name] = cursor
            send(.commandComplete("DECLARE CURSOR"))
            logCommand(text, outcome: "DECLARE CURSOR")
            return false
        case .close(let name):
            if let name {
                guard portals[name]?.isCursor == true else {
                    cursorError("34000", "cursor \"\(name)\" does not exist", then: then)
                    return false
                }
                closePortal(name)
            } else {
                for (name, portal) in portals where portal.isCursor { closePortal(name) }
            }
            send(.commandComplete("CLOSE CURSOR"))
            logCommand(text, outcome: "CLOSE CURSOR")
            return false
        case .deallocate(let name):
            if let name {
                guard statements.removeValue(forKey: name) != nil else {
                    cursorError("26000", "prepared statement \"\(name)\" does not exist", then: then)
                    return false
                }
                send(.commandComplete("DEALLOCATE"))
                logCommand(text, outcome: "DEALLOCATE")
            } else {
                statements = statements.filter { $0.key.isEmpty }
                send(.commandComplete("DEALLOCATE ALL"))
                logCommand(text, outcome: "DEALLOCATE ALL")
            }
            return false
        case .fetch(let name, let count):
            guard let cursor = portals[name], cursor.isCursor else {
                cursorError("34000", "cursor \"\(name)\" does not exist", then: then)
                return false
            }
            cursor.sent = 0
            cursor.describePending = then != nil
            cursor.fetchText = text
            cursor.fetchStarted = ContinuousClock.now
            if cursor.finished {
                if let fields = cursor.fields, then != nil { send(.rowDescription(fields)) }
                send(.commandComplete("FETCH 0"))
                return false
            }
            start(cursor)
            busy = .portal(cursor, .fetch(limit: count ?? 0, then: then, fetch: fetch))
            armPortalTimer()
            pump()
            return true
        }
    }

    /// A cursor statement's error: in a Query message, it ends the message; in the extended
    /// protocol, messages up to Sync are skipped. A transaction block fails.
    func cursorError(_ sqlState: String, _ message: String, then: SimpleResult?) {
        logCommand(lastCommandText, outcome: "error \(sqlState) \(message)")
        if session?.transactionStatus == .inTransaction { session?.transactionStatus = .failed }
        send(.errorResponse(ErrorFields(sqlState: sqlState, message: message)))
        if let then {
            then.failed = true
        } else {
            skippingUntilSync = true
        }
    }

    /// Writes a cursor's next rows for a FETCH: a RowDescription first in a Query message, then
    /// up to `limit` rows (0: all left) and `FETCH n`; in the formats of `fetch`, the FETCH's
    /// portal in the extended protocol, else the cursor's own.
    func pumpFetch(_ cursor: Portal, _ queue: ResultQueue, limit: Int, then: SimpleResult?, formatsOf fetch: Portal?) {
        guard let context else { return }
        var encoder = cursor.columns.map { (fetch ?? cursor).encoder(for: $0) }
        func describe() {
            if cursor.describePending, let fields = cursor.fields {
                send(.rowDescription(fields))
                cursor.describePending = false
            }
        }
        describe()
        while true {
            if let (chunk, offset) = cursor.leftover {
                let room = limit == 0 ? chunk.count : limit - cursor.sent
                let end = offset + min(chunk.count - offset, room)
                encoder?.write(chunk, rows: offset..<end, into: &output)
                cursor.sent += end - offset
                cursor.leftover = end < chunk.count ? (chunk, end) : nil
                if output.readableBytes >= 1 << 16 { flushOutput() }
                if limit != 0 && cursor.sent >= limit { return endFetch(cursor, then: then) }
                continue
            }
            guard context.channel.isWritable, let item = queue.take() else { return }
            switch item {
            case .columns(let columns):
                _ = cursor.setColumns(columns)
                encoder = (fetch ?? cursor).encoder(for: columns)
                describe()
            case .chunk(let chunk): cursor.leftover = (chunk, 0)
            case .parameterStatus(let name, let value): send(.parameterStatus(name: name, value: value))
            case .copyOut: break
            case .copyIn(_, let stream): stream.abandon()
            case .complete, .empty, .end:
                cursor.finished = true
                describe()
                return endFetch(cursor, then: then)
            case .failed(let fields):
                cursor.finished = true
                send(.errorResponse(cursor.clientError(fields)))
                logCommand(
                    cursor.fetchText, outcome: "error \(fields.sqlState) \(fields.message)", since: cursor.fetchStarted)
                if let then {
                    then.failed = true
                } else {
                    skippingUntilSync = true
                }
                disarmPortalTimer()
                busy = nil
                if let then { return runNext(then) }
                return endPortalWork()
            }
        }
    }

    /// A FETCH is answered: `FETCH n`, then the Query message's next statement or the next message.
    func endFetch(_ cursor: Portal, then: SimpleResult?) {
        disarmPortalTimer()
        send(.commandComplete("FETCH \(cursor.sent)"))
        logCommand(cursor.fetchText, outcome: "rows=\(cursor.sent) FETCH \(cursor.sent)", since: cursor.fetchStarted)
        busy = nil
        if let then { return runNext(then) }
        endPortalWork()
    }

    /// The log line of a statement the connection answered itself.
    func logCommand(_ text: String, outcome: String, since started: ContinuousClock.Instant? = nil) {
        guard let session else { return }
        let elapsed = ServerLog.milliseconds(ContinuousClock.now - (started ?? ContinuousClock.now))
        server.log.write(
            "[\(session.processID)] user=\(session.user) \(elapsed) \(outcome): \(ServerLog.excerpt(text))")
    }

    /// After COMMIT or ROLLBACK: the cursors declared without HOLD are closed with their
    /// transaction.
    func closeCursorsAfterTransaction() {
        guard session?.transactionStatus == .idle else { return }
        for (name, portal) in portals where portal.isCursor && !portal.holdable { closePortal(name) }
    }
}
