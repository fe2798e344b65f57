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
        /// Its results could not be written (a full disk, a closed device): raised by a sink.
        case output
        /// A segment file of the snapshot the query reads was removed while it ran (a vacuum
        /// after a newer commit): not damage; the query can run again on the current snapshot.
        case fileRemoved
    }

    public let kind: Kind
    public let message: String
    /// Where in the statement the failing part starts (a byte offset), when one part is to blame
    /// (a scalar subquery that returned two rows).
    public let position: Int?

    public init(_ kind: Kind, _ message: String, position: Int? = nil) {
        self.kind = kind
        self.message = message
        self.position = position
    }

    public static func invalid(_ message: String) -> QueryError {
        QueryError(.invalidData, message)
    }

    public var description: String { message }
}
