/// `starling load TABLE FILE…`: nightly extracts into a table as one all-or-nothing batch.

import ArgumentParser
import StarlingLoader
import StarlingStorage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load CSV or NDJSON extract files into a table, all or nothing.",
        discussion: """
            Format and compression come from the file names (.csv, .tsv, .tbl, .ndjson, .jsonl, \
            with .gz or .zst on top) unless given. The whole load is one commit: on too many \
            rejected rows, an I/O error, Ctrl-C or kill -9 the warehouse stays as it was. Rejected \
            rows go to the rejects file with file, line, byte offset, column, value and reason. \
            Every load, committed or aborted, is recorded in the load log (starling loads).

            Exit status: 0 loaded, 65 bad data (too many rejects, header mismatch, corrupt \
            compression), 66 missing input file, 1 refused (unknown table, already loaded), 74 I/O.

            Examples:
              starling load fact_sales sales-2025-03-01.csv.gz
              starling load lineorder lineorder.tbl --max-rejects 100
              starling load dim_citizen citizens.ndjson --date-format %d/%m/%Y
              starling load fact_sales sales-2025-03-01.csv --replace-partitions
            """
    )

    @OptionGroup var warehouseOptions: WarehouseOptions

    @Argument(help: "The table to load into.")
    var table: String

    @Argument(help: "One or more extract files.")
    var files: [String]

    @Option(help: ArgumentHelp("csv, ndjson or parquet (default: from the file name).", valueName: "format"))
    var format: String?

    @Option(help: ArgumentHelp("The field delimiter (default: , — tab for .tsv, | for .tbl); \\t for tab.", valueName: "char"))
    var delimiter: String?

    @Option(help: ArgumentHelp("The quote character (default \").", valueName: "char"))
    var quote: String?

    @Option(help: ArgumentHelp("The escape character inside quotes (default: the quote, doubled).", valueName: "char"))
    var escape: String?

    @Flag(inversion: .prefixedNo, help: "Whether the first line names the columns (default: yes, except .tbl).")
    var header: Bool?

    @Option(
        name: .customLong("null"),
        help: ArgumentHelp(
            "An unquoted CSV text or NDJSON string meaning NULL; repeat for several (default: empty and \\N in CSV).",
            valueName: "text"))
    var nullStrings: [String] = []

    @Option(help: ArgumentHelp("The decimal point of numbers, e.g. , for 3,14 (default .).", valueName: "char"))
    var decimalSeparator: String?

    @Option(
        help: ArgumentHelp("The digit-group separator of numbers, e.g. . for 1.234,56 (default none).", valueName: "char"))
    var thousandsSeparator: String?

    @Option(help: ArgumentHelp("utf-8, latin-1 or windows-1252 (default utf-8).", valueName: "encoding"))
    var encoding: String?

    @Option(help: ArgumentHelp("How DATE values are written, e.g. %d/%m/%Y or %Y%m%d (default ISO YYYY-MM-DD).", valueName: "format"))
    var dateFormat: String?

    @Option(help: ArgumentHelp("How TIMESTAMP values are written, e.g. '%d/%m/%Y %H:%M' (default ISO 8601).", valueName: "format"))
    var timestampFormat: String?

    @Option(help: ArgumentHelp("The file's columns in order, by table column name (overrides the header).", valueName: "a,b,c"))
    var columns: String?

    @Option(help: ArgumentHelp("Rejected rows tolerated before aborting (default 0: the first bad row aborts).", valueName: "count"))
    var maxRejects: Int?

    @Option(help: ArgumentHelp("Rejected share of rows tolerated, checked at the end (0 to 1).", valueName: "ratio"))
    var maxRejectRatio: Double?

    @Option(help: ArgumentHelp("Where to write rejected rows (default: the warehouse's loads/ directory).", valueName: "file"))
    var rejects: String?

    @Flag(help: "Replace every partition the files touch (a re-delivered day replaces, never doubles).")
    var replacePartitions = false

    @Flag(help: "Load files even if the same content was loaded into this table before.")
    var force = false

    @Option(help: ArgumentHelp("Parsing threads (default: all cores).", valueName: "count"))
    var threads: Int?

    @Option(help: ArgumentHelp(
        "The longest line (record) read before the load stops with an error, e.g. 64MB (default 16MB).", valueName: "size"))
    var maxLineSize: String?

    @Flag(help: "List NDJSON fields that match no column.")
    var verbose = false

    @Flag(help: "Do not merge the small segments of the partitions loaded (by default merged once one holds 16).")
    var noCompact = false

    func validate() throws {
        if maxRejects != nil, maxRejectRatio != nil { throw ValidationError("give --max-rejects or --max-reject-ratio, not both") }
        if let maxRejects, maxRejects < 0 { throw ValidationError("--max-rejects must be 0 or more") }
        if let maxRejectRatio, !(0...1).contains(maxRejectRatio) { throw ValidationError("--max-reject-ratio must be between 0 and 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        _ = try loadOptions()
    }

    /// The flags as ``LoadOptions``, or a usage error.
    func loadOptions() throws -> LoadOptions {
        var options = LoadOptions()
        if let format {
            guard let kind = ExtractFormat.Kind(rawValue: format.lowercased()) else { throw ValidationError("--format must be csv, ndjson or parquet") }
            options.format = kind
        }
        options.delimiter = try delimiter.map { try Self.character($0, "--delimiter") }
        if let quote { options.quote = try Self.character(quote, "--quote") }
        options.escape = try escape.map { try Self.character($0, "--escape") }
        if noCompact { options.compaction = nil }
        options.header = header
        if !nullStrings.isEmpty { options.nullStrings = nullStrings }
        options.numberSeparators = try numberSeparators()
        if let encoding {
            guard let parsed = TextEncoding(name: encoding) else { throw ValidationError("--encoding must be utf-8, latin-1 or windows-1252") }
            options.encoding = parsed
        }
        if let dateFormat {
            if let problem = DateTimeFormat.problem(dateFormat) { throw ValidationError("--date-format \(problem)") }
            options.dateFormat = DateTimeFormat(dateFormat)
        }
        if let timestampFormat {
            if let problem = DateTimeFormat.problem(timestampFormat) {
                throw ValidationError("--timestamp-format \(problem)")
            }
            options.timestampFormat = DateTimeFormat(timestampFormat)
        }
        options.columns = columns.map { $0.split(separator: ",").map { String($0) } }
        options.maxRejects = maxRejects ?? 0
        options.maxRejectRatio = maxRejectRatio
        options.rejectsPath = rejects
        options.replacePartitions = replacePartitions
        options.force = force
        options.threads = threads
        if let maxLineSize {
            guard let bytes = LoadOptions.byteSize(maxLineSize), bytes <= Int(Int32.max) / 2 else {
                throw ValidationError("--max-line-size takes a size up to 1GB such as 64MB, not \"\(maxLineSize)\"")
            }
            options.maxLineBytes = bytes
        }
        options.verbose = verbose
        options.waitForLock = warehouseOptions.wait
        return options
    }

    /// `--decimal-separator` and `--thousands-separator`: one character each, not a digit or a
    /// sign, and not the same.
    func numberSeparators() throws -> NumberSeparators {
        var separators = NumberSeparators()
        func separator(_ text: String, _ flag: String) throws -> UInt8 {
            let byte = try Self.character(text, flag)
            guard NumberSeparators.isAllowed(byte) else {
                throw ValidationError("\(flag) cannot be a digit, a sign or e")
            }
            return byte
        }
        if let decimalSeparator { separators.decimal = try separator(decimalSeparator, "--decimal-separator") }
        if let thousandsSeparator {
            separators.thousands = try separator(thousandsSeparator, "--thousands-separator")
            guard separators.thousands != separators.decimal else {
                throw ValidationError("--thousands-separator must differ from the decimal separator")
            }
        }
        return separators
    }

    /// One character, or `\t`.
    static func character(_ text: String, _ flag: String) throws -> UInt8 {
        if text == "\\t" || text == "tab" { return 0x09 }
        let bytes = Array(text.utf8)
        guard bytes.count == 1 else { throw ValidationError("\(flag) takes one ASCII character, not \"\(text)\"") }
        return bytes[0]
    }

    func run() throws {
        let warehouse = try warehouseOptions.open()
        let terminal = isTerminal(2)
        var progress: ((LoadProgress) -> Void)?
        if terminal { progress = { Self.showProgress($0) } }
        let loader = Loader(warehouse: warehouse, options: try loadOptions(), progress: progress)
        let summary: LoadSummary
        do {
            summary = try loader.load(table: table, files: files)
        } catch {
            if terminal { StandardError.write("\r\u{1B}[K") }
            throw fail(error.message, status: error.exitStatus)
        }
        if terminal { StandardError.write("\r\u{1B}[K") }
        StandardError.write(Self.summaryLine(summary) + "\n")
        if let problem = summary.logProblem { StandardError.write("starling: warning: the load committed, but \(problem)\n") }
        if let problem = summary.compactionProblem {
            StandardError.write("starling: warning: the load committed, but compacting its partitions failed: \(problem)\n")
        }
        if verbose, !summary.unknownFields.isEmpty {
            StandardError.write("unknown fields (ignored): " + summary.unknownFields.map { "\($0.name) ×\($0.count)" }.joined(separator: ", ") + "\n")
        }

    }

    /// `1 row`, `2 rows`.
    static func rows(_ count: Int) -> String { count == 1 ? "1 row" : "\(count) rows" }

    static func showProgress(_ progress: LoadProgress) {
        let share = progress.bytesTotal > 0 ? Double(progress.bytesDone) / Double(progress.bytesTotal) : 0
        let rate = progress.seconds > 0 ? Double(progress.rows) / progress.seconds : 0
        let remaining = share > 0 ? progress.seconds * (1 - share) / share : 0
        let parts = [
            "loading: \(Int(share * 100))% of \(megabytes(progress.bytesTotal))", "ETA \(Int(remaining.rounded())) s",
            "\(progress.rows) rows", "\(Int(rate)) rows/s",
        ]
        StandardError.write("\r\u{1B}[K" + TerminalWidth.fitted(parts, width: TerminalWidth.columns(2)))
    }

    static func summaryLine(_ summary: LoadSummary) -> String {
        let record = summary.record
        var parts = ["loaded \(rows(record.rowsLoaded)) into \(record.table)"]
        if record.rowsRejected > 0 { parts.append("rejected \(record.rowsRejected) (see \(record.rejectsFile ?? "the rejects file"))") }
        if record.unknownKeys > 0 { parts.append("\(record.unknownKeys) unknown keys → unknown member") }
        if record.rowsUpdated > 0 || summary.dimensionUnchanged > 0 {
            parts.append("\(summary.dimensionInserted) new, \(record.rowsUpdated) changed, \(summary.dimensionUnchanged) unchanged")
        }
        if !record.partitions.isEmpty, record.partitions != [""] {
            let shown = record.partitions.count <= 3 ? record.partitions.joined(separator: ", ") : "\(record.partitions.first ?? "")…\(record.partitions.last ?? "") (\(record.partitions.count))"
            parts.append("partitions \(shown)")
        }
        let rate = summary.seconds > 0 ? Double(summary.inputBytes) / summary.seconds / 1e6 : 0
        parts.append("\(formatSeconds(summary.seconds)) (\(Int(rate)) MB/s)")
        parts.append("batch \(record.batch), snapshot \(record.snapshot.map(String.init) ?? "-")")
        if let compaction = summary.compaction, let snapshot = compaction.snapshot {
            let before = compaction.partitions.reduce(0) { $0 + $1.segmentsBefore }
            let after = compaction.partitions.reduce(0) { $0 + $1.segmentsAfter }
            parts.append("compacted \(before) segments into \(after) (snapshot \(snapshot))")
        }
        return parts.joined(separator: "; ")
    }
}

func megabytes(_ bytes: Int) -> String {
    bytes >= 10_000_000 ? "\(bytes / 1_000_000) MB" : "\(Double(bytes / 1000) / 1000) MB"
}

func formatSeconds(_ seconds: Double) -> String {
    seconds < 10 ? "\(Double(Int(seconds * 100)) / 100) s" : "\(Int(seconds.rounded())) s"
}

extension LoadError {
    var exitStatus: ExitStatus {
        switch kind {
        case .badData: return .dataError
        case .missingFile: return .missingInput
        case .io: return .ioError
        case .refused: return .failure
        case .storage(let storageKind): return StorageError(storageKind, message).exitStatus
        }
    }
}
