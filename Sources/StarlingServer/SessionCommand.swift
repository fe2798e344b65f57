/// The statements the server answers itself: transaction control, and `SET`/`SHOW` of the
/// settings PostgreSQL clients send on connect.

/// A statement handled by the session rather than the engine.
enum SessionCommand: Equatable {
    /// BEGIN, BEGIN TRANSACTION …, START TRANSACTION.
    case begin
    /// COMMIT, END.
    case commit
    /// ROLLBACK, ABORT.
    case rollback
    /// SAVEPOINT name, RELEASE [SAVEPOINT] name, ROLLBACK TO [SAVEPOINT] name: a transaction
    /// block only reads (writes are refused in one), so a savepoint keeps nothing but the
    /// block's state: rolling back to one ends a failed statement's abort. Drivers use them
    /// around catalog lookups (psycopg's TypeInfo.fetch).
    case savepoint
    case releaseSavepoint
    case rollbackToSavepoint
    /// SET of a client setting (lower-cased name) to a value.
    case set(name: String, value: String)
    /// SHOW of a client setting, with the name as written (the column's name).
    case show(name: String, spelling: String)

    /// The client settings the session keeps: the value each starts with. Other names go to the
    /// engine (`threads`, `memory_limit`, `TimeZone`), which refuses unknown ones.
    static let defaults: [String: String] = [
        "client_encoding": "UTF8", "datestyle": "ISO, MDY", "extra_float_digits": "1", "application_name": "",
        "search_path": "main", "intervalstyle": "postgres", "standard_conforming_strings": "on",
        "client_min_messages": "notice", "server_version": ServerIdentity.serverVersion, "server_encoding": "UTF8",
        "integer_datetimes": "on", "transaction_isolation": "serializable",
        "default_transaction_read_only": "off", "is_superuser": "on", "statement_timeout": "0",
    ]

    /// Settings SHOW answers but SET refuses.
    static let readOnly: Set<String> = [
        "server_version", "server_encoding", "integer_datetimes", "is_superuser", "transaction_isolation",
        "default_transaction_read_only",
    ]

    /// The command `text` is, nil when the engine should run it.
    static func parse(_ text: String) -> SessionCommand? {
        let words = SettingWords(text)
        guard let first = words.first?.lowercased() else { return nil }
        switch first {
        case "begin", "start":
            if first == "start" && words.count > 1 && words[1].lowercased() != "transaction" { return nil }
            return .begin
        case "commit", "end":
            return words.count <= 2 ? .commit : nil
        case "rollback", "abort":
            if first == "rollback", words.count >= 2, words[1].lowercased() == "to" {
                let named = words.count == 3 || (words.count == 4 && words[2].lowercased() == "savepoint")
                return named ? .rollbackToSavepoint : nil
            }
            return words.count <= 2 ? .rollback : nil
        case "savepoint":
            return words.count == 2 ? .savepoint : nil
        case "release":
            let named = words.count == 2 || (words.count == 3 && words[1].lowercased() == "savepoint")
            return named ? .releaseSavepoint : nil
        case "set":
            var rest = words.dropFirst()
            if let scope = rest.first?.lowercased(), scope == "session" || scope == "local" { rest = rest.dropFirst() }
            guard let name = rest.first else { return nil }
            if name.lowercased() == "time", rest.dropFirst().first?.lowercased() == "zone" {
                return .set(name: "timezone", value: rest.dropFirst(2).joined(separator: " "))
            }
            let lowered = name.lowercased()
            guard defaults[lowered] != nil || lowered == "names" else { return nil }
            rest = rest.dropFirst()
            if let word = rest.first, word == "=" || word.lowercased() == "to" { rest = rest.dropFirst() }
            let value = rest.filter { $0 != "," }.map(SettingWords.unquoted).joined(separator: ", ")
            return .set(name: lowered == "names" ? "client_encoding" : lowered, value: value)
        case "show":
            // PostgreSQL's spelling of SHOW transaction_isolation (SQLAlchemy sends it).
            if words.count == 4, words.dropFirst().map({ $0.lowercased() }) == ["transaction", "isolation", "level"] {
                return .show(name: "transaction_isolation", spelling: "transaction_isolation")
            }
            guard words.count == 2, defaults[words[1].lowercased()] != nil else { return nil }
            return .show(name: words[1].lowercased(), spelling: words[1])
        default:
            return nil
        }
    }

