/// Tests of LIKE matching: the literals-and-% fast path against a reference matcher.

import Testing
@testable import StarlingExecution

@Suite("LIKE patterns")
struct LikePatternTests {
    /// A reference LIKE over characters by dynamic programming (`%` any run, `_` one character).
    static func reference(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text), p = Array(pattern)
        var table = [[Bool]](repeating: [Bool](repeating: false, count: t.count + 1), count: p.count + 1)
        table[0][0] = true
        for i in 1...max(1, p.count) where i <= p.count {
            for j in 0...t.count {
                switch p[i - 1] {
                case "%": table[i][j] = table[i - 1][j] || (j > 0 && table[i][j - 1])
                case "_": table[i][j] = j > 0 && table[i - 1][j - 1]
                default: table[i][j] = j > 0 && table[i - 1][j - 1] && p[i - 1] == t[j - 1]
                }
            }
        }
        return table[p.count][t.count]
    }

    func matches(_ text: String, _ pattern: String, caseInsensitive: Bool = false, escape: UInt8? = nil) -> Bool {
        var bytes = Array(text.utf8)
        guard let compiled = try? LikePattern(pattern, caseInsensitive: caseInsensitive, escape: escape) else {
            Issue.record("'\(pattern)' did not compile")
            return false
        }
        return bytes.withUnsafeMutableBytes { compiled.matches(UnsafeRawBufferPointer($0)) }
    }

    @Test("no escape character unless ESCAPE names one; the escape makes %, _ and itself literal")
    func escapes() throws {
        #expect(matches("a\\b", "a\\b"))
        #expect(!matches("a%b", "a\\%b"))
        #expect(matches("a\\xyzb", "a\\%b"))
        #expect(matches("a%b", "a!%b", escape: UInt8(ascii: "!")))
        #expect(!matches("axb", "a!%b", escape: UInt8(ascii: "!")))
        #expect(matches("a_b", "a!_b", escape: UInt8(ascii: "!")))
        #expect(!matches("axb", "a!_b", escape: UInt8(ascii: "!")))
        #expect(matches("a!b", "a!!b", escape: UInt8(ascii: "!")))
        #expect(matches("ab", "a!b", escape: UInt8(ascii: "!")))
        #expect(matches("A%B", "a!%b", caseInsensitive: true, escape: UInt8(ascii: "!")))
        #expect(throws: LikePattern.Failure.endsWithEscape) { try LikePattern("a!", caseInsensitive: false, escape: UInt8(ascii: "!")) }
        #expect(throws: LikePattern.Failure.invalidEscape) { try LikePattern.escapeByte("!!") }
        #expect(throws: LikePattern.Failure.invalidEscape) { try LikePattern.escapeByte("é") }
        #expect(try LikePattern.escapeByte("") == nil)
    }

    @Test("ILIKE lower-cases one character for one, ASCII or not")
    func caseInsensitive() {
        #expect(matches("ÜBER straße", "über STRASSE", caseInsensitive: true) == false)
        #expect(matches("ÜBER STRAẞE", "über straße", caseInsensitive: true))
        #expect(matches("İstanbul", "istanbul", caseInsensitive: true))
        #expect(matches("PROMO BRUSHED", "promo%", caseInsensitive: true))
        #expect(matches("ΣΑΣ", "σας", caseInsensitive: true) == false)
        #expect(matches("ΣΑΣ", "σασ", caseInsensitive: true))
    }

    @Test("overlapping literals, anchors, empty strings and multibyte characters")
    func examples() {
        #expect(!matches("aaa", "%aa%aa%"))
        #expect(matches("aaaa", "%aa%aa%"))
        #expect(matches("special requests", "%special%requests%"))
        #expect(!matches("requests special", "%special%requests%"))
        #expect(matches("PROMO BRUSHED", "PROMO%"))
        #expect(!matches("XPROMO", "PROMO%"))
        #expect(matches("LARGE BRASS", "%BRASS"))
        #expect(!matches("BRASS X", "%BRASS"))
        #expect(matches("ab", "ab"))
        #expect(!matches("abc", "ab"))
        #expect(matches("", "%"))
        #expect(matches("", ""))
        #expect(!matches("a", ""))
        #expect(matches("aba", "a%a"))
        #expect(!matches("a", "a%a"))
        #expect(matches("ünïcødé", "%ïc%dé"))
        #expect(matches("ünïcødé", "_nïc%"))
    }

    @Test("random patterns over a two-letter alphabet agree with the reference")
    func random() {
        var generator = SystemRandomNumberGenerator()
        let letters: [Character] = ["a", "b"]
        for _ in 0..<4000 {
            let text = String((0..<Int.random(in: 0...7, using: &generator)).map { _ in letters.randomElement(using: &generator)! })
            let symbols: [Character] = ["a", "b", "%", "%", "_"]
            let pattern = String((0..<Int.random(in: 0...6, using: &generator)).map { _ in symbols.randomElement(using: &generator)! })
            #expect(matches(text, pattern) == Self.reference(text, pattern), "'\(text)' LIKE '\(pattern)'")
        }
    }

    @Test("random patterns with '_' over multibyte text agree with the reference")
    func randomMultibyte() {
        var generator = SystemRandomNumberGenerator()
        let letters: [Character] = ["a", "é", "€"]
        for _ in 0..<4000 {
            let text = String((0..<Int.random(in: 0...8, using: &generator)).map { _ in letters.randomElement(using: &generator)! })
            let symbols: [Character] = ["a", "é", "%", "%", "_", "_"]
            let pattern = String((0..<Int.random(in: 0...7, using: &generator)).map { _ in symbols.randomElement(using: &generator)! })
            #expect(matches(text, pattern) == Self.reference(text, pattern), "'\(text)' LIKE '\(pattern)'")
        }
    }

    @Test("a pattern of many '%' and '_' never backtracks: 'a' × 5,000 against ten segments")
    func noBacktracking() {
        // Trying every split of the text between ten `%`s would take longer than the suite's
        // time limit; matching each segment at its leftmost place takes milliseconds.
        let text = String(repeating: "a", count: 5000)
        #expect(!matches(text, String(repeating: "%a_", count: 10) + "%b"))
        #expect(matches(text, String(repeating: "%a_", count: 10) + "%"))
        #expect(matches(text + "b", String(repeating: "%a_", count: 10) + "b"))
        #expect(!matches(text, "_%" + String(repeating: "a_%", count: 10) + "_b"))
    }

    @Test("the substring search finds the leftmost place at every offset, in texts short and long")
    func substringSearch() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let textLength = Int.random(in: 0...70, using: &generator)
            let needleLength = Int.random(in: 1...6, using: &generator)
            // A three-letter alphabet: many places share the first or last byte.
            let text = (0..<textLength).map { _ in UInt8.random(in: 97...99, using: &generator) }
            let needle = (0..<needleLength).map { _ in UInt8.random(in: 97...99, using: &generator) }
            let start = Int.random(in: 0...max(0, textLength), using: &generator)
            var expected: Int?
            if textLength >= needleLength, start <= textLength - needleLength {
                expected = (start...(textLength - needleLength)).first { Array(text[$0..<($0 + needleLength)]) == needle }
            }
            let found = text.withUnsafeBytes { textBytes in
                needle.withUnsafeBytes { needleBytes in
                    textBytes.baseAddress.flatMap { base in
                        LikePattern.find(needleBytes, in: base, from: start, to: textLength)
                    }
                }
            }
            #expect(found == expected, "\(text) \(needle) from \(start)")
        }
    }
}
