/// Tab completion's choices, without a terminal: keywords in the case typed, tables after FROM,
/// the columns of the tables named, qualified names, dot commands, file names, odd input.

import StarlingFormat
import Testing

@testable import StarlingCommand

@Suite("Shell: Tab completion")
struct ShellCompletionTests {
    let tables = [
        ShellCompleter.Table(name: "region", columns: ["r_id", "r_name"]),
        ShellCompleter.Table(name: "sales", columns: ["s_region", "s_day", "s_amount"]),
        ShellCompleter.Table(name: "Mixed Case", columns: ["a"]),
    ]

    func complete(_ text: String, continuing: Bool = false, earlier: String = "") -> LineCompletion {
        ShellCompleter(tables: tables, continuing: continuing, earlierText: earlier).complete(text)
    }

    func texts(_ text: String, continuing: Bool = false, earlier: String = "") -> [String] {
        complete(text, continuing: continuing, earlier: earlier).candidates.map(\.text)
    }

    @Test("keywords keep the case typed; with none typed, the statement's")
    func keywordCase() {
        #expect(complete("sel") == LineCompletion(word: "sel", candidates: [.init(text: "select", suffix: " ")]))
        #expect(texts("SEL") == ["SELECT"])
        #expect(texts("select * fr").contains("from"))
        #expect(texts("SELECT * Fr").contains("from"))
        #expect(texts("SELECT * FR").contains("FROM"))
        #expect(texts("select * from region wh") == ["when", "where"])
        #expect(texts("SELECT count(*) FROM sales GROUP ").contains("BY"))
        #expect(texts("select count(*) from sales group ").contains("by"))
        #expect(texts("select cou") == ["count"])
        #expect(complete("select cou").candidates.first?.suffix == "(")
    }

    @Test("table names after FROM, JOIN and a FROM list's comma; columns of the tables named")
    func tablesAndColumns() {
        #expect(texts("SELECT * FROM re") == ["region"])
        #expect(texts("SELECT * FROM ") == ["\"Mixed Case\"", "region", "sales"])
        #expect(texts("SELECT * FROM sales, re") == ["region"])
        #expect(texts("select * from sales join r") == ["region"])
        #expect(texts("SELECT r_") == ["r_id", "r_name"])
        #expect(texts("SELECT s_d") == ["s_day"])
        #expect(texts("WHERE r_", continuing: true, earlier: "SELECT *\nFROM region") == ["r_id", "r_name"])
        // Only the columns of the tables the statement names.
        #expect(texts("SELECT * FROM region WHERE s_").isEmpty)
        #expect(texts("SELECT * FROM region WHERE r_n") == ["r_name"])
    }

    @Test("t. completes the columns of table or alias t")
    func qualified() {
        #expect(texts("SELECT region.r") == ["region.r_id", "region.r_name"])
        #expect(texts("SELECT * FROM sales s WHERE s.s_d") == ["s.s_day"])
        #expect(texts("SELECT * FROM sales AS x WHERE x.s_a") == ["x.s_amount"])
        #expect(texts("SELECT nosuch.a").isEmpty)
        #expect(texts("SELECT .").isEmpty)
    }

    @Test("dot commands at the start of a statement, and their arguments")
    func dotCommands() {
        #expect(complete(".ti") == LineCompletion(word: ".ti", candidates: [.init(text: ".timer", suffix: " ")]))
        #expect(texts(".m") == [".mode", ".maxrows", ".maxwidth"])
        #expect(texts("  .NUL") == [".nullvalue"])
        #expect(texts(".mode c") == ["csv"])
        #expect(texts(".mode ") == ResultFormat.allCases.map(\.rawValue))
        #expect(texts(".schema re") == ["region"])
        #expect(texts(".describe ") == ["\"Mixed Case\"", "region", "sales"])
        #expect(texts(".headers o") == ["on", "off"])
        #expect(texts(".mode csv ").isEmpty)
        #expect(texts(".tables ").isEmpty)
        // Not at a continuation prompt: there a line starting with . is part of a statement.
        #expect(texts(".ti", continuing: true).isEmpty)
        let empty = texts("")
        #expect(empty.contains(".help") && empty.contains("SELECT") && empty.contains("WITH"))
        #expect(texts("   ") == empty)
    }

