/// The query phase of `bench ssb`, run in a child process, and its report to the parent.

import ArgumentParser
import StarlingEngine
import StarlingSampleData
import StarlingSQL
import StarlingStorage

/// Runs the SSB queries in the child process and hands the samples to the parent as text lines:
///
///     query <name> <rows> <rows scanned> <bytes scanned> <nanoseconds>,<nanoseconds>,…
///     peak <bytes>
///     threads <n>
///
/// (names are the `-- Qx.y` comments of the built-in queries, one word each).
enum BenchSSBQueryPhase {
    static func run(warehouse: Warehouse, threads: Int?, runs: Int, warmup: Int, quiet: Bool) throws -> String {
        let script = SSBWorkload.queries
        let statements: [ParsedStatement]
        do { statements = try Parser.parse(script) } catch { throw fail(error.rendered(in: script), status: .failure) }
        let named = BenchmarkQueries.named(statements, in: script)
        let engine = Engine(warehouse: warehouse, threads: threads)
        ResidentMemory.resetPeak()
        let reports = try BenchmarkQueries.run(named, script: script, engine: engine, runs: runs, warmup: warmup, quiet: quiet)
        let peak = ResidentMemory.peakBytes()
        var lines: [String] = []
        for report in reports {
            let name = report.name.split(separator: " ").joined(separator: "_")
            let times = report.samples.map { String($0.nanoseconds) }.joined(separator: ",")
            lines.append("query \(name) \(report.rows) \(report.rowsScanned) \(report.bytesScanned) \(times)")
        }
        lines.append("peak \(peak)")
        lines.append("threads \(engine.threads)")
        return lines.map { $0 + "\n" }.joined()
    }

    /// The reports, peak resident bytes and thread count in a query phase's output.
    static func parse(_ output: [UInt8]) throws(ExitCode) -> (reports: [BenchmarkReport], peak: Int, threads: Int) {
        var reports: [BenchmarkReport] = []
        var peak = 0, threads = 0
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            switch fields.first {
            case "query":
                guard fields.count == 6, let rows = Int(fields[2]), let scanned = Int(fields[3]), let bytes = Int(fields[4]) else {
                    throw fail("the query process reported \"\(line)\"", status: .failure)
                }
                var samples: [BenchmarkSample] = []
                for time in fields[5].split(separator: ",") {
                    guard let nanoseconds = UInt64(time) else { throw fail("the query process reported \"\(line)\"", status: .failure) }
                    samples.append(BenchmarkSample(rows: rows, rowsScanned: scanned, bytesScanned: bytes, nanoseconds: nanoseconds))
                }
                reports.append(BenchmarkReport(name: fields[1], samples: samples))
            case "peak": peak = fields.count == 2 ? Int(fields[1]) ?? 0 : 0
            case "threads": threads = fields.count == 2 ? Int(fields[1]) ?? 0 : 0
            default: throw fail("the query process reported \"\(line)\"", status: .failure)
            }
        }
        guard !reports.isEmpty else { throw fail("the query process reported no queries", status: .failure) }
        return (reports, peak, threads)
    }
}
