/// `starling gen portal`: a citizen-service portal's nightly extracts for N nights — dimension
/// extracts that change from night to night (SCD type 2), four fact extracts in CSV, gzip CSV,
/// NDJSON and gzip NDJSON, a small documented share of rows bad on purpose, and one night whose
/// applications are re-delivered corrected — deterministic for a seed.

import StarlingColumns

/// One file the generator wrote.
public struct PortalFileReport: Sendable {
    /// The night (1-based) the file belongs to.
    public let night: Int
    /// The night's day.
    public let date: CalendarDate
    /// The path relative to the output directory: `2025-03-01/applications.csv.gz`, or
    /// `redelivered/2025-03-15/applications.csv.gz`.
    public let path: String
    public let extract: PortalExtract
    /// Data rows (lines, not counting a CSV header), the dirty ones included.
    public let rows: Int
    /// Bytes on disk (compressed for `.gz`).
    public let bytes: Int
    /// Rows made bad on purpose, which a load rejects.
    public let dirtyRows: [ExtractDefect]
    /// Whether this is a re-delivery (the applications load with `--replace-partitions`).
    public let redelivered: Bool

    /// The rows a load accepts.
    public var expectedLoaded: Int { rows - dirtyRows.count }

    /// The `starling load` flags: `--max-rejects 100` for a night's facts, `--replace-partitions`
    /// for the re-delivered applications.
    public var loadFlags: String {
        redelivered ? (extract.isFact ? "--replace-partitions" : "") : (extract.isFact ? "--max-rejects 100" : "")
    }

    /// The file as a line of `manifest.csv`.
    public var delivery: ExtractDelivery {
        let slash = path.lastIndex(of: "/") ?? path.startIndex
        return ExtractDelivery(night: night, day: date.daysSinceEpoch, folder: String(path[..<slash]),
                               file: extract.fileName, table: extract.table, rows: rows, bytes: bytes,
                               dirtyRows: dirtyRows.count, loadFlags: loadFlags)
    }
}

/// What a run wrote.
public struct PortalReport: Sendable {
    /// Every file, in load order: night by night, dimensions before facts, the re-delivery last.
    public let files: [PortalFileReport]
    /// The night whose applications are re-delivered.
    public let redeliveredNight: Int
    public let firstDay: CalendarDate
    public let lastDay: CalendarDate
    /// `manifest.csv` and `dirty-rows.csv`: the files in load order and every dirty row.
    public var manifest: ExtractManifest {
        var manifest = ExtractManifest()
        manifest.deliveries = files.map(\.delivery)
        manifest.defects = files.flatMap(\.dirtyRows)
        return manifest
    }
}

/// Generates the portal's nights into a directory.
///
/// Layout: `DIR/YYYY-MM-DD/` per night, `DIR/redelivered/YYYY-MM-DD/` for the corrected
/// re-delivery, and in `DIR` the ``ExtractManifest`` files `manifest.csv` (every file in load
/// order with its table and load flags) and `dirty-rows.csv` (every row bad on purpose), and a
/// `README.md`.
public struct PortalGenerator: Sendable {
    public static let defaultSeed: UInt64 = 20_250_301
    public static let defaultStart = CalendarDate(year: 2025, month: 3, day: 1)
    public static let maximumDays = 3_650
    public static let maximumScale = 1_000.0

    public let days: Int
    public let start: CalendarDate
    public let scale: Double
    public let seed: UInt64

    /// A generator; nil when `days` is not 1…3650 or `scale` not above 0 (and at most 1000).
    public init?(days: Int, start: CalendarDate = defaultStart, scale: Double = 1, seed: UInt64 = defaultSeed) {
        guard (1...Self.maximumDays).contains(days), scale.isFinite, scale > 0, scale <= Self.maximumScale else { return nil }
        self.days = days
        self.start = start
        self.scale = scale
        self.seed = seed
    }

    /// The night whose application export is cut short and re-delivered: the middle one.
    public var redeliveredNight: Int { (days + 1) / 2 }

    /// Writes every night into `directory` (created if missing); calls `progress` after each
    /// night with that night's files.
    @discardableResult
    public func generate(into directory: String, progress: ([PortalFileReport]) -> Void = { _ in }) throws(SampleDataError) -> PortalReport {
        let root = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        try BlockFileWriter.createDirectory(root)
        var world = PortalWorld()
        var reports: [PortalFileReport] = []
        var redelivery: [(PortalFileContent, Int64)] = []
        let firstDay = start.daysSinceEpoch
        for night in 1...days {
            let day = firstDay + Int64(night - 1)
            var nightFiles = PortalNight(night: night, day: day, seed: seed, scale: scale, truncated: night == redeliveredNight)
            nightFiles.make(world: &world)
            try BlockFileWriter.createDirectory(root + "/" + nightFiles.folder)
            var written: [PortalFileReport] = []
            for file in nightFiles.files {
                written.append(try save(file, night: night, day: day, root: root, redelivered: false))
            }
            progress(written)
            reports += written
            if let applications = nightFiles.redeliveredApplications {
                if let citizens = nightFiles.redeliveredCitizens { redelivery.append((citizens, day)) }
                redelivery.append((applications, day))
            }
        }
        var redelivered: [PortalFileReport] = []
        for (file, day) in redelivery {
            try BlockFileWriter.createDirectory(root + "/" + file.folder)
            redelivered.append(try save(file, night: redeliveredNight, day: day, root: root, redelivered: true))
        }
        if !redelivered.isEmpty { progress(redelivered) }
        reports += redelivered
        let report = PortalReport(
            files: reports, redeliveredNight: redeliveredNight, firstDay: start,
            lastDay: CalendarDate(daysSinceEpoch: firstDay + Int64(days - 1)))
        try writeManifest(report, root: root)
        return report
    }

