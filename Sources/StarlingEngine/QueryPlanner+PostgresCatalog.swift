/// `pg_catalog`'s tables at the planner's snapshot, built from the catalog as
/// `information_schema` is: schemas, relations (tables, views, primary-key indexes and
/// `pg_catalog`'s own tables), their columns, types, keys, the database and the settings.
///
/// OIDs are stable within a snapshot: a table's is `16384 + its identifier` (unique in the
/// warehouse's history), a view's `1000000000 + its position`, a primary key index's and
/// constraint's derived from the table's identifier; `pg_catalog`'s tables and the types keep
/// PostgreSQL's. Types agree with the wire server's RowDescriptions (``PostgresTypeCatalog``).

import StarlingColumns
import StarlingExecution
import StarlingSQL
import StarlingStorage

/// A relation as `pg_class` lists it.
struct PostgresRelation {
    var oid: Int64
    var name: String
    var namespace: Int64
    /// `relkind`: `r` table, `v` view, `i` index.
    var kind: String
    var columns: [(name: String, type: LogicalType, notNull: Bool)]
    var rows: Double
    var hasIndex: Bool
}

/// A key as `pg_constraint` lists it: a primary key (`p`) or a foreign key (`f`).
struct PostgresConstraint {
    var oid: Int64
    var name: String
    var kind: String
    var relation: Int64
    var index: Int64
    var keys: [Int]
    var referenced: Int64
    var referencedKeys: [Int]
    /// `pg_get_constraintdef`'s text: `PRIMARY KEY (a)`, `FOREIGN KEY (b) REFERENCES t(a)`.
    var definition: String
}

extension QueryPlanner {
    /// A table's OID: `16384 + identifier`.
    static func postgresOID(of table: CatalogTable) -> Int64 {
        PostgresCatalogSchema.tableBase + Int64(clamping: min(max(table.identifier, 0), 100_000_000))
    }

    /// The OID of the primary-key index of a table.
    static func postgresIndexOID(of table: CatalogTable) -> Int64 {
        PostgresCatalogSchema.indexBase + Int64(clamping: min(max(table.identifier, 0), 100_000_000))
    }

    /// Every relation `pg_class` lists: user tables, views, primary-key indexes, then
    /// `pg_catalog`'s own tables.
    func postgresRelations() -> [PostgresRelation] {
        var relations: [PostgresRelation] = []
        let main = PostgresCatalogSchema.mainNamespace
        for table in catalog.tables {
            relations.append(
                PostgresRelation(
                    oid: Self.postgresOID(of: table), name: table.name, namespace: main, kind: "r",
                    columns: table.columns.map { ($0.name, $0.type, $0.notNull || table.primaryKey.contains($0.name)) },
                    rows: Double(table.rowCount), hasIndex: !table.primaryKey.isEmpty))
        }
        for (position, view) in catalog.allViews.enumerated() {
            relations.append(
                PostgresRelation(
                    oid: PostgresCatalogSchema.viewBase + Int64(position), name: view.name, namespace: main, kind: "v",
                    columns: currentColumns(of: view).map { ($0.name, $0.type, false) }, rows: 0, hasIndex: false))
        }
        for table in catalog.tables where !table.primaryKey.isEmpty {
            let keyColumns = table.primaryKey.compactMap { name in table.columns.first { $0.name == name } }
            relations.append(
                PostgresRelation(
                    oid: Self.postgresIndexOID(of: table), name: table.name + "_pkey", namespace: main, kind: "i",
                    columns: keyColumns.map { ($0.name, $0.type, true) }, rows: Double(table.rowCount),
                    hasIndex: false))
        }
        let views: Set<String> = ["pg_roles", "pg_settings", "pg_tables", "pg_views"]
        for table in PostgresCatalogSchema.tables {
            relations.append(
                PostgresRelation(
                    oid: table.oid, name: table.name, namespace: PostgresCatalogSchema.pgCatalogNamespace,
                    kind: views.contains(table.name) ? "v" : "r",
                    columns: table.columns.map { ($0.name, $0.type, false) },
                    rows: 0, hasIndex: false))
        }
        return relations
    }

