/// The engine facade: runs SQL scripts against a warehouse, one commit per changing statement.

import StarlingColumns
import StarlingExecution
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StarlingLoader
import StarlingSQL
import StarlingStorage

/// What one statement did.
public struct StatementOutcome: Sendable, Equatable {
    /// A PostgreSQL-style command tag: `CREATE TABLE`, `DROP TABLE`, `ALTER TABLE`, `INSERT 0 3`.
    public let tag: String
    /// The snapshot the statement committed, if it changed anything.
    public let snapshot: Int?
}

/// Runs statements. Each statement that changes the warehouse is its own atomic commit; a
/// failing statement changes nothing, and the statements before it stay committed.
public struct Engine: Sendable {
    public let warehouse: Warehouse
    /// Wait for another writer to finish instead of failing with "locked by pid N".
    public var waitForLock: Bool
    /// Worker threads for queries.
    public var threads: Int
    /// Bytes a query's materialised state may take before it stops with an error.
    public var memoryLimit: Int
    /// The most `SET memory_limit` may ask for in this session (nil: anything). The server sets
    /// it to its own limit for users below admin, so a reader cannot take the machine's memory.
    public var memoryLimitCeiling: Int?
    /// Lets another thread cancel a running query and watch its progress (the shell's Ctrl-C).
    public var control: QueryControl?
    /// The database's name, as `current_database()` and `information_schema`'s `table_catalog`
    /// give it; nil for the warehouse directory's last name. `starling serve` names it
    /// `starling`, whatever database name a client asked for.
    public var databaseName: String?
    /// Whether queries may read files named in FROM (`FROM 'x.parquet'`, `read_parquet`):
    /// `starling serve` allows it to admins only, so SQL reaches no file outside the warehouse
    /// unless the role allows it.
    public var mayReadFiles = true
    /// What `SET` changed: shared by the engine's copies, so it lasts for the session. `threads`
    /// and `memoryLimit` above are the defaults `RESET` returns to.
    public let session: SessionSettings

    public init(
        warehouse: Warehouse, waitForLock: Bool = false, threads: Int? = nil, memoryLimit: Int? = nil,
        control: QueryControl? = nil, session: SessionSettings = SessionSettings()
    ) {
        self.warehouse = warehouse
        self.waitForLock = waitForLock
        self.threads = max(1, threads ?? Engine.processorCount)
        self.memoryLimit = memoryLimit ?? Engine.defaultMemoryLimit
        self.control = control
        self.session = session
    }

    /// Starling's version (`starling --version`).
    public static let version = "0.1.0"

    /// What `version()` returns: the PostgreSQL version whose protocol and client queries
    /// `starling serve` speaks, first, as clients that read it (SQLAlchemy, JDBC) expect, then
    /// Starling's own.
    public static let versionText = "PostgreSQL 15.0 (Starling \(version))"

