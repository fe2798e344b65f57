/// SELECT, EXPLAIN [ANALYZE], INSERT … SELECT and CREATE TABLE … AS SELECT.

import StarlingColumns
import StarlingExecution
import StarlingSQL
import StarlingStorage

/// A query's result: named, typed columns and their rows.
public struct QueryResult: Sendable {
    public let columns: [PlanColumn]
    public let rows: Chunk

    public init(columns: [PlanColumn], rows: Chunk) {
        self.columns = columns
        self.rows = rows
    }
}

extension Engine {
    /// A planner over `catalog` with the engine's settings.
    func planner(_ catalog: Catalog) -> QueryPlanner {
        QueryPlanner(catalog: catalog, warehouse: warehouse, settings: settings, control: control)
    }

    /// Runs a query at the current snapshot, its rows streamed into `sink`. Readers take no
    /// lock: when a vacuum removes a file of the query's snapshot before the query opened it (a
    /// newer commit made that snapshot old), the query runs again on the current snapshot, as
    /// long as it has passed no row on (at most ``queryAttempts`` times); otherwise the error says
    /// to run it again. `first`, when given, is the snapshot the first attempt reads (for tests;
    /// otherwise every attempt reads the current one).
    func runQuery(_ query: Query, into sink: ResultSink, first: Catalog? = nil) throws {
        var snapshot = try first ?? warehouse.catalog()
        for attempt in 1...Self.queryAttempts {
            let watched = StartDeferringSink(sink)
            guard let removed = try runAttempt(query, at: snapshot, into: watched) else { return }
            let current = try warehouse.catalog()
            // Still the current snapshot: no vacuum could remove its files, so one is missing.
            guard current.snapshot != snapshot.snapshot else {
                throw QueryError(.storage, "segment file is missing: \(removed.message)")
            }
            guard !watched.wroteRows, attempt < Self.queryAttempts else {
                throw QueryError(
                    .fileRemoved,
                    "a file of snapshot \(snapshot.snapshot), which this query read, was removed by a vacuum while it "
                        + "ran (\(removed.message)); the current snapshot is \(current.snapshot): run the query again")
            }
            snapshot = current
        }
    }

    /// Plans and runs `query` at `snapshot` into `sink`: nil when it ran, the error when a file
    /// of the snapshot was removed under it; other errors are thrown.
    private func runAttempt(_ query: Query, at snapshot: Catalog, into sink: ResultSink) throws -> QueryError? {
        let planner = planner(snapshot)
        let plan = try planner.mappingViewPositions { try planner.physicalPlan(query) }
        do {
            try planner.executor().run(plan, into: sink)
            return nil
        } catch {
            if error.kind == .fileRemoved { return error }
            throw planner.translated(error)
        }
    }

    /// How many times a query is planned and run before a file vacuumed away is an error.
    static let queryAttempts = 3

    /// `EXPLAIN`: the optimized logical plan and the physical plan as text, read from the
    /// catalog alone; `EXPLAIN ANALYZE`: run it and add what each physical operator did.
    func explain(_ query: Query, analyze: Bool, into sink: ResultSink) throws {
        let catalog = try warehouse.catalog()
        let planner = planner(catalog)
        let (logical, plan) = try planner.mappingViewPositions {
            let logical = planner.optimize(try planner.plan(query))
            return (logical, try planner.physical(logical))
        }
        var profile: ExecutionProfile?
        var total: UInt64 = 0
        if analyze {
            let recorder = ExecutionProfile()
            let started = DispatchClock.now()
            _ = try planner.mappingViewPositions { try planner.executor(profile: recorder).execute(plan) }
            total = DispatchClock.now() - started
            profile = recorder
        }
        var lines = ["Logical plan (optimized):"] + LogicalPlanExplainer.lines(logical)
        lines += ["", "Physical plan:"] + PlanExplainer.lines(plan, profile: profile)
        if analyze { lines.append("Total: \(PlanExplainer.duration(total))") }
        let vector = Vector(type: .varchar, values: lines.map(Value.string))
        try sink.start([PlanColumn(name: "plan", type: .varchar)])
        _ = try sink.write(Chunk(columns: [vector], count: lines.count))
        try sink.finish()
    }

