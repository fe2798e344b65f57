/// SHOW TABLES, SHOW ALL TABLES, DESCRIBE and SHOW name: catalog statements answered with rows.

import StarlingColumns
import StarlingExecution
import StarlingSQL
import StarlingStorage

extension Engine {
    /// Runs a SHOW or DESCRIBE at the current snapshot, its rows handed to `sink`.
    func show(_ show: ShowStatement, into sink: ResultSink) throws {
        if case .setting(let name, let spelling) = show.kind, let setting = Setting(named: name.name) {
            try showSetting(setting, spelling: spelling, into: sink)
            return
        }
        let catalog = try warehouse.catalog()
        let planner = planner(catalog)
        let (columns, rows) = try planner.mappingViewPositions { () throws -> ([PlanColumn], [[Value]]) in
            switch show.kind {
            case .tables(let schema):
                return (
                    [PlanColumn(name: "name", type: .varchar)],
                    try Self.tableNames(catalog, schema: schema).map { [.string($0)] }
                )
            case .allTables:
                return (QueryPlanner.allTablesColumns, planner.allTables())
            case .describe(let name, let schema):
                return (QueryPlanner.describeColumns, try planner.describe(name: name, schema: schema))
            case .describeQuery(let query):
                return (QueryPlanner.describeColumns, try planner.describe(query))
            case .setting(let name, _):
                guard catalog.table(named: name.name) != nil || catalog.view(named: name.name) != nil else {
                    let hint = closestMatch(to: name.name, in: Setting.names + catalog.relationNames).map {
                        "did you mean \($0)?"
                    }
                    throw SQLError(
                        "\"\(name.name)\" is neither a setting nor a table or view", at: name.position,
                        hint: hint
                            ?? "SHOW TABLES lists the tables and views; the settings are threads, memory_limit and TimeZone"
                    )
                }
                return (QueryPlanner.describeColumns, try planner.describe(name: name, schema: nil))
            }
        }
        let vectors = columns.indices.map { index in Vector(type: columns[index].type, values: rows.map { $0[index] }) }
        try sink.start(columns)
        if !rows.isEmpty { _ = try sink.write(Chunk(columns: vectors, count: rows.count)) }
        try sink.finish()
    }

    /// `SHOW TABLES [FROM schema]`: the tables and views (of `main`), or a system schema's tables,
    /// sorted by name.
    static func tableNames(_ catalog: Catalog, schema: Identifier?) throws(SQLError) -> [String] {
        switch schema?.name ?? "main" {
        case "main": return catalog.relationNames.sorted()
        case "starling": return QueryPlanner.systemTableNames.sorted()
        case "information_schema": return QueryPlanner.informationSchemaNames
        default:
            let name = schema?.name ?? ""
            throw SQLError(
                "unknown schema \"\(name)\"", at: schema?.position ?? SourcePosition(0),
                hint: closestMatch(to: name, in: ["main", "starling", "information_schema"]).map {
                    "did you mean \($0)?"
                })
        }
    }
}
