/// Why a load failed, with the exit status class it maps to.

import StarlingStorage

/// A failed load. Nothing was committed; `message` says what, where and what to do.
public struct LoadError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Bad input data: too many rejected rows, a header that does not match, corrupt compression.
        case badData
        /// An input file is missing.
        case missingFile
        /// Reading or writing failed.
        case io
        /// The warehouse refused: unknown table, already loaded, locked, invalid options.
        case refused
        /// The warehouse could not be opened.
        case storage(StorageError.Kind)
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    init(_ error: StorageError) {
        switch error.kind {
        case .missingFile: self.init(.missingFile, error.message)
        case .io: self.init(.io, error.message)
        default: self.init(.storage(error.kind), error.message)
        }
    }

    public var description: String { message }

    /// A record still open after `limit` bytes (no newline, or an unclosed quote), starting at
    /// byte `offset` of the decompressed input of `path`.
    static func lineTooLong(path: String, offset: Int, limit: Int) -> LoadError {
        let size = limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
        return LoadError(
            .badData,
            "\(path): the record starting at byte \(offset) runs past \(size) without ending (no newline, or an unclosed "
                + "quote); raise --max-line-size (COPY: MAX_LINE_SIZE) if its lines are really that long")
    }
}
