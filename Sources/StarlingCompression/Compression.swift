/// The block compression applied to each encoded column chunk: none, LZ4 or ZSTD.

/// A chunk's compression codec. The raw values are the identifiers written to disk.
public enum Compression: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// The encoded bytes as they are.
    case none = 0
    /// One LZ4 block (the LZ4 block format, no frame), decompressed size taken from the footer.
    case lz4 = 1
    /// One Zstandard frame (RFC 8878).
    case zstd = 2

    public var description: String {
        switch self {
        case .none: return "none"
        case .lz4: return "lz4"
        case .zstd: return "zstd"
        }
    }

    /// Parses `none`, `lz4` or `zstd` (any case).
    public init?(name: String) {
        guard let match = Compression.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = match
    }
}

/// A codec and its level: the setting a table or column carries.
public struct CompressionSetting: Hashable, Sendable, CustomStringConvertible {
    public var compression: Compression
    /// The ZSTD level (1…22, negative for the fast levels); ignored by the other codecs.
    public var level: Int

    /// ZSTD's level when none is given: see `Formats/segment.md`, "Choosing a codec".
    public static let defaultZstdLevel = 3

    public init(_ compression: Compression, level: Int = CompressionSetting.defaultZstdLevel) {
        self.compression = compression
        self.level = level
    }

    /// The default for new tables: LZ4, chosen by measurement (see `Benchmarks/README.md`).
    public static let `default` = CompressionSetting(.lz4)

    public var description: String {
        compression == .zstd ? "zstd(\(level))" : compression.description
    }
}

/// A failure reported by a compression library, turned into a typed error in one place.
public enum CompressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The compressed bytes are not a valid block or frame.
    case corrupt(codec: Compression, detail: String)
    /// The bytes decompressed to a different size than the footer says.
    case sizeMismatch(codec: Compression, expected: Int, actual: Int)
    /// The input is larger than the codec accepts.
    case inputTooLarge(codec: Compression, size: Int)
    /// Compression itself failed (out of memory, bad parameter).
    case compressionFailed(codec: Compression, detail: String)
    /// A compressed input file (gzip or zstd) is corrupt or truncated.
    case corruptInput(String)
    /// Compressing a whole file (gzip) failed.
    case fileCompressionFailed(String)

    public var description: String {
        switch self {
        case .corrupt(let codec, let detail): return "\(codec) data is corrupt: \(detail)"
        case .sizeMismatch(let codec, let expected, let actual):
            return "\(codec) data decompressed to \(actual) bytes, expected \(expected)"
        case .inputTooLarge(let codec, let size): return "\(size) bytes is too large for \(codec)"
        case .compressionFailed(let codec, let detail): return "\(codec) compression failed: \(detail)"
        case .corruptInput(let detail), .fileCompressionFailed(let detail): return detail
        }
    }
}
