/// `starling sql` output formats and exit statuses, and `starling bench run`, through the executable.

import Foundation
import StarlingEngine
import Testing

@Suite("Command line: sql and bench", .serialized)
struct CommandLineTests {
    /// The `starling` executable built beside the test bundle.
    static var executable: String? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("starling").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs `starling ARGS` in `warehouse`; returns the exit status, stdout and stderr.
    /// With `input`, it is the command's stdin (a pipe, so `starling shell` runs it as a script).
    /// With `outputPath`, stdout is that file (and the output returned is empty).
    static func run(_ arguments: [String], warehouse: String, input: String? = nil, outputPath: String? = nil) throws
        -> (status: Int32, output: String, error: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(executable, "build the starling executable first (swift build)"))
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["STARLING_WAREHOUSE"] = warehouse
        process.environment = environment
        let output = Pipe(), error = Pipe()
        if let outputPath {
            process.standardOutput = try #require(FileHandle(forWritingAtPath: outputPath))
        } else {
            process.standardOutput = output
        }
        process.standardError = error
        let inputPipe = Pipe()
        if input != nil { process.standardInput = inputPipe }
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        let outputData = outputPath == nil ? output.fileHandleForReading.readDataToEndOfFile() : Data()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    /// Runs `starling ARGS` with stdout on `/dev/full` (every write fails with ENOSPC); returns the
    /// exit status and stderr.
    static func runIntoFullDevice(_ arguments: [String], warehouse: String) throws -> (status: Int32, error: String) {
        let result = try run(arguments, warehouse: warehouse, outputPath: "/dev/full")
        return (result.status, result.error)
    }

    /// A warehouse with a small star: a dimension and a fact referencing it.
    static func warehouse() throws -> String {
        let directory = NSTemporaryDirectory() + "starling-cli-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        #expect(try run(["init"], warehouse: directory).status == 0)
        let setup = try run(["sql", """
            CREATE TABLE region (r_id INTEGER PRIMARY KEY, r_name VARCHAR);
            INSERT INTO region VALUES (1, 'ASIA'), (2, 'EUROPE, WEST');
            CREATE TABLE sales (s_region INTEGER REFERENCES region, s_day DATE, s_amount DECIMAL(10,2)) PARTITION BY month(s_day);
            INSERT INTO sales VALUES (1, '2025-03-01', 10.50), (2, '2025-03-02', 4.25), (1, '2025-04-01', 1.00), (NULL, '2025-04-02', 7.00)
            """], warehouse: directory)
        #expect(setup.status == 0, "\(setup.error)")
        return directory
    }