    /// The primary and foreign keys of the user tables.
    func postgresConstraints() -> [PostgresConstraint] {
        var constraints: [PostgresConstraint] = []
        func quoted(_ name: String) -> String { CatalogView.quoted(name) }
        for table in catalog.tables where !table.primaryKey.isEmpty {
            let keys = table.primaryKey.compactMap { name in table.columns.firstIndex { $0.name == name }.map { $0 + 1 }
            }
            constraints.append(
                PostgresConstraint(
                    oid: Self.postgresIndexOID(of: table) + 100_000_000, name: table.name + "_pkey", kind: "p",
                    relation: Self.postgresOID(of: table), index: Self.postgresIndexOID(of: table), keys: keys,
                    referenced: 0, referencedKeys: [],
                    definition: "PRIMARY KEY (" + table.primaryKey.map(quoted).joined(separator: ", ") + ")"))
        }
        var next: Int64 = 1_800_000_000
        for table in catalog.tables {
            for (position, column) in table.columns.enumerated() {
                guard let reference = column.references, let target = catalog.table(named: reference.table) else {
                    continue
                }
                let targetKey = target.columns.firstIndex { $0.name == reference.column }.map { $0 + 1 }
                constraints.append(
                    PostgresConstraint(
                        oid: next, name: "\(table.name)_\(column.name)_fkey", kind: "f",
                        relation: Self.postgresOID(of: table),
                        index: target.primaryKey.isEmpty ? 0 : Self.postgresIndexOID(of: target), keys: [position + 1],
                        referenced: Self.postgresOID(of: target), referencedKeys: targetKey.map { [$0] } ?? [],
                        definition: "FOREIGN KEY (\(quoted(column.name))) REFERENCES "
                            + "\(quoted(target.name))(\(quoted(reference.column)))"))
                next += 1
            }
        }
        return constraints
    }

    /// `pg_catalog.NAME` at the planner's snapshot.
    func postgresCatalogTable(_ name: Identifier) throws(SQLError) -> LogicalOperator {
        guard let table = PostgresCatalogSchema.table(named: name.name) else {
            let hint = closestMatch(to: name.name, in: PostgresCatalogSchema.tables.map(\.name)).map {
                "did you mean pg_catalog.\($0)?"
            }
            throw SQLError("pg_catalog.\(name.name) does not exist", at: name.position, hint: hint)
        }
        let rows = postgresCatalogRows(table.name).map { values in
            table.columns.map { column in values[column.name] ?? Self.postgresDefault(column.type) }
        }
        return Self.rowsOperator(table.columns, rows)
    }

    /// A column PostgreSQL fills with a zero, false or NULL that Starling has nothing for.
    static func postgresDefault(_ type: LogicalType) -> Value {
        switch type {
        case .boolean: return .boolean(false)
        case .smallint, .integer, .bigint: return .integer(0)
        case .double: return .double(0)
        default: return .null
        }
    }

