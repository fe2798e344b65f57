/// The tokens of Starling's SQL dialect.

/// One lexical token with its position.
public struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// An unquoted word: an identifier or a keyword. `text` is lower-cased.
        case word
        /// A double-quoted identifier. `text` is its exact content.
        case quotedIdentifier
        /// A single-quoted string literal. `text` is its content with `''` undone.
        case string
        /// A numeric literal as written.
        case number
        /// Punctuation or an operator: `( ) , ; . * + - / // % = <> != < <= > >= || :: ~ !~ ~* !~*`.
        case symbol
        case end
    }

    public let kind: Kind
    public let text: String
    public let position: SourcePosition

    public init(kind: Kind, text: String, position: SourcePosition) {
        self.kind = kind
        self.text = text
        self.position = position
    }

    /// Whether this is the unquoted keyword `keyword` (given in lower case).
    public func isKeyword(_ keyword: String) -> Bool {
        kind == .word && text == keyword
    }

    /// Whether this is the symbol `symbol`.
    public func isSymbol(_ symbol: String) -> Bool {
        kind == .symbol && text == symbol
    }

    /// How the token reads in an error message.
    public var quoted: String {
        switch kind {
        case .end: return "end of input"
        case .string: return "'\(text)'"
        case .quotedIdentifier: return "\"\(text)\""
        default: return "\"\(text)\""
        }
    }
}
