/// The compression codecs of Parquet pages Starling writes, through StarlingCompression.

import StarlingCompression

/// A Parquet page codec (the `CompressionCodec` enum; raw values as written in the footer).
public enum ParquetCodec: Int32, Sendable, CaseIterable {
    case uncompressed = 0
    case snappy = 1
    case gzip = 2
    case zstd = 6
    /// LZ4's block format with no framing (Parquet's LZ4_RAW; its older LZ4 codec is not written).
    case lz4Raw = 7

    /// The codec named `name` as COPY's COMPRESSION option spells it (any case): `uncompressed`
    /// (or `none`), `snappy`, `gzip`, `zstd`, `lz4` or `lz4_raw`.
    public init?(name: String) {
        switch name.lowercased() {
        case "uncompressed", "none": self = .uncompressed
        case "snappy": self = .snappy
        case "gzip": self = .gzip
        case "zstd": self = .zstd
        case "lz4", "lz4_raw": self = .lz4Raw
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .uncompressed: return "uncompressed"
        case .snappy: return "snappy"
        case .gzip: return "gzip"
        case .zstd: return "zstd"
        case .lz4Raw: return "lz4_raw"
        }
    }

    /// `page` compressed (ZSTD at `level`; GZIP at zlib's level 6).
    func compress(_ page: [UInt8], level: Int) throws(CompressionError) -> [UInt8] {
        switch self {
        case .uncompressed: return page
        case .gzip: return try Compressor.gzip(page)
        case .zstd: return try Compressor.compress(page, setting: CompressionSetting(.zstd, level: level))
        case .lz4Raw: return try Compressor.compress(page, setting: CompressionSetting(.lz4))
        case .snappy:
            var result: Result<[UInt8], CompressionError> = .success([])
            page.withUnsafeBytes { bytes in
                result = Result { () throws(CompressionError) -> [UInt8] in try Compressor.snappy(bytes) }
            }
            return try result.get()
        }
    }
}
