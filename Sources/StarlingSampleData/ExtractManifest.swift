/// What a generated set of nightly extracts holds: which file goes into which table with which
/// load flags, and every dirty row put in on purpose, written as `manifest.csv` and
/// `dirty-rows.csv` next to the night folders — the same columns for every generator, so one
/// shell loop over `manifest.csv` loads any of them.

import StarlingColumns

/// A dirty row injected into an extract on purpose.
public struct ExtractDefect: Sendable, Hashable {
    /// What is wrong with the row, and so why a load rejects it.
    public enum Kind: String, Sendable, CaseIterable {
        /// A date that does not exist (`2025-02-30`): `not a date`.
        case badDate = "bad_date"
        /// A foreign key no dimension delivery ever had: `key not found in dimension`.
        case unknownKey = "unknown_key"
        /// A quoted field with text after its closing quote: `unexpected character after a closing quote`.
        case brokenQuote = "broken_quote"
        /// A dimension key delivered twice in one file: `duplicate key in this load`.
        case duplicateKey = "duplicate_key"
        /// An NDJSON line cut in the middle: `invalid JSON`.
        case truncatedJSON = "truncated_json"
        /// The last line of a file whose export stopped early: `expected N fields, found M`.
        case truncatedLine = "truncated_line"
    }

    /// The file, relative to the output directory (`2025-01-03/fact_sales.csv.gz`).
    public let file: String
    /// The 1-based line of the row in the decompressed file (a CSV header is line 1).
    public let line: Int
    public let table: String
    public let kind: Kind
    /// The column whose value is wrong; nil when the whole line is malformed.
    public let column: String?
    /// What exactly is wrong, for people.
    public let detail: String

    public init(file: String, line: Int, table: String, kind: Kind, column: String?, detail: String) {
        self.file = file
        self.line = line
        self.table = table
        self.kind = kind
        self.column = column
        self.detail = detail
    }
}

/// One extract file of a delivery and how to load it.
public struct ExtractDelivery: Sendable {
    /// The night (1-based) the file belongs to; a re-delivery has the night it corrects.
    public let night: Int
    /// The business day of that night, days since 1970-01-01.
    public let day: Int64
    /// The folder, relative to the output directory (`2025-01-03`, `redelivery-2025-01-02`).
    public let folder: String
    /// The file name inside the folder.
    public let file: String
    public let table: String
    /// Data rows in the file (dirty ones included).
    public let rows: Int
    public let bytes: Int
    /// Rows put in dirty on purpose.
    public let dirtyRows: Int
    /// The `starling load` flags the file needs (`--max-rejects 6`, `--replace-partitions`).
    public let loadFlags: String

    public init(night: Int, day: Int64, folder: String, file: String, table: String, rows: Int, bytes: Int, dirtyRows: Int,
                loadFlags: String) {
        self.night = night
        self.day = day
        self.folder = folder
        self.file = file
        self.table = table
        self.rows = rows
        self.bytes = bytes
        self.dirtyRows = dirtyRows
        self.loadFlags = loadFlags
    }

    /// `folder/file`.
    public var path: String { folder + "/" + file }
}

/// Every file of a generated set of extracts, in load order, and every dirty row.
public struct ExtractManifest: Sendable {
    /// The files in the order they should be loaded.
    public var deliveries: [ExtractDelivery] = []
    public var defects: [ExtractDefect] = []

    public init() {}

    /// Data rows over all files of `table` (dirty ones included).
    public func rows(of table: String) -> Int {
        deliveries.filter { $0.table == table }.reduce(0) { $0 + $1.rows }
    }

    /// The columns of `manifest.csv`: one line per file, in load order.
    public static let manifestColumns = ["night", "date", "folder", "file", "table", "rows", "bytes", "dirty_rows", "load_flags"]
    /// The columns of `dirty-rows.csv`: one line per dirty row.
    public static let dirtyRowColumns = ["file", "line", "table", "kind", "column", "detail"]

    /// Writes `manifest.csv` (``manifestColumns``) and `dirty-rows.csv` (``dirtyRowColumns``)
    /// into `directory`; returns their reports.
    public func write(into directory: String) throws(SampleDataError) -> [ExtractFileReport] {
        var manifest = ExtractFile(name: "manifest.csv", layout: .csv(), columns: Self.manifestColumns)
        for delivery in deliveries {
            manifest.append([.integer(delivery.night), .date(delivery.day), .text(delivery.folder), .text(delivery.file),
                             .text(delivery.table), .integer(delivery.rows), .integer(delivery.bytes), .integer(delivery.dirtyRows),
                             .text(delivery.loadFlags)])
        }
        var dirty = ExtractFile(name: "dirty-rows.csv", layout: .csv(), columns: Self.dirtyRowColumns)
        for defect in defects {
            dirty.append([.text(defect.file), .integer(defect.line), .text(defect.table), .text(defect.kind.rawValue),
                          defect.column.map { .text($0) } ?? .null, .text(defect.detail)])
        }
        return [try manifest.write(into: directory), try dirty.write(into: directory)]
    }

    /// The `## Loading` section of a generated README: what `manifest.csv` and `dirty-rows.csv`
    /// hold, and the commands that load every file under `directory` in order with its flags,
    /// after the `setup` commands (init, dates, schema).
    public static func readmeLoadingSection(directory: String, setup: [String]) -> String {
        """
        ## Loading

        `manifest.csv` lists every file in load order — night by night, dimensions before facts,
        re-deliveries last — with the `starling load` flags it needs; its columns: \(manifestColumns.joined(separator: ", ")).
        `dirty-rows.csv` lists every row bad on purpose, which those loads reject and nothing else;
        its columns: \(dirtyRowColumns.joined(separator: ", ")).

        ```sh
        \(setup.joined(separator: "\n"))
        tail -n +2 \(directory)/manifest.csv | while IFS=, read -r night date folder file table rows bytes dirty flags; do
          starling load "$table" "\(directory)/$folder/$file" $flags
        done
        ```

        """
    }
}
