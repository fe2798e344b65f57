/// The CSV and NDJSON harnesses: an extract file read and converted as a load reads it.

import StarlingColumns
import StarlingLoader
import StarlingStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Feeds an extract to ``ExtractDryRun`` (reader, tokenizer or JSON parser, record checks,
/// converters) against ``table``, a table with a column of every type, partitioned by month.
///
/// Input: four option bytes, then the file's bytes (compressed, if they start with a gzip or
/// zstd magic number). The options are bit fields:
/// - byte 0: delimiter `,` `|` tab `;` (bits 0–1); header: default, yes, no, or no with
///   `--columns name,id,day,amount` (bits 2–3);
/// - byte 1: quote `"` or `'` (bit 0); escape: default, `\`, the quote, `\` (bits 1–2);
///   encoding: UTF-8, Latin-1, Windows-1252, UTF-8 (bits 3–4);
/// - byte 2: block size 1, 2, 3, 5, 8, 64, 4096 or 4096 bytes (bits 0–2); line limit: default,
///   16, 256, default (bits 3–4);
/// - byte 3: NULL strings: default, `NULL`, `""`/`NA`/`nullnullnull`, default (bits 0–1);
///   number separators: default, decimal `,`, decimal `,` with thousands `.`, thousands `_`
///   (bits 2–3); date format: ISO, `%d/%m/%Y`, `%Y%m%d`, `%d-%b-%Y` (bits 4–5); timestamp
///   format: ISO, `%Y-%m-%d %H:%M:%S%z`, `%d/%m/%Y %I:%M %p`, `%Y%m%dT%H%M%S.%f` (bits 6–7).
///
/// The file is read twice, in the chosen blocks and in one block; unless a line limit applies
/// (which counts in blocks), both reads must give the same rows, rejects and text, or fail both.
public enum ExtractHarness {
    /// The table every extract is loaded into.
    public static let table: CatalogTable = {
        let columns: [(String, LogicalType, Bool)] = [
            ("id", .bigint, true), ("name", .varchar, false), ("flag", .boolean, false),
            ("amount", .decimal(precision: 12, scale: 2), false), ("ratio", .double, false), ("day", .date, false),
            ("at", .timestamp, false), ("small", .smallint, false), ("tiny", .tinyint, false),
            ("address.city", .varchar, false),
        ]
        return CatalogTable(
            identifier: 1, name: "sales",
            columns: columns.enumerated().map { index, column in
                CatalogColumn(identifier: index + 1, name: column.0, type: column.1, notNull: column.2, references: nil)
            },
            primaryKey: [], partitioning: Partitioning(granularity: .month, column: "day"), options: [:],
            createdSnapshot: 1)
    }()

    static func run(_ bytes: UnsafeRawBufferPointer, format: ExtractFormat.Kind) {
        var input = FuzzInput(bytes)
        let (options, limitsLines) = self.options(&input, format: format)
        let suffix = format == .csv ? ".csv" : ".ndjson"
        FuzzScratch.withFile(suffix: suffix, contents: input.rest) { path in
            let blocks = read(path, options)
            guard !limitsLines else { return }
            var whole = options
            whole.blockSize = 1 << 16
            let once = read(path, whole)
            FuzzCheck.expect(
                blocks == once,
                "\(options.blockSize)-byte blocks read \(FuzzCheck.shown(blocks)), one block \(FuzzCheck.shown(once))")
        }
    }

    /// The outcome, or nil when the read failed.
    static func read(_ path: String, _ options: LoadOptions) -> ExtractDryRun.Outcome? {
        guard let outcome = try? ExtractDryRun.run(path: path, table: table, options: options) else { return nil }
        FuzzCheck.expect(
            outcome.rejectedLines.allSatisfy { $0 >= 1 }, "a reject before line 1: \(outcome.rejectedLines)")
        FuzzCheck.expect(
            zip(outcome.rejectedLines, outcome.rejectedLines.dropFirst()).allSatisfy { $0 <= $1 },
            "rejects out of line order: \(outcome.rejectedLines)")
        return outcome
    }

    /// The load options the leading bytes choose, and whether a line limit was set.
    static func options(_ input: inout FuzzInput, format: ExtractFormat.Kind) -> (LoadOptions, Bool) {
        let (first, second, third, fourth) = (input.byte(), input.byte(), input.byte(), input.byte())
        var options = LoadOptions()
        options.format = format
        options.threads = 1
        options.delimiter = [UInt8(ascii: ","), UInt8(ascii: "|"), 0x09, UInt8(ascii: ";")][Int(first & 3)]
        switch (first >> 2) & 3 {
        case 1: options.header = true
        case 2: options.header = false
        case 3:
            options.header = false
            options.columns = ["name", "id", "day", "amount"]
        default: break
        }
        options.quote = second & 1 == 0 ? UInt8(ascii: "\"") : UInt8(ascii: "'")
        options.escape = [nil, UInt8(ascii: "\\"), options.quote, UInt8(ascii: "\\")][Int((second >> 1) & 3)]
        options.encoding = [.utf8, .latin1, .windows1252, .utf8][Int((second >> 3) & 3)]
        options.blockSize = [1, 2, 3, 5, 8, 64, 4096, 4096][Int(third & 7)]
        let lineLimit = [nil, 16, 256, nil][Int((third >> 3) & 3)]
        if let lineLimit { options.maxLineBytes = lineLimit }
        options.nullStrings = [nil, ["NULL"], ["", "NA", "nullnullnull"], nil][Int(fourth & 3)]
        options.numberSeparators =
            [
                NumberSeparators(), NumberSeparators(decimal: UInt8(ascii: ",")),
                NumberSeparators(decimal: UInt8(ascii: ","), thousands: UInt8(ascii: ".")),
                NumberSeparators(thousands: UInt8(ascii: "_")),
            ][Int((fourth >> 2) & 3)]
        options.dateFormat = [nil, "%d/%m/%Y", "%Y%m%d", "%d-%b-%Y"][Int((fourth >> 4) & 3)].flatMap(
            DateTimeFormat.init)
        options.timestampFormat = [nil, "%Y-%m-%d %H:%M:%S%z", "%d/%m/%Y %I:%M %p", "%Y%m%dT%H%M%S.%f"][
            Int(fourth >> 6)
        ]
        .flatMap(DateTimeFormat.init)
        return (options, lineLimit != nil)
    }
}

/// Input files for harnesses whose component reads a path: each a new file in `$TMPDIR` (or
/// `/tmp`), removed after use.
enum FuzzScratch {
    static func withFile(suffix: String, contents: UnsafeRawBufferPointer, _ body: (String) -> Void) {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(directory)/starling-fuzz-XXXXXX\(suffix)".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { name -> Int32 in
            guard let base = name.baseAddress else { return -1 }
            return mkstemps(base, Int32(suffix.utf8.count))
        }
        FuzzCheck.expect(descriptor >= 0, "cannot create a scratch file in \(directory)")
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        var written = 0
        while written < contents.count, let base = contents.baseAddress {
            let count = write(descriptor, base + written, contents.count - written)
            FuzzCheck.expect(count > 0, "cannot write the scratch file \(path)")
            written += count
        }
        close(descriptor)
        body(path)
    }
}
