/// SQL text as the server needs it before the parser sees it: split into statements at `;`,
/// and `$N` parameters found and replaced, both outside quotes and comments.

import StarlingWire

/// A scan of SQL text that knows its quotes and comments: `'…'` (with `''`), `E'…'` (with
/// backslash escapes), `"…"`, `-- …` and nested `/* … */`.
enum SQLText {
    /// One statement of a script: its text and where it starts (a UTF-8 byte offset).
    struct Piece: Equatable {
        let text: String
        let offset: Int
    }

    /// What the scan found at one place outside quotes and comments.
    enum Mark {
        case semicolon(Int)
        /// `$N` from byte `start` to `end`.
        case parameter(number: Int, start: Int, end: Int)
    }

    /// The semicolons and parameters of `bytes`, in order.
    static func marks(_ bytes: [UInt8]) -> [Mark] {
        var marks: [Mark] = []
        var index = 0
        let count = bytes.count
        func at(_ position: Int) -> UInt8 { position < count ? bytes[position] : 0 }
        func isWord(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x5F || byte == 0x24 || byte >= 0x80
        }
        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let escapes =
                    byte == UInt8(ascii: "'") && index > 0 && (at(index - 1) | 0x20) == UInt8(ascii: "e")
                    && (index < 2 || !isWord(at(index - 2)))
                index += 1
                while index < count {
                    if escapes && bytes[index] == UInt8(ascii: "\\") {
                        index += 2
                        continue
                    }
                    if bytes[index] == byte {
                        if at(index + 1) == byte {
                            index += 2
                            continue
                        }
                        break
                    }
                    index += 1
                }
                index += 1
            case UInt8(ascii: "-") where at(index + 1) == UInt8(ascii: "-"):
                while index < count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where at(index + 1) == UInt8(ascii: "*"):
                var depth = 0
                while index < count {
                    if bytes[index] == UInt8(ascii: "/") && at(index + 1) == UInt8(ascii: "*") {
                        depth += 1
                        index += 2
                    } else if bytes[index] == UInt8(ascii: "*") && at(index + 1) == UInt8(ascii: "/") {
                        depth -= 1
                        index += 2
                        if depth == 0 { break }
                    } else {
                        index += 1
                    }
                }
            case UInt8(ascii: ";"):
                marks.append(.semicolon(index))
                index += 1
            case UInt8(ascii: "$")
            where (index == 0 || !isWord(at(index - 1))) && at(index + 1) >= 0x30
                && at(index + 1) <= 0x39:
                var end = index + 1
                var number = 0
                while end < count, bytes[end] >= 0x30, bytes[end] <= 0x39 {
                    // Numbers beyond 65535 are refused by the caller; stop growing well before overflow.
                    if number < 1_000_000 { number = number * 10 + Int(bytes[end] - 0x30) }
                    end += 1
                }
                marks.append(.parameter(number: number, start: index, end: end))
                index = end
            default:
                if isWord(byte) {
                    while index < count && isWord(bytes[index]) { index += 1 }
                } else {
                    index += 1
                }
            }
        }
        return marks
    }

    /// The statements of `script`: the text between semicolons, those holding only spaces and
    /// comments left out.
    static func split(_ script: String) -> [Piece] {
        let bytes = Array(script.utf8)
        var pieces: [Piece] = []
        var start = 0
        func add(_ end: Int) {
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            if !isBlank(text) { pieces.append(Piece(text: text, offset: start)) }
        }
        for case .semicolon(let position) in marks(bytes) {
            add(position)
            start = position + 1
        }
        add(bytes.count)
        return pieces
    }

    /// Whether `text` holds nothing but spaces and comments.
    static func isBlank(_ text: String) -> Bool {
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*"), let close = closingComment(rest) {
                rest = rest[close...]
            } else {
                return rest.isEmpty
            }
        }
    }

    /// Where the comment opening `text` ends (after its `*/`), nil when it does not.
    static func closingComment(_ text: Substring) -> Substring.Index? {
        var index = text.index(text.startIndex, offsetBy: 2, limitedBy: text.endIndex) ?? text.endIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == "*", next < text.endIndex, text[next] == "/" { return text.index(after: next) }
            index = next
        }
        return nil
    }

    /// The highest `$N` in `text` (0 when none).
    static func parameterCount(_ text: String) -> Int {
        var highest = 0
        for case .parameter(let number, _, _) in marks(Array(text.utf8)) { highest = max(highest, number) }
        return highest
    }

    /// `text` with each `$N` replaced by `literals[N - 1]`; a failure names a `$N` with no literal.
    static func substitute(_ text: String, _ literals: [String]) -> Result<String, ParameterError> {
        bind(text, literals).map(\.text)
    }

    /// `text` with each `$N` replaced by `literals[N - 1]`, and where each replacement is.
    static func bind(_ text: String, _ literals: [String]) -> Result<BoundText, ParameterError> {
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var replacements: [BoundText.Replacement] = []
        var copied = 0
        for case .parameter(let number, let start, let end) in marks(bytes) {
            guard number >= 1, number <= literals.count else {
                return .failure(
                    ParameterError(
                        sqlState: "42P02", message: "there is no parameter $\(number)",
                        position: String(decoding: bytes[..<start], as: UTF8.self).count + 1))
            }
            result.append(contentsOf: bytes[copied..<start])
            let boundStart = result.count
            result.append(contentsOf: literals[number - 1].utf8)
            replacements.append(.init(original: start..<end, bound: boundStart..<result.count))
            copied = end
        }
        result.append(contentsOf: bytes[copied...])
        return .success(
            BoundText(text: String(decoding: result, as: UTF8.self), original: text, replacements: replacements))
    }
}

/// A statement with its parameters in place, and where they went, so that an error's position in
/// it can be given in the text the client sent.
struct BoundText {
    /// One `$N` (its byte range in the original) and its literal (its byte range in the text).
    struct Replacement {
        let original: Range<Int>
        let bound: Range<Int>
    }

    let text: String
    let original: String
    let replacements: [Replacement]

    /// The 1-based character position in ``original`` of 1-based character position `position`
    /// of ``text``: inside a literal, its `$N`.
    func originalPosition(_ position: Int) -> Int {
        guard !replacements.isEmpty else { return position }
        let characters = text.unicodeScalars
        let index = characters.index(
            characters.startIndex, offsetBy: max(0, position - 1), limitedBy: characters.endIndex)
        let byte = text.utf8.distance(from: text.utf8.startIndex, to: index ?? characters.endIndex)
        var shift = 0
        for replacement in replacements {
            if byte < replacement.bound.lowerBound { break }
            if byte < replacement.bound.upperBound {
                return ErrorMapping.position(original, byteOffset: replacement.original.lowerBound)
            }
            shift += replacement.bound.count - replacement.original.count
        }
        return ErrorMapping.position(original, byteOffset: byte - shift)
    }

    /// `fields` with the position moved to ``original``.
    func remap(_ fields: ErrorFields) -> ErrorFields {
        var moved = fields
        moved.position = fields.position.map(originalPosition)
        return moved
    }
}

/// A parameter that cannot be used: its SQLSTATE and message.
struct ParameterError: Error {
    let sqlState: String
    let message: String
    var position: Int? = nil
}