    /// `INSERT INTO t [(columns)] SELECT …`: one commit through the same path as INSERT VALUES.
    func insertQuery(_ insert: InsertQuery) throws -> StatementOutcome {
        let transaction = try begin()
        defer { transaction.abandon() }
        guard let table = transaction.catalog.table(named: insert.table.name) else {
            throw Self.unknownTable(insert.table, in: transaction.catalog)
        }
        let targets = try Self.insertTargets(insert.columns, in: table)
        let planner = planner(transaction.catalog)
        let (logical, plan) = try planner.mappingViewPositions {
            let logical = planner.optimize(try planner.plan(insert.query))
            return (logical, try planner.physical(logical))
        }
        guard plan.columns.count == targets.count else {
            throw SQLError("the query returns \(plan.columns.count) columns but \(targets.count) are being filled", at: insert.query.position)
        }
        let result = try planner.mappingViewPositions { try planner.executor().execute(plan) }
        let nullColumns = logical.nullColumns
        var converted: [Vector] = []
        for (index, target) in targets.enumerated() {
            let column = table.columns[target]
            guard nullColumns.contains(index) || TypeRules.common(plan.columns[index].type, column.type) != nil || plan.columns[index].type == column.type || column.type == .varchar || plan.columns[index].type == .varchar else {
                throw SQLError("cannot store \(plan.columns[index].type) in column \(column.name) of type \(column.type)", at: insert.query.position)
            }
            converted.append(try Cast.cast(result.columns[index], to: column.type))
        }
        var rows: [[Value]] = []
        rows.reserveCapacity(result.count)
        for row in 0..<result.count {
            var values = [Value](repeating: .null, count: table.columns.count)
            for (index, target) in targets.enumerated() { values[target] = converted[index].value(at: row) }
            rows.append(values)
        }
        let count = try TableAppender.append(rows, to: table.name, in: transaction)
        let committed = try transaction.commit(operation: "insert", table: table.name)
        return StatementOutcome(tag: "INSERT 0 \(count)", snapshot: committed.snapshot)
    }

    /// `CREATE TABLE t [PARTITION BY …] [WITH (…)] AS SELECT …`: the table and its rows in one commit.
    func createTableAs(_ create: CreateTableAs) throws -> StatementOutcome {
        let transaction = try begin()
        defer { transaction.abandon() }
        if transaction.catalog.hasRelation(named: create.name.name) {
            if create.ifNotExists { return StatementOutcome(tag: "CREATE TABLE", snapshot: nil) }
            throw Self.nameTaken(create.name, in: transaction.catalog)
        }
        let planner = planner(transaction.catalog)
        let (plan, result) = try planner.mappingViewPositions {
            let plan = try planner.physicalPlan(create.query)
            return (plan, try planner.executor().execute(plan))
        }
        var seen = Set<String>()
        let columns = plan.columns.map { column in
            ColumnDefinition(name: Identifier(column.name, at: create.query.position), type: column.type, typePosition: create.query.position, notNull: false, primaryKey: false, references: nil)
        }
        for column in columns where !seen.insert(column.name.name).inserted {
            throw SQLError("the query returns two columns named \"\(column.name.name)\"; give them distinct aliases", at: create.query.position)
        }
        let definition = CreateTable(name: create.name, ifNotExists: false, columns: columns, primaryKey: nil, primaryKeyPosition: nil, partitionBy: create.partitionBy, options: create.options, position: create.position)
        let table = try Self.defineTable(definition, in: transaction)
        var rows: [[Value]] = []
        rows.reserveCapacity(result.count)
        for row in 0..<result.count { rows.append(result.row(row)) }
        let count = try TableAppender.append(rows, to: table.name, in: transaction)
        let committed = try transaction.commit(operation: "create table as", table: table.name)
        return StatementOutcome(tag: "SELECT \(count)", snapshot: committed.snapshot)
    }
}

/// Monotonic nanoseconds for whole-statement timing.
enum DispatchClock {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

import Dispatch