    @Test("every output format prints the same rows")
    func formats() throws {
        let warehouse = try Self.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let query = "SELECT r_name, sum(s_amount) AS total FROM sales JOIN region ON s_region = r_id GROUP BY r_name ORDER BY r_name"
        #expect(try Self.run(["sql", "--format", "csv", query], warehouse: warehouse).output == "r_name,total\nASIA,11.50\n\"EUROPE, WEST\",4.25\n")
        #expect(try Self.run(["sql", "--format", "tsv", "--no-header", query], warehouse: warehouse).output == "ASIA\t11.50\nEUROPE, WEST\t4.25\n")
        #expect(try Self.run(["sql", "--format", "ndjson", query], warehouse: warehouse).output == "{\"r_name\":\"ASIA\",\"total\":11.50}\n{\"r_name\":\"EUROPE, WEST\",\"total\":4.25}\n")
        let json = try Self.run(["sql", "--format", "json", query], warehouse: warehouse).output
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 2)
        #expect(parsed?.first?["r_name"] as? String == "ASIA")
        #expect(try Self.run(["sql", "--format", "markdown", query], warehouse: warehouse).output == "| r_name | total |\n|---|---:|\n| ASIA | 11.50 |\n| EUROPE, WEST | 4.25 |\n")
        let table = try Self.run(["sql", "--format", "table", query], warehouse: warehouse).output
        #expect(table.contains("│ r_name       │ total         │"))
        #expect(table.hasSuffix("2 rows\n"))
    }

    @Test("SQL given as an argument may open with a -- comment, with or without an explicit --")
    func leadingComment() throws {
        let warehouse = try Self.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let commented = try Self.run(
            ["sql", "-- the regions\nSELECT count(*) AS n FROM region", "--format", "csv"], warehouse: warehouse)
        #expect(commented.status == 0, "\(commented.error)")
        #expect(commented.output == "n\n2\n")
        let terminated = try Self.run(
            ["sql", "--format", "csv", "--", "-- the regions\nSELECT 1 AS one"], warehouse: warehouse)
        #expect(terminated.output == "one\n1\n")
    }

    @Test("exit statuses: 1 for a bad statement or a failed query, 64 for usage, 66 for a missing file")
    func exitStatuses() throws {
        let warehouse = try Self.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let unknown = try Self.run(["sql", "SELECT r_nam FROM region"], warehouse: warehouse)
        #expect(unknown.status == 1)
        #expect(unknown.error.contains("line 1:8: column \"r_nam\" does not exist"))
        #expect(unknown.error.contains("did you mean r_name?"))
        let overflow = try Self.run(["sql", "SELECT r_id * 2147483647 * 2 FROM region"], warehouse: warehouse)
        #expect(overflow.status == 1)
        #expect(overflow.error.contains("overflow"))
        let limit = try Self.run(["sql", "--memory-limit", "16B", "SELECT r_name, count(*) FROM region GROUP BY 1"], warehouse: warehouse)
        #expect(limit.status == 1)
        #expect(limit.error.contains("memory limit"))
        #expect(limit.error.contains("HASH_AGGREGATE"))
        // A cross product whose pairs alone pass the limit is refused before they are made, even
        // when no column is read (count(*)): 200,000 x 200,000 pairs would be 320 GB of indices.
        let many = (0..<200).map { "(\($0))" }.joined(separator: ", ")
        #expect(try Self.run(["sql", "CREATE TABLE big (x INTEGER); INSERT INTO big VALUES \(many)"], warehouse: warehouse).status == 0)
        let doubling = "INSERT INTO big SELECT a.x FROM big a CROSS JOIN (SELECT 1 AS one UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10) b"
        for _ in 0..<3 { #expect(try Self.run(["sql", doubling], warehouse: warehouse).status == 0) }
        // Joins stream their pairs a batch at a time: 40 billion cross pairs never exist at once,
        // and sorting them (which must hold them) fails at the limit, naming what held them.
        let cross = try Self.run(["sql", "--memory-limit", "1GB", "SELECT a.x, b.x FROM big a CROSS JOIN big b ORDER BY 1"], warehouse: warehouse)
        #expect(cross.status == 1, "\(cross.error)")
        #expect(cross.error.contains("memory limit") && cross.error.contains("RESULT needs"), "\(cross.error)")
        // A hash join with 35 M matches (570 MB of row pairs) counts them within 256 MB.
        let exploding = try Self.run(
            [
                "sql", "--memory-limit", "256MB", "--format", "csv",
                "SELECT count(*) AS n FROM big a JOIN big b ON a.x = b.x WHERE a.x < 20",
            ], warehouse: warehouse)
        #expect(exploding.status == 0, "\(exploding.error)")
        #expect(exploding.output == "n\n35431220\n")
        // The default is half of RAM, and --help says so.
        #expect(Engine.defaultMemoryLimit == Engine.physicalMemory / 2)
        let help = try Self.run(["sql", "--help"], warehouse: warehouse)
        #expect(help.output.split(whereSeparator: \.isWhitespace).joined(separator: " ").contains("default: 50% of RAM"))
        #expect(try Self.run(["sql", "--memory-limit", "lots", "SELECT 1"], warehouse: warehouse).status == 64)
        #expect(try Self.run(["sql", "--format", "xml", "SELECT 1"], warehouse: warehouse).status == 64)
        #expect(try Self.run(["sql", "-f", warehouse + "/no-such.sql"], warehouse: warehouse).status == 66)
    }

    @Test("results that cannot be written exit 74 with the reason, from sql, tables and the shell")
    func unwritableOutput() throws {
        let warehouse = try Self.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let reason = "cannot write results to standard output: No space left on device"
        for format in ["csv", "table", "json"] {
            let query = try Self.runIntoFullDevice(["sql", "--format", format, "SELECT * FROM sales; SELECT 1"], warehouse: warehouse)
            #expect(query.status == 74, "\(format): \(query.error)")
            #expect(query.error.contains(reason), "\(format): \(query.error)")
        }
        let tables = try Self.runIntoFullDevice(["tables", "--json"], warehouse: warehouse)
        #expect(tables.status == 74)
        #expect(tables.error.contains(reason))
        let shell = try Self.run(["shell"], warehouse: warehouse, input: ".output /dev/full\nSELECT * FROM region;\n")
        #expect(shell.status == 74)
        #expect(shell.error.contains("cannot write results to /dev/full: No space left on device"))
        // Written in full, the same commands still exit 0.
        #expect(try Self.run(["sql", "SELECT * FROM sales"], warehouse: warehouse).status == 0)
    }

    @Test("control characters quoted into an error message are escaped, not sent to the terminal")
    func escapedControlCharacters() throws {
        let warehouse = try Self.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let path = warehouse + "/nul.csv"
        try Data("r_id,r_name\n3,ok\n4\u{0}x,bad\n".utf8).write(to: URL(fileURLWithPath: path))
        let load = try Self.run(["load", "region", path], warehouse: warehouse)
        #expect(load.status == 65)
        #expect(load.error.contains("value \"4\\x00x\""), "\(load.error)")
        #expect(!load.error.unicodeScalars.contains("\u{0}"))
        let query = try Self.run(["sql", "SELECT CAST('1\u{1B}[31m' AS INTEGER)"], warehouse: warehouse)
        #expect(query.status == 1)
        #expect(query.error.contains("'1\\x1B[31m'"), "\(query.error)")
        #expect(!query.error.unicodeScalars.contains("\u{1B}"))
    }

    @Test("EXPLAIN shows outer joins, FROM subqueries and semi joins reading only the columns used")
    func pruning() throws {
        let warehouse = try Self.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let outer = try Self.run(["sql", "EXPLAIN SELECT r_name, count(s_day) FROM region LEFT JOIN sales ON s_region = r_id GROUP BY r_name"], warehouse: warehouse)
        #expect(outer.status == 0, "\(outer.error)")
        #expect(outer.output.contains("SCAN sales columns: s_region, s_day "))
        let derived = try Self.run(["sql", "EXPLAIN SELECT d FROM (SELECT s_day AS d, s_amount * 2 AS a FROM sales) x"], warehouse: warehouse)
        #expect(derived.output.contains("SCAN sales columns: s_day "), "\(derived.output)")
        let semi = try Self.run(["sql", "EXPLAIN SELECT r_name FROM region WHERE r_id IN (SELECT s_region FROM sales WHERE s_amount > 5)"], warehouse: warehouse)
        #expect(semi.output.contains("HASH JOIN SEMI"), "\(semi.output)")
        // One qualifying region against every sale: the region is built, the sales mark it.
        for _ in 0..<3 { #expect(try Self.run(["sql", "INSERT INTO sales SELECT * FROM sales"], warehouse: warehouse).status == 0) }
        let marking = try Self.run(["sql", "EXPLAIN SELECT r_name FROM region r WHERE r_id = 1 AND EXISTS (SELECT 1 FROM sales WHERE s_region = r.r_id AND s_amount > r.r_id)"], warehouse: warehouse)
        #expect(marking.output.contains("HASH JOIN SEMI on r_id = __key0 (build: first input"), "\(marking.output)")
    }

    @Test("bench run names queries by their comment lines and prints the documented JSON")
    func benchRun() throws {
        let warehouse = try Self.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let file = warehouse + "/queries.sql"
        try """
            -- Benchmark queries for the test
            -- by region
            SELECT r_name, sum(s_amount) FROM sales, region WHERE s_region = r_id GROUP BY r_name;
            SELECT count(*) FROM sales WHERE s_day >= DATE '2025-04-01';
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try Self.run(["bench", "run", "--queries", file, "--runs", "3", "--warmup", "0", "--json"], warehouse: warehouse)
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let queries = try #require(object["queries"] as? [[String: Any]])
        #expect(queries.map { $0["name"] as? String } == ["by region", "Q2"])
        #expect(queries.map { $0["rows"] as? Int } == [2, 1])
        #expect((queries.first?["runs_ms"] as? [Double])?.count == 3)
        for key in ["min_ms", "median_ms", "max_ms", "rows_scanned", "bytes_scanned"] { #expect(queries.first?[key] != nil, "\(key)") }
        #expect(object["total_median_ms"] is Double)
        #expect(object["threads"] as? Int ?? 0 >= 1)
        let table = try Self.run(["bench", "run", "--queries", file, "--runs", "1"], warehouse: warehouse)
        #expect(table.output.contains("total of medians"))
    }

    @Test("bench ssb generates, loads into a fresh warehouse, runs the 13 queries, and reuses its data")
    func benchSSB() throws {
        let directory = NSTemporaryDirectory() + "starling-bench-ssb-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = ["bench", "ssb", "--sf", "0.002", "--data", directory, "--runs", "1", "--warmup", "0", "--threads", "2", "--json"]
        let first = try Self.run(arguments, warehouse: "/nonexistent")
        #expect(first.status == 0, "\(first.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any])
        let queries = try #require(object["queries"] as? [[String: Any]])
        #expect(queries.map { $0["name"] as? String ?? "" } == ["Q1.1", "Q1.2", "Q1.3", "Q2.1", "Q2.2", "Q2.3", "Q3.1", "Q3.2", "Q3.3", "Q3.4", "Q4.1", "Q4.2", "Q4.3"])
        let load = try #require(object["load"] as? [String: Any])
        let tables = try #require(load["tables"] as? [[String: Any]])
        #expect(tables.map { $0["table"] as? String ?? "" } == ["dates", "customer", "supplier", "part", "lineorder"])
        #expect((tables.last?["rows"] as? Int ?? 0) > 10_000)
        #expect((load["peak_rss_bytes"] as? Int ?? 0) > 0)
        #expect(((object["warehouse"] as? [String: Any])?["bytes"] as? Int ?? 0) > 0)
        #expect((object["data"] as? [String: Any])?["reused"] as? Bool == false)
        // A second run reuses the files and replaces its own warehouse.
        let second = try Self.run(arguments, warehouse: "/nonexistent")
        #expect(second.status == 0, "\(second.error)")
        let again = try #require(try JSONSerialization.jsonObject(with: Data(second.output.utf8)) as? [String: Any])
        #expect((again["data"] as? [String: Any])?["reused"] as? Bool == true)
        #expect((again["queries"] as? [[String: Any]])?.map { $0["rows"] as? Int } == queries.map { $0["rows"] as? Int })
        // A warehouse bench ssb did not create is never replaced.
        let foreign = try Self.warehouse()
        defer { try? FileManager.default.removeItem(atPath: foreign) }
        let refused = try Self.run(["bench", "ssb", "--sf", "0.002", "--data", directory, "--warehouse", foreign], warehouse: "/nonexistent")
        #expect(refused.status == 1)
        #expect(refused.error.contains("was not created by starling bench ssb"))
        #expect(FileManager.default.fileExists(atPath: foreign + "/starling-warehouse"))
    }
}