    /// The rows of a `pg_catalog` table, each as its non-default columns by name.
    func postgresCatalogRows(_ name: String) -> [[String: Value]] {
        func text(_ value: String) -> Value { .string(value) }
        func oid(_ value: Int64) -> Value { .integer(value) }
        func array(_ values: [Int]) -> Value { .string("{" + values.map(String.init).joined(separator: ",") + "}") }
        let owner = oid(PostgresCatalogSchema.ownerOID)
        switch name {
        case "pg_am":
            return [
                [
                    "oid": oid(2), "amname": text("heap"), "amhandler": text("heap_tableam_handler"),
                    "amtype": text("t"),
                ],
                ["oid": oid(403), "amname": text("btree"), "amhandler": text("bthandler"), "amtype": text("i")],
            ]
        case "pg_attribute":
            return postgresRelations().flatMap { relation in
                relation.columns.enumerated().map { position, column in
                    let typeOID = Int64(PostgresTypeCatalog.oid(of: column.type))
                    return [
                        "attrelid": oid(relation.oid), "attname": text(column.name), "atttypid": oid(typeOID),
                        "attstattarget": .integer(-1),
                        "attlen": .integer(Int64(PostgresTypeCatalog.size(of: column.type))),
                        "attnum": .integer(Int64(position + 1)), "attcacheoff": .integer(-1),
                        "atttypmod": .integer(Int64(PostgresTypeCatalog.modifier(of: column.type))),
                        "attbyval": .boolean(PostgresTypeCatalog.size(of: column.type) > 0),
                        "attalign": text("i"), "attstorage": text(column.type == .varchar ? "x" : "p"),
                        "attcompression": text(""), "attnotnull": .boolean(column.notNull), "attidentity": text(""),
                        "attgenerated": text(""), "attislocal": .boolean(true),
                        "attcollation": oid(column.type == .varchar ? 100 : 0),
                    ]
                }
            }
        case "pg_class":
            // PostgreSQL keeps a foreign key with (internal) triggers on both its tables, and
            // psql looks for foreign keys only where there are triggers.
            let keyed = Set(postgresConstraints().filter { $0.kind == "f" }.flatMap { [$0.relation, $0.referenced] })
            return postgresRelations().map { relation in
                [
                    "oid": oid(relation.oid), "relname": text(relation.name), "relnamespace": oid(relation.namespace),
                    "relowner": owner, "relam": oid(relation.kind == "r" ? 2 : relation.kind == "i" ? 403 : 0),
                    "relfilenode": oid(relation.kind == "v" ? 0 : relation.oid), "reltuples": .double(relation.rows),
                    "relhasindex": .boolean(relation.hasIndex), "relpersistence": text("p"),
                    "relkind": text(relation.kind), "relnatts": .integer(Int64(relation.columns.count)),
                    "relhastriggers": .boolean(keyed.contains(relation.oid)),
                    "relispopulated": .boolean(true), "relreplident": text(relation.kind == "r" ? "d" : "n"),
                ]
            }
        case "pg_collation":
            return [(100, "default", "d"), (950, "C", "c"), (951, "POSIX", "c")].map { row in
                [
                    "oid": oid(row.0), "collname": text(row.1),
                    "collnamespace": oid(PostgresCatalogSchema.pgCatalogNamespace),
                    "collowner": owner, "collprovider": text(row.2), "collisdeterministic": .boolean(true),
                    "collencoding": .integer(-1), "collcollate": row.0 == 100 ? .null : text(row.1),
                    "collctype": row.0 == 100 ? .null : text(row.1),
                ]
            }
        case "pg_constraint":
            return postgresConstraints().map { constraint in
                let isForeign = constraint.kind == "f"
                return [
                    "oid": oid(constraint.oid), "conname": text(constraint.name),
                    "connamespace": oid(PostgresCatalogSchema.mainNamespace), "contype": text(constraint.kind),
                    "convalidated": .boolean(true), "conrelid": oid(constraint.relation),
                    "conindid": oid(constraint.index),
                    "confrelid": oid(constraint.referenced), "confupdtype": text(isForeign ? "a" : " "),
                    "confdeltype": text(isForeign ? "a" : " "), "confmatchtype": text(isForeign ? "s" : " "),
                    "conislocal": .boolean(true), "connoinherit": .boolean(!isForeign),
                    "conkey": array(constraint.keys),
                    "confkey": isForeign ? array(constraint.referencedKeys) : .null,
                ]
            }
        case "pg_database":
            return [
                [
                    "oid": oid(PostgresCatalogSchema.databaseOID), "datname": text(databaseName), "datdba": owner,
                    "encoding": .integer(6), "datlocprovider": text("c"), "datallowconn": .boolean(true),
                    "datconnlimit": .integer(-1), "datcollate": text("C"), "datctype": text("C"),
                ]
            ]
        case "pg_index":
            return catalog.tables.filter { !$0.primaryKey.isEmpty }.map { table in
                let keys = table.primaryKey.compactMap { name in
                    table.columns.firstIndex { $0.name == name }.map { $0 + 1 }
                }
                let count = Value.integer(Int64(keys.count))
                return [
                    "indexrelid": oid(Self.postgresIndexOID(of: table)), "indrelid": oid(Self.postgresOID(of: table)),
                    "indnatts": count, "indnkeyatts": count, "indisunique": .boolean(true),
                    "indisprimary": .boolean(true),
                    "indimmediate": .boolean(true), "indisvalid": .boolean(true), "indisready": .boolean(true),
                    "indislive": .boolean(true), "indkey": text(keys.map(String.init).joined(separator: " ")),
                    "indcollation": text(keys.map { _ in "0" }.joined(separator: " ")),
                    "indclass": text(keys.map { _ in "0" }.joined(separator: " ")),
                    "indoption": text(keys.map { _ in "0" }.joined(separator: " ")),
                ]
            }
        case "pg_namespace":
            return PostgresCatalogSchema.namespaces.map {
                ["oid": oid($0.oid), "nspname": text($0.name), "nspowner": owner]
            }
        case "pg_roles":
            return [
                [
                    "rolname": text("starling"), "rolsuper": .boolean(true), "rolinherit": .boolean(true),
                    "rolcreaterole": .boolean(true), "rolcreatedb": .boolean(true), "rolcanlogin": .boolean(true),
                    "rolconnlimit": .integer(-1), "rolpassword": text("********"), "oid": owner,
                ]
            ]
        case "pg_settings":
            return Setting.allCases.map { setting in
                let (value, type) = settings.value(of: setting)
                let vartype = type == .varchar ? "string" : type == .boolean ? "bool" : "integer"
                return [
                    "name": text(setting.rawValue), "setting": text(value.formatted(as: type)),
                    "category": text("Starling"),
                    "short_desc": text(setting.description), "context": text("user"), "vartype": text(vartype),
                    "source": text("session"),
                ]
            }
        case "pg_tables":
            return catalog.tables.map { table in
                [
                    "schemaname": text("main"), "tablename": text(table.name), "tableowner": text("starling"),
                    "hasindexes": .boolean(!table.primaryKey.isEmpty),
                ]
            }
        case "pg_type":
            return PostgresTypeCatalog.entries.map { entry in
                let typeName = entry.name
                return [
                    "oid": oid(entry.oid), "typname": text(typeName),
                    "typnamespace": oid(PostgresCatalogSchema.pgCatalogNamespace), "typowner": owner,
                    "typlen": .integer(entry.length), "typbyval": .boolean(entry.length > 0 && entry.length <= 8),
                    "typtype": text(entry.oid == Int64(PostgresTypeCatalog.unknown) ? "p" : "b"),
                    "typcategory": text(entry.category), "typisdefined": .boolean(true), "typdelim": text(","),
                    "typsubscript": text("-"), "typarray": oid(entry.arrayOID), "typinput": text(typeName + "in"),
                    "typoutput": text(typeName + "out"), "typreceive": text(typeName + "recv"),
                    "typsend": text(typeName + "send"), "typmodin": text("-"), "typmodout": text("-"),
                    "typanalyze": text("-"), "typalign": text(entry.length == 8 ? "d" : "i"),
                    "typstorage": text(entry.length < 0 ? "x" : "p"), "typtypmod": .integer(-1),
                    "typcollation": oid(entry.category == "S" ? 100 : 0),
                ]
            }
        case "pg_views":
            return catalog.allViews.map { view in
                [
                    "schemaname": text("main"), "viewname": text(view.name), "viewowner": text("starling"),
                    "definition": text(view.sql),
                ]
            }
        default:
            // pg_attrdef, pg_description, pg_inherits, pg_policy, pg_publication…, pg_sequence,
            // pg_statistic_ext, pg_trigger: Starling has no defaults, comments, inheritance, row
            // security, publications, sequences, extended statistics or triggers.
            return []
        }
    }
}