    /// The number of online processors.
    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Physical memory in bytes (16 GiB when the system does not say).
    public static var physicalMemory: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return 16 << 30 }
        return Int(pages) * Int(size)
    }

    /// The default memory limit: half of physical memory, so that a runaway query on a shared
    /// machine stops with an error before the machine's other work is pushed out.
    public static var defaultMemoryLimit: Int { physicalMemory / 2 }

    /// Parses and runs every statement of `script`, stopping at the first error, with each
    /// query's rows gathered whole and handed to `onResult`. `onOutcome` is called after each
    /// other statement succeeds.
    public func run(_ script: String, onResult: (QueryResult) -> Void = { _ in }, onOutcome: (StatementOutcome) -> Void = { _ in }) throws(EngineError) {
        try run(script, queries: { (statement) throws(EngineError) in
            onResult(try query(statement, script: script))
        }, onOutcome: onOutcome)
    }

    /// Parses and runs every statement of `script`, stopping at the first error. Each query's
    /// rows go to `sink` as they are produced (`start`, `write`s, `finish`, once per query), so
    /// a large result is never held whole.
    ///
    /// `shallow` says the caller has checked the script nests no deeper than a few levels (a
    /// SELECT of constants), so it runs on the calling thread instead of a large-stack one.
    public func run(
        _ script: String, into sink: ResultSink, shallow: Bool = false, onOutcome: (StatementOutcome) -> Void = { _ in }
    ) throws(EngineError) {
        try run(script, queries: { (statement) throws(EngineError) in
            try query(statement, script: script, into: sink)
        }, shallow: shallow, onOutcome: onOutcome)
    }

    func run(
        _ script: String, queries: (Statement) throws(EngineError) -> Void, shallow: Bool = false,
        onOutcome: (StatementOutcome) -> Void
    ) throws(EngineError) {
        // Deeply nested SQL recurses deeply: run on a thread with room for it.
        var failure: EngineError?
        let onStack = shallow ? { (body: () -> Void) in body() } : LargeStack.run
        onStack {
            do throws(EngineError) {
                let statements: [ParsedStatement]
                do throws(SQLError) { statements = try Parser.parse(script) } catch { throw .sql(error, script: script) }
                for statement in statements {
                    switch statement.statement {
                    case .query, .explain, .show: try queries(statement.statement)
                    default: onOutcome(try execute(statement.statement, script: script))
                    }
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Runs a query or EXPLAIN and returns its rows.
    public func query(_ statement: Statement, script: String) throws(EngineError) -> QueryResult {
        let sink = CollectingSink()
        try query(statement, script: script, into: sink)
        return QueryResult(columns: sink.columns, rows: sink.rows)
    }

    /// Runs a query or EXPLAIN, handing its rows to `sink` as they are produced.
    public func query(_ statement: Statement, script: String, into sink: ResultSink) throws(EngineError) {
        do {
            switch statement {
            case .query(let query): try runQuery(query, into: sink)
            case .explain(let query, let analyze): try explain(query, analyze: analyze, into: sink)
            case .show(let show): try self.show(show, into: sink)
            default: throw SQLError("not a query", at: SourcePosition(0))
            }
        } catch {
            throw Self.engineError(error, script: script)
        }
    }

    /// Maps the errors of the layers below to ``EngineError``.
    static func engineError(_ error: any Error, script: String) -> EngineError {
        switch error {
        case let error as EngineError: return error
        case let error as SQLError: return .sql(error, script: script)
        case let error as StorageError: return .storage(error)
        case let error as LoadError: return .load(error)
        case let error as QueryError:
            // A failure one part of the statement is to blame for is shown at that part.
            guard let position = error.position else { return .query(error) }
            return .query(QueryError(error.kind, SQLError(error.message, at: SourcePosition(position)).rendered(in: script)))
        default: return .storage(StorageError(.invalid, "\(error)"))
        }
    }

    /// Runs one parsed statement.
    public func execute(_ statement: Statement, script: String) throws(EngineError) -> StatementOutcome {
        do {
            switch statement {
            case .createTable(let create): return try createTable(create)
            case .dropTable(let drop): return try dropTable(drop)
            case .alterTableAddColumn(let alter): return try addColumn(alter)
            case .insertValues(let insert): return try insertValues(insert)
            case .copy(let copy): return try self.copy(copy)
            case .copyTo(let copy):
                guard case .file(let path) = copy.target else { throw Self.copyToRefusal(copy) }
                return try copyToFile(copy, path: path)
            case .insertQuery(let insert): return try insertQuery(insert)
            case .createTableAs(let create): return try createTableAs(create)
            case .createView(let create): return try createView(create)
            case .dropView(let drop): return try dropView(drop)
            case .set(let set): return try self.set(set)
            case .query, .explain, .show:
                let result = try query(statement, script: script)
                return StatementOutcome(tag: "SELECT \(result.rows.count)", snapshot: nil)
            }
        } catch {
            throw Self.engineError(error, script: script)
        }
    }

    /// While a write waits for another writer: true once the statement is cancelled (its
    /// timeout, a cancel request), which ends the wait.
    var stopWaiting: (@Sendable () -> Bool)? {
        guard let control else { return nil }
        return { control.isCancelled }
    }

    /// Starts a write, mapping lock and catalog errors.
    func begin() throws(StorageError) -> WriteTransaction {
        try warehouse.beginWrite(wait: waitForLock, giveUp: stopWaiting)
    }

    /// The error for an unknown table name, with a suggestion; for a view's name, that views
    /// cannot be changed.
    static func unknownTable(_ name: Identifier, in catalog: Catalog) -> SQLError {
        if catalog.view(named: name.name) != nil {
            return SQLError(
                "\"\(name.name)\" is a view, not a table", at: name.position,
                hint: "a view holds no rows of its own: change the tables it reads")
        }
        let hint = closestMatch(to: name.name, in: catalog.tables.map(\.name)).map { "did you mean \($0)?" }
        return SQLError("table \"\(name.name)\" does not exist", at: name.position, hint: hint)
    }

    /// The error for an unknown column name, with a suggestion.
    static func unknownColumn(_ name: Identifier, in table: CatalogTable) -> SQLError {
        let hint = closestMatch(to: name.name, in: table.columns.map(\.name)).map { "did you mean \($0)?" }
        return SQLError("column \"\(name.name)\" does not exist in table \(table.name)", at: name.position, hint: hint)
    }
}
