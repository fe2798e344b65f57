/// Writes segment files: encodes, compresses and checksums each column chunk, then the footer.

import StarlingColumns
import StarlingEncoding
import StarlingCompression

/// Settings for writing one segment.
public struct SegmentWriteOptions: Sendable {
    /// Rows per row group (the zone-map granularity), at most ``SegmentFormat/maximumRowGroupRows``.
    public var rowGroupSize: Int = 65_536
    /// The codec for columns not named in ``columnCompression``.
    public var compression: CompressionSetting = .default
    /// Per-column codecs, by column name.
    public var columnCompression: [String: CompressionSetting] = [:]
    /// Per-column encodings to use instead of the smallest (for tests and experiments).
    public var forcedEncodings: [String: Encoding] = [:]
    /// Store a chunk uncompressed when the codec does not make it smaller.
    public var skipIncompressibleChunks = true
    /// Key/value pairs for the footer.
    public var metadata: [String: String] = [:]

    public init() {}
}

/// Builds a segment in memory, one row group at a time; ``finish()`` returns the file's bytes.
public struct SegmentWriter {
    public let columns: [ColumnSchema]
    public let options: SegmentWriteOptions
    private var output = ByteWriter()
    private var rowGroups: [RowGroupDescriptor] = []
    private var rowCount = 0

    public init(columns: [ColumnSchema], options: SegmentWriteOptions = SegmentWriteOptions()) {
        precondition(columns.count <= SegmentFormat.maximumColumns, "too many columns")
        precondition((1...SegmentFormat.maximumRowGroupRows).contains(options.rowGroupSize), "row group size out of range")
        self.columns = columns
        self.options = options
        output.write(bytes: SegmentFormat.magic)
        output.write(littleEndian: SegmentFormat.writeVersion)
        output.write(littleEndian: SegmentFormat.readVersion)
        output.write(littleEndian: UInt64(0))
    }

    /// Appends rows, one vector per column, split into row groups of ``SegmentWriteOptions/rowGroupSize``.
    public mutating func append(_ vectors: [ColumnVector]) throws(CompressionError) {
        precondition(vectors.count == columns.count, "one vector per column")
        let count = vectors.first?.count ?? 0
        precondition(vectors.allSatisfy { $0.count == count }, "vectors differ in length")
        for (vector, column) in zip(vectors, columns) {
            precondition(vector.type == column.type, "vector type \(vector.type) for column \(column.name) of \(column.type)")
        }
        var start = 0
        while start < count {
            let end = min(start + options.rowGroupSize, count)
            let group = start == 0 && end == count ? vectors : vectors.map { $0.slice(start..<end) }
            try appendRowGroup(group)
            start = end
        }
    }

    private mutating func appendRowGroup(_ vectors: [ColumnVector]) throws(CompressionError) {
        let groupRows = vectors.first?.count ?? 0
        var chunks: [ChunkDescriptor] = []
        for (vector, column) in zip(vectors, columns) {
            let encoded = ColumnEncoder.encode(vector, forcing: options.forcedEncodings[column.name])
            let setting = options.columnCompression[column.name] ?? options.compression
            var stored = try Compressor.compress(encoded.bytes, setting: setting)
            var compression = setting.compression
            if options.skipIncompressibleChunks, compression != .none, stored.count >= encoded.bytes.count {
                stored = encoded.bytes
                compression = .none
            }
            let (statistics, minimumTruncated, maximumTruncated) = Self.truncated(encoded.statistics)
            chunks.append(ChunkDescriptor(
                offset: output.count, storedLength: stored.count, encodedLength: encoded.bytes.count,
                plainLength: encoded.plainSize, encoding: encoded.encoding, compression: compression,
                checksum: XXHash64.hash(stored), statistics: statistics,
                minimumTruncated: minimumTruncated, maximumTruncated: maximumTruncated))
            output.write(bytes: stored)
        }
        rowGroups.append(RowGroupDescriptor(firstRow: rowCount, rowCount: groupRows, chunks: chunks))
        rowCount += groupRows
    }

    /// Cuts string statistics to the limit, at a character boundary.
    static func truncated(_ statistics: ChunkStatistics) -> (ChunkStatistics, Bool, Bool) {
        var result = statistics
        var minimumTruncated = false
        var maximumTruncated = false
        if case .string(let minimum) = statistics.minimum, minimum.utf8.count > SegmentFormat.statisticsStringLimit {
            result.minimum = .string(prefix(minimum))
            minimumTruncated = true
        }
        if case .string(let maximum) = statistics.maximum, maximum.utf8.count > SegmentFormat.statisticsStringLimit {
            result.maximum = .string(prefix(maximum))
            maximumTruncated = true
        }
        return (result, minimumTruncated, maximumTruncated)
    }

    static func prefix(_ string: String) -> String {
        var result = ""
        var bytes = 0
        for character in string.unicodeScalars {
            let size = String(character).utf8.count
            if bytes + size > SegmentFormat.statisticsStringLimit { break }
            result.unicodeScalars.append(character)
            bytes += size
        }
        return result
    }

    /// The footer as it would be written now.
    public var footer: SegmentFooter {
        SegmentFooter(rowCount: rowCount, columns: columns, rowGroups: rowGroups, metadata: options.metadata)
    }

    /// Appends the footer and trailer and returns the whole file.
    public func finish() -> [UInt8] {
        var file = output
        let footerBytes = footer.serialized()
        file.write(bytes: footerBytes)
        file.write(littleEndian: UInt32(footerBytes.count))
        file.write(littleEndian: XXHash64.hash(footerBytes))
        file.write(bytes: SegmentFormat.magic)
        return file.bytes
    }

    /// Encodes `vectors` as one complete segment file.
    public static func encode(columns: [ColumnSchema], vectors: [ColumnVector], options: SegmentWriteOptions = SegmentWriteOptions()) throws(CompressionError) -> [UInt8] {
        var writer = SegmentWriter(columns: columns, options: options)
        try writer.append(vectors)
        return writer.finish()
    }
}
