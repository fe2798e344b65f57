/// Why a file could not be exported.

import StarlingFormat

/// A failed export: a file that could not be written, or rows a format cannot hold.
public struct ExportError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    init(_ error: FileError) {
        message = error.description
    }

    public var description: String { message }
}
