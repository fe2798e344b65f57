/// `starling tables` and `starling describe TABLE`: what the warehouse holds.

import ArgumentParser
import StarlingColumns
import StarlingStorage

struct TablesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tables",
        abstract: "List the tables: kind, rows, partitions, segments and bytes on disk.",
        discussion: """
            Example:
              starling tables --warehouse ./warehouse --json
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run() throws {
        let warehouse = try options.open()
        let catalog = try loadCatalog(warehouse)
        if json {
            let items: [JSONText] = catalog.tables.map { table in
                .object([
                    ("name", .string(table.name)), ("kind", .string(catalog.kind(of: table).rawValue)),
                    ("rows", .integer(table.rowCount)), ("partitions", .integer(table.partitions.count)),
                    ("segments", .integer(table.segmentCount)), ("bytes", .integer(table.byteCount)),
                ])
            }
            StandardOutput.write(JSONText.array(items).rendered() + "\n")
            return
        }
        StandardOutput.write(Self.text(catalog))
        StandardError.write("\(catalog.tables.count) table\(catalog.tables.count == 1 ? "" : "s") at snapshot \(catalog.snapshot)\n")
    }
}

extension TablesCommand {
    /// One aligned line per table (also the shell's `.tables`).
    static func text(_ catalog: Catalog) -> String {
        var rows = [["table", "kind", "rows", "partitions", "segments", "bytes"]]
        for table in catalog.tables {
            rows.append([table.name, catalog.kind(of: table).rawValue, String(table.rowCount), String(table.partitions.count),
                         String(table.segmentCount), String(table.byteCount)])
        }
        return TextTable.render(rows).joined(separator: "\n") + "\n"
    }
}

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show a table's columns, keys, references, partitioning, options and storage.",
        discussion: """
            Example:
              starling describe lineorder --warehouse ./warehouse
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Argument(help: "The table.")
    var table: String

    @Flag(help: "Print a JSON object instead of text.")
    var json = false

    func run() throws {
        let warehouse = try options.open()
        let catalog = try loadCatalog(warehouse)
        let name = table.hasPrefix("\"") && table.hasSuffix("\"") && table.count >= 2 ? String(table.dropFirst().dropLast()) : table.lowercased()
        guard let entry = catalog.table(named: name) else {
            let suggestion = closestMatch(to: name, in: catalog.tables.map(\.name))
            throw fail("table \"\(name)\" does not exist" + (suggestion.map { " (did you mean \($0)?)" } ?? ""), status: .failure)
        }
        let kind = catalog.kind(of: entry).rawValue
        let partitioning = entry.partitioning.map { "\($0.granularity.rawValue)(\($0.column))" }
        if json {
            let columns: [JSONText] = entry.columns.map { column in
                .object([
                    ("name", .string(column.name)), ("type", .string(column.typeName)), ("not_null", .bool(column.notNull)),
                    ("primary_key", .bool(entry.primaryKey.contains(column.name))),
                    ("references", column.references.map { .string("\($0.table)(\($0.column))") } ?? .null),
                ])
            }
            let partitions: [JSONText] = entry.partitions.map { partition in
                .object([("key", .string(partition.key)), ("rows", .integer(partition.rowCount)), ("segments", .integer(partition.segments.count)),
                         ("bytes", .integer(partition.segments.reduce(0) { $0 + $1.bytes }))])
            }
            StandardOutput.write(JSONText.object([
                ("name", .string(entry.name)), ("kind", .string(kind)), ("columns", .array(columns)),
                ("primary_key", .array(entry.primaryKey.map { .string($0) })),
                ("partition_by", partitioning.map { .string($0) } ?? .null),
                ("options", .object(entry.options.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("rows", .integer(entry.rowCount)), ("segments", .integer(entry.segmentCount)), ("bytes", .integer(entry.byteCount)),
                ("partitions", .array(partitions)),
            ]).rendered() + "\n")
            return
        }
        StandardOutput.write(Self.text(entry, kind: kind))
    }

    /// Columns, keys, references, partitioning, options and storage (also the shell's `.describe`).
    static func text(_ entry: CatalogTable, kind: String) -> String {
        let partitioning = entry.partitioning.map { "\($0.granularity.rawValue)(\($0.column))" }
        var lines = ["table \(entry.name) (\(kind))"]
        var columns = [["column", "type", "null", "key", "references"]]
        for column in entry.columns {
            columns.append([column.name, column.typeName, column.notNull ? "NOT NULL" : "", entry.primaryKey.contains(column.name) ? "PRIMARY KEY" : "",
                            column.references.map { "\($0.table)(\($0.column))" } ?? ""])
        }
        lines.append(contentsOf: TextTable.render(columns))
        lines.append("")
        if let partitioning { lines.append("partition by: \(partitioning)") }
        for (key, value) in entry.options.sorted(by: { $0.key < $1.key }) { lines.append("option: \(key) = \(value)") }
        lines.append("rows: \(entry.rowCount); partitions: \(entry.partitions.count); segments: \(entry.segmentCount); bytes on disk: \(entry.byteCount)")
        if entry.partitioning != nil, !entry.partitions.isEmpty {
            lines.append("")
            var partitions = [["partition", "rows", "segments", "bytes"]]
            for partition in entry.partitions {
                partitions.append([partition.key, String(partition.rowCount), String(partition.segments.count), String(partition.segments.reduce(0) { $0 + $1.bytes })])
            }
            lines.append(contentsOf: TextTable.render(partitions))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Reads the current catalog or exits with a one-line error.
func loadCatalog(_ warehouse: Warehouse) throws -> Catalog {
    do {
        return try warehouse.catalog()
    } catch {
        throw fail(error.message, status: error.exitStatus)
    }
}
