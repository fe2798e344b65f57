/// The engine facade: runs SQL scripts against a warehouse, one commit per changing statement.

import StarlingColumns
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

    public init(warehouse: Warehouse, waitForLock: Bool = false) {
        self.warehouse = warehouse
        self.waitForLock = waitForLock
    }

    /// Parses and runs every statement of `script`, stopping at the first error.
    /// `onOutcome` is called after each statement succeeds.
    public func run(_ script: String, onOutcome: (StatementOutcome) -> Void = { _ in }) throws(EngineError) {
        let statements: [ParsedStatement]
        do { statements = try Parser.parse(script) } catch { throw .sql(error, script: script) }
        for statement in statements {
            onOutcome(try execute(statement.statement, script: script))
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
            }
        } catch let error as SQLError {
            throw .sql(error, script: script)
        } catch let error as StorageError {
            throw .storage(error)
        } catch let error as LoadError {
            throw .load(error)
        } catch {
            throw .storage(StorageError(.invalid, "\(error)"))
        }
    }

    /// Starts a write, mapping lock and catalog errors.
    func begin() throws(StorageError) -> WriteTransaction {
        try warehouse.beginWrite(wait: waitForLock)
    }

    /// The error for an unknown table name, with a suggestion.
    static func unknownTable(_ name: Identifier, in catalog: Catalog) -> SQLError {
        let hint = closestMatch(to: name.name, in: catalog.tables.map(\.name)).map { "did you mean \($0)?" }
        return SQLError("table \"\(name.name)\" does not exist", at: name.position, hint: hint)
    }

    /// The error for an unknown column name, with a suggestion.
    static func unknownColumn(_ name: Identifier, in table: CatalogTable) -> SQLError {
        let hint = closestMatch(to: name.name, in: table.columns.map(\.name)).map { "did you mean \($0)?" }
        return SQLError("column \"\(name.name)\" does not exist in table \(table.name)", at: name.position, hint: hint)
    }
}
