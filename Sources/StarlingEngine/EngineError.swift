/// The errors the engine reports: SQL errors with positions, and warehouse errors.

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

    /// One or more lines a user can act on.
    public var description: String {
        switch self {
        case .sql(let error, let script): return error.rendered(in: script)
        case .storage(let error): return error.message
        case .load(let error): return error.message
        }
    }
}
