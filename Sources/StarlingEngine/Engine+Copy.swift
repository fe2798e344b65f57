/// COPY table FROM 'file' (…): the SQL form of `starling load`, through the same loader; and
/// COPY FROM STDIN's rows, which `starling serve` gathers into a file first.

import StarlingColumns
import StarlingLoader
import StarlingSQL
import StarlingStorage

extension Engine {
    func copy(_ copy: CopyFrom) throws -> StatementOutcome {
        guard !copy.fromStandardInput else {
            throw SQLError(
                "COPY … FROM STDIN takes its rows from a client of starling serve", at: copy.table.position,
                hint: "here, name a file: COPY \(copy.table.name) FROM 'file.csv', or run starling load")
        }
        return try load(copy, files: copy.files, options: try loadOptions(copy, client: nil))
    }

    /// Loads the rows a client sent with `COPY … FROM STDIN`, gathered in the file at `path`: in
    /// CSV as the client sent them, or, for the text format, rewritten as CSV with every value
    /// quoted and NULL as an empty field (see ``CopyFormat``). One commit, or none.
    public func copy(
        _ copy: CopyFrom, gatheredIn path: String, format: CopyFormat, script: String
    ) throws(EngineError) -> StatementOutcome {
        do {
            return try load(copy, files: [path], options: try loadOptions(copy, client: format))
        } catch {
            throw Self.engineError(error, script: script)
        }
    }

    /// Runs the load of `copy` from `files`.
    private func load(_ copy: CopyFrom, files: [String], options: LoadOptions) throws -> StatementOutcome {
        var options = options
        let catalog = try warehouse.catalog()
        guard catalog.table(named: copy.table.name) != nil else { throw Self.unknownTable(copy.table, in: catalog) }
        // SET threads applies to COPY's workers too, unless its THREADS option says otherwise.
        if options.threads == nil, let threads = session.current.threads { options.threads = threads }
        do throws(LoadError) {
            let summary = try Loader(warehouse: warehouse, options: options).load(table: copy.table.name, files: files)
            return StatementOutcome(tag: "COPY \(summary.record.rowsLoaded)", snapshot: summary.record.snapshot)
        } catch {
            throw LoadError(error.kind, Self.inCopyTerms(error.message))
        }
    }

    /// The loader's advice, which names `starling load`'s flags, in the words of COPY's options.
    static func inCopyTerms(_ message: String) -> String {
        let flags = [
            ("--max-rejects N", "MAX_REJECTS N"), ("--max-rejects", "MAX_REJECTS"),
            ("--max-reject-ratio", "MAX_REJECT_RATIO"), ("--replace-partitions", "REPLACE_PARTITIONS true"),
            ("--force", "FORCE true"), ("--columns", "COLUMNS"),
        ]
        return flags.reduce(message) { text, flag in text.replacing(flag.0, with: flag.1) }
    }

