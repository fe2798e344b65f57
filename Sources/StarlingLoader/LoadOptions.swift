/// How to read extract files: the flags of `starling load` and the options of `COPY`.

import StarlingStorage

/// Everything a load can be told. `nil` means "detect from the file name" (see ``ExtractFormat``).
public struct LoadOptions: Sendable {
    /// `csv` (also TSV and dbgen's `.tbl`) or `ndjson`.
    public var format: ExtractFormat.Kind?
    /// The field delimiter; default `,`, tab for `.tsv`, `|` for `.tbl`.
    public var delimiter: UInt8?
    public var quote: UInt8 = UInt8(ascii: "\"")
    /// The escape character inside quotes; default: the quote itself (doubled quotes).
    public var escape: UInt8?
    /// Whether the first line names the columns; default: yes, except for `.tbl` files.
    public var header: Bool?
    /// Unquoted field texts that mean NULL; default: the empty field and `\N`.
    public var nullStrings: [String]?
    public var encoding: TextEncoding = .utf8
    /// How numbers write their point and digit groups (default `.` and none). Applies to CSV
    /// fields and NDJSON strings; JSON numbers are always JSON's.
    public var numberSeparators = NumberSeparators()
    public var dateFormat: DateTimeFormat?
    public var timestampFormat: DateTimeFormat?
    /// The file's columns, in order, by table column name (overrides the header).
    public var columns: [String]?
    /// Rejected rows tolerated before the load aborts (default 0: the first bad row aborts).
    public var maxRejects: Int = 0
    /// Rejected share of rows tolerated, checked at the end; overrides `maxRejects` when set.
    public var maxRejectRatio: Double?
    /// Where rejected rows go (default `DIR/loads/<batch>.rejects.csv`).
    public var rejectsPath: String?
    /// Replace every partition the load touches, instead of adding to it.
    public var replacePartitions = false
    /// Load a file even if the same content was loaded into the table before.
    public var force = false
    /// Worker threads for parsing (default: all cores).
    public var threads: Int?
    /// List unknown NDJSON fields.
    public var verbose = false
    /// Wait for another writer instead of failing.
    public var waitForLock = false
    /// While waiting for another writer: asked every few milliseconds, true stops the wait (a
    /// cancelled statement). Nil: wait until the lock is free.
    public var stopWaiting: (@Sendable () -> Bool)?
    /// Decompressed bytes per batch (a tuning knob; tests use tiny blocks to cross every boundary).
    public var blockSize = 4 << 20
    /// The longest record (a CSV line, quoted newlines included, or an NDJSON line) read before
    /// the load stops with an error naming where it starts: a file with no newline (a gzip bomb
    /// of one line) is refused after this many bytes, not read whole into memory.
    public var maxLineBytes = LoadOptions.defaultMaxLineBytes
    public static let defaultMaxLineBytes = 16 << 20

    /// Bytes for a size such as `16MB`, `512KiB` or `1048576`: a number with an optional unit
    /// (B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB, all powers of 1024; case and spaces ignored).
    /// Nil when unreadable, zero or negative.
    public static func byteSize(_ text: String) -> Int? {
        let trimmed = text.filter { $0 != " " }.uppercased()
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count)
        guard let number = Double(digits), number > 0 else { return nil }
        let kilo = 1024.0, mega = kilo * 1024, giga = mega * 1024, tera = giga * 1024
        let multipliers: [String: Double] = [
            "": 1, "B": 1, "K": kilo, "KB": kilo, "KIB": kilo, "M": mega, "MB": mega, "MIB": mega,
            "G": giga, "GB": giga, "GIB": giga, "T": tera, "TB": tera, "TIB": tera,
        ]
        guard let multiplier = multipliers[String(unit)] else { return nil }
        let bytes = number * multiplier
        guard bytes >= 1, bytes < 9e18 else { return nil }
        return Int(bytes)
    }
    /// Rows buffered across all partitions before every partition is written out (bounds memory).
    public var bufferedRowLimit = 1 << 22
    /// Rows at which one partition's buffer is written out as a segment.
    public var segmentRows = 1 << 20
    /// After the load commits, the partitions it wrote are compacted under this policy (nil: not
    /// at all; `starling load --no-compact`).
    public var compaction: CompactionPolicy? = .automatic

    public init() {}
}

/// Text encodings an extract may be in; everything is stored as UTF-8.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case latin1 = "latin-1"
    case windows1252 = "windows-1252"

    /// Accepts common spellings: `utf8`, `UTF-8`, `latin1`, `iso-8859-1`, `cp1252`, …
    public init?(name: String) {
        switch name.lowercased().replacing("_", with: "-") {
        case "utf-8", "utf8": self = .utf8
        case "latin-1", "latin1", "iso-8859-1", "iso8859-1": self = .latin1
        case "windows-1252", "cp1252", "win1252": self = .windows1252
        default: return nil
        }
    }
}

/// What a file is, from its name: format, delimiter, header default and compression.
public struct ExtractFormat: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case csv, ndjson
        /// Parquet, read through ``ParquetRows`` as NDJSON rows.
        case parquet
    }

    public var kind: Kind
    public var delimiter: UInt8
    public var header: Bool

    /// `x.csv[.gz|.zst]`, `.tsv`, `.tbl` (pipe, no header, trailing delimiter), `.ndjson`/`.jsonl`/`.json`,
    /// `.parquet`.
    public init(fileName: String) {
        var name = fileName.lowercased()
        if name.hasSuffix(".parquet") || name.hasSuffix(".parq") {
            self.init(kind: .parquet, delimiter: UInt8(ascii: ","), header: false)
            return
        }
        for suffix in [".gz", ".gzip", ".zst", ".zstd"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
        }
        if name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") || name.hasSuffix(".json") {
            self.init(kind: .ndjson, delimiter: UInt8(ascii: ","), header: false)
        } else if name.hasSuffix(".tsv") || name.hasSuffix(".tab") {
            self.init(kind: .csv, delimiter: 0x09, header: true)
        } else if name.hasSuffix(".tbl") {
            self.init(kind: .csv, delimiter: UInt8(ascii: "|"), header: false)
        } else {
            self.init(kind: .csv, delimiter: UInt8(ascii: ","), header: true)
        }
    }

    public init(kind: Kind, delimiter: UInt8, header: Bool) {
        self.kind = kind
        self.delimiter = delimiter
        self.header = header
    }
}
