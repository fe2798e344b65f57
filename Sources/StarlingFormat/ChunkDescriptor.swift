/// Where column chunks and row groups are in a segment file, and how to read them.

import StarlingColumns
import StarlingEncoding
import StarlingCompression

/// Where one column chunk is and how to read it.
public struct ChunkDescriptor: Equatable, Sendable {
    /// Offset of the stored bytes from the start of the file.
    public var offset: Int
    /// Bytes stored in the file (after compression).
    public var storedLength: Int
    /// Bytes after decompression (the encoded chunk).
    public var encodedLength: Int
    /// Bytes the values would take plainly encoded (informational).
    public var plainLength: Int
    public var encoding: Encoding
    public var compression: Compression
    /// xxHash64 (seed 0) of the stored bytes.
    public var checksum: UInt64
    public var statistics: ChunkStatistics
    /// Whether the stored minimum string was cut to ``SegmentFormat/statisticsStringLimit`` bytes.
    public var minimumTruncated: Bool
    /// Whether the stored maximum string was cut; it is then a prefix of the true maximum.
    public var maximumTruncated: Bool

    public init(
        offset: Int, storedLength: Int, encodedLength: Int, plainLength: Int, encoding: Encoding,
        compression: Compression, checksum: UInt64, statistics: ChunkStatistics,
        minimumTruncated: Bool = false, maximumTruncated: Bool = false
    ) {
        self.offset = offset
        self.storedLength = storedLength
        self.encodedLength = encodedLength
        self.plainLength = plainLength
        self.encoding = encoding
        self.compression = compression
        self.checksum = checksum
        self.statistics = statistics
        self.minimumTruncated = minimumTruncated
        self.maximumTruncated = maximumTruncated
    }
}

/// A run of rows stored as one chunk per column: the unit a reader skips by zone map.
public struct RowGroupDescriptor: Equatable, Sendable {
    /// The first row's number within the segment.
    public var firstRow: Int
    public var rowCount: Int
    /// One chunk per column, in schema order.
    public var chunks: [ChunkDescriptor]

    public init(firstRow: Int, rowCount: Int, chunks: [ChunkDescriptor]) {
        self.firstRow = firstRow
        self.rowCount = rowCount
        self.chunks = chunks
    }
}