    /// The loader's options from COPY's. For rows from a client, `client` is their format, which
    /// has read the format options already.
    private func loadOptions(_ copy: CopyFrom, client: CopyFormat?) throws(SQLError) -> LoadOptions {
        var options = LoadOptions()
        options.waitForLock = waitForLock
        options.stopWaiting = stopWaiting
        for option in copy.options {
            let name = option.name.name.lowercased()
            if client != nil, CopyFormat.names.contains(name) { continue }
            let value = option.value
            func flag() throws(SQLError) -> Bool {
                guard let parsed = ValueParsing.boolean(value) else {
                    throw SQLError("\(name.uppercased()) takes true or false", at: option.valuePosition)
                }
                return parsed
            }
            func character() throws(SQLError) -> UInt8 {
                if value == "\\t" { return 0x09 }
                let bytes = Array(value.utf8)
                guard bytes.count == 1 else {
                    throw SQLError("\(name.uppercased()) takes one character", at: option.valuePosition)
                }
                return bytes[0]
            }
            func number() throws(SQLError) -> Int {
                guard let parsed = Int(value), parsed >= 0 else {
                    throw SQLError("\(name.uppercased()) takes a whole number", at: option.valuePosition)
                }
                return parsed
            }
            switch name {
            case "format":
                guard let kind = ExtractFormat.Kind(rawValue: value.lowercased()) else {
                    throw SQLError("FORMAT must be csv, ndjson or parquet", at: option.valuePosition)
                }
                options.format = kind
            case "header": options.header = try flag()
            case "delimiter", "delim", "sep": options.delimiter = try character()
            case "quote": options.quote = try character()
            case "escape": options.escape = try character()
            case "null", "nullstr": options.nullStrings = (options.nullStrings ?? []) + [value]
            case "encoding":
                guard let encoding = TextEncoding(name: value) else {
                    throw SQLError("ENCODING must be utf-8, latin-1 or windows-1252", at: option.valuePosition)
                }
                options.encoding = encoding
            case "date_format", "dateformat":
                if let problem = DateTimeFormat.problem(value) {
                    throw SQLError("DATE_FORMAT \(problem)", at: option.valuePosition)
                }
                options.dateFormat = DateTimeFormat(value)
            case "timestamp_format", "timestampformat":
                if let problem = DateTimeFormat.problem(value) {
                    throw SQLError("TIMESTAMP_FORMAT \(problem)", at: option.valuePosition)
                }
                options.timestampFormat = DateTimeFormat(value)
            case "decimal_separator", "thousands", "thousands_separator":
                let byte = try character()
                guard NumberSeparators.isAllowed(byte) else {
                    throw SQLError("\(name.uppercased()) cannot be a digit, a sign or e", at: option.valuePosition)
                }
                if name == "decimal_separator" {
                    options.numberSeparators.decimal = byte
                } else {
                    options.numberSeparators.thousands = byte
                }
                guard options.numberSeparators.decimal != options.numberSeparators.thousands else {
                    throw SQLError(
                        "the thousands separator must differ from the decimal separator", at: option.valuePosition)
                }
            case "columns": options.columns = value.split(separator: ",").map { String($0) }
            case "max_rejects": options.maxRejects = try number()
            case "max_reject_ratio":
                guard let ratio = Double(value), (0...1).contains(ratio) else {
                    throw SQLError("MAX_REJECT_RATIO takes a number from 0 to 1", at: option.valuePosition)
                }
                options.maxRejectRatio = ratio
            case "rejects": options.rejectsPath = value
            case "replace_partitions": options.replacePartitions = try flag()
            case "force": options.force = try flag()
            case "threads": options.threads = max(1, try number())
            case "max_line_size":
                guard let bytes = LoadOptions.byteSize(value), bytes <= Int(Int32.max) / 2 else {
                    throw SQLError("MAX_LINE_SIZE takes a size up to 1GB such as '64MB'", at: option.valuePosition)
                }
                options.maxLineBytes = bytes
            default:
                let known = [
                    "format", "header", "delimiter", "quote", "escape", "null", "encoding", "date_format",
                    "timestamp_format",
                    "columns", "max_rejects", "max_reject_ratio", "rejects", "replace_partitions", "force", "threads",
                    "max_line_size", "decimal_separator", "thousands",
                ]
                throw SQLError(
                    "unknown COPY option \"\(name)\"", at: option.name.position,
                    hint: closestMatch(to: name, in: known).map { "did you mean \($0.uppercased())?" })
            }
        }
        if let columns = copy.columns {
            guard options.columns == nil else {
                throw SQLError(
                    "give the columns once: in parentheses after the table or as COLUMNS", at: copy.table.position)
            }
            options.columns = columns.map(\.name)
        }
        if let client {
            options.format = .csv
            options.header = client.header
            switch client.kind {
            case .text:
                // Rewritten as CSV: every value quoted, NULL an empty field; the header line dropped.
                options.delimiter = UInt8(ascii: ",")
                options.quote = UInt8(ascii: "\"")
                options.escape = nil
                options.nullStrings = [""]
                options.header = false
            case .csv:
                options.delimiter = client.delimiter
                options.quote = client.quote
                options.escape = client.escape == client.quote ? nil : client.escape
                options.nullStrings = [String(decoding: client.nullText, as: UTF8.self)]
            }
        }
        return options
    }

    /// Why COPY … TO STDOUT cannot run here: STDOUT is a client of `starling serve`.
    static func copyToRefusal(_ copy: CopyTo) -> SQLError {
        SQLError(
            "COPY … TO STDOUT sends rows to a client of starling serve", at: copy.position,
            hint: "here, write a file: COPY (SELECT …) TO 'file.csv', or print them: starling sql --format csv")
    }
}
