/// The typed error for every way a segment file can be unreadable.

import StarlingEncoding
import StarlingCompression

/// A segment file that cannot be trusted, with the file, the byte offset and what is wrong.
public struct SegmentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: Equatable, Sendable {
        /// The file is shorter than its structures say.
        case truncated
        /// The magic bytes are missing: not a Starling segment file.
        case notASegment
        /// The file needs a newer reader.
        case unsupportedVersion
        /// Stored bytes do not match their checksum.
        case checksumMismatch
        /// A structure holds an impossible value.
        case malformed
        /// The compression library rejected the bytes.
        case compression
        /// The file does not exist.
        case missingFile
        /// The file could not be opened or read.
        case io
    }

    public let path: String
    /// The byte offset in the file where the problem is (for I/O errors, 0).
    public let offset: Int
    public let kind: Kind
    public let reason: String

    public init(path: String, offset: Int, kind: Kind, reason: String) {
        self.path = path
        self.offset = offset
        self.kind = kind
        self.reason = reason
    }

    public var description: String {
        "\(path): at byte \(offset): \(reason)"
    }
}
