/// `starling bench ssb`: the Star Schema Benchmark end to end — generate (or reuse) the data,
/// load it into a fresh warehouse (timed, with MB/s and peak memory), run the 13 queries, and
/// report the warehouse's size on disk.

import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StarlingEngine
import StarlingFormat
import StarlingLoader
import StarlingSampleData
import StarlingSQL
import StarlingStorage

struct BenchSSBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssb",
        abstract: "Generate, load and query the Star Schema Benchmark at a scale factor.",
        discussion: """
            1. Generates the SSB files for --sf into --data (default bench-output/ssb-sf<N>), or \
            reuses them when that directory already holds a complete set made with the same \
            scale factor and seed.
            2. Creates a fresh warehouse (default <data>/warehouse; an existing one is replaced \
            only if an earlier bench ssb created it), creates the SSB schema built into \
            starling (the text of Benchmarks/ssb/schema.sql) and loads the five tables, timing \
            the loads: seconds, input MB/s and peak resident memory.
            3. Runs the 13 SSB queries (Benchmarks/ssb/queries.sql) --warmup times untimed and \
            --runs times timed each, as `starling bench run` does, in a fresh process (nothing of \
            the load in its memory) started 2 s after the load, when its files have settled, with \
            that process's peak resident memory.
            4. Prints the warehouse's size on disk.

            Progress goes to stderr; the report (a table, or one JSON object with --json) to \
            stdout. Peak memory is the resident high-water mark: of this process for the load \
            (reset before it on Linux), of the query process for the queries.

            Examples:
              starling bench ssb --sf 1
              starling bench ssb --sf 10 --runs 5 --threads 2 --json > ssb-sf10.json
              starling bench ssb --sf 0.1 --data /tmp/ssb-small --warehouse /tmp/ssb-wh
            """
    )

    @Option(help: ArgumentHelp("The scale factor: 1 is about 600 MB of input; fractions such as 0.1 are fine.", valueName: "sf"))
    var sf: Double

    @Option(help: ArgumentHelp("Where the generated files are kept (default: bench-output/ssb-sf<N>).", valueName: "dir"))
    var data: String?

    @Option(help: ArgumentHelp("The warehouse to create (default: <data>/warehouse).", valueName: "dir"))
    var warehouse: String?

    @Option(help: ArgumentHelp("Timed runs per query.", valueName: "n"))
    var runs = 5

    @Option(help: ArgumentHelp("Untimed runs per query before the timed ones.", valueName: "n"))
    var warmup = 1

    @Option(help: ArgumentHelp("Threads for generating, loading and querying (default: all cores).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("The generator's random seed.", valueName: "seed"))
    var seed: UInt64 = SSBGenerator.defaultSeed

    @Flag(help: "Print one JSON object for tools.")
    var json = false

    /// Set on the child process that runs the query phase: no generation or load, the queries'
    /// samples on stdout as lines for the parent (`BenchSSBQueryPhase`).
    @Flag(help: .hidden)
    var queryPhase = false

    func validate() throws {
        guard sf.isFinite, sf > 0, sf <= SSBCardinalities.maximumScaleFactor else {
            throw ValidationError("--sf must be a number greater than 0 and at most \(Int(SSBCardinalities.maximumScaleFactor)), such as 1 or 0.1")
        }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    var scaleText: String { sf == sf.rounded() ? String(Int(sf)) : String(sf) }
    var dataDirectory: String { data ?? "bench-output/ssb-sf\(scaleText)" }
    var warehouseDirectory: String { warehouse ?? dataDirectory + "/warehouse" }

    func run() throws {
        if queryPhase {
            let opened: Warehouse
            do { opened = try Warehouse(opening: warehouseDirectory) } catch { throw fail(error.message, status: error.exitStatus) }
            StandardOutput.write(try BenchSSBQueryPhase.run(warehouse: opened, threads: threads, runs: runs, warmup: warmup, quiet: json))
            return
        }
        let generated = try generateOrReuse()
        ResidentMemory.resetPeak()
        let loaded = try createAndLoad(files: generated.files)
        let loadPeak = ResidentMemory.peakBytes()
        let opened: Warehouse
        do { opened = try Warehouse(opening: warehouseDirectory) } catch { throw fail(error.message, status: error.exitStatus) }
        let size: Int
        do { size = try opened.sizeOnDisk() } catch { throw fail(error.message, status: error.exitStatus) }

        // The queries run in a fresh process, as the day's queries run apart from the nightly
        // load (and as the comparison runs DuckDB's): its memory holds nothing from the load. It
        // starts once the files just written have settled (FileIdentity.settledSeconds), as they
        // have by the time anyone queries a nightly load, so its caches may keep them.
        usleep(UInt32(FileIdentity.settledSeconds) * 1_000_000 + 100_000)
        var arguments = ["bench", "ssb", "--query-phase", "--sf", scaleText, "--data", dataDirectory, "--warehouse", warehouseDirectory,
                         "--runs", String(runs), "--warmup", String(warmup)]
        if let threads { arguments += ["--threads", String(threads)] }
        if json { arguments.append("--json") }
        let child = try ChildProcess.runSelf(arguments)
        guard child.status == 0 else { throw ExitCode(child.status) }
        let (reports, queryPeak, queryThreads) = try BenchSSBQueryPhase.parse(child.output)

        let report = BenchSSBReport(
            scaleFactor: sf, dataDirectory: dataDirectory, warehouseDirectory: warehouseDirectory,
            generation: generated, load: loaded, loadPeakBytes: loadPeak, queries: reports, queryPeakBytes: queryPeak,
            warehouseBytes: size, threads: queryThreads, runs: runs, warmup: warmup)
        StandardOutput.write(json ? report.json() : report.text())
    }

    /// The files of `--data`, generated unless a complete set for this scale factor and seed is there.
    private func generateOrReuse() throws -> BenchSSBReport.Generation {
        let directory = dataDirectory
        let markerPath = directory + "/" + Self.dataMarkerName
        let markerText = "ssb sf=\(scaleText) seed=\(seed) format=tbl\n"
        let files = SSBTable.allCases.map { (table: $0, path: directory + "/" + $0.fileName(format: .tbl)) }
        let bytes = { files.reduce(0) { $0 + FileBytes.size(of: $1.path) } }
        if let existing = try? FileBytes.read(path: markerPath).decodedText(), existing == markerText,
           files.allSatisfy({ FileBytes.kind(of: $0.path).exists }) {
            if !json { StandardError.write("reusing SSB SF \(scaleText) files in \(directory) (\(megabytes(bytes())))\n") }
            return .init(reused: true, seconds: 0, bytes: bytes(), files: files)
        }
        guard let generator = SSBGenerator(scaleFactor: sf, seed: seed, format: .tbl, threads: threads) else {
            throw fail("--sf \(sf) is out of range", status: .usage)
        }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try FileBytes.remove(markerPath)
            try generator.generate(into: directory) { report in
                if !json { StandardError.write("generated \(report.table.fileName(format: .tbl)): \(report.rows) rows, \(megabytes(report.bytes)), \(formatSeconds(report.seconds))\n") }
            }
            try FileBytes.writeAtomically(Array(markerText.utf8), to: markerPath)
        } catch let error as SampleDataError {
            throw fail(error.message, status: .ioError)
        } catch let error as FileError {
            throw fail(error.description, status: .ioError)
        }
        return .init(reused: false, seconds: (clock.now - start).seconds, bytes: bytes(), files: files)
    }

    /// A fresh warehouse with the SSB schema and the five tables loaded, each load timed.
    private func createAndLoad(files: [(table: SSBTable, path: String)]) throws -> [BenchSSBReport.TableLoad] {
        let directory = warehouseDirectory
        guard directory != dataDirectory else { throw fail("--warehouse must be a directory of its own, not --data", status: .usage) }
        if FileBytes.kind(of: directory).exists {
            guard FileBytes.kind(of: directory + "/" + Self.markerName).exists else {
                throw fail("\(directory) exists and was not created by starling bench ssb; choose another --warehouse or remove it", status: .failure)
            }
            do { try Warehouse.remove(at: directory) } catch { throw fail(error.message, status: error.exitStatus) }
        }
        let warehouse: Warehouse
        do {
            warehouse = try Warehouse.create(at: directory)
            try FileBytes.writeAtomically(Array("created by starling bench ssb\n".utf8), to: directory + "/" + Self.markerName)
        } catch let error as StorageError {
            throw fail(error.message, status: error.exitStatus)
        } catch let error as FileError {
            throw fail(error.description, status: .ioError)
        }
        do { _ = try Engine(warehouse: warehouse).run(SSBWorkload.schema) } catch { throw fail(error.description, status: error.exitStatus) }
        var options = LoadOptions()
        options.threads = threads
        var loads: [BenchSSBReport.TableLoad] = []
        // Dimensions first: lineorder's references resolve against them.
        for (table, path) in files.sorted(by: { ($0.table == .lineorder ? 1 : 0) < ($1.table == .lineorder ? 1 : 0) }) {
            let loader = Loader(warehouse: warehouse, options: options)
            do {
                let summary = try loader.load(table: table.tableName, files: [path])
                if !json { StandardError.write(LoadCommand.summaryLine(summary) + "\n") }
                loads.append(.init(table: table.tableName, rows: summary.record.rowsLoaded, bytes: summary.inputBytes, seconds: summary.seconds))
            } catch {
                throw fail(error.message, status: error.exitStatus)
            }
        }
        return loads
    }

    /// The file that marks a warehouse as the benchmark's own (so a rerun may replace it).
    static let markerName = "starling-bench-ssb"
    /// The file that marks a data directory's files complete, with their scale factor and seed.
    static let dataMarkerName = "starling-bench-ssb-data"
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
