/// The SQL-standard catalog views `information_schema.tables`, `columns`, `views` and
/// `schemata`, with the columns (names, types, order) DuckDB gives them.

import StarlingColumns
import StarlingExecution
import StarlingSQL
import StarlingStorage

extension QueryPlanner {
    static let informationSchemaNames = ["columns", "schemata", "tables", "views"]

    /// The warehouse as a database (`table_catalog`, `current_database()`): the engine's
    /// ``Engine/databaseName``, else its directory's last name.
    var databaseName: String {
        settings.databaseName ?? warehouse.directory.split(separator: "/").last.map(String.init) ?? "warehouse"
    }

    /// A system table's plan: rows known while planning.
    static func rowsOperator(_ columns: [PlanColumn], _ rows: [[Value]]) -> LogicalOperator {
        let vectors = columns.indices.map { index in Vector(type: columns[index].type, values: rows.map { $0[index] }) }
        return LogicalOperator(
            .values([Chunk(columns: vectors, count: rows.count)]), columns: columns, estimatedRows: max(rows.count, 1))
    }

    /// The columns of `view` as its text binds now; the columns recorded when it was created when
    /// it does not bind (a table it reads was dropped), or when a view is being planned (a view
    /// over a system table that lists views: binding every view again in each would take time
    /// exponential in their number).
    func currentColumns(of view: CatalogView) -> [CatalogViewColumn] {
        guard viewsBeingPlanned.isEmpty else { return view.columns }
        do {
            let (plan, names) = try planView(view, reference: Identifier(view.name, at: SourcePosition(0)))
            return zip(names, plan.columns).map { CatalogViewColumn(name: $0, type: $1.type) }
        } catch {
            viewCycle = nil
            return view.columns
        }
    }

    /// `information_schema.NAME` at the planner's snapshot.
    func informationSchemaTable(_ name: Identifier) throws(SQLError) -> LogicalOperator {
        let database = Value.string(databaseName)
        let main = Value.string("main")
        func text(_ value: String) -> Value { .string(value) }
        switch name.name {
        case "tables":
            let names = [
                "table_catalog", "table_schema", "table_name", "table_type", "self_referencing_column_name",
                "reference_generation", "user_defined_type_catalog", "user_defined_type_schema",
                "user_defined_type_name",
                "is_insertable_into", "is_typed", "commit_action", "TABLE_COMMENT",
            ]
            var rows: [[Value]] = []
            for table in catalog.tables {
                rows.append(
                    [database, main, text(table.name), text("BASE TABLE")] + nulls(5) + [
                        text("YES"), text("NO"), .null, .null,
                    ])
            }
            for view in catalog.allViews {
                rows.append(
                    [database, main, text(view.name), text("VIEW")] + nulls(5) + [text("NO"), text("NO"), .null, .null])
            }
            return Self.rowsOperator(names.map { PlanColumn(name: $0, type: .varchar) }, rows)
        case "columns":
            var rows: [[Value]] = []
            for table in catalog.tables {
                for (index, column) in table.columns.enumerated() {
                    rows.append(
                        columnRow(database, table.name, column.name, index + 1, column.type, nullable: !column.notNull))
                }
            }
            for view in catalog.allViews {
                for (index, column) in currentColumns(of: view).enumerated() {
                    rows.append(columnRow(database, view.name, column.name, index + 1, column.type, nullable: true))
                }
            }
            return Self.rowsOperator(Self.informationSchemaColumns, rows)
        case "views":
            let names = [
                "table_catalog", "table_schema", "table_name", "view_definition", "check_option", "is_updatable",
                "is_insertable_into", "is_trigger_updatable", "is_trigger_deletable", "is_trigger_insertable_into",
            ]
            let rows = catalog.allViews.map { view in
                [database, main, text(view.name), text(view.createStatement), text("NONE")]
                    + Array(repeating: text("NO"), count: 5)
            }
            return Self.rowsOperator(names.map { PlanColumn(name: $0, type: .varchar) }, rows)
        case "schemata":
            let names = [
                "catalog_name", "schema_name", "schema_owner", "default_character_set_catalog",
                "default_character_set_schema", "default_character_set_name", "sql_path",
            ]
            let rows = ["main", "information_schema", "starling"].map { schema in
                [database, text(schema), text("starling")] + nulls(4)
            }
            return Self.rowsOperator(names.map { PlanColumn(name: $0, type: .varchar) }, rows)
        default:
            let hint = closestMatch(to: name.name, in: Self.informationSchemaNames).map {
                "did you mean information_schema.\($0)?"
            }
            throw SQLError("information_schema.\(name.name) does not exist", at: name.position, hint: hint)
        }
    }

