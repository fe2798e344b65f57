/// The command line as a newcomer meets it: results set apart, errors that say what to do, load
/// exit statuses and messages, through the executable.

import Foundation
import Testing

@Suite("Command line: friction points", .serialized)
struct CommandLineFrictionTests {
    typealias CLI = CommandLineTests

    @Test("several results are set apart by a blank line in CSV, TSV, Markdown and line formats")
    func separatedResults() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let script = "SELECT 1 AS a; CREATE TABLE IF NOT EXISTS t (x INTEGER); SELECT 2 AS b; SELECT 3 AS c WHERE false"
        #expect(try CLI.run(["sql", "--format", "csv", script], warehouse: warehouse).output == "a\n1\n\nb\n2\n\nc\n")
        let markdown = try CLI.run(["sql", "--format", "markdown", script], warehouse: warehouse).output
        #expect(markdown == "| a |\n|---:|\n| 1 |\n\n| b |\n|---:|\n| 2 |\n\n| c |\n|---:|\n")
        // Without headers an empty result prints nothing, and no blank line is left for it.
        let bare = try CLI.run(
            ["sql", "--format", "tsv", "--no-header", "SELECT 1; SELECT 2 WHERE false; SELECT 3"],
            warehouse: warehouse
        ).output
        #expect(bare == "1\n\n3\n")
        #expect(
            try CLI.run(["sql", "--format", "ndjson", "SELECT 1 AS a; SELECT 2 AS a"], warehouse: warehouse).output
                == "{\"a\":1}\n{\"a\":2}\n")
    }
}

extension CommandLineFrictionTests {
    /// Runs `starling ARGS` in `directory` with no `STARLING_WAREHOUSE`; exit status and stderr.
    static func runWithoutWarehouse(_ arguments: [String], in directory: String) throws -> (
        status: Int32, error: String
    ) {
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: try #require(CLI.executable, "build the starling executable first"))
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "STARLING_WAREHOUSE")
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let error = Pipe()
        process.standardError = error
        process.standardOutput = Pipe()
        try process.run()
        let data = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Removes a file ``file(_:_:)`` made, and its directory.
    static func removeFile(_ path: String) {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// A file `name` holding `text` in a new temporary directory; its path.
    static func file(_ name: String, _ text: String) throws -> String {
        let directory =
            NSTemporaryDirectory() + "starling-friction-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a mistyped command gets the nearest one, and usage errors read starling: error: …")
    func unknownCommand() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let typo = try CLI.run(["laod", "t", "x.csv"], warehouse: warehouse)
        #expect(typo.status == 64)
        #expect(typo.error.hasPrefix("starling: error: unknown command \"laod\" (did you mean load?)"), "\(typo.error)")
        let option = try CLI.run(["sql", "--warehuose", "x", "SELECT 1"], warehouse: warehouse)
        #expect(option.status == 64)
        #expect(option.error.hasPrefix("starling: error: Unknown option '--warehuose'. Did you mean '--warehouse'?"))
        #expect(option.error.contains("\nUsage: starling sql"))
        let help = try CLI.run(["help"], warehouse: warehouse)
        #expect(help.status == 0 && help.output.contains("SUBCOMMANDS"))
    }

    @Test("with no warehouse named anywhere, the error says so and how to name one")
    func unsetWarehouse() throws {
        let directory =
            NSTemporaryDirectory() + "starling-nowarehouse-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try Self.runWithoutWarehouse(["tables"], in: directory)
        #expect(result.status == 66)
        #expect(result.error.contains("STARLING_WAREHOUSE is unset"), "\(result.error)")
        #expect(result.error.contains("export STARLING_WAREHOUSE=DIR"))
        #expect(!result.error.contains("starling init --warehouse ./warehouse"))
    }

