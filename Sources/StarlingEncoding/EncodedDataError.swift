/// The typed error every decoder throws on bytes it cannot trust.

/// Why encoded bytes were rejected, with the byte offset (within the decoded chunk) where the
/// problem was found. Callers add the file and the chunk's position in it.
public struct EncodedDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The offset within the chunk's uncompressed bytes.
    public let offset: Int
    /// What is wrong, in words a user can read.
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "at chunk byte \(offset): \(reason)" }

    /// A packed dictionary code that names no entry of a dictionary of `size` entries (every
    /// reader of dictionary codes checks this, and says so in these words).
    static func codePastDictionary(_ code: some BinaryInteger, size: Int, offset: Int = 0) -> EncodedDataError {
        EncodedDataError(offset: offset, reason: "dictionary code \(code) is not below the dictionary size \(size)")
    }
}
