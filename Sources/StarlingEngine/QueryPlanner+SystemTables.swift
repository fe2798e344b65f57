/// System tables: `starling.tables`, `columns`, `views`, `partitions`, `segments`, `snapshots`,
/// `loads`, `settings`.

import StarlingColumns
import StarlingExecution
import StarlingLoader
import StarlingSQL
import StarlingStorage

extension QueryPlanner {
    static let systemTableNames = [
        "tables", "columns", "views", "partitions", "segments", "snapshots", "loads", "settings",
    ]

    /// The rows of a system table at the planner's snapshot.
    func systemTable(_ name: Identifier) throws(SQLError) -> LogicalOperator {
        var columns: [PlanColumn] = []
        var rows: [[Value]] = []
        func text(_ value: String?) -> Value { value.map(Value.string) ?? .null }
        func timestamp(_ micros: Int64) -> Value { .integer(micros) }
        switch name.name {
        case "tables":
            columns = [PlanColumn(name: "table_name", type: .varchar), PlanColumn(name: "kind", type: .varchar), PlanColumn(name: "rows", type: .bigint),
                       PlanColumn(name: "columns", type: .bigint), PlanColumn(name: "partitions", type: .bigint), PlanColumn(name: "segments", type: .bigint),
                       PlanColumn(name: "bytes", type: .bigint), PlanColumn(name: "partitioned_by", type: .varchar), PlanColumn(name: "created_snapshot", type: .bigint)]
            for table in catalog.tables {
                let partitioning = table.partitioning.map { "\($0.granularity.rawValue)(\($0.column))" }
                rows.append([.string(table.name), .string(catalog.kind(of: table).rawValue), .integer(Int64(table.rowCount)), .integer(Int64(table.columns.count)),
                             .integer(Int64(table.partitions.count)), .integer(Int64(table.segmentCount)), .integer(Int64(table.byteCount)), text(partitioning), .integer(Int64(table.createdSnapshot))])
            }
            // Views: kind `view`; they hold no rows or files of their own.
            for view in catalog.allViews {
                let count = Value.integer(Int64(currentColumns(of: view).count))
                rows.append([.string(view.name), .string("view"), .null, count, .null, .null, .null, .null,
                             .integer(Int64(view.createdSnapshot))])
            }
        case "columns":
            columns = [PlanColumn(name: "table_name", type: .varchar), PlanColumn(name: "column_name", type: .varchar), PlanColumn(name: "ordinal", type: .bigint),
                       PlanColumn(name: "data_type", type: .varchar), PlanColumn(name: "not_null", type: .boolean), PlanColumn(name: "primary_key", type: .boolean),
                       PlanColumn(name: "references_table", type: .varchar), PlanColumn(name: "references_column", type: .varchar)]
            for table in catalog.tables {
                for (ordinal, column) in table.columns.enumerated() {
                    rows.append([.string(table.name), .string(column.name), .integer(Int64(ordinal + 1)), .string(column.typeName), .boolean(column.notNull),
                                 .boolean(table.primaryKey.contains(column.name)), text(column.references?.table), text(column.references?.column)])
                }
            }
            for view in catalog.allViews {
                for (ordinal, column) in currentColumns(of: view).enumerated() {
                    rows.append([.string(view.name), .string(column.name), .integer(Int64(ordinal + 1)),
                                 .string(column.typeName), .boolean(false), .boolean(false), .null, .null])
                }
            }
        case "views":
            columns = [PlanColumn(name: "view_name", type: .varchar), PlanColumn(name: "columns", type: .bigint),
                       PlanColumn(name: "sql", type: .varchar), PlanColumn(name: "column_names", type: .varchar),
                       PlanColumn(name: "created_snapshot", type: .bigint)]
            for view in catalog.allViews {
                rows.append([.string(view.name), .integer(Int64(currentColumns(of: view).count)), .string(view.sql),
                             text(view.columnNames?.joined(separator: ", ")), .integer(Int64(view.createdSnapshot))])
            }
        case "settings":
            columns = [PlanColumn(name: "name", type: .varchar), PlanColumn(name: "value", type: .varchar),
                       PlanColumn(name: "description", type: .varchar), PlanColumn(name: "input_type", type: .varchar)]
            for setting in Setting.allCases {
                let (value, type) = settings.value(of: setting)
                rows.append([.string(setting.rawValue), .string(value.formatted(as: type)),
                             .string(setting.description), .string(type.description)])
            }
        case "partitions":
            columns = [PlanColumn(name: "table_name", type: .varchar), PlanColumn(name: "partition_key", type: .varchar), PlanColumn(name: "rows", type: .bigint),
                       PlanColumn(name: "segments", type: .bigint), PlanColumn(name: "bytes", type: .bigint)]
            for table in catalog.tables {
                for partition in table.partitions {
                    rows.append([.string(table.name), .string(partition.key), .integer(Int64(partition.rowCount)), .integer(Int64(partition.segments.count)),
                                 .integer(Int64(partition.segments.reduce(0) { $0 + $1.bytes }))])
                }
            }
        case "segments":
            columns = [PlanColumn(name: "table_name", type: .varchar), PlanColumn(name: "partition_key", type: .varchar), PlanColumn(name: "path", type: .varchar),
                       PlanColumn(name: "rows", type: .bigint), PlanColumn(name: "bytes", type: .bigint), PlanColumn(name: "snapshot", type: .bigint)]
            for table in catalog.tables {
                for partition in table.partitions {
                    for segment in partition.segments {
                        rows.append([.string(table.name), .string(partition.key), .string(segment.path), .integer(Int64(segment.rows)), .integer(Int64(segment.bytes)), .integer(Int64(segment.snapshot))])
                    }
                }
            }
        case "snapshots":
            columns = [PlanColumn(name: "snapshot", type: .bigint), PlanColumn(name: "committed_at", type: .timestamp), PlanColumn(name: "operation", type: .varchar),
                       PlanColumn(name: "table_name", type: .varchar), PlanColumn(name: "rows_added", type: .bigint), PlanColumn(name: "rows_removed", type: .bigint),
                       PlanColumn(name: "files_added", type: .bigint), PlanColumn(name: "files_removed", type: .bigint), PlanColumn(name: "detail", type: .varchar)]
            let history: [HistoryEntry]
            do { history = try warehouse.history(snapshot: catalog.snapshot) } catch {
                throw SQLError(error.message, at: name.position)
            }
            for entry in history {
                rows.append([.integer(Int64(entry.snapshot)), timestamp(entry.committedMicros), .string(entry.operation), text(entry.table), .integer(Int64(entry.rowsAdded)),
                             .integer(Int64(entry.rowsRemoved)), .integer(Int64(entry.filesAdded)), .integer(Int64(entry.filesRemoved)), text(entry.detail)])
            }
        case "loads":
            columns = [PlanColumn(name: "batch", type: .varchar), PlanColumn(name: "table_name", type: .varchar), PlanColumn(name: "status", type: .varchar),
                       PlanColumn(name: "files", type: .bigint), PlanColumn(name: "rows_read", type: .bigint), PlanColumn(name: "rows_loaded", type: .bigint),
                       PlanColumn(name: "rows_rejected", type: .bigint), PlanColumn(name: "rows_updated", type: .bigint), PlanColumn(name: "started_at", type: .timestamp),
                       PlanColumn(name: "ended_at", type: .timestamp), PlanColumn(name: "snapshot", type: .bigint), PlanColumn(name: "error", type: .varchar)]
            let records: [LoadRecord]
            do { records = try LoadLog.records(warehouse) } catch { throw SQLError(error.message, at: name.position) }
            for record in records {
                rows.append([.string(record.batch), .string(record.table), .string(record.status), .integer(Int64(record.files.count)), .integer(Int64(record.rowsRead)),
                             .integer(Int64(record.rowsLoaded)), .integer(Int64(record.rowsRejected)), .integer(Int64(record.rowsUpdated)), timestamp(record.startedMicros),
                             timestamp(record.endedMicros), record.snapshot.map { .integer(Int64($0)) } ?? .null, text(record.error)])
            }
        default:
            let hint = closestMatch(to: name.name, in: Self.systemTableNames).map { "did you mean starling.\($0)?" }
            throw SQLError("system table \"starling.\(name.name)\" does not exist", at: name.position, hint: hint)
        }
        let vectors = columns.enumerated().map { index, column in Vector(type: column.type, values: rows.map { $0[index] }) }
        let chunk = Chunk(columns: vectors, count: rows.count)
        return LogicalOperator(.values([chunk]), columns: columns, estimatedRows: max(rows.count, 1))
    }
}
