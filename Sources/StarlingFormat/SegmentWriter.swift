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
    /// Per-column encodings to use instead of the smallest (for tests and experiments), each one
    /// of ``Encoding/valueEncodings`` (keyed chunks are asked for through `append`'s `keyed`).
    public var forcedEncodings: [String: Encoding] = [:]
    /// Store a chunk uncompressed when the codec does not make it smaller.
    public var skipIncompressibleChunks = true
    /// Key/value pairs for the footer.
    public var metadata: [String: String] = [:]

    public init() {}
}

/// Why a segment could not be written.
public enum SegmentWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The compression library failed.
    case compression(CompressionError)
    /// Something exceeds a limit of the format (chunk size, name length, entry count).
    case limit(String)

    public var description: String {
        switch self {
        case .compression(let error): return error.description
        case .limit(let message): return message
        }
    }
}

/// Builds a segment in memory, one row group at a time; ``finish()`` returns the file's bytes.
public struct SegmentWriter {
    public let columns: [ColumnSchema]
    public let options: SegmentWriteOptions
    private var output = ByteWriter()
    private var rowGroups: [RowGroupDescriptor] = []
    private var rowCount = 0
    private var finished = false
    /// Each column's distinct-value sketch so far (§7.5).
    private var sketches: [ColumnSketchBuilder]

    public init(columns: [ColumnSchema], options: SegmentWriteOptions = SegmentWriteOptions()) throws(SegmentWriteError) {
        guard columns.count <= SegmentFormat.maximumColumns else {
            throw .limit("\(columns.count) columns exceed the segment limit of \(SegmentFormat.maximumColumns)")
        }
        guard (1...SegmentFormat.maximumRowGroupRows).contains(options.rowGroupSize) else {
            throw .limit("row group size \(options.rowGroupSize) is outside 1...\(SegmentFormat.maximumRowGroupRows)")
        }
        let shortLimit = Int(UInt16.max) - 8
        if let long = columns.first(where: { $0.name.utf8.count > shortLimit }) {
            throw .limit("column name of \(long.name.utf8.count) bytes exceeds \(shortLimit)")
        }
        guard options.metadata.count <= Int(UInt16.max),
              options.metadata.allSatisfy({ $0.key.utf8.count <= Int(UInt16.max) && $0.value.utf8.count <= Int(UInt32.max) }) else {
            throw .limit("footer metadata exceeds the format's limits")
        }
        self.columns = columns
        self.options = options
        sketches = columns.map { _ in ColumnSketchBuilder() }
        output.write(bytes: SegmentFormat.magic)
        output.write(littleEndian: SegmentFormat.writeVersion)
        output.write(littleEndian: SegmentFormat.readVersion)
        output.write(littleEndian: UInt64(0))
    }

    /// Appends rows, one vector per column, split into row groups of
    /// ``SegmentWriteOptions/rowGroupSize``. With `order`, the rows are written in that order
    /// (a permutation of the vectors' rows, such as a sort key's): columns without NULLs whose
    /// values are fixed-width or dictionary codes are first moved into that order whole (one
    /// forward pass, ``ColumnVector/scattered(_:)``, each original released as its copy is made
    /// when the caller hands the vectors over), the others read through it chunk by chunk.
    /// `keyed` maps a column's index to its key column's: those columns are written as keyed
    /// chunks (``Encoding/keyed``), their statistics still taken from their values, which the
    /// caller has checked are the table's keyed values at the key column's codes and hold no NULLs.
    public mutating func append(_ vectors: consuming [ColumnVector], order: [Int32]? = nil, keyed: [Int: Int] = [:]) throws(SegmentWriteError) {
        precondition(!finished, "rows appended after finish()")
        precondition(vectors.count == columns.count, "one vector per column")
        let count = vectors.first?.count ?? 0
        precondition(vectors.allSatisfy { $0.count == count }, "vectors differ in length")
        precondition(order == nil || order?.count == count, "the order must cover every row")
        for (column, key) in keyed {
            precondition(vectors.indices.contains(column) && vectors.indices.contains(key) && column != key && keyed[key] == nil,
                         "a keyed column and its key column are two columns of the segment, the key not keyed itself")
            precondition(vectors[column].nullCount == 0 && vectors[key].nullCount == 0 && columns[column].type.physicalType.typeClass == .integer
                         && columns[key].type.physicalType.typeClass == .integer, "keyed columns and their keys are integers without NULLs")
        }
        for (vector, column) in zip(vectors, columns) {
            precondition(vector.type == column.type, "vector type \(vector.type) for column \(column.name) of \(column.type)")
        }
        for index in vectors.indices { sketches[index].add(vectors[index]) }
        // Encoded rows are rarely larger than plain ones: room for all of them up front, so the
        // file's bytes are never copied into a doubled buffer (a 20 MB segment was copied 31 MB
        // and faulted in twice over). Reserved pages that are never written cost nothing.
        output.reserveCapacity(output.count + vectors.reduce(0) { $0 + $1.plainByteCount } + 64 * 1024)
        // Which columns are already in `order` (then read by range), and which are read through it.
        var inOrder = [Bool](repeating: order == nil, count: vectors.count)
        if let order, count > options.rowGroupSize, let permutation = RowPermutation(order: order) {
            for index in vectors.indices {
                guard let moved = vectors[index].scattered(permutation) else { continue }
                vectors[index] = moved
                inOrder[index] = true
            }
        }
        // Strings still read through the order are numbered once for the whole vector, in stored
        // order; dictionary vectors come numbered (their codes), whatever the order.
        let numberings = vectors.indices.map { index -> StringNumbering? in
            let vector = vectors[index]
            if case .dictionary = vector.payload, vector.nullCount == 0 { return StringNumbering(vector) }
            return inOrder[index] || count <= options.rowGroupSize ? nil : StringNumbering(vector)
        }
        var start = 0
        while start < count {
            let end = min(start + options.rowGroupSize, count)
            let rows = vectors.indices.map { index -> ChunkRows in
                guard !inOrder[index], let order else { return .range(start..<end) }
                return .picked(order[start..<end])
            }
            try appendRowGroup(vectors, rows: rows, numberings: numberings, keyed: keyed)
            start = end
        }
        withExtendedLifetime(vectors) {}
    }

