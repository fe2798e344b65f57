/// DESCRIBE and SHOW ALL TABLES: the columns of a table, view, system table or query, with the
/// NOT NULL and key of the table column an output column passes on unchanged, as DuckDB shows them.

import StarlingColumns
import StarlingExecution
import StarlingSQL
import StarlingStorage

extension QueryPlanner {
    /// DESCRIBE's columns, as DuckDB names them.
    static let describeColumns = ["column_name", "column_type", "null", "key", "default", "extra"].map {
        PlanColumn(name: $0, type: .varchar)
    }

    /// `DESCRIBE query`: one row per output column.
    func describe(_ query: Query) throws(SQLError) -> [[Value]] {
        let planned = try plan(query)
        return planned.columns.indices.map { describeRow(planned.columns[$0], origin: origin(of: $0, in: planned)) }
    }

    /// `DESCRIBE [schema.]name`: the columns of a table, view or system table, as `SELECT *`
    /// from it returns them.
    func describe(name: Identifier, schema: Identifier?) throws(SQLError) -> [[Value]] {
        var from = FromClause()
        try addReference(.table(name: name, schema: schema, alias: nil), to: &from)
        let joined = graph(from)
        return from.scope.entries.indices.compactMap { index in
            from.scope.entries[index].hidden
                ? nil : describeRow(joined.columns[index], origin: origin(of: index, in: joined))
        }
    }

    private func describeRow(_ column: PlanColumn, origin: (table: CatalogTable, column: CatalogColumn)?) -> [Value] {
        let notNull = origin?.column.notNull ?? false
        let key = origin.map { $0.table.primaryKey.contains($0.column.name) } ?? false
        return [
            .string(column.name), .string(column.type.description), .string(notNull ? "NO" : "YES"),
            key ? .string("PRI") : .null, .null, .null,
        ]
    }

    /// The table column that output `column` of `plan` passes on unchanged — through
    /// projections of the bare column, filters, sorts, limits, DISTINCT, window functions,
    /// joins, subqueries and views — or nil (an expression, an aggregate, a set operation).
    func origin(of column: Int, in plan: LogicalOperator) -> (table: CatalogTable, column: CatalogColumn)? {
        switch plan.kind {
        case .projection(let input, let expressions):
            guard column < expressions.count, case .column(let index, _) = expressions[column] else { return nil }
            return origin(of: index, in: input)
        case .filter(let input, _), .order(let input, _), .limit(let input, _, _), .topN(let input, _, _),
            .distinct(let input):
            return origin(of: column, in: input)
        case .window(let input, _):
            return column < input.columns.count ? origin(of: column, in: input) : nil
        case .joinGraph(let graph):
            guard let leaf = graph.from.leaves.first(where: { $0.range.contains(column) }) else { return nil }
            switch leaf.source {
            case .table(let table):
                let index = column - leaf.offset
                return index < table.columns.count ? (table, table.columns[index]) : nil
            case .plan(let input):
                return origin(of: column - leaf.offset, in: input)
            }
        case .join(let join):
            let leftCount = join.left.columns.count
            if column < leftCount { return origin(of: column, in: join.left) }
            return column - leftCount < join.right.columns.count ? origin(of: column - leftCount, in: join.right) : nil
        case .values, .series, .parquetScan, .aggregate, .groupingSets, .setOperation:
            return nil
        }
    }

    /// `SHOW ALL TABLES`: every table and view with its columns' names and types. Starling has no
    /// list type, so the lists are text in DuckDB's list syntax, `[a, b]`.
    func allTables() -> [[Value]] {
        var entries: [(name: String, columns: [(String, LogicalType)])] = catalog.tables.map { table in
            (table.name, table.columns.map { ($0.name, $0.type) })
        }
        entries += catalog.allViews.map { view in (view.name, currentColumns(of: view).map { ($0.name, $0.type) }) }
        return entries.sorted { $0.name < $1.name }.map { entry in
            [
                .string(databaseName), .string("main"), .string(entry.name),
                .string(Self.listText(entry.columns.map(\.0))),
                .string(Self.listText(entry.columns.map(\.1.description))),
                .boolean(false),
            ]
        }
    }

    /// A list of names as DuckDB casts a `VARCHAR[]` to text: `[a, 'DECIMAL(12,2)']`, an item in
    /// quotes (its own quotes escaped with `\`) when it is empty, starts or ends with a space, or
    /// holds one of `,'"()[]{}:\`.
    static func listText(_ items: [String]) -> String {
        let special: Set<Character> = [",", "'", "\"", "(", ")", "[", "]", "{", "}", ":", "\\"]
        let quoted = items.map { item -> String in
            guard item.isEmpty || item.first == " " || item.last == " " || item.contains(where: special.contains) else {
                return item
            }
            var escaped = ""
            for character in item {
                if character == "\\" || character == "'" { escaped.append("\\") }
                escaped.append(character)
            }
            return "'" + escaped + "'"
        }
        return "[" + quoted.joined(separator: ", ") + "]"
    }

    /// `SHOW ALL TABLES`' columns.
    static let allTablesColumns = [
        PlanColumn(name: "database", type: .varchar), PlanColumn(name: "schema", type: .varchar),
        PlanColumn(name: "name", type: .varchar), PlanColumn(name: "column_names", type: .varchar),
        PlanColumn(name: "column_types", type: .varchar), PlanColumn(name: "temporary", type: .boolean),
    ]
}
