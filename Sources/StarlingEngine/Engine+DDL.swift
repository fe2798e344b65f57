/// CREATE TABLE, DROP TABLE and ALTER TABLE … ADD COLUMN.

import StarlingColumns
import StarlingSQL
import StarlingStorage

extension Engine {
    func createTable(_ create: CreateTable) throws -> StatementOutcome {
        let transaction = try begin()
        defer { transaction.abandon() }
        if transaction.catalog.hasRelation(named: create.name.name) {
            if create.ifNotExists { return StatementOutcome(tag: "CREATE TABLE", snapshot: nil) }
            throw Self.nameTaken(create.name, in: transaction.catalog)
        }
        let table = try Self.defineTable(create, in: transaction)
        let committed = try transaction.commit(operation: "create table", table: table.name)
        return StatementOutcome(tag: "CREATE TABLE", snapshot: committed.snapshot)
    }

    /// Fails for a column whose type no table can hold: INTERVAL, which the segment format has
    /// not (docs/queries.md).
    static func checkStorable(_ column: ColumnDefinition) throws(SQLError) {
        guard !column.type.isStorable else { return }
        throw SQLError(
            "column \"\(column.name.name)\" cannot be an \(column.type): tables do not store intervals (the segment "
                + "format has no INTERVAL type)", at: column.typePosition,
            hint: "store a number instead, such as the seconds epoch(x) gives, as BIGINT or DOUBLE")
    }

    /// The error for a CREATE TABLE whose name a table or a view already has.
    static func nameTaken(_ name: Identifier, in catalog: Catalog) -> SQLError {
        guard catalog.view(named: name.name) != nil else {
            return SQLError("table \"\(name.name)\" already exists", at: name.position)
        }
        return SQLError(
            "cannot create table \"\(name.name)\": a view of that name exists", at: name.position,
            hint: "tables and views share one set of names: choose another name, or DROP VIEW \(name.name) first")
    }