    private func nulls(_ count: Int) -> [Value] { Array(repeating: .null, count: count) }

    /// The columns of `information_schema.columns`, as DuckDB has them: the first thirteen are
    /// filled in, the rest (domains, collations, identity, …) are NULL but for `is_generated`.
    static let informationSchemaColumns: [PlanColumn] = {
        let integer: Set<String> = [
            "ordinal_position", "character_maximum_length", "character_octet_length", "numeric_precision",
            "numeric_precision_radix", "numeric_scale", "datetime_precision", "interval_precision",
        ]
        let boolean: Set<String> = ["is_self_referencing", "is_identity", "identity_cycle", "is_updatable"]
        let names = [
            "table_catalog", "table_schema", "table_name", "column_name", "ordinal_position", "column_default",
            "is_nullable", "data_type", "character_maximum_length", "character_octet_length", "numeric_precision",
            "numeric_precision_radix", "numeric_scale", "datetime_precision", "interval_type", "interval_precision",
            "character_set_catalog", "character_set_schema", "character_set_name", "collation_catalog",
            "collation_schema", "collation_name", "domain_catalog", "domain_schema", "domain_name", "udt_catalog",
            "udt_schema", "udt_name", "scope_catalog", "scope_schema", "scope_name", "maximum_cardinality",
            "dtd_identifier", "is_self_referencing", "is_identity", "identity_generation", "identity_start",
            "identity_increment", "identity_maximum", "identity_minimum", "identity_cycle", "is_generated",
            "generation_expression", "is_updatable", "COLUMN_COMMENT",
        ]
        return names.map { name in
            let type: LogicalType =
                integer.contains(name)
                ? .integer
                : boolean.contains(name) ? .boolean : name == "maximum_cardinality" ? .bigint : .varchar
            return PlanColumn(name: name, type: type)
        }
    }()

    /// One row of `information_schema.columns`.
    private func columnRow(
        _ database: Value, _ table: String, _ column: String, _ ordinal: Int, _ type: LogicalType, nullable: Bool
    ) -> [Value] {
        let (precision, radix, scale) = Self.numericPrecision(type)
        func number(_ value: Int?) -> Value { value.map { .integer(Int64($0)) } ?? .null }
        var row: [Value] = [
            database, .string("main"), .string(table), .string(column), .integer(Int64(ordinal)), .null,
            .string(nullable ? "YES" : "NO"), .string(type.description), .null, .null, number(precision), number(radix),
            number(scale),
        ]
        row += nulls(Self.informationSchemaColumns.count - row.count)
        if let generated = Self.informationSchemaColumns.firstIndex(where: { $0.name == "is_generated" }) {
            row[generated] = .string("NEVER")
        }
        return row
    }

    /// `numeric_precision`, `numeric_precision_radix` and `numeric_scale` of a type: bits and
    /// radix 2 for integers and DOUBLE, digits and radix 10 for DECIMAL; none for the others.
    static func numericPrecision(_ type: LogicalType) -> (Int?, Int?, Int?) {
        switch type {
        case .tinyint: return (8, 2, 0)
        case .smallint: return (16, 2, 0)
        case .integer: return (32, 2, 0)
        case .bigint: return (64, 2, 0)
        case .double: return (53, 2, 0)
        case .decimal(let precision, let scale): return (precision, 10, scale)
        case .boolean, .date, .timestamp, .varchar, .interval: return (nil, nil, nil)
        }
    }
}