    private mutating func appendRowGroup(_ vectors: [ColumnVector], rows: [ChunkRows], numberings: [StringNumbering?], keyed: [Int: Int]) throws(SegmentWriteError) {
        let groupRows = rows.first?.count ?? 0
        var chunks: [ChunkDescriptor] = []
        for (index, (vector, column)) in zip(vectors, columns).enumerated() {
            var encoded = ColumnEncoder.encode(vector, rows: rows[index], numbering: numberings[index], forcing: options.forcedEncodings[column.name])
            if let key = keyed[index] {
                // The values were encoded for their statistics (the zone map); only the key
                // column's index is stored.
                encoded = ColumnEncoder.keyed(keyColumn: key, statistics: encoded.statistics, plainSize: encoded.plainSize)
            }
            let setting = encoded.encoding == .keyed ? CompressionSetting(.none) : options.columnCompression[column.name] ?? options.compression
            guard encoded.bytes.count <= SegmentFormat.maximumChunkBytes else {
                throw .limit("column \(column.name) encodes to \(encoded.bytes.count) bytes in one row group, over the \(SegmentFormat.maximumChunkBytes)-byte chunk limit; use smaller row groups")
            }
            var stored: [UInt8]
            do { stored = try Compressor.compress(encoded.bytes, setting: setting) } catch { throw .compression(error) }
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

    /// The footer as it would be written now. Its read version is the highest any chunk's
    /// encoding needs, so a file using only version 1 encodings stays readable by version 1 readers.
    public var footer: SegmentFooter {
        var readVersion = SegmentFormat.readVersion
        for group in rowGroups {
            for chunk in group.chunks { readVersion = max(readVersion, chunk.encoding.readVersion) }
        }
        return SegmentFooter(readVersion: readVersion, rowCount: rowCount, columns: columns, rowGroups: rowGroups, metadata: options.metadata)
    }

    /// Rows from which a segment stores register sketches (exact ones it always stores).
    public static let sketchRegisterRows = 65_536

    /// Appends the column sketches, the footer and the trailer and returns the whole file, the header's read version set
    /// to the footer's. The bytes are completed in place (no copy of the chunk data), so the
    /// writer takes no more rows afterwards.
    public mutating func finish() -> [UInt8] {
        precondition(!finished, "finish() called twice")
        finished = true
        var footer = self.footer
        // Each column's sketch goes after the chunks, before the footer that locates it: exact
        // ones always (at most 2 KiB), registers (4 KiB) only in a segment of a full row group
        // or more; a nightly extract of a few thousand rows would pay a seventh of its size for
        // them, and its rows are cheap to hash when a query asks.
        let registersPay = rowCount >= Self.sketchRegisterRows
        footer.sketches = sketches.map { builder in
            let sketch = builder.finish()
            if case .registers = sketch.form, !registersPay { return nil }
            let bytes = sketch.serialized()
            let location = SketchLocation(offset: output.count, length: bytes.count, checksum: XXHash64.hash(bytes))
            output.write(bytes: bytes)
            return location
        }
        output.patch(footer.readVersion, at: 6)
        let footerBytes = footer.serialized()
        output.write(bytes: footerBytes)
        output.write(littleEndian: UInt32(footerBytes.count))
        output.write(littleEndian: XXHash64.hash(footerBytes))
        output.write(bytes: SegmentFormat.magic)
        return output.bytes
    }

    /// Encodes `vectors` as one complete segment file.
    public static func encode(columns: [ColumnSchema], vectors: [ColumnVector], options: SegmentWriteOptions = SegmentWriteOptions()) throws(SegmentWriteError) -> [UInt8] {
        var writer = try SegmentWriter(columns: columns, options: options)
        try writer.append(vectors)
        return writer.finish()
    }
}
