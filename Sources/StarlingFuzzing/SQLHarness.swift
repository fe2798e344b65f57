/// The SQL harness: a script through the lexer and the parser.

import StarlingSQL

/// Feeds the bytes, as UTF-8 text (invalid sequences replaced, as the command line reads a
/// script), to the ``Lexer`` and the ``Parser``, and renders any error with its caret as the
/// command line would. Checks that an error's position lies within the text and that the lexer's
/// token ends follow their starts.
enum SQLHarness {
    /// Checked once: a plain query parses (under AddressSanitizer's fake stacks the parser's
    /// stack-depth check would refuse every query, and the harness would test nothing).
    static let parsesAtAll: Bool = (try? Parser.parse("SELECT a + 1 FROM t WHERE b = 'x'")) != nil

    static func run(_ bytes: UnsafeRawBufferPointer) {
        FuzzCheck.expect(
            parsesAtAll, "a plain query does not parse: run with ASAN_OPTIONS=detect_stack_use_after_return=0")
        let text = String(decoding: bytes, as: UTF8.self)
        let length = text.utf8.count
        do {
            let (tokens, ends) = try Lexer(text).tokensAndEnds()
            FuzzCheck.expect(tokens.count == ends.count, "\(tokens.count) tokens but \(ends.count) ends")
            for (token, end) in zip(tokens, ends) {
                FuzzCheck.expect(
                    token.position.offset <= end && end <= length,
                    "a token at \(token.position.offset) ends at \(end), in \(length) bytes")
            }
        } catch {
            check(error, in: text)
        }
        do {
            _ = try Parser.parse(text)
        } catch {
            check(error, in: text)
        }
    }

    static func check(_ error: SQLError, in text: String) {
        let length = text.utf8.count
        FuzzCheck.expect(
            error.position.offset >= 0 && error.position.offset <= length,
            "error \"\(error.message)\" at byte \(error.position.offset) of \(length)")
        _ = error.rendered(in: text, source: "fuzz.sql")
    }
}