    /// Checks a value for a client setting: nil when accepted (the value to keep), else why not.
    static func accept(_ name: String, _ value: String) -> Result<String, ParameterError> {
        let refuse = { (why: String) in
            Result<String, ParameterError>.failure(ParameterError(sqlState: "22023", message: why))
        }
        if readOnly.contains(name) {
            return .failure(ParameterError(sqlState: "55P02", message: "parameter \"\(name)\" cannot be changed"))
        }
        let lowered = value.lowercased()
        switch name {
        case "client_encoding":
            guard ["utf8", "utf-8", "unicode", "default"].contains(lowered) else {
                return refuse("client_encoding \"\(value)\" is not supported: the server speaks UTF8 only")
            }
            return .success("UTF8")
        case "datestyle":
            guard lowered.contains("iso") || lowered == "default" else {
                return refuse("DateStyle \"\(value)\" is not supported: dates are written as ISO, MDY")
            }
            return .success("ISO, MDY")
        case "extra_float_digits":
            guard let digits = Int(value), (-15...3).contains(digits) else {
                return refuse("extra_float_digits must be a whole number from -15 to 3, not \"\(value)\"")
            }
            return .success(String(digits))
        case "search_path":
            let schemas = lowered.split(separator: ",").map { String($0).trimmingSpaces.replacing("\"", with: "") }
            let known: Set<String> = ["main", "public", "$user", "pg_catalog", "default"]
            guard schemas.allSatisfy(known.contains) else {
                return refuse("search_path \"\(value)\" is not supported: Starling has one schema, main")
            }
            return .success(value)
        case "intervalstyle":
            guard lowered == "postgres" || lowered == "default" else {
                return refuse("IntervalStyle \"\(value)\" is not supported: intervals are written as postgres")
            }
            return .success("postgres")
        case "standard_conforming_strings":
            guard ["on", "true", "default"].contains(lowered) else {
                return refuse("standard_conforming_strings is always on: backslashes in strings are plain")
            }
            return .success("on")
        case "statement_timeout":
            guard let milliseconds = statementTimeout(value) else {
                return refuse(
                    "statement_timeout takes milliseconds or a duration such as '30s', '5min', not \"\(value)\"")
            }
            return .success(milliseconds == 0 ? "0" : "\(milliseconds)ms")
        case "client_min_messages":
            let levels: Set<String> = [
                "debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error",
            ]
            guard levels.contains(lowered) || lowered == "default" else {
                return refuse("invalid value for client_min_messages: \"\(value)\"")
            }
            return .success(lowered == "default" ? "notice" : lowered)
        default:
            return .success(value)
        }
    }

    /// Milliseconds for a `statement_timeout` value as PostgreSQL reads it: a number of
    /// milliseconds, or a number and a unit (`ms`, `s`, `min`, `h`, `d`); 0 for none. Nil when
    /// unreadable or negative.
    static func statementTimeout(_ value: String) -> Int? {
        let text = value.trimmingSpaces.lowercased()
        if text == "default" { return 0 }
        let number = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard let amount = Double(number), amount >= 0, amount < 1e12 else { return nil }
        let units: [String: Double] = ["": 1, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000]
        guard let unit = units[String(text.dropFirst(number.count)).trimmingSpaces] else { return nil }
        return Int((amount * unit).rounded())
    }

    /// The settings a change of which is reported to the client with ParameterStatus, by name.
    static let reported: [String: String] = [
        "client_encoding": "client_encoding", "datestyle": "DateStyle", "application_name": "application_name",
        "intervalstyle": "IntervalStyle", "standard_conforming_strings": "standard_conforming_strings",
    ]
}

/// The words of a short statement: names, quoted strings (kept with their quotes), numbers and
/// `=`/`,`, without comments or a trailing `;`.
struct SettingWords: RandomAccessCollection {
    private let words: [String]
    var startIndex: Int { words.startIndex }
    var endIndex: Int { words.endIndex }
    subscript(position: Int) -> String { words[position] }

    init(_ text: String) {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var previous: Character = " "
        var skipLine = false
        for character in text {
            if skipLine {
                if character == "\n" { skipLine = false }
                continue
            }
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
                continue
            }
            if character == "-" && previous == "-" {
                current.removeLast()
                skipLine = true
                continue
            }
            previous = character
            if character == "'" || character == "\"" {
                quote = character
                current.append(character)
            } else if character.isWhitespace || character == "=" || character == "," || character == ";" {
                if !current.isEmpty { words.append(current) }
                current = ""
                if character == "=" || character == "," { words.append(String(character)) }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        self.words = words
    }

    /// A word without its quotes (`''` inside as one quote).
    static func unquoted(_ word: String) -> String {
        guard let first = word.first, first == "'" || first == "\"", word.count >= 2, word.last == first else {
            return word
        }
        return String(word.dropFirst().dropLast()).replacing(String([first, first]), with: String(first))
    }
}
