/// Tests of the PCRE2 wrapper: compiling, options, matching, groups, replacements, and one
/// compiled pattern matched from several threads.

import Testing

@testable import StarlingExecution

@Suite("Regular expressions")
struct RegularExpressionTests {
    func matches(_ pattern: String, _ text: String, options: String = "") throws -> Bool {
        let expression = try RegularExpression(pattern, options: try .init(parsing: options, allowGlobal: false))
        let matcher = try RegularExpression.Matcher(expression)
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBytes { try matcher.matches(UnsafeRawBufferPointer($0)) }
    }

    @Test("patterns read as RE2 reads them")
    func semantics() throws {
        #expect(try matches("b", "abc"))
        #expect(try !matches("^b", "abc"))
        #expect(try matches("B", "abc", options: "i"))
        #expect(try !matches("B", "abc", options: "ic"))
        #expect(try !matches("a.b", "a\nb"))
        #expect(try matches("a.b", "a\nb", options: "s"))
        #expect(try !matches("b$", "ab\n"))
        #expect(try !matches("\\w", "é"))
        #expect(try matches("\\p{L}", "é"))
        #expect(try matches("^.{3}$", "日本語"))
        #expect(try matches("a.c", "a.c", options: "l"))
        #expect(try !matches("a.c", "abc", options: "l"))
        #expect(try matches("", ""))
    }

    @Test("errors are typed and say where")
    func errors() {
        #expect(throws: RegularExpression.Failure.self) { try RegularExpression("(") }
        do {
            _ = try RegularExpression("ab(")
            Issue.record("compiled")
        } catch {
            if case .invalidPattern(_, _, let offset) = error {
                #expect(offset == 3)
            } else {
                Issue.record("\(error)")
            }
        }
        #expect(throws: RegularExpression.Failure.unknownOption("x")) {
            try RegularExpression.Options(parsing: "ix", allowGlobal: true)
        }
        #expect(throws: RegularExpression.Failure.globalNotAllowed) {
            try RegularExpression.Options(parsing: "g", allowGlobal: false)
        }
        #expect(throws: RegexpFunctions.ReplacementError.trailingBackslash) {
            try RegexpFunctions.Replacement("x\\", groupCount: 1)
        }
        #expect(throws: RegexpFunctions.ReplacementError.invalidEscape) {
            try RegexpFunctions.Replacement("\\x", groupCount: 1)
        }
        #expect(throws: RegexpFunctions.ReplacementError.missingGroup(2, groupCount: 1)) {
            try RegexpFunctions.Replacement("\\2", groupCount: 1)
        }
    }

    func run(_ matcher: RegularExpression.Matcher, _ bytes: [UInt8], from start: Int = 0) throws -> Bool {
        try bytes.withUnsafeBytes { (text) throws(RegularExpression.Failure) -> Bool in
            try matcher.matches(text, from: start)
        }
    }

    @Test("groups of the last match, and text that is not UTF-8")
    func groups() throws {
        let expression = try RegularExpression("(\\w+)=(\\d+)?")
        #expect(expression.groupCount == 2)
        let matcher = try RegularExpression.Matcher(expression)
        let text: [UInt8] = Array("x; key=".utf8)
        #expect(try run(matcher, text))
        #expect(matcher.range(0) == 3..<7)
        #expect(matcher.range(1) == 3..<6)
        #expect(matcher.range(2) == nil)
        #expect(matcher.range(3) == nil)
        #expect(try !run(matcher, text, from: 7))
        let invalid: [UInt8] = [0x61, 0xFF, 0xC3, 0x62]
        #expect(try run(try RegularExpression.Matcher(try RegularExpression("b")), invalid))
        #expect(try !run(try RegularExpression.Matcher(try RegularExpression("a.b")), invalid))
    }

    @Test("one compiled pattern matched from many threads at once")
    func threads() async throws {
        let expression = try RegularExpression("^k(\\d+)7$")
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    let matcher = try RegularExpression.Matcher(expression)
                    var found = 0
                    for number in 0..<2000 {
                        let text = Array("k\(number + task * 2000)".utf8)
                        if try text.withUnsafeBytes({ (bytes) throws(RegularExpression.Failure) -> Bool in
                            try matcher.matches(bytes)
                        }) {
                            found += 1
                        }
                    }
                    return found
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(counts == 1599)
    }
}
