/// DECLARE, FETCH and CLOSE: cursors, which the server keeps as named portals; and DEALLOCATE
/// of prepared statements.

/// A cursor or prepared-statement statement, answered by the connection rather than the engine.
enum CursorCommand: Equatable {
    /// `DECLARE name [BINARY] [NO SCROLL] CURSOR [WITH HOLD | WITHOUT HOLD] FOR query`.
    case declare(name: String, binary: Bool, hold: Bool, query: String)
    /// `FETCH [NEXT | FORWARD [count | ALL] | count | ALL] [FROM | IN] name`: `count` nil for ALL.
    case fetch(name: String, count: Int?)
    /// `CLOSE name`, or `CLOSE ALL` (name nil).
    case close(name: String?)
    /// `DEALLOCATE [PREPARE] name`, or `DEALLOCATE ALL` (name nil): drops prepared statements
    /// (psycopg sends it after a ROLLBACK or a schema change).
    case deallocate(name: String?)

    /// The command `text` is; nil when it is none (the engine runs it); a failure for a cursor
    /// statement this server does not take (MOVE, SCROLL, FETCH BACKWARD, …).
    static func parse(_ text: String) -> Result<CursorCommand, ParameterError>? {
        var scanner = WordScanner(text)
        guard let first = scanner.word()?.lowercased() else { return nil }
        switch first {
        case "declare": return declare(&scanner)
        case "fetch": return fetch(&scanner)
        case "close":
            guard let name = scanner.word(), scanner.atEnd else { return refuse("CLOSE takes a cursor name or ALL") }
            return .success(.close(name: name.lowercased() == "all" && !scanner.lastWasQuoted ? nil : name))
        case "move": return refuse("MOVE is not supported: FETCH FORWARD reads a cursor's rows in order")
        case "deallocate":
            var name = scanner.word()
            if name?.lowercased() == "prepare" && !scanner.lastWasQuoted { name = scanner.word() }
            guard let name, scanner.atEnd else { return refuse("DEALLOCATE takes a statement name or ALL") }
            return .success(.deallocate(name: name.lowercased() == "all" && !scanner.lastWasQuoted ? nil : name))
        default: return nil
        }
    }

    static func refuse(_ message: String) -> Result<CursorCommand, ParameterError> {
        .failure(ParameterError(sqlState: "0A000", message: message))
    }

    static func declare(_ scanner: inout WordScanner) -> Result<CursorCommand, ParameterError> {
        guard let name = scanner.word() else { return refuse("DECLARE needs a cursor name") }
        var binary = false
        var hold = false
        while let word = scanner.word()?.lowercased() {
            switch word {
            case "binary": binary = true
            case "insensitive", "asensitive": continue
            case "no":
                guard scanner.word()?.lowercased() == "scroll" else { return refuse("expected SCROLL after NO") }
            case "scroll":
                return refuse("SCROLL cursors are not supported: a cursor reads its rows forward only")
            case "cursor": continue
            case "with", "without":
                guard scanner.word()?.lowercased() == "hold" else { return refuse("expected HOLD after \(word)") }
                hold = word == "with"
            case "for":
                let query = scanner.rest
                let firstWord = SettingWords(query).first?.lowercased()
                guard PreparedStatement.returnsRows(query), firstWord != "fetch", firstWord != "show" else {
                    return .failure(
                        ParameterError(sqlState: "42601", message: "DECLARE … CURSOR FOR takes a query (SELECT …)"))
                }
                return .success(.declare(name: name, binary: binary, hold: hold, query: query))
            default:
                return .failure(ParameterError(sqlState: "42601", message: "unexpected \"\(word)\" in DECLARE"))
            }
        }
        return .failure(ParameterError(sqlState: "42601", message: "DECLARE … CURSOR needs FOR and a query"))
    }

    static func fetch(_ scanner: inout WordScanner) -> Result<CursorCommand, ParameterError> {
        var words: [(text: String, quoted: Bool)] = []
        while let word = scanner.word() { words.append((word, scanner.lastWasQuoted)) }
        guard let name = words.last, words.count <= 4 else { return refuse("FETCH needs a cursor name") }
        var count: Int? = 1
        var options = words.dropLast().map { $0.text.lowercased() }
        if let last = options.last, last == "from" || last == "in" { options.removeLast() }
        switch options.count {
        case 0: break
        case 1, 2:
            if options.count == 2 {
                guard options[0] == "forward" else {
                    return refuse("FETCH \(options[0].uppercased()) is not supported: cursors read forward only")
                }
            }
            let amount = options[options.count - 1]
            if amount == "all" {
                count = nil
            } else if amount == "next" || amount == "forward" {
                count = 1
            } else if let number = Int(amount), number >= 0 {
                count = number == 0 ? nil : number
            } else {
                return refuse("FETCH \(amount.uppercased()) is not supported: cursors read forward only")
            }
        default:
            return refuse("FETCH \(options.joined(separator: " ").uppercased()) is not supported")
        }
        return .success(.fetch(name: name.text, count: count))
    }
}

/// The leading words of a statement: names (lower-cased by the caller when a keyword), quoted
/// names (`"My Cursor"`, kept as written), numbers; comments skipped. ``rest`` is the text after
/// the last word read.
struct WordScanner {
    private let bytes: [UInt8]
    private var index = 0
    private(set) var lastWasQuoted = false

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var atEnd: Bool {
        var copy = self
        return copy.word() == nil
    }

    /// The text after the words read so far.
    var rest: String { String(decoding: bytes[min(index, bytes.count)...], as: UTF8.self) }

    mutating func word() -> String? {
        skipSpace()
        guard index < bytes.count else { return nil }
        lastWasQuoted = false
        if bytes[index] == UInt8(ascii: "\"") {
            var name: [UInt8] = []
            index += 1
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                        name.append(UInt8(ascii: "\""))
                        index += 2
                        continue
                    }
                    index += 1
                    lastWasQuoted = true
                    return String(decoding: name, as: UTF8.self)
                }
                name.append(bytes[index])
                index += 1
            }
            return nil
        }
        let start = index
        while index < bytes.count, Self.isWord(bytes[index]) { index += 1 }
        if index == start { index += 1 }  // a symbol: a word of its own
        let word = String(decoding: bytes[start..<index], as: UTF8.self)
        return Self.isWord(bytes[start]) ? word.lowercased() : word
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ";") {
                index += 1
            } else if byte == UInt8(ascii: "-"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "-") {
                while index < bytes.count && bytes[index] != 0x0A { index += 1 }
            } else if byte == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                index += 2
                while index + 1 < bytes.count
                    && !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/"))
                {
                    index += 1
                }
                index += 2
            } else {
                return
            }
        }
    }

    static func isWord(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x5F || byte >= 0x80
    }
}
