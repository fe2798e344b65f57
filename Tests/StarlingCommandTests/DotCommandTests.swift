/// Parsing the shell's dot commands.

import Testing
@testable import StarlingCommand

@Suite("Shell: dot commands")
struct DotCommandTests {
    @Test("every command and its arguments")
    func parse() throws {
        #expect(try DotCommand.parse(".help") == .help)
        #expect(try DotCommand.parse(".tables") == .tables)
        #expect(try DotCommand.parse(".schema") == .schema(table: nil))
        #expect(try DotCommand.parse(".schema lineorder") == .schema(table: "lineorder"))
        #expect(try DotCommand.parse(".describe  dates ") == .describe(table: "dates"))
        #expect(try DotCommand.parse(".mode csv") == .mode(.csv))
        #expect(try DotCommand.parse(".mode LINE") == .mode(.line))
        #expect(try DotCommand.parse(".timer on") == .timer(true))
        #expect(try DotCommand.parse(".timer off") == .timer(false))
        #expect(try DotCommand.parse(".explain on") == .explain(true))
        #expect(try DotCommand.parse(".read 'my report.sql'") == .read(file: "my report.sql"))
        #expect(try DotCommand.parse(".output out.csv") == .output(file: "out.csv"))
        #expect(try DotCommand.parse(".output") == .output(file: nil))
        #expect(try DotCommand.parse(".load sales \"a b.csv\" --max-rejects 5") == .load(arguments: ["sales", "a b.csv", "--max-rejects", "5"]))
        #expect(try DotCommand.parse(".history") == .history)
        #expect(try DotCommand.parse(".quit") == .quit)
        #expect(try DotCommand.parse(".exit") == .quit)
    }

    @Test("bad arguments give the usage; unknown commands a suggestion")
    func errors() {
        #expect(throws: DotCommandError("usage: .timer on|off")) { try DotCommand.parse(".timer maybe") }
        #expect(throws: DotCommandError("usage: .describe TABLE")) { try DotCommand.parse(".describe") }
        #expect(throws: DotCommandError.self) { try DotCommand.parse(".mode xml") }
        #expect(throws: DotCommandError.self) { try DotCommand.parse(".load onlytable") }
        #expect(throws: DotCommandError.self) { try DotCommand.parse(".read 'unterminated") }
        do {
            _ = try DotCommand.parse(".tabels")
            Issue.record("no error")
        } catch {
            #expect(error.description.contains("did you mean .tables?"))
        }
    }
}
