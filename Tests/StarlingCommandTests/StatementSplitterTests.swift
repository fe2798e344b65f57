/// The shell's statement splitter: statements end at a `;` outside quotes and comments.

import Testing
@testable import StarlingCommand

@Suite("Shell: statement splitter")
struct StatementSplitterTests {
    func split(_ lines: [String]) -> (statements: [SplitStatement], rest: SplitStatement?) {
        var splitter = StatementSplitter()
        var statements: [SplitStatement] = []
        for line in lines { statements += splitter.add(line: line) }
        return (statements, splitter.finish())
    }

    @Test("one statement per ; and several on a line")
    func simple() {
        let result = split(["SELECT 1; SELECT 2;", "SELECT 3;"])
        #expect(result.statements.map(\.text) == ["SELECT 1;", " SELECT 2;", "\nSELECT 3;"])
        #expect(result.statements.map(\.line) == [1, 1, 1])
        #expect(result.statements.map(\.column) == [1, 10, 20])
        #expect(result.rest == nil)
    }

    @Test("a statement spans lines until its ;")
    func multiLine() {
        var splitter = StatementSplitter()
        #expect(splitter.add(line: "SELECT a,").isEmpty)
        #expect(splitter.isPending)
        #expect(splitter.add(line: "  b FROM t").isEmpty)
        let done = splitter.add(line: "WHERE a > 1;")
        #expect(done.map(\.text) == ["SELECT a,\n  b FROM t\nWHERE a > 1;"])
        #expect(!splitter.isPending)
    }

    @Test("a ; in strings, quoted names and comments does not end a statement")
    func quotesAndComments() {
        let result = split([
            "SELECT 'a;b', \"c;d\" -- e;f",
            "/* g; h",
            "i; */ FROM t;",
            "SELECT 'it''s; fine';",
        ])
        #expect(result.statements.count == 2)
        #expect(result.statements.first?.text == "SELECT 'a;b', \"c;d\" -- e;f\n/* g; h\ni; */ FROM t;")
        #expect(result.statements.last?.text == "\nSELECT 'it''s; fine';")
        #expect(result.statements.last?.line == 3)
    }

    @Test("blank lines, comments and lone semicolons are not statements")
    func empty() {
        let result = split(["", "   ", "-- only a comment", "/* and */ ;", ";;"])
        #expect(result.statements.isEmpty)
        #expect(result.rest == nil)
    }

    @Test("text without ; at the end is returned by finish, with its position")
    func unterminated() {
        let result = split(["SELECT 1;", "", "SELECT 2"])
        #expect(result.statements.count == 1)
        #expect(result.rest?.text.hasSuffix("SELECT 2\n") == true)
        #expect(result.rest?.line == 1)
        let quote = split(["SELECT 'open"])
        #expect(quote.rest != nil)
        let comment = split(["SELECT 1;", "/* never closed"])
        #expect(comment.rest?.text == "\n/* never closed\n")
        #expect(comment.rest?.line == 1)
    }

    @Test("reset drops a pending statement (Ctrl-C at the continuation prompt)")
    func reset() {
        var splitter = StatementSplitter()
        _ = splitter.add(line: "SELECT 'abc")
        #expect(splitter.isPending)
        splitter.reset()
        #expect(!splitter.isPending)
        #expect(splitter.add(line: "SELECT 1;").map(\.text) == ["SELECT 1;"])
    }
}
