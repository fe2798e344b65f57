/// The DDL that opens an exported table's directory in DuckDB, Spark and Trino.

import StarlingColumns
import StarlingExecution
import StarlingFormat
import StarlingInterchange
import StarlingSQL

/// One exported table as the statements each engine runs to read it where it is: a DuckDB view
/// over `read_parquet` (or `read_csv`, `read_json`) with Hive partitioning and the partition
/// columns' types; a Spark table `USING parquet … PARTITIONED BY … LOCATION` (then `MSCK REPAIR
/// TABLE` to find the partitions); a Trino Hive-connector table with `external_location` and
/// `partitioned_by` (then `system.sync_partition_metadata`). Partition columns come last, as
/// Spark and Trino require.
struct ExportSchemaText {
    let table: String
    /// The table's directory, absolute.
    let location: String
    let format: ExportFormat
    let columns: [PlanColumn]
    let partitions: [(name: String, type: LogicalType)]

    var duckdb: String {
        let glob = partitions.isEmpty ? "*" : "**/*"
        let files = quoted("\(location)/\(glob)\(Engine.fileSuffix(format))")
        var options: [String] = []
        if !partitions.isEmpty {
            let types = partitions.map { "\(quoted($0.name)): \(quoted($0.type.description))" }
            options += ["hive_partitioning = true", "hive_types = {\(types.joined(separator: ", "))}"]
        }
        let reader: String
        switch format {
        case .parquet: reader = "read_parquet"
        case .delimited(.ndjson, _, _, _):
            reader = "read_json"
            options.append("format = 'newline_delimited'")
        case .delimited(let text, let header, let nullText, _):
            reader = "read_csv"
            if case .delimited(let separator) = text {
                options.append("delim = \(quoted(String(UnicodeScalar(separator))))")
            }
            options.append("header = \(header)")
            options.append("nullstr = \(quoted(nullText ?? ""))")
        }
        let arguments = ([files] + options).joined(separator: ", ")
        return "CREATE OR REPLACE VIEW \(identifier(table)) AS SELECT * FROM \(reader)(\(arguments));\n"
    }

    var spark: String {
        let all =
            columns.map { "\(backquoted($0.name)) \(Self.sparkType($0.type))" }
            + partitions.map { "\(backquoted($0.name)) \(Self.sparkType($0.type))" }
        var text = "CREATE TABLE \(backquoted(table)) (\n  \(all.joined(separator: ",\n  "))\n) USING parquet\n"
        if !partitions.isEmpty {
            text += "PARTITIONED BY (\(partitions.map { backquoted($0.name) }.joined(separator: ", ")))\n"
        }
        text += "LOCATION \(quoted(location));\n"
        if !partitions.isEmpty { text += "MSCK REPAIR TABLE \(backquoted(table));\n" }
        return text
    }

    var trino: String {
        let all =
            columns.map { "\(identifier($0.name)) \(Self.trinoType($0.type))" }
            + partitions.map { "\(identifier($0.name)) \(Self.trinoType($0.type))" }
        var properties = ["external_location = \(quoted("file://" + location))", "format = 'PARQUET'"]
        if !partitions.isEmpty {
            properties.append("partitioned_by = ARRAY[\(partitions.map { quoted($0.name) }.joined(separator: ", "))]")
        }
        var text = "CREATE TABLE hive.default.\(identifier(table)) (\n  \(all.joined(separator: ",\n  "))\n)\n"
        text += "WITH (\(properties.joined(separator: ", ")));\n"
        if !partitions.isEmpty {
            text += "CALL hive.system.sync_partition_metadata('default', \(quoted(table)), 'ADD');\n"
        }
        return text
    }

    static func sparkType(_ type: LogicalType) -> String {
        switch type {
        case .boolean: return "BOOLEAN"
        case .tinyint: return "TINYINT"
        case .smallint: return "SMALLINT"
        case .integer: return "INT"
        case .bigint: return "BIGINT"
        case .double: return "DOUBLE"
        case .decimal(let precision, let scale): return "DECIMAL(\(precision),\(scale))"
        case .date: return "DATE"
        // Parquet timestamps not adjusted to UTC are Spark's TIMESTAMP_NTZ (Spark 3.4 and later).
        case .timestamp: return "TIMESTAMP_NTZ"
        case .varchar, .interval: return "STRING"
        }
    }

    static func trinoType(_ type: LogicalType) -> String {
        switch type {
        case .boolean: return "boolean"
        case .tinyint: return "tinyint"
        case .smallint: return "smallint"
        case .integer: return "integer"
        case .bigint: return "bigint"
        case .double: return "double"
        case .decimal(let precision, let scale): return "decimal(\(precision),\(scale))"
        case .date: return "date"
        case .timestamp: return "timestamp(6)"
        case .varchar, .interval: return "varchar"
        }
    }

    private func quoted(_ text: String) -> String { "'" + text.replacing("'", with: "''") + "'" }
    private func identifier(_ name: String) -> String { Identifier.quoted(name) }
    private func backquoted(_ name: String) -> String { "`" + name.replacing("`", with: "``") + "`" }
}

extension Engine {
    /// Writes `<table>.duckdb.sql`, and for Parquet `<table>.spark.sql` and `<table>.trino.sql`,
    /// beside the table's directory, each atomically; returns their paths.
    func writeSchemaFiles(
        _ request: TableExportRequest, location: String, columns: [PlanColumn], partitionTypes: [LogicalType]
    ) throws -> [String] {
        let schema = ExportSchemaText(
            table: request.table, location: location, format: request.format, columns: columns,
            partitions: zip(request.partitions, partitionTypes).map { ($0.name, $1) })
        let directory = String(location.dropLast(request.table.count + 1))
        var texts = [("duckdb", schema.duckdb)]
        if case .parquet = request.format { texts += [("spark", schema.spark), ("trino", schema.trino)] }
        var paths: [String] = []
        for (engine, text) in texts {
            let path = "\(directory)/\(request.table).\(engine).sql"
            try FileBytes.writeAtomically(Array(text.utf8), to: path)
            paths.append(path)
        }
        return paths
    }
}