    private func save(_ content: PortalFileContent, night: Int, day: Int64, root: String, redelivered: Bool) throws(SampleDataError) -> PortalFileReport {
        let written = try content.file.write(into: root + "/" + content.folder)
        return PortalFileReport(
            night: night, date: CalendarDate(daysSinceEpoch: day), path: content.folder + "/" + content.file.name, extract: content.extract,
            rows: written.rows, bytes: written.bytes, dirtyRows: content.dirty, redelivered: redelivered)
    }

    /// `manifest.csv`, `dirty-rows.csv` and `README.md`.
    private func writeManifest(_ report: PortalReport, root: String) throws(SampleDataError) {
        _ = try report.manifest.write(into: root)
        _ = try ExtractFile.writeText(readme(report, directory: root), name: "README.md", into: root)
    }

    private func readme(_ report: PortalReport, directory: String) -> String {
        let facts = report.files.filter { $0.extract.isFact && !$0.redelivered }
        let factRows = facts.reduce(0) { $0 + $1.rows }
        let dirtyRows = report.files.reduce(0) { $0 + $1.dirtyRows.count }
        let redeliveredDate = CalendarDate(daysSinceEpoch: start.daysSinceEpoch + Int64(redeliveredNight - 1))
        let scaleText = scale == scale.rounded() ? String(Int(scale)) : String(scale)
        return """
            # Citizen-service portal extracts

            Generated by `starling gen portal --days \(days) --start \(start) --scale \(scaleText) --seed \(seed)`:
            \(days) nights from \(report.firstDay) to \(report.lastDay), \(report.files.count) files, \
            \(factRows) fact rows, \(dirtyRows) rows bad on purpose. The schema is `examples/portal/schema.sql`;
            `examples/portal/README.md` describes every table and column.

            ## Files

            Each night's folder `YYYY-MM-DD/` holds:

            | file | table | format | when |
            | --- | --- | --- | --- |
            | `departments.csv` | `dim_department` (type 1; parent_department_id is the hierarchy) | CSV | night 1; night \(PortalReference.departmentChangeNight) (the Pensions Office moves under Revenue) |
            | `schemes.csv` | `dim_scheme` (SCD type 2 on category, department_id) | CSV | night 1; every \(PortalReference.schemeChangeInterval)th night after (one scheme changes, `valid_from` = that night) |
            | `services.csv` | `dim_service` | CSV | night 1 |
            | `citizens.csv` | `dim_citizen` (SCD type 2 on state, district, city) | CSV | every night: night 1 everyone; then new registrations, yesterday's late registrations and moves, with `valid_from` |
            | `applications.csv.gz` | `fact_service_applications` | gzip CSV | every night |
            | `processing_actions.csv` | `fact_application_processing` | CSV | every night |
            | `payments.ndjson` | `fact_payments` | NDJSON (nested `payer`, amounts sometimes strings) | every night |
            | `service_queries.ndjson.gz` | `fact_service_queries` | gzip NDJSON | every night |

            ## Rows bad on purpose

            `dirty-rows.csv` lists each one. Each fact file has
            max(1, ⌊rows / \(PortalNight.dirtyEvery)⌋) of them (about 0.1%): a bad date (`01/03/2025`, `2025-03-00`,
            `20250301`, `2025-02-30`), an unknown key (a citizen who registered after the night's citizen
            extract was cut and arrives the next night; department 99; service 99), a broken quote in a CSV
            field, or an NDJSON line cut in half. The fee payment of an application by such a late citizen
            names the same unknown citizen and is listed too. Load facts with `--max-rejects 100`: the
            loader rejects exactly these rows and writes them to the rejects file.

            ## The re-delivered night

            Night \(redeliveredNight) (\(redeliveredDate)): the application export stopped early — its last
            line is cut short and about 5% of the day's applications are missing. The source re-delivers
            the whole day corrected in `redelivered/\(redeliveredDate)/applications.csv.gz` (every application,
            the bad rows fixed), with `citizens.csv` holding that night's late citizens when there were any. Load those first,
            then the applications with `--replace-partitions`: day \(redeliveredDate) is replaced, not doubled.

            """ + ExtractManifest.readmeLoadingSection(directory: directory, setup: [
                "starling init",
                "starling gen dates --table dim_date --from \(report.firstDay.year)-01-01 --to \(report.lastDay.year)-12-31 --fiscal-year-start-month 4",
                "starling sql -f examples/portal/schema.sql",
            ])
    }
}
