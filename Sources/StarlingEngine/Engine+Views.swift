/// CREATE VIEW and DROP VIEW: views as catalog entries, each change one commit.

import StarlingColumns
import StarlingSQL
import StarlingStorage

extension Engine {
    /// `CREATE [OR REPLACE] VIEW [IF NOT EXISTS] name [(columns)] AS query`: the query is bound
    /// against the catalog as it will be with the view in it (so a view that would reach itself
    /// through others is refused), and the view is committed with its text and columns.
    func createView(_ create: CreateView) throws -> StatementOutcome {
        let transaction = try begin()
        defer { transaction.abandon() }
        let name = create.name.name
        if transaction.catalog.table(named: name) != nil {
            if create.ifNotExists { return StatementOutcome(tag: "CREATE VIEW", snapshot: nil) }
            throw SQLError(
                "cannot create view \"\(name)\": a table of that name exists", at: create.name.position,
                hint: "tables and views share one set of names: choose another name, or DROP TABLE \(name) first")
        }
        let existing = transaction.catalog.view(named: name)
        if existing != nil && !create.orReplace {
            if create.ifNotExists { return StatementOutcome(tag: "CREATE VIEW", snapshot: nil) }
            throw SQLError(
                "view \"\(name)\" already exists", at: create.name.position,
                hint: "CREATE OR REPLACE VIEW \(name) … replaces it")
        }
        if let columnNames = create.columnNames {
            var seen = Set<String>()
            for column in columnNames where !seen.insert(column.name).inserted {
                throw SQLError("column \"\(column.name)\" is named twice", at: column.position)
            }
        }
        // Bound against the catalog that holds it, as if it were being used: a view it reads
        // that leads back to it is a cycle.
        var view = CatalogView(
            name: name, sql: create.text, columnNames: create.columnNames?.map(\.name),
            columns: [CatalogViewColumn(name: "?", type: .integer)], createdSnapshot: transaction.snapshot)
        var candidate = transaction.catalog
        candidate.setView(view)
        let planner = planner(candidate)
        planner.viewsBeingPlanned = [name]
        let (plan, names) = try planner.mappingViewPositions {
            try planner.planViewQuery(
                create.query, name: name, columnNames: view.columnNames,
                at: create.columnNames?.first?.position ?? create.name.position)
        }
        if let index = plan.columns.firstIndex(where: { !$0.type.isStorable }), index < names.count {
            // The catalog records a view's column types, and has no INTERVAL.
            throw SQLError(
                "view column \"\(names[index])\" is an \(plan.columns[index].type), which a view cannot hold: the "
                    + "catalog records each view column's type, and has no INTERVAL type", at: create.query.position,
                hint: "give the view a number instead, such as the seconds epoch(x) gives, or CAST(x AS VARCHAR)")
        }
        view.columns = zip(names, plan.columns).map { CatalogViewColumn(name: $0, type: $1.type) }
        transaction.catalog.setView(view)
        let committed = try transaction.commit(
            operation: existing == nil ? "create view" : "replace view", table: name)
        return StatementOutcome(tag: "CREATE VIEW", snapshot: committed.snapshot)
    }

    /// `DROP VIEW [IF EXISTS] name`. Views that use it are left as they are (as in DuckDB): using
    /// them is an error until a view of that name exists again.
    func dropView(_ drop: DropView) throws -> StatementOutcome {
        let transaction = try begin()
        defer { transaction.abandon() }
        let name = drop.name.name
        if transaction.catalog.table(named: name) != nil {
            throw SQLError(
                "\"\(name)\" is a table, not a view", at: drop.name.position, hint: "use DROP TABLE \(name)")
        }
        guard transaction.catalog.view(named: name) != nil else {
            if drop.ifExists { return StatementOutcome(tag: "DROP VIEW", snapshot: nil) }
            let hint = closestMatch(to: name, in: transaction.catalog.allViews.map(\.name)).map {
                "did you mean \($0)?"
            }
            throw SQLError("view \"\(name)\" does not exist", at: drop.name.position, hint: hint)
        }
        transaction.catalog.removeView(named: name)
        let committed = try transaction.commit(operation: "drop view", table: name)
        return StatementOutcome(tag: "DROP VIEW", snapshot: committed.snapshot)
    }
}