    /// Checks a CREATE TABLE and adds the table to the transaction's catalog (not committed).
    static func defineTable(_ create: CreateTable, in transaction: WriteTransaction) throws -> CatalogTable {
        let catalog = transaction.catalog
        // Columns: unique names.
        var seen = Set<String>()
        for column in create.columns {
            guard seen.insert(column.name.name).inserted else {
                throw SQLError("column \"\(column.name.name)\" is defined twice", at: column.name.position)
            }
        }
        guard !create.columns.isEmpty else { throw SQLError("a table needs at least one column", at: create.name.position) }
        // Primary key: one column-level PRIMARY KEY, or the table-level list, not both.
        let columnKeys = create.columns.filter(\.primaryKey)
        var primaryKey: [String] = columnKeys.map(\.name.name)
        if columnKeys.count > 1 {
            throw SQLError("more than one column is marked PRIMARY KEY", at: columnKeys[1].name.position, hint: "use PRIMARY KEY (a, b) for a composite key")
        }
        if let tableKey = create.primaryKey {
            guard columnKeys.isEmpty else {
                throw SQLError("PRIMARY KEY is given both on a column and for the table", at: create.primaryKeyPosition ?? create.position)
            }
            var keySeen = Set<String>()
            for name in tableKey {
                guard seen.contains(name.name) else {
                    throw SQLError("PRIMARY KEY names column \"\(name.name)\", which is not defined", at: name.position)
                }
                guard keySeen.insert(name.name).inserted else {
                    throw SQLError("PRIMARY KEY names column \"\(name.name)\" twice", at: name.position)
                }
            }
            primaryKey = tableKey.map(\.name)
        }
        // References: to an existing, referenceable table's primary key, of the same type.
        var columns: [CatalogColumn] = []
        for (index, column) in create.columns.enumerated() {
            try Self.checkStorable(column)
            var reference: ColumnReference?
            if let clause = column.references {
                reference = try Self.resolveReference(clause, from: create.name.name, column: column, catalog: catalog)
            }
            columns.append(CatalogColumn(identifier: index + 1, name: column.name.name, type: column.type, notNull: column.notNull || column.primaryKey, references: reference))
        }
        for name in primaryKey + [create.partitionBy?.column.name].compactMap({ $0 }) {
            if let index = columns.firstIndex(where: { $0.name == name }) { columns[index].notNull = true }
        }
        // Partitioning: by a DATE column.
        var partitioning: Partitioning?
        if let clause = create.partitionBy {
            guard let column = create.columns.first(where: { $0.name.name == clause.column.name }) else {
                throw SQLError("PARTITION BY names column \"\(clause.column.name)\", which is not defined", at: clause.column.position,
                               hint: closestMatch(to: clause.column.name, in: create.columns.map(\.name.name)).map { "did you mean \($0)?" })
            }
            guard column.type == .date else {
                throw SQLError("cannot partition by \(column.name.name): it is \(column.type), and PARTITION BY needs a DATE column", at: clause.column.position)
            }
            partitioning = Partitioning(granularity: PartitionGranularity(rawValue: clause.granularity.rawValue) ?? .month, column: column.name.name)
        }
        // Options.
        var options: [String: String] = [:]
        for option in create.options {
            let name = option.name.name.lowercased()
            if let problem = TableOptions.validate(name: name, value: option.value) {
                let hint = TableOptions.known[name] == nil ? closestMatch(to: name, in: Array(TableOptions.known.keys)).map { "did you mean \($0)?" } : nil
                throw SQLError(problem, at: TableOptions.known[name] == nil ? option.name.position : option.valuePosition, hint: hint)
            }
            guard options[name] == nil else {
                throw SQLError("option \(name) is given twice", at: option.name.position)
            }
            // Enumerated values are stored in lower case; names of columns keep theirs.
            options[name] = ["compression", "kind", "unknown_key"].contains(name) ? option.value.lowercased() : option.value
        }
        if let tracked = options["scd_tracked_columns"] {
            for name in TableOptions.columnNames(tracked) where !seen.contains(name) {
                throw SQLError("scd_tracked_columns names column \"\(name)\", which is not defined", at: create.options.first { $0.name.name.lowercased() == "scd_tracked_columns" }?.valuePosition ?? create.position)
            }
        }
        if let sortKey = options["sort_key"] {
            let position = create.options.first { $0.name.name.lowercased() == "sort_key" }?.valuePosition ?? create.position
            if primaryKey.count == 1, partitioning == nil {
                throw SQLError("sort_key cannot be set on a table that can be a dimension (one-column primary key, no partitioning): a dimension's rows keep their order, which gives the row codes facts refer to", at: position)
            }
            let names = TableOptions.columnNames(sortKey)
            if names.isEmpty {
                throw SQLError("sort_key needs at least one column name", at: position)
            }
            for name in names where !seen.contains(name) {
                throw SQLError("sort_key names column \"\(name)\", which is not defined", at: position)
            }
        }
        try Self.validateSlowlyChanging(create, columns: columns, primaryKey: primaryKey, options: &options)
        let table = CatalogTable(
            identifier: catalog.nextTableIdentifier, name: create.name.name, columns: columns, primaryKey: primaryKey,
            partitioning: partitioning, options: options, createdSnapshot: transaction.snapshot)
        transaction.catalog.tables.append(table)
        transaction.catalog.nextTableIdentifier += 1
        return table
    }

    func dropTable(_ drop: DropTable) throws -> StatementOutcome {
        let transaction = try begin()
        defer { transaction.abandon() }
        if transaction.catalog.view(named: drop.name.name) != nil {
            throw SQLError(
                "\"\(drop.name.name)\" is a view, not a table", at: drop.name.position,
                hint: "use DROP VIEW \(drop.name.name)")
        }
        guard let index = transaction.catalog.tables.firstIndex(where: { $0.name == drop.name.name }) else {
            if drop.ifExists { return StatementOutcome(tag: "DROP TABLE", snapshot: nil) }
            throw Self.unknownTable(drop.name, in: transaction.catalog)
        }
        let referencing = transaction.catalog.referencingTables(drop.name.name)
        guard referencing.isEmpty else {
            throw SQLError("cannot drop \(drop.name.name): \(referencing.map(\.name).joined(separator: ", ")) references it", at: drop.name.position,
                           hint: "drop the referencing tables first")
        }
        transaction.catalog.tables.remove(at: index)
        let committed = try transaction.commit(operation: "drop table", table: drop.name.name)
        return StatementOutcome(tag: "DROP TABLE", snapshot: committed.snapshot)
    }

