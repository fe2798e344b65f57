/// `starling bench run`: time the queries of a file on a warehouse, in one process; the shared
/// query-timing loop and report of `bench run` and `bench ssb`.

import StarlingInterchange
import ArgumentParser
import StarlingColumns
import StarlingEngine
import StarlingFormat
import StarlingSQL

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark queries on a warehouse.",
        discussion: """
            Example:
              starling bench run --warehouse /tmp/ssb --runs 7 \\
                --queries Benchmarks/ssb/queries.sql
            """,
        subcommands: [BenchRunCommand.self, BenchSSBCommand.self]
    )
}

struct BenchRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run each query of a file warm-up + runs times and report its times.",
        discussion: """
            The file holds queries separated by ;, each preceded by a `-- Name` comment line \
            (the nearest one before the query; queries without one are named Q1, Q2, … by \
            position). Each query is parsed once, then \
            planned and executed --warmup times untimed and --runs times timed, in this process. \
            Prints per query the result rows, the minimum, median and maximum milliseconds, the rows \
            the scans read per second (at the median) and the megabytes they read, then the total \
            of the medians. --json prints one object instead.

            Example:
              starling bench run --warehouse /tmp/ssb --runs 7 \\
                --queries Benchmarks/ssb/queries.sql
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Option(help: ArgumentHelp("The query file.", valueName: "file"))
    var queries: String

    @Option(help: ArgumentHelp("Timed runs per query.", valueName: "n"))
    var runs = 5

    @Option(help: ArgumentHelp("Untimed runs per query before the timed ones.", valueName: "n"))
    var warmup = 1

    @Option(help: ArgumentHelp("Worker threads (default: all cores).", valueName: "n"))
    var threads: Int?

    @Flag(help: "Print one JSON object for tools.")
    var json = false

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let script: String
        do {
            script = try FileBytes.read(path: queries).decodedText()
        } catch {
            throw fail(error.description, status: error.isMissing ? .missingInput : .ioError)
        }
        let statements: [ParsedStatement]
        do { statements = try Parser.parse(script) } catch {
            throw fail(error.rendered(in: script), status: .failure)
        }
        let named = BenchmarkQueries.named(statements, in: script)
        guard !named.isEmpty else { throw fail("\(queries) holds no queries", status: .dataError) }
        let engine = Engine(warehouse: try options.open(), threads: threads)
        let reports = try BenchmarkQueries.run(named, script: script, engine: engine, runs: runs, warmup: warmup, quiet: json)
        StandardOutput.write(json ? BenchmarkReport.json(reports, threads: engine.threads, runs: runs, warmup: warmup) : BenchmarkReport.table(reports, threads: engine.threads, runs: runs))
    }
}

/// The queries of a benchmark file with their names.
enum BenchmarkQueries {
    /// Runs each query `warmup` times untimed, then `runs` times timed, in order; reports each
    /// median on stderr as it finishes unless `quiet`.
    static func run(_ named: [(String, Query)], script: String, engine: Engine, runs: Int, warmup: Int, quiet: Bool) throws -> [BenchmarkReport] {
        var reports: [BenchmarkReport] = []
        for (name, query) in named {
            var samples: [BenchmarkSample] = []
            for attempt in 0..<(warmup + runs) {
                let sample: BenchmarkSample
                do { sample = try engine.benchmark(query, script: script) } catch {
                    throw fail("\(name): \(error.description)", status: error.exitStatus)
                }
                if attempt >= warmup { samples.append(sample) }
            }
            let report = BenchmarkReport(name: name, samples: samples)
            reports.append(report)
            if !quiet { StandardError.write("\(name): \(report.medianMilliseconds.formatted(decimals: 1)) ms\n") }
        }
        return reports
    }

    /// Each query statement and the last `-- Name` comment line before it (else `Q<position>`).
    static func named(_ statements: [ParsedStatement], in script: String) -> [(String, Query)] {
        let bytes = Array(script.utf8)
        var result: [(String, Query)] = []
        var previousEnd = 0
        for statement in statements {
            let start = min(statement.position.offset, bytes.count)
            let gap = String(decoding: bytes[min(previousEnd, start)..<start], as: UTF8.self)
            previousEnd = min(start + statement.text.utf8.count, bytes.count)
            guard case .query(let query) = statement.statement else { continue }
            // The comment line nearest the statement names it (a file may open with other comments).
            let comment = gap.split(separator: "\n").map { $0.trimmingSpaces }.last { $0.hasPrefix("--") }
            let name = comment.map { String($0.dropFirst(2)).trimmingSpaces }.flatMap { $0.isEmpty ? nil : $0 } ?? "Q\(result.count + 1)"
            result.append((name, query))
        }
        return result
    }
}

/// One query's samples, summarised.
struct BenchmarkReport {
    let name: String
    let samples: [BenchmarkSample]

    var sortedMilliseconds: [Double] { samples.map { Double($0.nanoseconds) / 1e6 }.sorted() }
    var minimumMilliseconds: Double { sortedMilliseconds.first ?? 0 }
    var maximumMilliseconds: Double { sortedMilliseconds.last ?? 0 }
    var medianMilliseconds: Double {
        let sorted = sortedMilliseconds
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
    var rows: Int { samples.last?.rows ?? 0 }
    var rowsScanned: Int { samples.last?.rowsScanned ?? 0 }
    var bytesScanned: Int { samples.last?.bytesScanned ?? 0 }
    var rowsPerSecond: Double { medianMilliseconds > 0 ? Double(rowsScanned) / (medianMilliseconds / 1000) : 0 }

    static func table(_ reports: [BenchmarkReport], threads: Int, runs: Int) -> String {
        var rows = [["query", "rows", "min ms", "median ms", "max ms", "scanned rows/s", "scanned MB"]]
        for report in reports {
            rows.append([report.name, String(report.rows), report.minimumMilliseconds.formatted(decimals: 1), report.medianMilliseconds.formatted(decimals: 1),
                         report.maximumMilliseconds.formatted(decimals: 1), (report.rowsPerSecond / 1e6).formatted(decimals: 1) + " M",
                         (Double(report.bytesScanned) / 1e6).formatted(decimals: 1)])
        }
        let total = reports.reduce(0) { $0 + $1.medianMilliseconds }
        return (TextTable.render(rows) + ["total of medians: \(total.formatted(decimals: 1)) ms (\(reports.count) queries, \(runs) runs each, \(threads) threads)"]).map { $0 + "\n" }.joined()
    }

    static func json(_ reports: [BenchmarkReport], threads: Int, runs: Int, warmup: Int) -> String {
        JSONText.object(jsonFields(reports, threads: threads, runs: runs, warmup: warmup)).rendered(pretty: true) + "\n"
    }

    /// The fields of `bench run --json`: queries, total_median_ms, threads, runs, warmup.
    static func jsonFields(_ reports: [BenchmarkReport], threads: Int, runs: Int, warmup: Int) -> [(String, JSONText)] {
        func number(_ value: Double) -> JSONText { .number(value.formatted(decimals: 3)) }
        let queries = reports.map { report in
            JSONText.object([
                ("name", .string(report.name)), ("min_ms", number(report.minimumMilliseconds)), ("median_ms", number(report.medianMilliseconds)),
                ("max_ms", number(report.maximumMilliseconds)), ("rows", .integer(report.rows)), ("rows_scanned", .integer(report.rowsScanned)),
                ("bytes_scanned", .integer(report.bytesScanned)), ("rows_per_second", .number(String(Int(report.rowsPerSecond.rounded())))),
                ("runs_ms", .array(report.samples.map { number(Double($0.nanoseconds) / 1e6) })),
            ])
        }
        let total = reports.reduce(0) { $0 + $1.medianMilliseconds }
        return [
            ("queries", .array(queries)), ("total_median_ms", number(total)), ("threads", .integer(threads)),
            ("runs", .integer(runs)), ("warmup", .integer(warmup)),
        ]
    }
}

extension Double {
    /// Fixed-point text with `decimals` digits after the point.
    func formatted(decimals: Int) -> String {
        guard isFinite else { return "0" }
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let scaled = (self * factor).rounded()
        guard abs(scaled) < 9e18 else { return String(self) }
        let integer = Int64(scaled)
        let sign = integer < 0 ? "-" : ""
        let magnitude = integer.magnitude
        let whole = magnitude / UInt64(factor)
        guard decimals > 0 else { return sign + String(whole) }
        var fraction = String(magnitude % UInt64(factor))
        while fraction.count < decimals { fraction = "0" + fraction }
        return sign + String(whole) + "." + fraction
    }
}

extension Substring {
    var trimmingSpaces: String { trimmed { $0 == " " || $0 == "\t" || $0 == "\r" } }
}

extension String {
    var trimmingSpaces: String { Substring(self).trimmingSpaces }
}
