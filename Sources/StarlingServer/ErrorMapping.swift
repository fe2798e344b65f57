/// Engine errors as ErrorResponse fields: a SQLSTATE, the message, the hint and the position.

import StarlingEngine
import StarlingExecution
import StarlingLoader
import StarlingSQL
import StarlingStorage
import StarlingWire

/// Maps Starling's errors to PostgreSQL's SQLSTATE codes: 42601 syntax, 42P01 undefined table,
/// 42703 undefined column, 42883 undefined function, 42704 unknown setting, 22012 division by
/// zero, 22003 out of range, 57014 cancelled, 53200 out of memory, 40001 for a query whose files
/// a vacuum removed (run it again), XX000 otherwise. Positions are 1-based characters into the
/// query string the client sent.
enum ErrorMapping {
    /// The fields for `error`, raised by a statement that starts at UTF-8 byte `offset` of
    /// `query`. `syntax` says the parser (not the binder) raised a SQL error.
    static func fields(
        _ error: EngineError, query: String, offset: Int, syntax: Bool, cancelReason: String?
    ) -> ErrorFields {
        switch error {
        case .sql(let sqlError, _):
            let state = syntax ? "42601" : sqlState(ofBindError: sqlError.message)
            return ErrorFields(
                sqlState: state, message: sqlError.message, hint: sqlError.hint,
                position: position(query, byteOffset: offset + sqlError.position.offset))
        case .query(let queryError):
            let (message, hint, place) = unrendered(queryError.message)
            return ErrorFields(
                sqlState: sqlState(of: queryError),
                message: queryError.kind == .cancelled
                    ? cancelReason ?? "canceling statement due to user request" : message,
                hint: hint,
                position: place.map { position(query, offset: offset, line: $0.line, column: $0.column) })
        case .storage(let storageError):
            // A write that waited for another writer until its statement was cancelled.
            if storageError.kind == .locked, let cancelReason {
                return ErrorFields(sqlState: "57014", message: cancelReason)
            }
            let state: String
            switch storageError.kind {
            case .locked: state = "55P03"
            case .corrupt, .missingFile: state = "XX001"
            case .io: state = "58030"
            case .missingWarehouse, .notAWarehouse, .invalid: state = "XX000"
            }
            // The command line's advice (`--wait`) means nothing to a client.
            var message = storageError.message
            if storageError.kind == .locked, message.hasSuffix(", or pass --wait") {
                message.removeLast(", or pass --wait".count)
            }
            return ErrorFields(sqlState: state, message: message)
        case .load(let loadError):
            if loadError.kind == .storage(.locked) {
                return ErrorFields(sqlState: cancelReason == nil ? "55P03" : "57014", message: cancelReason ?? loadError.message)
            }
            return ErrorFields(sqlState: "22000", message: loadError.message)
        }
    }

    /// The SQLSTATE of an error the binder raised, by what its message says.
    static func sqlState(ofBindError message: String) -> String {
        let missing = message.contains("does not exist")
        if missing && (message.hasPrefix("table ") || message.hasPrefix("view ") || message.hasPrefix("relation ")) {
            return "42P01"
        }
        if missing && message.hasPrefix("column ") { return "42703" }
        if message.hasPrefix("unknown function") || (missing && message.hasPrefix("function ")) { return "42883" }
        if message.hasPrefix("unrecognized configuration parameter") { return "42704" }
        // A setting past what the session's role may ask for (PostgreSQL: permission denied to set).
        if message.hasPrefix("memory_limit may be at most") { return "42501" }
        if message.hasPrefix("expected ") { return "42601" }
        // Constant expressions are evaluated while binding: their data errors come from there.
        return dataErrorState(message) ?? "42000"
    }

    /// The SQLSTATE of a run-time error.
    static func sqlState(of error: QueryError) -> String {
        switch error.kind {
        case .cancelled: return "57014"
        case .memoryLimit: return "53200"
        case .fileRemoved: return "40001"
        case .storage: return "XX001"
        case .output: return "58030"
        case .invalidData: return dataErrorState(error.message) ?? "22000"
        }
    }

    /// 22012, 22003 or 22P02 when `message` says division by zero, overflow or a failed
    /// conversion.
    static func dataErrorState(_ message: String) -> String? {
        let lowered = message.lowercased()
        if lowered.contains("division by zero") || lowered.contains("divide by zero") { return "22012" }
        if lowered.contains("out of range") || lowered.contains("overflow") { return "22003" }
        if lowered.contains("could not convert") || lowered.contains("invalid input") { return "22P02" }
        return nil
    }

    /// A message rendered with a place (`line 1:8: message`, the statement and a caret, a
    /// `hint:` line) as the bare message, the hint, and the line and column.
    static func unrendered(_ text: String) -> (message: String, hint: String?, place: (line: Int, column: Int)?) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix("line ") else { return (text, nil, nil) }
        let rest = first.dropFirst("line ".count)
        guard let colon = rest.firstIndex(of: ":"), let line = Int(rest[..<colon]) else { return (text, nil, nil) }
        let afterLine = rest[rest.index(after: colon)...]
        guard let end = afterLine.firstIndex(of: ":"), let column = Int(afterLine[..<end]) else {
            return (text, nil, nil)
        }
        let message = afterLine[afterLine.index(after: end)...].drop { $0 == " " }
        let hint = lines.first { $0.hasPrefix("  hint: ") }.map { String($0.dropFirst("  hint: ".count)) }
        return (String(message), hint, (line, column))
    }

    /// The 1-based character position of line `line`, column `column` (1-based characters) of
    /// the statement starting at UTF-8 byte `offset` of `query`.
    static func position(_ query: String, offset: Int, line: Int, column: Int) -> Int {
        let start = position(query, byteOffset: offset) - 1
        var characters = 0
        for (index, text) in query.utf8.dropFirst(offset).split(
            separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false
        ).enumerated() where index < line - 1 {
            characters += String(decoding: text, as: UTF8.self).count + 1
        }
        return start + characters + max(1, column)
    }

    /// The 1-based character position of UTF-8 byte `byteOffset` of `text`.
    static func position(_ text: String, byteOffset: Int) -> Int {
        let utf8 = text.utf8
        let clamped = max(0, min(byteOffset, utf8.count))
        let end = utf8.index(utf8.startIndex, offsetBy: clamped)
        return text.unicodeScalars[..<end].count + 1
    }
}
