/// `starling export`: a table written as a directory of files a distributed engine reads, split
/// by partition (Hive's `name=value` directories) and by size, with the DDL that opens it.

import StarlingColumns
import StarlingExecution
import StarlingFormat
import StarlingInterchange
import StarlingSQL
import StarlingStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `starling export` writes for one table.
public struct TableExportRequest: Sendable {
    public var table: String
    /// The output directory: the table's files go to `<directory>/<table>/`.
    public var directory: String
    public var format: ExportFormat
    /// Each partition level: its directory name and the SQL expression over the table's
    /// columns whose values it takes (a column's quoted name for `--partition-by column`).
    public var partitions: [(name: String, expression: String)]
    /// About how many bytes a file holds before the next is started.
    public var fileBytes: Int

    public init(
        table: String, directory: String, format: ExportFormat, partitions: [(name: String, expression: String)],
        fileBytes: Int
    ) {
        self.table = table
        self.directory = directory
        self.format = format
        self.partitions = partitions
        self.fileBytes = fileBytes
    }
}

/// What an export wrote.
public struct TableExportSummary: Sendable {
    public var table: String
    /// `<directory>/<table>`, absolute.
    public var location: String
    public var rows: Int
    public var files: Int
    public var bytes: Int
    /// Distinct partition directories (0 when not partitioned).
    public var partitions: Int
    /// The DDL files written beside the table's directory.
    public var schemaFiles: [String]
}

extension Engine {
    /// Writes `request.table` (a table or view, every row of the current snapshot) under
    /// `<directory>/<table>/`: without partitions as `part-00000…` files, with them in
    /// `name=value/…` directories (Hive's layout: the value escaped, NULL as
    /// `__HIVE_DEFAULT_PARTITION__`; a partition column itself is left out of the files, as
    /// Hive, Spark and DuckDB expect), one query per partition. Everything is written in a
    /// hidden directory beside the target and renamed into place at the end, so the table's
    /// directory appears whole; an existing one is refused. Then writes `<table>.duckdb.sql`
    /// (and for Parquet `<table>.spark.sql` and `<table>.trino.sql`) beside it.
    public func exportTable(_ request: TableExportRequest) throws(EngineError) -> TableExportSummary {
        let script = "SELECT * FROM \(Identifier.quoted(request.table))"
        do {
            return try exportTableUnmapped(request)
        } catch let error as FileError {
            // A directory or file that cannot be written: an I/O failure, as a result's would be.
            throw .query(QueryError(.output, error.description))
        } catch {
            throw Self.engineError(error, script: script)
        }
    }

    private func exportTableUnmapped(_ request: TableExportRequest) throws -> TableExportSummary {
        let catalog = try warehouse.catalog()
        guard catalog.table(named: request.table) != nil || catalog.view(named: request.table) != nil else {
            throw Self.unknownTable(Identifier(request.table, at: SourcePosition(0)), in: catalog)
        }
        let source = Identifier.quoted(request.table)
        let columns = try resultColumns("SELECT * FROM \(source) LIMIT 0")
        let partitionColumns = Set(request.partitions.map(\.expression))
        let kept = columns.filter { !partitionColumns.contains(Identifier.quoted($0.name)) }
        guard !kept.isEmpty else {
            throw SQLError(
                "every column of \(request.table) is a partition column: nothing is left for the files",
                at: SourcePosition(0))
        }
        let list = kept.map { Identifier.quoted($0.name) }.joined(separator: ", ")
        try FileBytes.createDirectory(request.directory)
        let directory = Self.absolutePath(request.directory)
        let target = "\(directory)/\(request.table)"
        guard !FileBytes.kind(of: target).exists else {
            throw StorageError(.invalid, "\(target) exists; remove it or export to another --out directory")
        }
        let temporary = "\(directory)/.\(request.table).tmp-\(getpid())"
        try? FileBytes.removeTree(temporary)
        try FileBytes.createDirectory(temporary)
        var summary = TableExportSummary(
            table: request.table, location: target, rows: 0, files: 0, bytes: 0, partitions: 0, schemaFiles: [])
        var partitionTypes: [LogicalType] = []
        do {
            if request.partitions.isEmpty {
                try writeFiles("SELECT \(list) FROM \(source)", into: temporary, request, &summary)
            } else {
                let names = request.partitions.enumerated().map { "\($1.expression) AS p\($0)" }
                let distinct =
                    "SELECT DISTINCT \(names.joined(separator: ", ")) FROM \(source) ORDER BY "
                    + request.partitions.indices.map { "p\($0)" }.joined(separator: ", ")
                let values = CollectingSink()
                try runQuery(try Self.parsedQuery(distinct), into: values)
                partitionTypes = values.columns.map(\.type)
                let rows = values.rows
                for row in 0..<rows.count {
                    var path = temporary
                    var conditions: [String] = []
                    for (level, partition) in request.partitions.enumerated() {
                        let value = rows.columns[level].value(at: row)
                        path += "/\(partition.name)=\(Self.hiveEscaped(value, type: partitionTypes[level]))"
                        conditions.append(Self.condition(partition.expression, value, type: partitionTypes[level]))
                    }
                    try FileBytes.createDirectory(path)
                    let query = "SELECT \(list) FROM \(source) WHERE \(conditions.joined(separator: " AND "))"
                    try writeFiles(query, into: path, request, &summary)
                }
                summary.partitions = rows.count
            }
            try FileBytes.rename(temporary, to: target)
            try FileBytes.syncDirectory(containing: target)
        } catch {
            try? FileBytes.removeTree(temporary)
            throw error
        }
        summary.schemaFiles = try writeSchemaFiles(
            request, location: target, columns: kept, partitionTypes: partitionTypes)
        return summary
    }

