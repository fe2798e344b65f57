/// The errors the engine reports: SQL errors with positions, and warehouse errors.

import StarlingExecution
import StarlingLoader
import StarlingSQL
import StarlingStorage

/// A failed statement.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    /// An error at a position in the SQL text; `script` is the whole text, for the caret.
    case sql(SQLError, script: String)
    /// An error from the warehouse (missing, locked, corrupt, constraint, I/O).
    case storage(StorageError)
    /// A failed COPY.
    case load(LoadError)
    /// A query that failed while running (overflow, bad cast, memory limit, damaged segment).
    case query(QueryError)

    /// One or more lines a user can act on.
    public var description: String {
        switch self {
        case .sql(let error, let script): return error.rendered(in: script)
        case .storage(let error): return error.message
        case .load(let error): return error.message
        case .query(let error): return error.message
        }
    }
}