    @Test("a header in another delimiter or an NDJSON file read as CSV gets the option to use")
    func loadHints() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        #expect(
            try CLI.run(
                ["sql", "CREATE TABLE t (id INTEGER, name VARCHAR, amount DECIMAL(10,2))"], warehouse: warehouse
            ).status == 0)
        let semicolons = try Self.file("semi.csv", "id;name;amount\n1;ann;3,14\n")
        defer { Self.removeFile(semicolons) }
        let hinted = try CLI.run(["load", "t", semicolons], warehouse: warehouse)
        #expect(hinted.status == 65)
        #expect(hinted.error.contains("the header looks separated by ';': try --delimiter ';'"), "\(hinted.error)")
        let tabs = try Self.file("tabs.csv", "id\tname\tamount\n1\tann\t3.14\n")
        defer { Self.removeFile(tabs) }
        #expect(try CLI.run(["load", "t", tabs], warehouse: warehouse).error.contains("try --delimiter '\\t'"))
        let json = try Self.file("rows.gz.csv", "{\"id\": 1, \"name\": \"ann\", \"amount\": 3.14}\n")
        defer { Self.removeFile(json) }
        #expect(try CLI.run(["load", "t", json], warehouse: warehouse).error.contains("try --format ndjson"))
    }

    @Test("decimal and thousands separators, --null on NDJSON strings, and loads that load nothing")
    func loadOptions() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        #expect(
            try CLI.run(
                ["sql", "CREATE TABLE t (id INTEGER, name VARCHAR, amount DECIMAL(10,2), score DOUBLE)"],
                warehouse: warehouse
            ).status == 0)
        let european = try Self.file(
            "eu.csv", "id;name;amount;score\n1;ann;3,14;0,5\n2;bob;1.234,56;1.000\n3;cy;7;-2,25\n")
        defer { Self.removeFile(european) }
        let loaded = try CLI.run(
            ["load", "t", european, "--delimiter", ";", "--decimal-separator", ",", "--thousands-separator", "."],
            warehouse: warehouse)
        #expect(loaded.status == 0, "\(loaded.error)")
        #expect(loaded.error.hasPrefix("loaded 3 rows into t"))
        let rows = try CLI.run(
            ["sql", "--format", "csv", "SELECT id, amount, score FROM t ORDER BY id"], warehouse: warehouse)
        #expect(rows.output == "id,amount,score\n1,3.14,0.5\n2,1234.56,1000.0\n3,7.00,-2.25\n")
        // A point that is not the decimal separator makes the field no number.
        let points = try Self.file("points.csv", "id,name,amount,score\n4,dan,\"3.14\",1\n")
        defer { Self.removeFile(points) }
        let refused = try CLI.run(["load", "t", points, "--decimal-separator", ","], warehouse: warehouse)
        #expect(refused.status == 65, "\(refused.error)")
        let one = try Self.file("one.ndjson", "{\"id\": 5, \"name\": \"n/a\", \"amount\": 1.5, \"score\": 2}\n")
        defer { Self.removeFile(one) }
        let single = try CLI.run(["load", "t", one, "--null", "n/a"], warehouse: warehouse)
        #expect(single.error.hasPrefix("loaded 1 row into t"), "\(single.error)")
        let nulls = try CLI.run(
            ["sql", "--format", "csv", "SELECT name IS NULL, amount FROM t WHERE id = 5"], warehouse: warehouse)
        #expect(nulls.output.hasSuffix("\ntrue,1.50\n"), "\(nulls.output)")
        let bad = try Self.file("bad.csv", "id,name,amount,score\nx,a,1,1\ny,b,2,2\n")
        defer { Self.removeFile(bad) }
        let nothing = try CLI.run(["load", "t", bad, "--max-rejects", "10"], warehouse: warehouse)
        #expect(nothing.status == 1)
        #expect(nothing.error.contains("every row was rejected (2 rows, see "), "\(nothing.error)")
        #expect(nothing.error.contains("the load was aborted and nothing was loaded"))
        // Not marked as loaded: the same file loads once the cause is fixed.
        let again = try CLI.run(["load", "t", bad, "--max-rejects", "10"], warehouse: warehouse)
        #expect(!again.error.contains("already loaded"), "\(again.error)")
    }
}

extension CommandLineFrictionTests {
    /// Runs `starling ARGS` with `input` on standard input (a pipe); status, stdout and stderr.
    static func run(_ arguments: [String], warehouse: String, stdin input: String) throws
        -> (status: Int32, output: String, error: String)
    {
        try CLI.run(arguments, warehouse: warehouse, input: input)
    }

