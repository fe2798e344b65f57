/// `starling export`: tables written as Parquet (or CSV, NDJSON) directories for other engines.

import ArgumentParser
import StarlingCompression
import StarlingEngine
import StarlingInterchange
import StarlingLoader
import StarlingSQL

/// Writes one table, or every table, under an output directory in Hive's layout.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write tables as Parquet (or CSV, NDJSON) directories that Spark, Trino and DuckDB read.",
        discussion: """
            Each table goes to OUT/<table>/ as part-00000.parquet, part-00001.parquet, … of about \
            --file-size each; with --partition-by, in Hive's name=value directories \
            (OUT/lineorder/year=1995/part-00000.parquet), the partition columns left out of the \
            files as Hive, Spark and DuckDB expect. A fact table's references are written as the \
            dimension keys' values. The table's directory appears whole when the export completes \
            (it is written under a hidden name first); an existing one is refused.

            Beside each directory go OUT/<table>.duckdb.sql (a view over read_parquet), and for \
            Parquet OUT/<table>.spark.sql and OUT/<table>.trino.sql (external tables over the \
            directory, partitions found after): run them to query the files where they are.

            --partition-by takes a column, or NAME=EXPRESSION for a value computed from the \
            columns; give it more than once for nested directories. With --all, a table that \
            lacks what a partition names is written whole.

            Examples:
              starling export --all --out /data/export
              starling export lineorder --out /data/export --partition-by 'year=lo_orderdate // 10000'
              starling export requests --out exports --partition-by day --file-size 512MB
              starling export dim_customer --format csv --out exports
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Argument(help: ArgumentHelp("The table to export (or --all).", valueName: "table"))
    var table: String?

    @Flag(help: "Export every table.")
    var all = false

    @Option(help: ArgumentHelp("parquet (default), csv or ndjson.", valueName: "format"))
    var format = "parquet"

    @Option(help: ArgumentHelp("The output directory (created if missing).", valueName: "dir"))
    var out: String

    @Option(
        name: .customLong("partition-by"),
        help: ArgumentHelp("A column, or NAME=EXPRESSION, to split directories by (repeatable).", valueName: "spec"))
    var partitionBy: [String] = []

    @Option(
        name: .customLong("file-size"),
        help: ArgumentHelp(
            "About how large each file grows before the next is started (default 256MB).",
            valueName: "size"))
    var fileSize = "256MB"

    @Option(
        help: ArgumentHelp(
            "Parquet: zstd (default), snappy, gzip, lz4_raw or uncompressed; CSV and NDJSON: gzip, zstd or none.",
            valueName: "codec"))
    var compression: String?

    @Option(
        name: .customLong("row-group-size"),
        help: ArgumentHelp(
            "Parquet: rows per row group (default 122880); files end at a row group's end.",
            valueName: "rows"))
    var rowGroupSize: Int?

    @Option(name: .long, help: ArgumentHelp("Worker threads for the queries (default: all cores).", valueName: "n"))
    var threads: Int?

    func validate() throws {
        guard (table == nil) != !all else { throw ValidationError("name one table, or give --all") }
        guard MemorySize.parse(fileSize) != nil else { throw ValidationError("--file-size takes a size such as 256MB") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let rowGroupSize, !(1...(1 << 24)).contains(rowGroupSize) {
            throw ValidationError("--row-group-size takes 1 to 16777216 rows")
        }
        _ = try exportFormat()
        _ = try partitions()
    }

    func run() throws {
        let warehouse = try options.open()
        let engine = Engine(warehouse: warehouse, waitForLock: options.wait, threads: threads)
        let format = try exportFormat()
        let partitions = try partitions()
        let names: [String]
        if let table {
            names = [table]
        } else {
            names = try warehouse.catalog().tables.map(\.name)
        }
        for name in names {
            var request = TableExportRequest(
                table: name, directory: out, format: format, partitions: partitions,
                fileBytes: MemorySize.parse(fileSize) ?? 256 << 20)
            if all, !partitions.isEmpty, let reason = unpartitionable(name, partitions, engine) {
                StandardError.write("\(name): written whole (\(reason))\n")
                request.partitions = []
            }
            let summary: TableExportSummary
            do {
                summary = try engine.exportTable(request)
            } catch {
                throw fail("\(name): \(error.description)", status: error.exitStatus)
            }
            let split = summary.partitions > 0 ? ", \(summary.partitions) partitions" : ""
            let megabytes = Double(summary.bytes) / 1_000_000
            StandardOutput.write(
                "\(name): \(summary.rows) rows in \(summary.files) file\(summary.files == 1 ? "" : "s")\(split), "
                    + "\((megabytes * 10).rounded() / 10) MB → \(summary.location)\n")
            for file in summary.schemaFiles { StandardOutput.write("  \(file)\n") }
        }
    }

    /// Why `table` cannot be split by `partitions` (a column or expression it lacks), or nil.
    private func unpartitionable(
        _ table: String, _ partitions: [(name: String, expression: String)], _ engine: Engine
    ) -> String? {
        let list = partitions.map(\.expression).joined(separator: ", ")
        let quoted = Identifier.quoted(table)
        do {
            _ = try engine.run("SELECT \(list) FROM \(quoted) LIMIT 0")
            return nil
        } catch {
            return error.description.split(separator: "\n").first.map(String.init) ?? "\(error)"
        }
    }

    /// The file format the options ask for.
    private func exportFormat() throws -> ExportFormat {
        switch format.lowercased() {
        case "parquet":
            var parquet = ParquetWriterOptions()
            parquet.createdBy = "Starling version \(Engine.version)"
            if let compression {
                guard let codec = ParquetCodec(name: compression) else {
                    throw ValidationError("--compression for Parquet: zstd, snappy, gzip, lz4_raw or uncompressed")
                }
                parquet.codec = codec
            }
            if let rowGroupSize { parquet.rowGroupRows = rowGroupSize }
            return .parquet(parquet)
        case "csv", "ndjson":
            var stream = StreamCompression.none
            if let compression {
                guard let given = StreamCompression(rawValue: compression.lowercased()) else {
                    throw ValidationError("--compression for CSV and NDJSON: gzip, zstd or none")
                }
                stream = given
            }
            return .delimited(
                format.lowercased() == "csv" ? .csv : .ndjson, header: true, nullText: nil,
                compression: stream)
        default:
            throw ValidationError("--format takes parquet, csv or ndjson")
        }
    }

    /// `--partition-by` as (directory name, SQL expression): `column` or `name=expression`.
    private func partitions() throws -> [(name: String, expression: String)] {
        try partitionBy.map { spec in
            if let equals = spec.firstIndex(of: "="), spec[spec.index(after: equals)...].first != "=" {
                let name = spec[..<equals].trimmingCharacters(in: .whitespaces)
                let expression = spec[spec.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, !expression.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
                else { throw ValidationError("--partition-by \(spec): give a column or NAME=EXPRESSION") }
                return (name, expression)
            }
            let column = spec.trimmingCharacters(in: .whitespaces)
            guard !column.isEmpty else { throw ValidationError("--partition-by needs a column") }
            return (column, Identifier.quoted(column))
        }
    }
}