    @Test("odd input: numbers, strings, quoted names, comments, everything at once")
    func oddInput() {
        #expect(texts("SELECT 12").isEmpty)
        #expect(texts("SELECT \"ab").isEmpty)
        #expect(texts("SELECT 1 -- comm").isEmpty)
        #expect(texts("SELECT /* x").isEmpty)
        #expect(texts("SELECT /*/ fr").isEmpty)
        #expect(texts("SELECT /* x */ * FR").contains("FROM"))
        #expect(texts("SELECT 'it''s' AS x FR").contains("FROM"))
        let all = texts("SELECT ")
        #expect(all.count > 100)
        #expect(Set(all.map { $0.lowercased() }).count == all.count)
        // Whatever the line holds, completion gives an answer (and does not crash).
        for odd in ["\u{1F600}\u{0}\t", "\n\n.", "'", "\"", "--", "/*", ". .", String(repeating: "x", count: 10_000)] {
            _ = complete(odd)
            _ = complete(odd, continuing: true, earlier: odd)
        }
    }

    @Test("file names inside a string and after .read, directories with a slash")
    func files() throws {
        let directory = "/tmp/starling-completion-\(UInt64.random(in: 0...UInt64.max))"
        try FileBytes.createDirectory(directory + "/dir")
        defer { _ = try? FileBytes.removeTree(directory) }
        for name in ["data.csv", "data2.csv", ".hidden"] {
            try FileBytes.writeUnsynced(Array("x".utf8), to: directory + "/" + name)
        }
        let copy = complete("COPY sales FROM '\(directory)/da")
        #expect(copy.word == directory + "/da")
        #expect(copy.candidates.map(\.text) == [directory + "/data.csv", directory + "/data2.csv"])
        #expect(copy.candidates.first?.suffix == "'")
        let read = complete(".read \(directory)/d")
        #expect(
            read.candidates.map(\.text) == [directory + "/data.csv", directory + "/data2.csv", directory + "/dir/"])
        #expect(read.candidates.last?.suffix == "")
        #expect(texts(".read \(directory)/.h") == [directory + "/.hidden"])
        #expect(texts(".read /no/such/directory/x").isEmpty)
    }

    @Test("what Tab puts in: the only candidate, or the common start; nothing when no longer")
    func replacement() {
        func completion(_ word: String, _ texts: [String], suffix: String = " ") -> LineCompletion {
            LineCompletion(word: word, candidates: texts.map { .init(text: $0, suffix: suffix) })
        }
        #expect(completion("r_", ["r_id", "r_name"]).replacement(followedByBlank: false) == nil)
        #expect(completion("li", ["lineorder", "lineitem"]).replacement(followedByBlank: false) == "line")
        #expect(completion("LI", ["lineorder", "LINEitem"]).replacement(followedByBlank: false) == "line")
        #expect(completion("re", ["region"]).replacement(followedByBlank: false) == "region ")
        #expect(completion("re", ["region"]).replacement(followedByBlank: true) == "region")
        #expect(completion("cou", ["count"], suffix: "(").replacement(followedByBlank: true) == "count(")
        #expect(completion("x", []).replacement(followedByBlank: false) == nil)
        #expect(completion("", ["a", "b"]).commonPrefix == "")
    }

    @Test("a second Tab lists the candidates in columns, at most listLimit of them")
    func listing() {
        func completion(_ texts: [String]) -> LineCompletion {
            LineCompletion(word: "", candidates: texts.map { .init(text: $0, suffix: " ") })
        }
        #expect(completion(["r_id", "r_name"]).listing(width: 20) == "r_id    r_name\r\n")
        #expect(completion(["a", "b", "c"]).listing(width: 6) == "a  c\r\nb\r\n")
        #expect(completion(["r_id", "r_name"]).listing(width: 0) == "r_id\r\nr_name\r\n")
        #expect(completion([]).listing(width: 80) == "")
        let many = completion((0..<1000).map { "name\($0)" }).listing(width: 80)
        #expect(many.hasSuffix("… and \(1000 - LineCompletion.listLimit) more (type more of the word)\r\n"))
        #expect(many.split(separator: "\r\n").count <= LineCompletion.listLimit + 1)
    }

    @Test("names that are not lower-case identifiers are quoted")
    func quoting() {
        #expect(ShellCompleter.quotedIfNeeded("region") == "region")
        #expect(ShellCompleter.quotedIfNeeded("r_2") == "r_2")
        #expect(ShellCompleter.quotedIfNeeded("Mixed Case") == "\"Mixed Case\"")
        #expect(ShellCompleter.quotedIfNeeded("a\"b") == "\"a\"\"b\"")
        #expect(ShellCompleter.quotedIfNeeded("1x") == "\"1x\"")
        #expect(ShellCompleter.quotedIfNeeded("") == "\"\"")
    }
}
