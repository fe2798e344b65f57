/// The typed errors of the warehouse layer.

import StarlingFormat

/// Why a warehouse operation failed, in words a user can act on.
public struct StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// No warehouse at the path.
        case missingWarehouse
        /// The directory exists but is not a Starling warehouse.
        case notAWarehouse
        /// Another process holds the write lock.
        case locked
        /// A catalog or segment file failed its checks.
        case corrupt
        /// A file system call failed.
        case io
        /// A missing input file.
        case missingFile
        /// The operation is not valid for the catalog (unknown table, constraint violation, …).
        case invalid
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    init(_ error: FileError) {
        self.init(error.isMissing ? .missingFile : .io, error.description)
    }

    init(_ error: SegmentError) {
        switch error.kind {
        case .missingFile: self.init(.corrupt, "segment file is missing: \(error.description)")
        case .io: self.init(.io, error.description)
        default: self.init(.corrupt, error.description)
        }
    }
}