    @Test("sql reads standard input and -f -, and names the file in a script's errors")
    func scriptsAndStandardInput() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let piped = try Self.run(["sql", "--format", "csv"], warehouse: warehouse, stdin: "SELECT 41 + 1 AS x")
        #expect(piped.status == 0 && piped.output == "x\n42\n", "\(piped.error)")
        let dash = try Self.run(["sql", "--format", "csv", "-f", "-"], warehouse: warehouse, stdin: "SELECT 2 AS y")
        #expect(dash.output == "y\n2\n")
        let script = try Self.file("report.sql", "\u{FEFF}SELECT 1 AS a;\r\nSELECT nope\r\nFROM region;\r\n")
        defer { Self.removeFile(script) }
        let failed = try CLI.run(["sql", "--format", "csv", "-f", script], warehouse: warehouse)
        #expect(failed.status == 1)
        #expect(failed.output == "a\n1\n")
        #expect(failed.error.contains("report.sql:2:8: column \"nope\" does not exist"), "\(failed.error)")
        #expect(failed.error.contains("\n  SELECT nope\n         ^"), "\(failed.error)")
        let unsupported = try CLI.run(["sql", "PRAGMA show_tables"], warehouse: warehouse)
        #expect(unsupported.error.contains("hint: use SHOW TABLES"), "\(unsupported.error)")
        let shown = try CLI.run(["sql", "--format", "csv", "SHOW TABLES"], warehouse: warehouse)
        #expect(shown.status == 0 && shown.output.hasPrefix("name\n"), "\(shown.error)")
    }

    @Test("load errors name the option that fixes them, and bad options are refused before reading")
    func loadErrorHints() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        #expect(
            try CLI.run(["sql", "CREATE TABLE t (id INTEGER, amount DECIMAL(10,2))"], warehouse: warehouse).status == 0)
        let array = try Self.file("rows.json", "[{\"id\": 1, \"amount\": 2}]\n")
        defer { Self.removeFile(array) }
        #expect(
            try CLI.run(["load", "t", array], warehouse: warehouse).error.contains("only NDJSON, one object per line"))
        let pretty = try Self.file("pretty.json", "{\n  \"id\": 1\n}\n")
        defer { Self.removeFile(pretty) }
        #expect(try CLI.run(["load", "t", pretty], warehouse: warehouse).error.contains("goes on over several lines"))
        let extra = try Self.file("extra.csv", "id,amount,note\n1,2,x\n")
        defer { Self.removeFile(extra) }
        #expect(
            try CLI.run(["load", "t", extra], warehouse: warehouse).error.contains(
                "add it with ALTER TABLE t ADD COLUMN"))
        let comma = try Self.file("comma.csv", "id,amount\n1,\"1,50\"\n")
        defer { Self.removeFile(comma) }
        #expect(try CLI.run(["load", "t", comma], warehouse: warehouse).error.contains("--decimal-separator ,"))
        let marker = try Self.file("marker.csv", "id,amount\n1,NULL\n")
        defer { Self.removeFile(marker) }
        #expect(try CLI.run(["load", "t", marker], warehouse: warehouse).error.contains("--null 'NULL'"))
        let noDirectory = try CLI.run(["load", "t", comma, "--rejects", "/nonexistent/r.csv"], warehouse: warehouse)
        #expect(noDirectory.status == 74 && noDirectory.error.contains("/nonexistent is not a directory"))
        let pattern = try CLI.run(["load", "t", comma, "--date-format", "dd/mm/yyyy"], warehouse: warehouse)
        #expect(pattern.status == 64 && pattern.error.contains("has no % directive"), "\(pattern.error)")
    }

    @Test("nested commands, version, --format case and --table filters get the nearest name")
    func commandNames() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        #expect(try CLI.run(["gen", "date"], warehouse: warehouse).error.contains("\"date\" (did you mean dates?)"))
        #expect(try CLI.run(["version"], warehouse: warehouse).error.contains("(did you mean --version?)"))
        #expect(try CLI.run(["help", "nosuch"], warehouse: warehouse).status == 64)
        #expect(try CLI.run(["sql", "--format", "JSON", "SELECT 1 AS a"], warehouse: warehouse).status == 0)
        let history = try CLI.run(["history", "--table", "regoin"], warehouse: warehouse)
        #expect(history.status == 1 && history.error.contains("(did you mean region?)"), "\(history.error)")
        let loads = try CLI.run(["loads", "--table", "regoin"], warehouse: warehouse)
        #expect(loads.status == 1)
        let settings = try CLI.run(["shell"], warehouse: warehouse, input: ".timer\n.headers off\n.headers\n")
        #expect(settings.output == "timer: off\nheaders: off\n", "\(settings.output)")
    }
}
