/// `starling gen …`: generated data: `gen dates`, a date dimension; `gen ssb`, Star Schema
/// Benchmark files; `gen portal` and `gen retail`, sample nightly extracts (in their own files).

import ArgumentParser
import StarlingColumns
import StarlingLoader
import StarlingSampleData

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Generate data: a date dimension, Star Schema Benchmark files, or sample nightly extracts.",
        discussion: """
            Examples:
              starling gen dates --table dim_date --from 2020-01-01 --to 2030-12-31
              starling gen ssb --sf 1 --out ssb-data
              starling gen portal --days 30 --out portal-extracts
              starling gen retail --days 90 --out retail-extracts
            """,
        subcommands: [GenerateDatesCommand.self, GenerateSSBCommand.self, GeneratePortalCommand.self, GenerateRetailCommand.self]
    )
}

struct GenerateDatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dates",
        abstract: "Fill a date dimension with one row per day.",
        discussion: """
            Creates the table if it does not exist, with columns date_key (DATE, the primary key), \
            date_int (YYYYMMDD), year, quarter, month, month_name, year_month, day_of_month, \
            day_of_year, iso_week, iso_year, day_of_week (ISO: Monday 1), day_name, is_weekend, \
            fiscal_year and fiscal_quarter. An existing table is filled in the columns whose names \
            it recognises (including SSB's d_datekey, d_year, d_month, …). Existing days are left \
            as they are, so widening the range only adds rows. Fiscal years are named by the \
            calendar year they end in.

            Example:
              starling gen dates --table dim_date --from 2020-01-01 --to 2030-12-31 \\
                --fiscal-year-start-month 4
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Option(help: ArgumentHelp("The date dimension table.", valueName: "table"))
    var table: String

    @Option(help: ArgumentHelp("The first day (YYYY-MM-DD).", valueName: "date"))
    var from: String

    @Option(help: ArgumentHelp("The last day (YYYY-MM-DD).", valueName: "date"))
    var to: String

    @Option(help: ArgumentHelp("The month the fiscal year starts in (1–12, default 1).", valueName: "month"))
    var fiscalYearStartMonth = 1

    func validate() throws {
        guard ValueParsing.date(from) != nil else { throw ValidationError("--from must be a date like 2020-01-01") }
        guard ValueParsing.date(to) != nil else { throw ValidationError("--to must be a date like 2030-12-31") }
        guard (1...12).contains(fiscalYearStartMonth) else { throw ValidationError("--fiscal-year-start-month must be 1 to 12") }
    }

    func run() throws {
        let warehouse = try options.open()
        guard let first = ValueParsing.date(from), let last = ValueParsing.date(to) else { return }
        do {
            let result = try DateDimension.generate(warehouse: warehouse, table: table.lowercased(), from: first, to: last,
                                                    fiscalYearStartMonth: fiscalYearStartMonth, wait: options.wait)
            StandardError.write("\(table): \(result.inserted) days added, \(result.unchanged) already present; snapshot \(result.snapshot)\n")
        } catch {
            throw fail(error.message, status: error.exitStatus)
        }
    }
}

/// `starling gen ssb`: Star Schema Benchmark files for a scale factor, on every core.
struct GenerateSSBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssb",
        abstract: "Write Star Schema Benchmark data files for a scale factor.",
        discussion: """
            Writes customer, supplier, part, date and lineorder files into the output directory \
            (created if missing): customer 30,000 × SF rows, supplier 2,000 × SF, part 200,000 × \
            (1 + ⌊log2 SF⌋) (200,000 up to SF 1), date 2,557 days (1992–1998), lineorder \
            1,500,000 × SF orders of 1 to 7 lines (about 6,000,000 × SF rows). Values, domains and \
            distributions are those of tools/ssb-data.py, so Benchmarks/ssb/schema.sql loads the \
            files and the 13 SSB queries select what they should; load date.tbl into the table dates.

            The output depends only on --sf, --seed and --format, not on --threads. Each file is \
            written as NAME.partial and renamed when complete.

            Examples:
              starling gen ssb --sf 1 --out ssb-data
              starling gen ssb --sf 0.01 --out ssb-small --format csv --threads 2
              starling sql -f Benchmarks/ssb/schema.sql
              starling load dates ssb-data/date.tbl
              starling load lineorder ssb-data/lineorder.tbl
            """
    )

    @Option(help: ArgumentHelp("The scale factor: 1 is about 600 MB; fractions such as 0.01 are fine.", valueName: "sf"))
    var sf: Double

    @Option(help: ArgumentHelp("The output directory (created if missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("tbl (| after every field, no header) or csv (header row, RFC 4180 quoting).", valueName: "format"))
    var format = "tbl"

    @Option(help: ArgumentHelp("The random seed; the same seed and --sf give the same files.", valueName: "seed"))
    var seed: UInt64 = SSBGenerator.defaultSeed

    @Option(help: ArgumentHelp("Generating threads (default: all cores).", valueName: "count"))
    var threads: Int?

    func validate() throws {
        guard sf.isFinite, sf > 0 else { throw ValidationError("--sf must be a number greater than 0, such as 1 or 0.01") }
        guard sf <= SSBCardinalities.maximumScaleFactor else {
            throw ValidationError("--sf must be at most \(Int(SSBCardinalities.maximumScaleFactor))")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard SampleFileFormat(rawValue: format.lowercased()) != nil else { throw ValidationError("--format must be tbl or csv") }
        guard !out.isEmpty else { throw ValidationError("--out must name a directory") }
    }

    func run() throws {
        let fileFormat = SampleFileFormat(rawValue: format.lowercased()) ?? .tbl
        guard let generator = SSBGenerator(scaleFactor: sf, seed: seed, format: fileFormat, threads: threads) else {
            throw fail("--sf \(sf) is out of range", status: .usage)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let reports: [SSBTableReport]
        do {
            reports = try generator.generate(into: out) { report in
                StandardError.write("\(report.table.fileName(format: fileFormat)): \(report.rows) rows, \(megabytes(report.bytes)), \(formatSeconds(report.seconds))\n")
            }
        } catch {
            throw fail(error.message, status: .ioError)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rows = reports.reduce(0) { $0 + $1.rows }
        let bytes = reports.reduce(0) { $0 + $1.bytes }
        let rate = seconds > 0 ? Double(bytes) / seconds / 1e6 : 0
        let scale = sf == sf.rounded() ? String(Int(sf)) : String(sf)
        let threadCount = generator.threads == 1 ? "1 thread" : "\(generator.threads) threads"
        StandardError.write("SSB SF \(scale) in \(out): \(rows) rows, \(megabytes(bytes)) in \(formatSeconds(seconds)) (\(Int(rate)) MB/s; seed \(seed), \(threadCount))\n")
    }
}
