/// Splits SQL text into tokens, with positions for error messages.

/// A hand-written SQL lexer over UTF-8 bytes: words, quoted identifiers, string literals,
/// numbers, symbols, `--` and `/* */` comments.
public struct Lexer {
    let bytes: [UInt8]

    public init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// All tokens, ending with a `.end` token.
    public func tokens() throws(SQLError) -> [Token] {
        try tokensAndEnds().tokens
    }

    /// All tokens, ending with a `.end` token, and for each the byte offset just past it (so the
    /// text of a run of tokens can be cut out without the comments that follow it).
    public func tokensAndEnds() throws(SQLError) -> (tokens: [Token], ends: [Int]) {
        var tokens: [Token] = []
        var ends: [Int] = []
        // A UTF-8 byte-order mark (a script saved by a Windows editor) is not part of the SQL.
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let count = bytes.count
        while true {
            // Here `index` is just past the token appended last.
            if ends.count < tokens.count { ends.append(index) }
            // Whitespace and comments.
            while index < count {
                let byte = bytes[index]
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                    index += 1
                } else if byte == UInt8(ascii: "-"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "-") {
                    while index < count, bytes[index] != 0x0A { index += 1 }
                } else if byte == UInt8(ascii: "/"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "*") {
                    let start = index
                    index += 2
                    while index + 1 < count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) { index += 1 }
                    guard index + 1 < count else { throw SQLError("unterminated /* comment", at: SourcePosition(start)) }
                    index += 2
                } else {
                    break
                }
            }
            guard index < count else {
                tokens.append(Token(kind: .end, text: "", position: SourcePosition(count)))
                ends.append(count)
                return (tokens, ends)
            }
            let start = index
            let byte = bytes[index]
            if byte | 0x20 == UInt8(ascii: "e"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "'") {
                index += 1
                let text = try Self.escapeString(bytes, from: &index, start: start)
                tokens.append(Token(kind: .string, text: text, position: SourcePosition(start)))
            } else if Self.isWordStart(byte) {
                while index < count, Self.isWordPart(bytes[index]) { index += 1 }
                let word = String(decoding: bytes[start..<index], as: UTF8.self).lowercased()
                tokens.append(Token(kind: .word, text: word, position: SourcePosition(start)))
            } else if Self.isDigit(byte) || (byte == UInt8(ascii: ".") && index + 1 < count && Self.isDigit(bytes[index + 1])) {
                while index < count, Self.isDigit(bytes[index]) { index += 1 }
                if index < count, bytes[index] == UInt8(ascii: ".") {
                    index += 1
                    while index < count, Self.isDigit(bytes[index]) { index += 1 }
                }
                if index < count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                    var look = index + 1
                    if look < count, bytes[look] == UInt8(ascii: "+") || bytes[look] == UInt8(ascii: "-") { look += 1 }
                    if look < count, Self.isDigit(bytes[look]) {
                        index = look
                        while index < count, Self.isDigit(bytes[index]) { index += 1 }
                    }
                }
                tokens.append(Token(kind: .number, text: String(decoding: bytes[start..<index], as: UTF8.self), position: SourcePosition(start)))
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                let quote = byte
                index += 1
                var content: [UInt8] = []
                var closed = false
                while index < count {
                    if bytes[index] == quote {
                        if index + 1 < count, bytes[index + 1] == quote {
                            content.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    content.append(bytes[index])
                    index += 1
                }
                guard closed else {
                    throw SQLError(quote == UInt8(ascii: "'") ? "unterminated string literal" : "unterminated quoted identifier", at: SourcePosition(start))
                }
                let text = String(decoding: content, as: UTF8.self)
                if quote == UInt8(ascii: "\""), text.isEmpty {
                    throw SQLError("empty quoted identifier", at: SourcePosition(start))
                }
                tokens.append(Token(kind: quote == UInt8(ascii: "'") ? .string : .quotedIdentifier, text: text, position: SourcePosition(start)))
            } else {
                let twoByte: String? = index + 1 < count ? String(decoding: bytes[index...(index + 1)], as: UTF8.self) : nil
                if twoByte == "!~", index + 2 < count, bytes[index + 2] == UInt8(ascii: "*") {
                    tokens.append(Token(kind: .symbol, text: "!~*", position: SourcePosition(start)))
                    index += 3
                } else if let twoByte, ["<>", "!=", "<=", ">=", "||", "::", "//", "!~", "~*"].contains(twoByte) {
                    tokens.append(Token(kind: .symbol, text: twoByte, position: SourcePosition(start)))
                    index += 2
                } else if "(),;.*+-/%=<>[]~".utf8.contains(byte) {
                    tokens.append(Token(kind: .symbol, text: String(UnicodeScalar(byte)), position: SourcePosition(start)))
                    index += 1
                } else {
                    var end = index + 1
                    while end < count, bytes[end] & 0xC0 == 0x80 { end += 1 }
                    let character = String(decoding: bytes[index..<end], as: UTF8.self)
                    throw SQLError("unexpected character \"\(character)\"", at: SourcePosition(start))
                }
            }
        }
    }

    /// The text of `E'…'` (PostgreSQL's escape string), from its opening quote at `index`:
    /// backslash escapes `\n`, `\t`, `\r`, `\b`, `\f`, `\\`, `\'` and any other character as
    /// itself; `''` is a quote too. Leaves `index` past the closing quote.
    static func escapeString(_ bytes: [UInt8], from index: inout Int, start: Int) throws(SQLError) -> String {
        let count = bytes.count
        index += 1
        var content: [UInt8] = []
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "'") {
                if index + 1 < count, bytes[index + 1] == UInt8(ascii: "'") {
                    content.append(byte)
                    index += 2
                    continue
                }
                index += 1
                return String(decoding: content, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\"), index + 1 < count {
                let escaped = bytes[index + 1]
                switch escaped {
                case UInt8(ascii: "n"): content.append(0x0A)
                case UInt8(ascii: "t"): content.append(0x09)
                case UInt8(ascii: "r"): content.append(0x0D)
                case UInt8(ascii: "b"): content.append(0x08)
                case UInt8(ascii: "f"): content.append(0x0C)
                default: content.append(escaped)
                }
                index += 2
                continue
            }
            content.append(byte)
            index += 1
        }
        throw SQLError("unterminated string literal", at: SourcePosition(start))
    }

    static func isWordStart(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    static func isWordPart(_ byte: UInt8) -> Bool {
        isWordStart(byte) || isDigit(byte) || byte == UInt8(ascii: "$")
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }
}
