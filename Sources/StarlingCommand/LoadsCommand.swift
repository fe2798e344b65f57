/// `starling loads [--table T]`: the load log.

import StarlingInterchange
import ArgumentParser
import StarlingColumns
import StarlingLoader
import StarlingStorage

struct LoadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loads",
        abstract: "Show the load log: every load, committed or aborted.",
        discussion: """
            Example:
              starling loads --table fact_sales --json
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Option(help: ArgumentHelp("Only loads into this table.", valueName: "table"))
    var table: String?

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run() throws {
        let warehouse = try options.open()
        let all: [LoadRecord]
        do { all = try LoadLog.records(warehouse) } catch {
            throw fail(error.message, status: .ioError)
        }
        if let table {
            try checkTableFilter(table, known: try loadCatalog(warehouse).tables.map(\.name) + all.map(\.table))
        }
        let records = all.filter { table == nil || $0.table == table?.lowercased() || $0.table == table }
        if json {
            StandardOutput.write(JSONText.array(records.map(Self.json)).rendered() + "\n")
            return
        }
        var rows = [["batch", "table", "status", "started (UTC)", "seconds", "files", "bytes", "read", "loaded", "rejected", "partitions", "snapshot", "error"]]
        for record in records {
            rows.append([
                record.batch, record.table, record.status, String(TimestampFormatting.format(microseconds: record.startedMicros).prefix(19)),
                String(Double((record.endedMicros - record.startedMicros) / 10_000) / 100), String(record.files.count),
                String(record.files.reduce(0) { $0 + $1.bytes }), String(record.rowsRead), String(record.rowsLoaded), String(record.rowsRejected),
                String(record.partitions.filter { !$0.isEmpty }.count), record.snapshot.map(String.init) ?? "", String((record.error ?? "").prefix(60)),
            ])
        }
        StandardOutput.write(TextTable.render(rows).joined(separator: "\n") + "\n")
    }

    static func json(_ record: LoadRecord) -> JSONText {
        .object([
            ("batch", .string(record.batch)), ("table", .string(record.table)), ("status", .string(record.status)),
            ("started", .string(TimestampFormatting.format(microseconds: record.startedMicros))),
            ("ended", .string(TimestampFormatting.format(microseconds: record.endedMicros))),
            ("files", .array(record.files.map { .object([("path", .string($0.path)), ("bytes", .integer($0.bytes)), ("content_hash", .string($0.contentHash))]) })),
            ("rows_read", .integer(record.rowsRead)), ("rows_loaded", .integer(record.rowsLoaded)), ("rows_rejected", .integer(record.rowsRejected)),
            ("unknown_keys", .integer(record.unknownKeys)), ("rows_updated", .integer(record.rowsUpdated)),
            ("partitions", .array(record.partitions.map { .string($0) })),
            ("snapshot", record.snapshot.map { .integer($0) } ?? .null), ("error", record.error.map { .string($0) } ?? .null),
            ("rejects_file", record.rejectsFile.map { .string($0) } ?? .null),
        ])
    }
}
