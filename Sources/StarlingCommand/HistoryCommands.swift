/// `starling history`, `starling rollback --to N` and `starling vacuum`.

import StarlingInterchange
import ArgumentParser
import StarlingColumns
import StarlingStorage

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the snapshots: id, time, operation, table, rows and files added and removed.",
        discussion: """
            Example:
              starling history --table fact_sales
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Option(help: ArgumentHelp("Only commits that changed this table.", valueName: "table"))
    var table: String?

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run() throws {
        let warehouse = try options.open()
        let catalog = try loadCatalog(warehouse)
        let history: [HistoryEntry]
        do { history = try warehouse.history(snapshot: catalog.snapshot) } catch {
            throw fail(error.message, status: error.exitStatus)
        }
        if let table {
            try checkTableFilter(table, known: catalog.tables.map(\.name) + history.compactMap(\.table))
        }
        let entries = history.filter { table == nil || $0.table == table?.lowercased() }
        if json {
            StandardOutput.write(JSONText.array(entries.map { entry in
                .object([
                    ("snapshot", .integer(entry.snapshot)), ("time", .string(TimestampFormatting.format(microseconds: entry.committedMicros))),
                    ("operation", .string(entry.operation)), ("table", entry.table.map { .string($0) } ?? .null),
                    ("rows_added", .integer(entry.rowsAdded)), ("rows_removed", .integer(entry.rowsRemoved)),
                    ("files_added", .integer(entry.filesAdded)), ("files_removed", .integer(entry.filesRemoved)),
                    ("detail", entry.detail.map { .string($0) } ?? .null),
                ])
            }).rendered() + "\n")
            return
        }
        var rows = [["snapshot", "time (UTC)", "operation", "table", "rows +", "rows -", "files +", "files -", "detail"]]
        for entry in entries {
            let time = String(TimestampFormatting.format(microseconds: entry.committedMicros).prefix(19))
            rows.append([String(entry.snapshot), time, entry.operation, entry.table ?? "", String(entry.rowsAdded), String(entry.rowsRemoved),
                         String(entry.filesAdded), String(entry.filesRemoved), entry.detail ?? ""])
        }
        StandardOutput.write(TextTable.render(rows).joined(separator: "\n") + "\n")
    }
}

struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Make an earlier snapshot's contents current again, as a new commit.",
        discussion: """
            The rollback is itself a snapshot, so it can be undone by rolling back to the snapshot \
            before it. The target must not have been removed by vacuum.

            Example:
              starling rollback --to 12
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Option(name: .customLong("to"), help: ArgumentHelp("The snapshot to return to.", valueName: "snapshot"))
    var target: Int

    func run() throws {
        let warehouse = try options.open()
        do {
            let catalog = try warehouse.rollback(to: target, wait: options.wait)
            StandardError.write("rolled back to snapshot \(target) as snapshot \(catalog.snapshot)\n")
        } catch {
            throw fail(error.message, status: error.exitStatus)
        }
    }
}

struct VacuumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vacuum",
        abstract: "Delete old snapshots and every file no kept snapshot references.",
        discussion: """
            Keeps the newest --keep-snapshots snapshots (default 10) and the files they reference; \
            removes older snapshots, unreferenced segment files and the leftovers of interrupted \
            writes. Rollback can only return to kept snapshots.

            Example:
              starling vacuum --keep-snapshots 3
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Option(help: ArgumentHelp("How many of the newest snapshots to keep (at least 1).", valueName: "count"))
    var keepSnapshots = 10

    func validate() throws {
        guard keepSnapshots >= 1 else { throw ValidationError("--keep-snapshots must be at least 1") }
    }

    func run() throws {
        let warehouse = try options.open()
        do {
            let report = try warehouse.vacuum(keepSnapshots: keepSnapshots, wait: options.wait)
            StandardOutput.write("removed \(report.snapshotsRemoved.count) snapshot\(report.snapshotsRemoved.count == 1 ? "" : "s") and \(report.filesRemoved.count) file\(report.filesRemoved.count == 1 ? "" : "s") (\(report.bytesRemoved) bytes)\n")
        } catch {
            throw fail(error.message, status: error.exitStatus)
        }
    }
}

/// Fails for a `--table` filter naming no table the listing could show (not in the catalog, not in
/// its records): a typo, which would otherwise look like a table with nothing to list.
func checkTableFilter(_ table: String, known: [String]) throws {
    let names = Set(known)
    guard !names.contains(table), !names.contains(table.lowercased()) else { return }
    let suggestion = closestMatch(to: table, in: Array(names)).map { " (did you mean \($0)?)" } ?? ""
    throw fail("no table \"\(table)\" in this warehouse or its records\(suggestion)", status: .failure)
}
