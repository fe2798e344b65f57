/// What `starling bench ssb` measured, as a text report or one JSON object.

import StarlingInterchange
import StarlingSampleData

/// The figures of one `bench ssb` run: generation, load, queries, size.
struct BenchSSBReport {
    /// The data files, and whether they were made by this run.
    struct Generation {
        let reused: Bool
        let seconds: Double
        let bytes: Int
        let files: [(table: SSBTable, path: String)]
    }

    /// One table's load.
    struct TableLoad {
        let table: String
        let rows: Int
        let bytes: Int
        let seconds: Double
    }

    let scaleFactor: Double
    let dataDirectory: String
    let warehouseDirectory: String
    let generation: Generation
    let load: [TableLoad]
    let loadPeakBytes: Int
    let queries: [BenchmarkReport]
    let queryPeakBytes: Int
    let warehouseBytes: Int
    let threads: Int
    let runs: Int
    let warmup: Int

    var loadSeconds: Double { load.reduce(0) { $0 + $1.seconds } }
    var loadBytes: Int { load.reduce(0) { $0 + $1.bytes } }
    var loadRows: Int { load.reduce(0) { $0 + $1.rows } }
    var loadMegabytesPerSecond: Double { loadSeconds > 0 ? Double(loadBytes) / loadSeconds / 1e6 : 0 }

    func text() -> String {
        var lines: [String] = []
        let scale = scaleFactor == scaleFactor.rounded() ? String(Int(scaleFactor)) : String(scaleFactor)
        lines.append("Star Schema Benchmark, scale factor \(scale), \(threads) threads")
        lines.append(generation.reused
            ? "data: \(dataDirectory) (reused, \(megabytes(generation.bytes)))"
            : "data: \(dataDirectory) (generated \(megabytes(generation.bytes)) in \(formatSeconds(generation.seconds)))")
        var table = [["table", "rows", "input MB", "seconds", "MB/s"]]
        for entry in load {
            let rate = entry.seconds > 0 ? Double(entry.bytes) / entry.seconds / 1e6 : 0
            table.append([entry.table, String(entry.rows), (Double(entry.bytes) / 1e6).formatted(decimals: 1),
                          entry.seconds.formatted(decimals: 2), rate.formatted(decimals: 0)])
        }
        table.append(["total", String(loadRows), (Double(loadBytes) / 1e6).formatted(decimals: 1),
                      loadSeconds.formatted(decimals: 2), loadMegabytesPerSecond.formatted(decimals: 0)])
        lines.append("")
        lines.append("load (peak resident memory \(megabytes(loadPeakBytes))):")
        lines += TextTable.render(table)
        lines.append("")
        lines.append("queries (peak resident memory \(megabytes(queryPeakBytes))):")
        lines += BenchmarkReport.table(queries, threads: threads, runs: runs).split(separator: "\n").map(String.init)
        lines.append("")
        lines.append("warehouse: \(warehouseDirectory), \(megabytes(warehouseBytes)) on disk")
        return lines.map { $0 + "\n" }.joined()
    }

    func json() -> String {
        func number(_ value: Double, _ decimals: Int = 3) -> JSONText { .number(value.formatted(decimals: decimals)) }
        let tables = load.map { entry in
            JSONText.object([
                ("table", .string(entry.table)), ("rows", .integer(entry.rows)), ("bytes", .integer(entry.bytes)),
                ("seconds", number(entry.seconds)),
            ])
        }
        var fields: [(String, JSONText)] = [
            ("benchmark", .string("ssb")), ("sf", .number(String(scaleFactor))),
            ("data", .object([
                ("directory", .string(dataDirectory)), ("reused", .bool(generation.reused)),
                ("seconds", number(generation.seconds)), ("bytes", .integer(generation.bytes)),
            ])),
            ("load", .object([
                ("seconds", number(loadSeconds)), ("bytes", .integer(loadBytes)), ("rows", .integer(loadRows)),
                ("mb_per_s", number(loadMegabytesPerSecond, 1)), ("peak_rss_bytes", .integer(loadPeakBytes)),
                ("tables", .array(tables)),
            ])),
        ]
        fields += BenchmarkReport.jsonFields(queries, threads: threads, runs: runs, warmup: warmup)
        fields += [
            ("query_peak_rss_bytes", .integer(queryPeakBytes)),
            ("warehouse", .object([("directory", .string(warehouseDirectory)), ("bytes", .integer(warehouseBytes))])),
        ]
        return JSONText.object(fields).rendered(pretty: true) + "\n"
    }
}
