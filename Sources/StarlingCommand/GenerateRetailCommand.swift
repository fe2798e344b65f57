/// `starling gen retail`: nightly extract files for the retail star (stores, products,
/// customers, sales), with slowly changing dimensions, dirty rows and one re-delivered night.

import ArgumentParser
import StarlingColumns
import StarlingSampleData

struct GenerateRetailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retail",
        abstract: "Write nightly retail extracts (stores, products, customers, sales) with dirty rows and a re-delivery.",
        discussion: """
            Writes one folder per night, named by its day (YYYY-MM-DD), into the output directory \
            (created if missing): dim_store.csv (CRLF, byte-order mark), dim_product.csv (prices and \
            categories change: SCD type 2), dim_customer.ndjson (nested address; segments and cities \
            change: SCD type 2) and fact_sales.csv.gz (one row per line item, about 3,000 × --scale a \
            day, more at weekends and in December). Night 1 delivers every dimension row; later \
            nights only new and changed rows. One sales line in 500 (at least one a night) is dirty on \
            purpose — a bad date, an unknown product or a broken quote — and every 4th night's \
            customer file repeats a customer. Night 2's sales are re-delivered, corrected, in \
            redelivery-DAY/. manifest.csv lists every file in load order with its load flags, \
            dirty-rows.csv every dirty row, README.md the rest. examples/retail/ has the schema and \
            queries. The files depend only on the options.

            Examples:
              starling gen retail --days 30 --out retail-data
              starling gen retail --days 400 --start 2024-01-01 --scale 0.5 --out year
            """
    )

    @Option(help: ArgumentHelp("Nights to generate (1–3650).", valueName: "n"))
    var days: Int

    @Option(help: ArgumentHelp("The output directory (created if missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("The first night's business day (YYYY-MM-DD).", valueName: "date"))
    var start = "2025-01-01"

    @Option(help: ArgumentHelp("Multiplies the sales lines (1: about 3,000 a night; 0.001–100).", valueName: "s"))
    var scale = 1.0

    @Option(help: ArgumentHelp("The random seed; the same options and seed give the same files.", valueName: "seed"))
    var seed: UInt64 = RetailGenerator.defaultSeed

    func validate() throws {
        guard RetailGenerator.dayRange.contains(days) else {
            throw ValidationError("--days must be 1 to \(RetailGenerator.dayRange.upperBound)")
        }
        guard let first = ValueParsing.date(start) else { throw ValidationError("--start must be a date like 2025-01-01") }
        guard CalendarDate(daysSinceEpoch: first).year >= 1900, CalendarDate(daysSinceEpoch: first + Int64(days)).year <= 9998 else {
            throw ValidationError("--start and --days must stay within the years 1900 to 9998")
        }
        guard scale.isFinite, RetailGenerator.scaleRange.contains(scale) else {
            throw ValidationError("--scale must be a number from 0.001 to 100, such as 1 or 0.1")
        }
        guard !out.isEmpty else { throw ValidationError("--out must name a directory") }
    }

    func run() throws {
        guard let first = ValueParsing.date(start),
              let generator = RetailGenerator(days: days, start: first, scale: scale, seed: seed) else {
            throw fail("--days \(days), --start \(start) or --scale \(scale) is out of range", status: .usage)
        }
        let clock = ContinuousClock()
        let began = clock.now
        let report: RetailReport
        do {
            report = try generator.generate(into: out) { night, files in
                guard days <= 31 else { return }
                let rows = files.map { "\($0.path.split(separator: "/").last ?? "") \($0.rows)" }.joined(separator: ", ")
                StandardError.write("\(generator.folder(ofNight: night)): \(rows)\n")
            }
        } catch {
            throw fail(error.message, status: .ioError)
        }
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let lines = report.salesLinesPerNight.reduce(0, +)
        let files = report.manifest.deliveries.count
        StandardError.write("retail extracts in \(out): \(days) nights \(generator.folder(ofNight: 1)) … \(generator.folder(ofNight: days)), "
            + "\(files) files, \(lines) sales lines, \(report.manifest.defects.count) dirty rows (see dirty-rows.csv), "
            + "night \(report.redeliveredNight) re-delivered in \(generator.redeliveryFolder)/; \(megabytes(report.bytes)) in \(formatSeconds(seconds)) (seed \(seed))\n")
    }
}
