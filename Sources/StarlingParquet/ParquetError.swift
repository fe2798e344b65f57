/// Why a Parquet file could not be read.

import StarlingEncoding

/// A Parquet file that is damaged, or holds something Starling cannot read, named with the file
/// and (for damage) the byte offset where it was found.
public struct ParquetError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    init(path: String, _ error: EncodedDataError) {
        self.path = path
        message = "damaged at byte \(error.offset): \(error.reason)"
    }

    public var description: String { "\(path): \(message)" }
}
