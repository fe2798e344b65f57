/// `starling gen portal`: a citizen-service portal's nightly extracts (dimensions that change,
/// facts in CSV, gzip and NDJSON, a few rows bad on purpose, one re-delivered night) for the
/// schema in examples/portal.

import ArgumentParser
import StarlingColumns
import StarlingSampleData

struct GeneratePortalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal",
        abstract: "Write a citizen-service portal's nightly extract files for N nights.",
        discussion: """
            Writes one folder per night (DIR/YYYY-MM-DD/) holding the night's dimension extracts \
            (departments, schemes, services, citizens — schemes and citizens change from night to \
            night, for SCD type 2) and fact extracts (applications.csv.gz, processing_actions.csv, \
            payments.ndjson, service_queries.ndjson.gz); about 0.1% of fact rows are bad on purpose \
            (a bad date, an unknown key, a broken quote, a cut JSON line). The middle night's \
            applications export stops early and is re-delivered corrected in \
            DIR/redelivered/YYYY-MM-DD/. DIR/manifest.csv lists every file in load order with its \
            table, DIR/dirty-rows.csv every bad row, DIR/README.md explains. The tables are those \
            of examples/portal/schema.sql. At scale 1 a night has about 15,000 fact rows. The same \
            options and seed give the same bytes. It needs no warehouse.

            Examples:
              starling gen portal --days 30 --out portal-data
              starling gen portal --days 7 --start 2025-04-01 --scale 0.1 --out small
            """
    )

    @Option(help: ArgumentHelp("The number of nights (1–3650).", valueName: "n"))
    var days: Int

    @Option(help: ArgumentHelp("The output directory (created if missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("The first night's date (YYYY-MM-DD, default 2025-03-01).", valueName: "date"))
    var start: String = PortalGenerator.defaultStart.description

    @Option(help: ArgumentHelp("Multiplies the fact rows and citizens per night (greater than 0, default 1).", valueName: "s"))
    var scale: Double = 1

    @Option(help: ArgumentHelp("The random seed; the same seed and options give the same files.", valueName: "seed"))
    var seed: UInt64 = PortalGenerator.defaultSeed

    func validate() throws {
        guard (1...PortalGenerator.maximumDays).contains(days) else {
            throw ValidationError("--days must be 1 to \(PortalGenerator.maximumDays)")
        }
        guard scale.isFinite, scale > 0, scale <= PortalGenerator.maximumScale else {
            throw ValidationError("--scale must be a number greater than 0 and at most \(Int(PortalGenerator.maximumScale)), such as 1 or 0.1")
        }
        guard let first = ValueParsing.date(start), (0...2_800_000).contains(first) else {
            throw ValidationError("--start must be a date like 2025-03-01 (years 1970 to 9000)")
        }
        guard !out.isEmpty else { throw ValidationError("--out must name a directory") }
    }

    func run() throws {
        guard let first = ValueParsing.date(start),
              let generator = PortalGenerator(days: days, start: CalendarDate(daysSinceEpoch: first), scale: scale, seed: seed)
        else {
            throw fail("--days \(days), --scale \(scale) or --start \(start) is out of range", status: .usage)
        }
        let clock = ContinuousClock()
        let begin = clock.now
        let report: PortalReport
        do {
            report = try generator.generate(into: out) { files in
                guard let first = files.first else { return }
                let facts = files.filter(\.extract.isFact)
                let rows = facts.reduce(0) { $0 + $1.rows }
                let dirty = files.reduce(0) { $0 + $1.dirtyRows.count }
                let dimensions = files.filter { !$0.extract.isFact }.map { "\($0.extract.rawValue) \($0.rows)" }
                let label = first.redelivered ? "redelivered \(first.date)" : "night \(first.night) \(first.date)"
                StandardError.write("\(label): \(files.count) files, \(rows) fact rows (\(dirty) bad on purpose)"
                    + (dimensions.isEmpty ? "" : "; " + dimensions.joined(separator: ", ")) + "\n")
            }
        } catch {
            throw fail(error.message, status: .ioError)
        }
        let elapsed = clock.now - begin
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rows = report.files.reduce(0) { $0 + $1.rows }
        let bytes = report.files.reduce(0) { $0 + $1.bytes }
        StandardError.write("portal extracts in \(out): \(days) nights \(report.firstDay)…\(report.lastDay), \(report.files.count) files, "
            + "\(rows) rows, \(megabytes(bytes)) in \(formatSeconds(seconds)); night \(report.redeliveredNight) re-delivered; "
            + "see \(out)/manifest.csv and \(out)/README.md\n")
    }
}
