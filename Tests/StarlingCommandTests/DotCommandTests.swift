/// Parsing the shell's dot commands, and what the settings they change do to the printed results.

import StarlingColumns
import StarlingExecution
import StarlingFormat
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
        #expect(throws: DotCommandError("usage: .timer [on|off]")) { try DotCommand.parse(".timer maybe") }
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

    @Test("DuckDB's .headers, .nullvalue, .maxrows, .maxwidth, .once and .shell; .mode alone")
    func parseDuckDBCommands() throws {
        #expect(try DotCommand.parse(".mode") == .mode(nil))
        #expect(try DotCommand.parse(".headers off") == .headers(false))
        #expect(try DotCommand.parse(".header ON") == .headers(true))
        #expect(try DotCommand.parse(".nullvalue NULL") == .nullValue("NULL"))
        #expect(try DotCommand.parse(".nullvalue ''") == .nullValue(""))
        #expect(try DotCommand.parse(".nullvalue 'no value'") == .nullValue("no value"))
        #expect(try DotCommand.parse(".maxrows") == .maxRows(nil))
        #expect(try DotCommand.parse(".maxrows 10") == .maxRows(10))
        #expect(try DotCommand.parse(".maxrows 0") == .maxRows(0))
        #expect(try DotCommand.parse(".maxrows 2147483647") == .maxRows(2_147_483_647))
        #expect(try DotCommand.parse(".maxwidth") == .maxWidth(nil))
        #expect(try DotCommand.parse(".maxwidth 80") == .maxWidth(80))
        #expect(try DotCommand.parse(".once 'out file.csv'") == .once(file: "out file.csv"))
        // `.shell` keeps the rest of the line as typed, quotes and all.
        #expect(try DotCommand.parse(".shell echo 'a  b' | wc -c") == .shell(command: "echo 'a  b' | wc -c"))
        #expect(try DotCommand.parse("  .system ls -l  ") == .shell(command: "ls -l"))
        #expect(try DotCommand.parse(".shell echo it's") == .shell(command: "echo it's"))
    }

    @Test("bad arguments of the new commands give their usage")
    func newCommandErrors() {
        #expect(throws: DotCommandError("usage: .headers [on|off]")) { try DotCommand.parse(".headers on off") }
        #expect((try? DotCommand.parse(".headers")) == .headers(nil))
        #expect(throws: DotCommandError.self) { try DotCommand.parse(".nullvalue") }
        #expect(throws: DotCommandError.self) { try DotCommand.parse(".nullvalue a b") }
        #expect(throws: DotCommandError.self) { try DotCommand.parse(".maxrows -1") }
        #expect(throws: DotCommandError.self) { try DotCommand.parse(".maxrows ten") }
        #expect(throws: DotCommandError.self) { try DotCommand.parse(".maxwidth 1 2") }
        #expect(throws: DotCommandError.self) { try DotCommand.parse(".maxwidth 99999999999999999999999") }
        #expect(throws: DotCommandError.self) { try DotCommand.parse(".maxrows 9223372036854775807") }
        #expect(throws: DotCommandError("usage: .once FILE")) { try DotCommand.parse(".once") }
        #expect(throws: DotCommandError("usage: .shell CMD")) { try DotCommand.parse(".shell   ") }
        do {
            _ = try DotCommand.parse(".mode jsn")
            Issue.record("no error")
        } catch {
            #expect(error.description.contains("did you mean json?"))
        }
    }

    @Test(".help lists every command, .once included")
    func help() {
        for name in DotCommand.names { #expect(DotCommand.helpText.contains("." + name), "\(name) is not in .help") }
        #expect(DotCommand.helpText.contains(".once FILE"))
        let longest = DotCommand.helpText.split(separator: "\n").map(\.count).max() ?? 0
        #expect(longest <= 100)
    }

    @Test("settings reach the printer: headers, the NULL text, row and width limits")
    func settingsPrinter() {
        var settings = ShellSettings()
        settings.header = false
        settings.nullValue = "-"
        settings.maxRows = 10
        settings.maxWidth = 50
        var printer = settings.printer
        #expect(!printer.header)
        #expect(printer.nullText == "-")
        #expect(printer.maxRows == 10)
        #expect(printer.maxWidth == 50)
        settings.maxRows = 0
        printer = settings.printer
        #expect(printer.maxRows == nil)
        // The limits are the table mode's only.
        settings.format = .csv
        settings.maxRows = 10
        #expect(settings.printer.maxRows == nil)
        #expect(settings.maxRowsText == "current max rows: 10\n")
        #expect(ShellSettings().maxRowsText.hasPrefix("current max rows: 40"))
        #expect(settings.maxWidthText == "current max width: 50\n")
    }

    @Test(".nullvalue: NULL cells in every mode but JSON; .headers off drops the names")
    func nullText() {
        let columns = [PlanColumn(name: "n", type: .bigint), PlanColumn(name: "s", type: .varchar)]
        let rows = Chunk(
            columns: [
                Vector(type: .bigint, values: [.integer(7), .null]),
                Vector(type: .varchar, values: [.null, .string("x")]),
            ], count: 2)
        func printed(_ format: ResultFormat, null: String?, header: Bool = true) -> String {
            var printer = ResultPrinter(format: format, header: header)
            printer.nullText = null
            var text = ""
            let sink = PrintingSink(printer) { text += $0 }
            sink.begin(columns)
            sink.add(rows)
            sink.end()
            return text
        }
        #expect(printed(.csv, null: nil) == "n,s\n7,\n,x\n")
        #expect(printed(.csv, null: "NULL") == "n,s\n7,NULL\nNULL,x\n")
        #expect(printed(.csv, null: "a,b", header: false) == "7,\"a,b\"\n\"a,b\",x\n")
        #expect(printed(.tsv, null: "\\N") == "n\ts\n7\t\\N\n\\N\tx\n")
        #expect(printed(.line, null: "(null)").contains("s = (null)"))
        #expect(printed(.markdown, null: "∅").contains("| 7 | ∅ |"))
        #expect(printed(.ndjson, null: "NULL") == "{\"n\":7,\"s\":null}\n{\"n\":null,\"s\":\"x\"}\n")
        let table = printed(.table, null: "(none)")
        #expect(table.contains("│      7 │ (none)  │"))
        #expect(table.contains("│ (none) │ x       │"))
        #expect(table.contains("│ bigint │ varchar │"))
        let plain = printed(.table, null: nil)
        #expect(plain.contains("│ NULL   │") || plain.contains("│   NULL │"))
        #expect(!printed(.table, null: nil, header: false).contains("bigint"))
    }

    @Test(".timer's line: real, user and sys seconds as DuckDB prints them, and the rows")
    func timer() {
        #expect(RunTimer.threeDecimals(0.0123) == "0.012")
        #expect(RunTimer.threeDecimals(2.5) == "2.500")
        #expect(RunTimer.threeDecimals(0.0005) == "0.001")
        #expect(RunTimer.threeDecimals(-1) == "0.000")
        #expect(RunTimer.threeDecimals(.nan) == "0.000")
        let line = RunTimer().line(rows: 1)
        #expect(line.hasPrefix("Run Time (s): real 0.0"))
        #expect(line.contains(" user "))
        #expect(line.contains(" sys "))
        #expect(line.hasSuffix(", 1 row\n"))
        #expect(RunTimer().line(rows: 0).hasSuffix(", 0 rows\n"))
        #expect(RunTimer().line(rows: nil).hasSuffix("\n"))
        #expect(!RunTimer().line(rows: nil).contains("row"))
    }

    @Test(".shell runs a command with /bin/sh and reports how it ended")
    func shellCommand() throws {
        let path = "/tmp/starling-shell-test-\(UInt64.random(in: 0...UInt64.max))"
        let output = try ShellOutput.file(path)
        #expect(try SystemCommand.run("printf 'a b' | tr a-z A-Z", output: output) == .exited(0))
        #expect(try SystemCommand.run("exit 3", output: output) == .exited(3))
        #expect(try SystemCommand.run("kill -TERM $$", output: output) == .signalled(15))
        let text = try FileBytes.read(path: path).decodedText()
        #expect(text == "A B")
        try FileBytes.remove(path)
        #expect(SystemCommand.failure(.exited(0), command: "true") == nil)
        let failure = SystemCommand.failure(.exited(3), command: "exit 3")
        #expect(failure == ".shell: the command exited with status 3: exit 3")
        #expect(SystemCommand.failure(.signalled(9), command: "x")?.contains("signal 9") == true)
    }

    @Test(".history: one numbered entry per statement, later lines indented")
    func historyText() {
        #expect(Shell.historyText([]) == "")
        let text = Shell.historyText(["SELECT 1;", "SELECT a,\n  b FROM t;"])
        #expect(text == "1  SELECT 1;\n2  SELECT a,\n     b FROM t;\n")
    }
}
