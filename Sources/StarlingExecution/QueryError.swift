/// Errors raised while a query runs.

/// A failure during execution: an overflow, a bad cast, a memory limit, a storage problem.
public struct QueryError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The data made an expression fail (overflow, invalid cast, a scalar subquery with two rows).
        case invalidData
        /// The query needs more memory than `--memory-limit` allows.
        case memoryLimit
        /// A segment file could not be read or is damaged.
        case storage
        /// The query was cancelled.
        case cancelled
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func invalid(_ message: String) -> QueryError {
        QueryError(.invalidData, message)
    }

    public var description: String { message }
}
