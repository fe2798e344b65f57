/// Trimming the ends of text by a chosen set of characters.

import StarlingColumns
import Testing

@Suite("String trimming")
struct StringTrimmingTests {
    @Test("only the chosen characters, only at the ends", arguments: [
        ("", ""), ("   ", ""), ("a", "a"), (" \ta b\t ", "a b"), ("\t é\u{301} ", "é\u{301}"), ("x \r", "x \r"),
    ])
    func trims(text: String, expected: String) {
        #expect(text.trimmed { $0 == " " || $0 == "\t" } == expected)
        #expect(Substring(text).trimmed { $0 == " " || $0 == "\t" } == expected)
    }

    @Test("a predicate that trims nothing keeps the text whole")
    func keepsWhole() {
        #expect(" a ".trimmed { _ in false } == " a ")
    }
}
