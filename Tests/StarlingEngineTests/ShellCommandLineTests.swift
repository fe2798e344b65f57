/// `starling shell` in script mode (stdin from a pipe), `--help` texts and exit statuses, through
/// the executable.

import Foundation
import Testing

@Suite("Command line: shell, help and exit statuses", .serialized)
struct ShellCommandLineTests {
    typealias CLI = CommandLineTests

    @Test("a script from a pipe prints results with no prompts; modes, .timer, .tables, .schema")
    func script() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let result = try CLI.run(["shell"], warehouse: warehouse, input: """
            -- a comment, then a statement over two lines
            SELECT r_name
              FROM region ORDER BY r_id;
            .mode csv
            SELECT r_id, r_name FROM region ORDER BY r_id; SELECT count(*) AS n FROM sales;
            .mode line
            SELECT r_id, r_name FROM region ORDER BY r_id;
            .mode json
            .timer on
            SELECT 1 AS one;
            .timer off
            .tables
            .schema region
            SELECT 'no semicolon at the end' AS last
            """)
        #expect(result.status == 0, "\(result.error)")
        #expect(!result.output.contains("starling>"))
        #expect(result.output.contains("│ ASIA         │"))
        #expect(result.output.contains("r_id,r_name\n1,ASIA\n2,\"EUROPE, WEST\"\nn\n4\n"))
        #expect(result.output.contains("  r_id = 1\nr_name = ASIA\n\n  r_id = 2\nr_name = EUROPE, WEST\n"))
        #expect(result.output.contains("[\n  {\n    \"one\": 1\n  }\n]"))
        #expect(result.error.contains("Run Time (s): real "))
        #expect(result.error.contains(", 1 row\n"))
        #expect(result.output.contains("region"))
        #expect(result.output.contains("CREATE TABLE region (\n    r_id INTEGER NOT NULL PRIMARY KEY,\n    r_name VARCHAR\n);"))
        #expect(result.output.contains("no semicolon at the end"))
    }

    @Test("the first error stops a script with status 1 and its line; --continue-on-error goes on")
    func errors() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let script = "SELECT 1 AS a;\n\nSELECT r_nam FROM region;\nSELECT 2 AS b;\n"
        let stopped = try CLI.run(["shell", "--mode", "csv"], warehouse: warehouse, input: script)
        #expect(stopped.status == 1)
        #expect(stopped.output == "a\n1\n")
        #expect(stopped.error.contains("line 3:8: column \"r_nam\" does not exist"))
        #expect(!stopped.error.contains("Fatal"))
        let continued = try CLI.run(["shell", "--mode", "csv", "--continue-on-error"], warehouse: warehouse, input: script + ".nosuchcommand\n")
        #expect(continued.status == 1)
        #expect(continued.output == "a\n1\nb\n2\n")
        #expect(continued.error.contains("unknown command .nosuchcommand"))
        let quit = try CLI.run(["shell", "--mode", "csv"], warehouse: warehouse, input: "SELECT 1 AS a;\n.quit\nSELECT r_nam FROM region;\n")
        #expect(quit.status == 0)
        #expect(quit.output == "a\n1\n")
    }

    @Test(".read runs a file with positions in it; .output writes results to a file and back")
    func readAndOutput() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let file = warehouse + "/report.sql"
        try "SELECT count(*) AS regions FROM region;\n.mode csv\nSELECT 7 AS seven;\n".write(toFile: file, atomically: true, encoding: .utf8)
        let out = warehouse + "/out.csv"
        let result = try CLI.run(["shell"], warehouse: warehouse, input: """
            .read \(file)
            .output \(out)
            SELECT r_name FROM region ORDER BY r_id;
            .output
            SELECT 'back' AS here;
            .output /nonexistent-directory/x.csv
            SELECT 'still stdout' AS here;
            """)
        #expect(result.status == 1)
        #expect(result.output.contains("regions"))
        #expect(result.output.contains("seven\n7\n"))
        #expect(result.output.contains("here\nback\n"))
        #expect(!result.output.contains("ASIA"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "r_name\nASIA\n\"EUROPE, WEST\"\n")
        #expect(result.error.contains("cannot write /nonexistent-directory/x.csv"))

        let bad = warehouse + "/bad.sql"
        try "SELECT 1 AS one;\nSELECT nope FROM region;\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let failing = try CLI.run(["shell"], warehouse: warehouse, input: ".read \(bad)\nSELECT 2;\n")
        #expect(failing.status == 1)
        #expect(failing.error.contains("\(bad): line 2:8:"))
        let missing = try CLI.run(["shell"], warehouse: warehouse, input: ".read \(warehouse)/missing.sql\n")
        #expect(missing.status == 66)
    }

    @Test(".load loads a file like starling load; bad data exits 65")
    func load() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let good = warehouse + "/regions.csv", bad = warehouse + "/bad.csv"
        try "r_id,r_name\n3,AFRICA\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "r_id,r_name\nthree,AFRICA\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let loaded = try CLI.run(["shell", "--mode", "csv"], warehouse: warehouse, input: ".load region \(good)\nSELECT count(*) AS n FROM region;\n")
        #expect(loaded.status == 0, "\(loaded.error)")
        #expect(loaded.output == "n\n3\n")
        let rejected = try CLI.run(["shell"], warehouse: warehouse, input: ".load region \(bad)\nSELECT 1;\n")
        #expect(rejected.status == 65)
        #expect(try CLI.run(["load", "region", bad], warehouse: warehouse).status == 65)
    }

    @Test("every command's --help has an example")
    func help() throws {
        let warehouse = NSTemporaryDirectory() + "starling-none"
        let commands: [[String]] = [[], ["init"], ["sql"], ["shell"], ["load"], ["loads"], ["tables"], ["describe"], ["history"],
                                    ["rollback"], ["vacuum"], ["gen"], ["gen", "dates"], ["gen", "ssb"], ["bench"], ["bench", "run"], ["inspect"]]
        for command in commands {
            let result = try CLI.run(command + ["--help"], warehouse: warehouse)
            #expect(result.status == 0, "\(command)")
            #expect(result.output.contains("Example"), "starling \(command.joined(separator: " ")) --help has no example")
        }
        let version = try CLI.run(["--version"], warehouse: warehouse)
        #expect(version.status == 0)
        #expect(version.output.first?.isNumber == true)
        let completion = try CLI.run(["--generate-completion-script", "bash"], warehouse: warehouse)
        #expect(completion.status == 0)
        #expect(completion.output.contains("starling"))
    }

    @Test("exit statuses: 64 usage, 66 missing warehouse or file, 1 statement error, 65 damaged segment")
    func exitStatuses() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let missing = NSTemporaryDirectory() + "starling-missing-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        #expect(try CLI.run(["shell", "--no-such-flag"], warehouse: warehouse, input: "").status == 64)
        #expect(try CLI.run(["--no-such-flag"], warehouse: warehouse).status == 64)
        #expect(try CLI.run(["no-such-command"], warehouse: warehouse).status == 64)
        #expect(try CLI.run(["shell", "--mode", "xml"], warehouse: warehouse, input: "").status == 64)
        let noWarehouse = try CLI.run(["shell"], warehouse: missing, input: "SELECT 1;")
        #expect(noWarehouse.status == 66)
        #expect(noWarehouse.error.contains("starling init"))
        #expect(try CLI.run(["tables"], warehouse: missing).status == 66)
        #expect(try CLI.run(["load", "region", warehouse + "/none.csv"], warehouse: warehouse).status == 66)
        #expect(try CLI.run(["sql", "SELECT nope"], warehouse: warehouse).status == 1)
        #expect(try CLI.run(["shell"], warehouse: warehouse, input: "SELECT nope;").status == 1)
        #expect(try CLI.run(["shell"], warehouse: warehouse, input: "").status == 0)
        #expect(try CLI.run(["shell"], warehouse: warehouse, input: "\n-- only a comment\n;\n").status == 0)
        // A query that meets a damaged segment file: 65, as `inspect --verify` says, naming the file.
        let segments = try #require(FileManager.default.enumerator(atPath: warehouse)).compactMap { $0 as? String }
            .filter { $0.contains("sales") && $0.hasSuffix(".stsg") }
        let damaged = warehouse + "/" + (try #require(segments.first))
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: damaged)))
        bytes[20] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        let query = try CLI.run(["sql", "SELECT sum(s_amount), min(s_region), min(s_day) FROM sales"], warehouse: warehouse)
        #expect(query.status == 65)
        #expect(query.error.contains(".stsg"))
        #expect(try CLI.run(["shell"], warehouse: warehouse, input: "SELECT sum(s_amount), min(s_region), min(s_day) FROM sales;").status == 65)
    }
}
