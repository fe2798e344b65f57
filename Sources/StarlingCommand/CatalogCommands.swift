/// `starling tables` and `starling describe TABLE`: what the warehouse holds, tables and views.

import StarlingInterchange
import ArgumentParser
import StarlingColumns
import StarlingEngine
import StarlingStorage

struct TablesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tables",
        abstract: "List the tables (kind, rows, partitions, segments, bytes on disk) and the views.",
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
            var items: [JSONText] = catalog.tables.map { table in
                .object([
                    ("name", .string(table.name)), ("kind", .string(catalog.kind(of: table).rawValue)),
                    ("rows", .integer(table.rowCount)), ("partitions", .integer(table.partitions.count)),
                    ("segments", .integer(table.segmentCount)), ("bytes", .integer(table.byteCount)),
                ])
            }
            // Views: kind "view", no rows or files of their own, and their query.
            items += catalog.allViews.map { view in
                .object([
                    ("name", .string(view.name)), ("kind", .string("view")), ("rows", .null), ("partitions", .null),
                    ("segments", .null), ("bytes", .null), ("sql", .string(view.sql)),
                ])
            }
            StandardOutput.write(JSONText.array(items).rendered() + "\n")
            return
        }
        StandardOutput.write(Self.text(catalog))
        StandardError.write(Self.summary(catalog))
    }
}

extension TablesCommand {
    /// One aligned line per table, then one per view, kind `view` and no counts (also the
    /// shell's `.tables`).
    static func text(_ catalog: Catalog) -> String {
        var rows = [["table", "kind", "rows", "partitions", "segments", "bytes"]]
        for table in catalog.tables {
            rows.append([table.name, catalog.kind(of: table).rawValue, String(table.rowCount), String(table.partitions.count),
                         String(table.segmentCount), String(table.byteCount)])
        }
        for view in catalog.allViews { rows.append([view.name, "view", "", "", "", ""]) }
        return TextTable.render(rows).joined(separator: "\n") + "\n"
    }

    /// `3 tables and 1 view at snapshot 7`.
    static func summary(_ catalog: Catalog) -> String {
        let tables = "\(catalog.tables.count) table\(catalog.tables.count == 1 ? "" : "s")"
        let views = catalog.allViews.count
        let viewText = views == 0 ? "" : " and \(views) view\(views == 1 ? "" : "s")"
        return "\(tables)\(viewText) at snapshot \(catalog.snapshot)\n"
    }
}

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show a table's columns, keys, references, partitioning, options and storage, or a view's query.",
        discussion: """
            Example:
              starling describe lineorder --warehouse ./warehouse
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Argument(help: "The table or view.")
    var table: String

    @Flag(help: "Print a JSON object instead of text.")
    var json = false

    func run() throws {
        let warehouse = try options.open()
        let catalog = try loadCatalog(warehouse)
        let name = table.hasPrefix("\"") && table.hasSuffix("\"") && table.count >= 2 ? String(table.dropFirst().dropLast()) : table.lowercased()
        if let view = catalog.view(named: name) {
            let engine = Engine(warehouse: warehouse, threads: 1)
            let (columns, problem) = Self.columns(of: view, engine: engine)
            if json {
                let items: [JSONText] = columns.map {
                    .object([("name", .string($0.name)), ("type", .string($0.typeName))])
                }
                StandardOutput.write(JSONText.object([
                    ("name", .string(view.name)), ("kind", .string("view")), ("columns", .array(items)),
                    ("column_names", view.columnNames.map { .array($0.map { .string($0) }) } ?? .null),
                    ("sql", .string(view.sql)), ("created_snapshot", .integer(view.createdSnapshot)),
                    ("error", problem.map { .string($0) } ?? .null),
                ]).rendered() + "\n")
                return
            }
            StandardOutput.write(Self.text(view, columns: columns, problem: problem))
            return
        }
        guard let entry = catalog.table(named: name) else {
            let suggestion = closestMatch(to: name, in: catalog.relationNames)
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

    /// A view's columns as its query binds now (DESCRIBE through `engine`); when it does not bind
    /// (a table it reads was dropped), the columns recorded when it was created, and why.
    static func columns(of view: CatalogView, engine: Engine) -> (columns: [CatalogViewColumn], problem: String?) {
        var columns: [CatalogViewColumn] = []
        do {
            try engine.run("DESCRIBE " + CatalogView.quoted(view.name)) { result in
                for row in 0..<result.rows.count {
                    let name = result.rows.columns[0].value(at: row).formatted(as: .varchar)
                    let typeName = result.rows.columns[1].value(at: row).formatted(as: .varchar)
                    let type = LogicalType(canonicalName: typeName) ?? .varchar
                    columns.append(CatalogViewColumn(name: name, type: type))
                }
            }
            return (columns, nil)
        } catch {
            if case .sql(let problem, _) = error { return (view.columns, problem.message) }
            return (view.columns, error.description.split(separator: "\n").first.map(String.init))
        }
    }

    /// A view's columns and query (also the shell's `.describe`).
    static func text(_ view: CatalogView, columns: [CatalogViewColumn], problem: String?) -> String {
        var lines = ["view \(view.name)"]
        lines.append(contentsOf: TextTable.render([["column", "type"]] + columns.map { [$0.name, $0.typeName] }))
        lines.append("")
        if let problem { lines.append("does not bind now (columns as created): \(problem)") }
        lines.append("created by snapshot \(view.createdSnapshot)")
        lines.append(view.createStatement)
        return lines.joined(separator: "\n") + "\n"
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
