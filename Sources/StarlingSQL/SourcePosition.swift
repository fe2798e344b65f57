/// Positions in SQL text, and rendering them as line:column with a caret.

/// A byte offset into the SQL text a statement came from.
public struct SourcePosition: Hashable, Sendable, Comparable {
    public let offset: Int

    public init(_ offset: Int) {
        self.offset = offset
    }

    public static func < (left: SourcePosition, right: SourcePosition) -> Bool {
        left.offset < right.offset
    }

    /// The 1-based line and column (in characters) of this position in `text`.
    public func lineAndColumn(in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var consumed = 0
        for character in text {
            if consumed >= offset { break }
            consumed += character.utf8.count
            // A byte-order mark opening the text takes no column.
            if consumed == 3, character == "\u{FEFF}" { continue }
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }

    /// The source line holding this position, and a caret line pointing at it.
    public func excerpt(in text: String) -> String {
        let (line, column) = lineAndColumn(in: text)
        // "\r\n" is one Character in Swift: both end a line (a script with Windows line ends).
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        guard line - 1 < lines.count else { return "" }
        var source = String(lines[line - 1])
        if source.hasSuffix("\r") { source.removeLast() }
        if line == 1, source.hasPrefix("\u{FEFF}") { source.removeFirst() }
        let caret = String(repeating: " ", count: max(0, column - 1)) + "^"
        return "  " + source + "\n  " + caret
    }
}

/// An error in SQL text: what is wrong, where, and optionally what to do.
public struct SQLError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public let position: SourcePosition
    public let hint: String?

    public init(_ message: String, at position: SourcePosition, hint: String? = nil) {
        self.message = message
        self.position = position
        self.hint = hint
    }

    public var description: String {
        message + (hint.map { " (\($0))" } ?? "")
    }

    /// `line L:C: message` (`FILE:L:C: message` with the script's `source` file), the offending
    /// line, and a caret under the position.
    public func rendered(in text: String, source: String? = nil) -> String {
        let (line, column) = position.lineAndColumn(in: text)
        var result = (source.map { "\($0):" } ?? "line ") + "\(line):\(column): \(message)"
        if let hint { result += "\n  hint: \(hint)" }
        let excerpt = position.excerpt(in: text)
        if !excerpt.isEmpty { result += "\n" + excerpt }
        return result
    }
}