    func addColumn(_ alter: AlterTableAddColumn) throws -> StatementOutcome {
        let transaction = try begin()
        defer { transaction.abandon() }
        guard let index = transaction.catalog.tables.firstIndex(where: { $0.name == alter.table.name }) else {
            throw Self.unknownTable(alter.table, in: transaction.catalog)
        }
        var table = transaction.catalog.tables[index]
        let definition = alter.column
        guard table.column(named: definition.name.name) == nil else {
            throw SQLError("column \"\(definition.name.name)\" already exists in \(table.name)", at: definition.name.position)
        }
        guard !definition.primaryKey else {
            throw SQLError("ADD COLUMN cannot add a PRIMARY KEY", at: definition.name.position)
        }
        try Self.checkStorable(definition)
        guard !(definition.notNull && table.rowCount > 0) else {
            throw SQLError("cannot add NOT NULL column \(definition.name.name): \(table.name) has rows, which would read it as NULL", at: definition.name.position)
        }
        var reference: ColumnReference?
        if let clause = definition.references {
            reference = try Self.resolveReference(clause, from: table.name, column: definition, catalog: transaction.catalog)
        }
        table.columns.append(CatalogColumn(identifier: table.nextColumnIdentifier, name: definition.name.name, type: definition.type, notNull: definition.notNull, references: reference))
        table.nextColumnIdentifier += 1
        transaction.catalog.tables[index] = table
        let committed = try transaction.commit(operation: "alter table", table: table.name, detail: "add column \(definition.name.name) \(definition.type)")
        return StatementOutcome(tag: "ALTER TABLE", snapshot: committed.snapshot)
    }
}

extension Engine {
    /// Checks the slowly-changing-dimension options against the table's columns.
    static func validateSlowlyChanging(_ create: CreateTable, columns: [CatalogColumn], primaryKey: [String], options: inout [String: String]) throws(SQLError) {
        func position(_ name: String) -> SourcePosition {
            create.options.first { $0.name.name.lowercased() == name }?.valuePosition ?? create.position
        }
        if options["scd_type"] == "2" {
            guard primaryKey.count == 1, create.partitionBy == nil else {
                throw SQLError("scd_type = 2 needs a one-column PRIMARY KEY (the natural key) and no PARTITION BY", at: position("scd_type"))
            }
            let required: [(String, LogicalType)] = [("valid_from", .date), ("valid_to", .date), ("is_current", .boolean)]
            for (name, type) in required where columns.first(where: { $0.name == name })?.type != type {
                throw SQLError("scd_type = 2 needs a column \(name) \(type)", at: position("scd_type"),
                               hint: "add valid_from DATE, valid_to DATE, is_current BOOLEAN")
            }
        }
        if let dateColumn = options["scd_fact_date_column"] {
            guard let column = columns.first(where: { $0.name.lowercased() == dateColumn.lowercased() }), column.type == .date else {
                throw SQLError("scd_fact_date_column must name a DATE column of this table", at: position("scd_fact_date_column"))
            }
            options["scd_fact_date_column"] = column.name
        }
    }

    /// Checks a `REFERENCES` clause: an existing, other, unpartitioned table, its single-column
    /// primary key, of the same type as the referencing column.
    static func resolveReference(_ clause: ReferencesClause, from tableName: String, column: ColumnDefinition, catalog: Catalog) throws(SQLError) -> ColumnReference {
        guard clause.table.name != tableName else {
            throw SQLError("a table cannot reference itself", at: clause.table.position)
        }
        guard let target = catalog.table(named: clause.table.name) else {
            throw unknownTable(clause.table, in: catalog)
        }
        guard target.primaryKey.count == 1, let key = target.primaryKey.first, let keyColumn = target.column(named: key) else {
            throw SQLError("table \(target.name) cannot be referenced: it has no single-column PRIMARY KEY", at: clause.table.position,
                           hint: "declare its key column PRIMARY KEY")
        }
        if let named = clause.column, named.name != key {
            if target.column(named: named.name) == nil { throw unknownColumn(named, in: target) }
            throw SQLError("column \(named.name) of \(target.name) is not its primary key (\(key))", at: named.position)
        }
        guard target.partitioning == nil else {
            throw SQLError("table \(target.name) is partitioned, so it cannot be a dimension", at: clause.table.position)
        }
        guard keyColumn.type != .double else {
            throw SQLError("\(target.name).\(key) is DOUBLE, and floating-point keys cannot be referenced", at: clause.table.position,
                           hint: "key the dimension by an INTEGER, BIGINT, DECIMAL, DATE or VARCHAR column")
        }
        guard keyColumn.type == column.type else {
            throw SQLError("column \(column.name.name) is \(column.type) but \(target.name).\(key) is \(keyColumn.type)", at: column.typePosition,
                           hint: "declare it \(keyColumn.type)")
        }
        return ColumnReference(table: target.name, column: key)
    }
}
