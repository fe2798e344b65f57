/// Cutting shell input into statements: lines are collected until a `;` outside quotes and comments.

/// One complete statement and where it started in the input (1-based line and column), so that
/// error positions can be given relative to the whole input.
struct SplitStatement: Equatable {
    /// The statement's text, up to and including its `;` (none for text left at the end).
    var text: String
    var line: Int
    var column: Int
}

/// Splits text fed line by line into statements ending with `;`. It knows `'strings'` (with
/// `''` inside), `"identifiers"`, `-- line comments` and `/* block comments */`; a `;` inside
/// any of them does not end a statement. Statements that are only blanks and comments are
/// dropped.
struct StatementSplitter {
    private enum State { case normal, singleQuote, doubleQuote, lineComment, blockComment }

    private var buffer: [UInt8] = []
    private var state = State.normal
    /// Where the next scan starts in `buffer`.
    private var scanned = 0
    /// Whether the pending text holds anything but blanks and comments.
    private var hasContent = false
    /// Line and column of the next byte added, and of the start of `buffer`.
    private var nextLine = 1, nextColumn = 1
    private var startLine = 1, startColumn = 1

    init() {}

    /// Whether a statement has begun and not ended (the shell's continuation prompt).
    var isPending: Bool { hasContent || state == .singleQuote || state == .doubleQuote || state == .blockComment }

    /// Adds one line (without its line break) and returns the statements it completes.
    mutating func add(line: String) -> [SplitStatement] {
        add(text: line + "\n")
    }

    /// Adds text and returns the statements it completes.
    mutating func add(text: String) -> [SplitStatement] {
        var complete: [SplitStatement] = []
        buffer.append(contentsOf: text.utf8)
        var index = scanned
        while index < buffer.count {
            let byte = buffer[index]
            let next: UInt8? = index + 1 < buffer.count ? buffer[index + 1] : nil
            switch state {
            case .normal:
                if byte == UInt8(ascii: "'") {
                    state = .singleQuote; hasContent = true
                } else if byte == UInt8(ascii: "\"") {
                    state = .doubleQuote; hasContent = true
                } else if byte == UInt8(ascii: "-"), next == UInt8(ascii: "-") {
                    state = .lineComment; index += 1; advance(byte); advance(UInt8(ascii: "-")); index += 1; continue
                } else if byte == UInt8(ascii: "-"), next == nil {
                    // Maybe the start of a comment: wait for the next byte.
                    scanned = index
                    return complete
                } else if byte == UInt8(ascii: "/"), next == UInt8(ascii: "*") {
                    state = .blockComment; index += 1; advance(byte); advance(UInt8(ascii: "*")); index += 1; continue
                } else if byte == UInt8(ascii: "/"), next == nil {
                    scanned = index
                    return complete
                } else if byte == UInt8(ascii: ";") {
                    advance(byte)
                    let text = String(decoding: buffer[0...index], as: UTF8.self)
                    if hasContent { complete.append(SplitStatement(text: text, line: startLine, column: startColumn)) }
                    buffer.removeFirst(index + 1)
                    index = 0
                    hasContent = false
                    startLine = nextLine; startColumn = nextColumn
                    continue
                } else if !Self.isBlank(byte) {
                    hasContent = true
                }
            case .singleQuote:
                if byte == UInt8(ascii: "'") { state = .normal }
            case .doubleQuote:
                if byte == UInt8(ascii: "\"") { state = .normal }
            case .lineComment:
                if byte == 0x0A { state = .normal }
            case .blockComment:
                if byte == UInt8(ascii: "*"), next == UInt8(ascii: "/") {
                    state = .normal; index += 1; advance(byte); advance(UInt8(ascii: "/")); index += 1; continue
                } else if byte == UInt8(ascii: "*"), next == nil {
                    scanned = index
                    return complete
                }
            }
            advance(byte)
            index += 1
        }
        scanned = index
        return complete
    }

    /// The text left at the end of the input, when it holds more than blanks and complete
    /// comments: a statement without its `;`, or an unterminated quote or comment.
    mutating func finish() -> SplitStatement? {
        defer { reset() }
        // Finish the scan of a held-back last byte.
        while scanned < buffer.count {
            let byte = buffer[scanned]
            if state == .normal, !Self.isBlank(byte) { hasContent = true }
            scanned += 1
        }
        // An unterminated quote or comment is returned too, so that running it reports it.
        guard hasContent || state == .singleQuote || state == .doubleQuote || state == .blockComment else { return nil }
        let text = String(decoding: buffer, as: UTF8.self)
        return SplitStatement(text: text, line: startLine, column: startColumn)
    }

    /// Drops the pending text (Ctrl-C at a continuation prompt), keeping the line count.
    mutating func reset() {
        buffer.removeAll()
        state = .normal
        scanned = 0
        hasContent = false
        startLine = nextLine; startColumn = nextColumn
    }

    private mutating func advance(_ byte: UInt8) {
        if byte == 0x0A {
            nextLine += 1; nextColumn = 1
        } else if byte & 0xC0 != 0x80 {
            nextColumn += 1
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }
}
