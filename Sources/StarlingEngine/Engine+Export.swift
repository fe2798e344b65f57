/// COPY table | (query) TO 'file' (…): a query's rows streamed into a CSV, NDJSON or Parquet file.

import StarlingColumns
import StarlingCompression
import StarlingInterchange
import StarlingSQL

extension Engine {
    /// Writes the rows of `copy`'s table or query to its file, which appears whole or not at all.
    /// The tag is PostgreSQL's: `COPY` and the number of rows.
    func copyToFile(_ copy: CopyTo, path: String) throws -> StatementOutcome {
        let format = try Self.exportFormat(copy.options, path: path)
        let query: Query
        switch copy.source {
        case .query(let given, _):
            query = given
        case .table(let table, _):
            let catalog = try warehouse.catalog()
            guard catalog.table(named: table.name) != nil || catalog.view(named: table.name) != nil else {
                throw Self.unknownTable(table, in: catalog)
            }
            query = try Self.parsedQuery(copy.tableQueryText ?? "")
        }
        let sink = ExportSink(path: path, format: format)
        do {
            try runQuery(query, into: sink)
        } catch {
            sink.abandon()
            throw error
        }
        return StatementOutcome(tag: "COPY \(sink.rows)", snapshot: nil)
    }

    /// The file format COPY's options ask for. FORMAT defaults to the file name's extension
    /// (`.parquet`, `.ndjson`/`.jsonl`/`.json`, else CSV); CSV has a header line unless
    /// `HEADER false`, as DuckDB writes it.
    static func exportFormat(_ options: [CopyOption], path: String) throws(SQLError) -> ExportFormat {
        func option(_ names: String...) -> CopyOption? { options.last { names.contains($0.name.name.lowercased()) } }
        let known = [
            "format", "header", "delimiter", "delim", "sep", "null", "nullstr", "quote", "compression",
            "compression_level", "row_group_size",
        ]
        if let unknown = options.first(where: { !known.contains($0.name.name.lowercased()) }) {
            let name = unknown.name.name.lowercased()
            throw SQLError(
                "unknown COPY … TO option \"\(name)\"", at: unknown.name.position,
                hint: closestMatch(to: name, in: known).map { "did you mean \($0.uppercased())?" })
        }
        let kind = try exportKind(option("format"), path: path)
        func refuse(_ given: CopyOption?, unless allowed: Bool, _ message: String) throws(SQLError) {
            if let given, !allowed { throw SQLError(message, at: given.name.position) }
        }
        let isParquet = kind == "parquet"
        try refuse(option("compression_level"), unless: isParquet, "COMPRESSION_LEVEL applies to FORMAT parquet")
        try refuse(option("row_group_size"), unless: isParquet, "ROW_GROUP_SIZE applies to FORMAT parquet")
        for name in ["header", "delimiter", "delim", "sep", "null", "nullstr", "quote"] {
            try refuse(option(name), unless: kind == "csv", "\(name.uppercased()) applies to FORMAT csv")
        }
        switch kind {
        case "parquet":
            return .parquet(
                try parquetOptions(
                    option("compression"), option("compression_level"),
                    option("row_group_size")))
        case "ndjson":
            return .delimited(
                .ndjson, header: false, nullText: nil,
                compression: try textCompression(option("compression"), path: path))
        default:
            return try csvFormat(
                option("header"), option("delimiter", "delim", "sep"), option("null", "nullstr"),
                option("quote"), compression: try textCompression(option("compression"), path: path))
        }
    }

    /// `csv`, `ndjson` or `parquet`, from FORMAT or the file name.
    private static func exportKind(_ given: CopyOption?, path: String) throws(SQLError) -> String {
        guard let given else {
            var name = path.lowercased()
            for suffix in [".gz", ".gzip", ".zst", ".zstd"] where name.hasSuffix(suffix) {
                name.removeLast(suffix.count)
            }
            if name.hasSuffix(".parquet") { return "parquet" }
            if name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") || name.hasSuffix(".json") { return "ndjson" }
            return "csv"
        }
        switch given.value.lowercased() {
        case "csv": return "csv"
        case "parquet": return "parquet"
        case "ndjson", "json", "jsonl", "newline_delimited": return "ndjson"
        default:
            throw SQLError("COPY … TO a file writes FORMAT csv, ndjson or parquet", at: given.valuePosition)
        }
    }

    /// A text file's compression: COMPRESSION's, or from the name (`.gz`, `.zst`) as DuckDB does.
    private static func textCompression(_ given: CopyOption?, path: String) throws(SQLError) -> StreamCompression {
        guard let given else { return StreamCompression(fileName: path) }
        switch given.value.lowercased() {
        case "auto": return StreamCompression(fileName: path)
        case "gzip": return .gzip
        case "zstd": return .zstd
        case "none", "uncompressed": return .none
        default:
            throw SQLError(
                "COMPRESSION of a CSV or NDJSON file must be gzip, zstd, none or auto", at: given.valuePosition)
        }
    }

    private static func csvFormat(
        _ header: CopyOption?, _ delimiter: CopyOption?, _ null: CopyOption?, _ quote: CopyOption?,
        compression: StreamCompression
    ) throws(SQLError) -> ExportFormat {
        var separator = UInt8(ascii: ",")
        if let delimiter {
            separator = try CopyFormat.byte(delimiter, "DELIMITER")
            guard ![0x0A, 0x0D, UInt8(ascii: "\"")].contains(separator) else {
                throw SQLError(
                    "DELIMITER takes one ASCII character other than a quote or a line break",
                    at: delimiter.valuePosition)
            }
        }
        if let quote, quote.value != "\"" {
            throw SQLError("COPY … TO a file quotes with \" only", at: quote.valuePosition)
        }
        var withHeader = true
        if let header {
            guard let flag = ValueParsing.boolean(header.value) else {
                throw SQLError("HEADER takes true or false", at: header.valuePosition)
            }
            withHeader = flag
        }
        return .delimited(
            .delimited(separator: separator), header: withHeader, nullText: null?.value, compression: compression)
    }

    private static func parquetOptions(
        _ compression: CopyOption?, _ level: CopyOption?, _ rowGroupSize: CopyOption?
    ) throws(SQLError) -> ParquetWriterOptions {
        var options = ParquetWriterOptions()
        options.createdBy = "Starling version \(version)"
        if let compression {
            guard let codec = ParquetCodec(name: compression.value) else {
                throw SQLError(
                    "COMPRESSION must be zstd, snappy, gzip, lz4_raw or uncompressed", at: compression.valuePosition)
            }
            options.codec = codec
        }
        if let level {
            guard let number = Int(level.value), (-7...22).contains(number), number != 0 else {
                throw SQLError("COMPRESSION_LEVEL takes a ZSTD level from 1 to 22", at: level.valuePosition)
            }
            options.level = number
        }
        if let rowGroupSize {
            guard let rows = Int(rowGroupSize.value), (1...(1 << 24)).contains(rows) else {
                throw SQLError(
                    "ROW_GROUP_SIZE takes a number of rows from 1 to 16777216", at: rowGroupSize.valuePosition)
            }
            options.rowGroupRows = rows
        }
        return options
    }
}
