/// `COPY … TO STDOUT` and `COPY … FROM STDIN` on the worker thread.

import NIOCore
import StarlingEngine
import StarlingFormat
import StarlingSQL
import StarlingWire

extension StatementRunner {
    typealias Outcome = Result<(tag: String, rows: Int?), StatementFailure>

    /// Runs the query of `copy` into `queue` after a ``ResultItem/copyOut(_:)`` that tells the
    /// connection to send its rows as CopyData in the statement's format.
    func copyOut(_ copy: CopyTo, _ piece: SQLText.Piece, query: String, into queue: ResultQueue) -> Outcome {
        let format: CopyFormat
        do throws(SQLError) {
            format = try CopyFormat(options: copy.options)
            if let other = copy.options.first(where: { !CopyFormat.names.contains($0.name.name.lowercased()) }) {
                throw SQLError(
                    "COPY TO STDOUT takes FORMAT, HEADER, DELIMITER, NULL, QUOTE, ESCAPE and ENCODING, not "
                        + other.name.name.uppercased(), at: other.name.position)
            }
        } catch {
            return failure(.sql(error, script: piece.text), piece, query: query)
        }
        // The rows of COPY (query) are the query's, its errors placed in the statement; those of
        // COPY table [(columns)] are SELECT's of those columns.
        var text: String
        var offset = piece.offset
        switch copy.source {
        case .query(_, let range):
            let bytes = Array(piece.text.utf8)
            guard range.lowerBound >= 0, range.upperBound <= bytes.count, !range.isEmpty else {
                return .failure(
                    StatementFailure(ErrorFields(sqlState: "XX000", message: "COPY's query is out of place")))
            }
            text = String(decoding: bytes[range], as: UTF8.self)
            offset += range.lowerBound
        case .table:
            text = copy.tableQueryText ?? ""
        }
        queue.push(.copyOut(format))
        let sink = QueueSink(queue)
        do throws(EngineError) {
            try session.engine.run(text, into: sink, onOutcome: { _ in })
        } catch {
            var fields = ErrorMapping.fields(
                error, query: query, offset: offset, syntax: false, cancelReason: session.lastCancelReason)
            if case .table = copy.source { fields.position = nil }
            return .failure(StatementFailure(fields))
        }
        return .success(("COPY \(sink.rows)", sink.rows))
    }

    /// Gathers the rows the client sends into a spool file (the text format rewritten as CSV),
    /// then loads them through the engine: one commit, or none. The connection is told to ask for
    /// the rows with ``ResultItem/copyIn(columns:_:)``; a cancel, a timeout, a CopyFail or a
    /// disconnect ends the statement with nothing loaded.
    func copyIn(_ copy: CopyFrom, _ piece: SQLText.Piece, query: String, into queue: ResultQueue) -> Outcome {
        let format: CopyFormat
        do throws(SQLError) {
            format = try CopyFormat(options: copy.options)
        } catch {
            return failure(.sql(error, script: piece.text), piece, query: query)
        }
        if session.role < .admin, copy.options.contains(where: { $0.name.name.lowercased() == "rejects" }) {
            return .failure(
                StatementFailure(
                    ErrorFields(
                        sqlState: "42501",
                        message: "permission denied: only an admin may name a REJECTS file on the server",
                        hint: "without REJECTS, rejected rows go to the warehouse's loads/ directory")))
        }
        let columns: Int
        do {
            let catalog = try session.engine.warehouse.catalog()
            guard let table = catalog.table(named: copy.table.name) else {
                let error = SQLError("table \"\(copy.table.name)\" does not exist", at: copy.table.position)
                return failure(.sql(error, script: piece.text), piece, query: query)
            }
            columns = copy.columns?.count ?? table.columns.count
        } catch {
            return .failure(StatementFailure(ErrorFields(sqlState: "XX000", message: "\(error)")))
        }
        let spool: CopySpool
        do throws(FileError) {
            spool = try CopySpool(
                warehouse: session.engine.warehouse, session: session.processID, sequence: session.nextSpool())
        } catch {
            return .failure(StatementFailure(ErrorFields(sqlState: "58030", message: error.description)))
        }
        defer { spool.remove() }
        let stream = CopyInStream()
        queue.push(.copyIn(columns: columns, stream))
        if let failure = gather(stream, into: spool, format: format) {
            stream.abandon()
            return .failure(StatementFailure(failure))
        }
        spool.close()
        do throws(EngineError) {
            let outcome = try session.engine.copy(copy, gatheredIn: spool.path, format: format, script: piece.text)
            return .success((outcome.tag, nil))
        } catch {
            var fields = ErrorMapping.fields(
                error, query: query, offset: piece.offset, syntax: false, cancelReason: session.lastCancelReason)
            // The client sent the rows: the spool file is its STDIN.
            fields.message = fields.message.replacing(spool.path, with: "STDIN")
            return .failure(StatementFailure(fields))
        }
    }

    /// Writes what the client sends to `spool` until CopyDone; the error otherwise.
    private func gather(_ stream: CopyInStream, into spool: CopySpool, format: CopyFormat) -> ErrorFields? {
        let transcoder = format.kind == .text ? CopyTextTranscoder(format) : nil
        while true {
            guard let piece = stream.next(cancelled: { session.control.isCancelled }) else {
                return ErrorFields(
                    sqlState: "57014", message: session.lastCancelReason ?? "canceling statement due to user request")
            }
            do {
                switch piece {
                case .data(let bytes):
                    try bytes.withUnsafeReadableBytes { raw in
                        try spool.write(try transcoder?.feed(raw) ?? raw)
                    }
                case .done:
                    if let transcoder { try spool.write(transcoder.finish()) }
                    return nil
                case .failed(let message):
                    return ErrorFields(sqlState: "57014", message: "COPY from stdin failed: \(message)")
                }
            } catch let error as CopyInputError {
                return ErrorFields(sqlState: "22P04", message: "COPY from stdin: \(error.message)")
            } catch {
                return ErrorFields(sqlState: "58030", message: "COPY from stdin: \(error)")
            }
        }
    }

    /// A failure before anything ran, from an engine error in the statement.
    private func failure(_ error: EngineError, _ piece: SQLText.Piece, query: String) -> Outcome {
        .failure(
            StatementFailure(
                ErrorMapping.fields(error, query: query, offset: piece.offset, syntax: false, cancelReason: nil)))
    }
}