    /// Runs `text` into numbered files in `directory`.
    private func writeFiles(
        _ text: String, into directory: String, _ request: TableExportRequest, _ summary: inout TableExportSummary
    ) throws {
        let sink = PartFilesSink(
            directory: directory, suffix: Self.fileSuffix(request.format), format: request.format,
            fileBytes: request.fileBytes)
        do {
            try runQuery(try Self.parsedQuery(text), into: sink)
        } catch {
            sink.abandon()
            throw error
        }
        summary.rows += sink.rows
        summary.files += sink.paths.count
        summary.bytes += sink.paths.reduce(0) { $0 + FileBytes.size(of: $1) }
    }

    /// The columns `text` returns.
    private func resultColumns(_ text: String) throws -> [PlanColumn] {
        let sink = CollectingSink()
        try runQuery(try Self.parsedQuery(text), into: sink)
        return sink.columns
    }

    static func parsedQuery(_ text: String) throws -> Query {
        guard case .query(let query)? = try Parser.parse(text).first?.statement else {
            throw SQLError("not a query: \(text)", at: SourcePosition(0))
        }
        return query
    }

    static func fileSuffix(_ format: ExportFormat) -> String {
        switch format {
        case .parquet: return ".parquet"
        case .delimited(let text, _, _, let compression):
            let base = text == .ndjson ? ".ndjson" : ".csv"
            switch compression {
            case .gzip: return base + ".gz"
            case .zstd: return base + ".zst"
            case .none: return base
            }
        }
    }

    /// `expression = value` (or IS NULL) with the value as a typed literal.
    static func condition(_ expression: String, _ value: Value, type: LogicalType) -> String {
        if value.isNull { return "(\(expression)) IS NULL" }
        let text = value.formatted(as: type).replacing("'", with: "''")
        return "(\(expression)) = CAST('\(text)' AS \(type.description))"
    }

    /// A partition value as Hive writes it in a directory name: `%XX` for the characters a path
    /// or Hive's parser cannot take, `__HIVE_DEFAULT_PARTITION__` for NULL and the empty string.
    static func hiveEscaped(_ value: Value, type: LogicalType) -> String {
        if value.isNull { return "__HIVE_DEFAULT_PARTITION__" }
        let text = value.formatted(as: type)
        if text.isEmpty { return "__HIVE_DEFAULT_PARTITION__" }
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || Self.hiveSpecial.contains(byte) {
                let hex = Array(String(byte, radix: 16, uppercase: true).utf8)
                bytes.append(UInt8(ascii: "%"))
                if hex.count == 1 { bytes.append(UInt8(ascii: "0")) }
                bytes += hex
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The characters Hive escapes in partition values (besides control characters).
    private static let hiveSpecial = Set("\"#%'*/:=?\\{[]^".utf8)

    /// `path` made absolute against the current directory (it exists: it was just created).
    static func absolutePath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
