/// Reads segment files, checking magic, versions, lengths and checksums before trusting a byte.

import StarlingColumns
import StarlingEncoding
import StarlingCompression

/// An opened segment: the verified footer, and column chunks decoded on demand.
///
/// Opening checks the header and trailer magic, the versions, the footer length and checksum, and
/// every footer field; reading a chunk checks its checksum, decompresses it to exactly its recorded
/// size, and decodes it with every count and offset checked. Problems are ``SegmentError``s.
public struct SegmentReader: Sendable {
    /// The path (or name) used in errors.
    public let path: String
    /// The whole file.
    public let file: ByteStorage
    public let footer: SegmentFooter
    /// Where the footer starts (and the data region ends).
    public let footerOffset: Int
    /// The mapped file's identity when it is settled (see ``FileIdentity``); chunk checksums
    /// already checked in this process are then not hashed again.
    public private(set) var identity: FileIdentity?

    /// Opens the file at `path`.
    public init(path: String) throws(SegmentError) {
        let before = FileIdentity.of(path: path)
        let bytes: ByteStorage
        do {
            bytes = try FileBytes.map(path: path)
        } catch {
            throw SegmentError(path: path, offset: 0, kind: error.isMissing ? .missingFile : .io, reason: error.description)
        }
        try self.init(bytes: bytes, path: path)
        if let before, FileIdentity.of(path: path) == before { identity = before }
    }

    /// Opens a segment held in memory; `path` names it in errors.
    public init(bytes: ByteStorage, path: String) throws(SegmentError) {
        self.path = path
        self.file = bytes
        let size = bytes.byteCount
        let all = bytes.bytes
        let minimum = SegmentFormat.headerSize + SegmentFormat.trailerSize
        guard size >= 4, Array(all[0..<4]) == SegmentFormat.magic else {
            throw SegmentError(path: path, offset: 0, kind: .notASegment, reason: "not a Starling segment file (no STSG magic at the start)")
        }
        guard size >= minimum else {
            throw SegmentError(path: path, offset: size, kind: .truncated, reason: "file is \(size) bytes, shorter than the \(minimum)-byte header and trailer")
        }
        guard Array(all[(size - 4)..<size]) == SegmentFormat.magic else {
            throw SegmentError(path: path, offset: size - 4, kind: .truncated, reason: "no STSG magic at the end: the file is truncated or was not finished")
        }
        let headerWrite = all.loadUnaligned(fromByteOffset: 4, as: UInt16.self).littleEndian
        let headerRead = all.loadUnaligned(fromByteOffset: 6, as: UInt16.self).littleEndian
        guard headerRead <= SegmentFormat.supportedReadVersion else {
            throw SegmentError(path: path, offset: 6, kind: .unsupportedVersion, reason: "file needs reader version \(headerRead); this build reads up to \(SegmentFormat.supportedReadVersion)")
        }
        let trailerStart = size - SegmentFormat.trailerSize
        let footerLength = Int(all.loadUnaligned(fromByteOffset: trailerStart, as: UInt32.self).littleEndian)
        let footerChecksum = all.loadUnaligned(fromByteOffset: trailerStart + 4, as: UInt64.self).littleEndian
        guard footerLength <= trailerStart - SegmentFormat.headerSize else {
            throw SegmentError(path: path, offset: trailerStart, kind: .truncated, reason: "footer length \(footerLength) exceeds the \(trailerStart - SegmentFormat.headerSize) bytes before the trailer")
        }
        let footerStart = trailerStart - footerLength
        let footerBytes = UnsafeRawBufferPointer(rebasing: all[footerStart..<trailerStart])
        let actual = XXHash64.hash(footerBytes)
        guard actual == footerChecksum else {
            throw SegmentError(path: path, offset: footerStart, kind: .checksumMismatch, reason: "footer checksum is \(hex(actual)), expected \(hex(footerChecksum))")
        }
        let parsed: SegmentFooter
        do {
            parsed = try SegmentFooter.parse(footerBytes, baseOffset: footerStart, dataEnd: footerStart)
        } catch {
            let kind: SegmentError.Kind = error.reason.contains("reader version") ? .unsupportedVersion : .malformed
            throw SegmentError(path: path, offset: error.offset, kind: kind, reason: error.reason)
        }
        guard parsed.writeVersion == headerWrite, parsed.readVersion == headerRead else {
            throw SegmentError(path: path, offset: 4, kind: .malformed, reason: "header versions \(headerWrite)/\(headerRead) differ from the footer's \(parsed.writeVersion)/\(parsed.readVersion)")
        }
        footer = parsed
        footerOffset = footerStart
    }

    /// The number of rows.
    public var rowCount: Int { footer.rowCount }

    /// Decodes column `column` of row group `rowGroup`.
    public func read(rowGroup: Int, column: Int) throws(SegmentError) -> ColumnVector {
        precondition(footer.rowGroups.indices.contains(rowGroup) && footer.columns.indices.contains(column), "no such chunk")
        let group = footer.rowGroups[rowGroup]
        let chunk = group.chunks[column]
        let type = footer.columns[column].type
        return try withEncodedBytes(rowGroup: rowGroup, column: column) { (bytes) throws(EncodedDataError) -> ColumnVector in
            try ColumnDecoder.decode(bytes, encoding: chunk.encoding, type: type, count: group.rowCount)
        }
    }

    /// Calls `body` with chunk (`rowGroup`, `column`)'s encoded bytes: its stored bytes, checksum
    /// checked, decompressed when the chunk is compressed. A failure to decompress, or `body`'s
    /// error, becomes the ``SegmentError`` that names the chunk.
    private func withEncodedBytes<Result>(rowGroup: Int, column: Int, _ body: (UnsafeRawBufferPointer) throws(EncodedDataError) -> Result) throws(SegmentError) -> Result {
        let chunk = footer.rowGroups[rowGroup].chunks[column]
        let stored = UnsafeRawBufferPointer(rebasing: file.bytes[chunk.offset..<(chunk.offset + chunk.storedLength)])
        try checkChecksum(stored, chunk, rowGroup: rowGroup, column: column)
        let result: Result
        do {
            if chunk.compression == .none {
                result = try body(stored)
            } else {
                let encoded = try Compressor.decompress(stored, codec: chunk.compression, decompressedSize: chunk.encodedLength)
                result = try encoded.withUnsafeBytes { (bytes) throws(EncodedDataError) -> Result in try body(bytes) }
            }
        } catch {
            try checkNotTruncated()
            throw chunkError(error, chunk: chunk, rowGroup: rowGroup, column: column)
        }
        try checkNotTruncated()
        return result
    }

    /// Throws when a read of the mapped file found it truncated since it was opened (the bytes
    /// read past its new end were zeros): checked after every read of the file's bytes, since
    /// no answer may come from them.
    public func checkNotTruncated() throws(SegmentError) {
        guard file.fileWasTruncated else { return }
        let size = FileBytes.size(of: path)
        guard size < file.byteCount else {
            // The same size: the system could not read a page of it (a disk error).
            throw SegmentError(path: path, offset: 0, kind: .io, reason: "a page of the file could not be read (an I/O error) while a query read it")
        }
        throw SegmentError(path: path, offset: 0, kind: .truncated,
                           reason: "the file was truncated while it was being read (it is \(size) bytes now, \(file.byteCount) when opened)")
    }

    /// A decompression or decoding failure of a chunk, as the ``SegmentError`` that names it.
    private func chunkError(_ error: any Error, chunk: ChunkDescriptor, rowGroup: Int, column: Int) -> SegmentError {
        let name = footer.columns[column].name
        switch error {
        case let error as CompressionError:
            return SegmentError(path: path, offset: chunk.offset, kind: .compression, reason: "chunk of column \(name) in row group \(rowGroup): \(error)")
        case let error as EncodedDataError:
            return SegmentError(path: path, offset: chunk.offset, kind: .malformed, reason: "chunk of column \(name) in row group \(rowGroup) (\(chunk.encoding)), \(error)")
        default:
            return SegmentError(path: path, offset: chunk.offset, kind: .malformed, reason: "\(error)")
        }
    }

    /// Column `column` of row group `rowGroup` as an ``IntegerChunkView`` (checksum checked,
    /// decompressed if need be, values left encoded), or nil when the chunk is not one the view
    /// reads (NULLs, non-integer type, delta encoding): decode those with `read`. With `cache`,
    /// views of settled files that took work to build (decompressed, or with runs unpacked) are
    /// kept and served from there.
    public func integerView(rowGroup: Int, column: Int, cache: ChunkViewCache? = nil) throws(SegmentError) -> IntegerChunkView? {
        precondition(footer.rowGroups.indices.contains(rowGroup) && footer.columns.indices.contains(column), "no such chunk")
        let group = footer.rowGroups[rowGroup]
        let chunk = group.chunks[column]
        let type = footer.columns[column].type
        guard chunk.statistics.nullCount == 0, [.plain, .bitPacked, .dictionary, .runLength, .packedRunLength].contains(chunk.encoding),
              type.physicalType.integerRange != nil, type.physicalType != .boolean else { return nil }
        // Built earlier in this process (a settled file: the same bytes, checked then).
        if let cache, let identity, let kept = cache.view(file: identity, offset: chunk.offset), kept.count == group.rowCount {
            return kept
        }
        let stored = UnsafeRawBufferPointer(rebasing: file.bytes[chunk.offset..<(chunk.offset + chunk.storedLength)])
        try checkChecksum(stored, chunk, rowGroup: rowGroup, column: column)
        do {
            let view: IntegerChunkView?
            if chunk.compression == .none {
                view = try IntegerChunkView.make(stored, owner: file, encoding: chunk.encoding, physical: type.physicalType, count: group.rowCount)
            } else {
                try Compressor.checkDecompressedSize(
                    stored, codec: chunk.compression, decompressedSize: chunk.encodedLength)
                let decompressed = ByteStorage(byteCount: chunk.encodedLength, zeroed: false)
                let destination = UnsafeMutableRawBufferPointer(start: decompressed.baseAddress, count: chunk.encodedLength)
                try Compressor.decompress(stored, codec: chunk.compression, into: destination)
                view = try IntegerChunkView.make(UnsafeRawBufferPointer(destination), owner: decompressed, encoding: chunk.encoding, physical: type.physicalType, count: group.rowCount)
            }
            try checkNotTruncated()
            if let cache, let identity, let view, chunk.compression != .none || view.decodedByteCount > 0 {
                let cost = (chunk.compression != .none ? chunk.encodedLength : 0) + view.decodedByteCount
                cache.store(view, file: identity, offset: chunk.offset, cost: cost)
            }
            return view
        } catch let error as SegmentError {
            throw error
        } catch {
            try checkNotTruncated()
            throw chunkError(error, chunk: chunk, rowGroup: rowGroup, column: column)
        }
    }

    /// Throws unless `stored` (chunk `chunk`) hashes to its recorded checksum; skipped for a chunk
    /// of a settled file already checked in this process.
    private func checkChecksum(_ stored: UnsafeRawBufferPointer, _ chunk: ChunkDescriptor, rowGroup: Int, column: Int) throws(SegmentError) {
        let key = identity.map { VerifiedChunks.Key(file: $0, offset: chunk.offset, length: chunk.storedLength, checksum: chunk.checksum) }
        if let key, VerifiedChunks.shared.contains(key) { return }
        let actual = XXHash64.hash(stored)
        guard actual == chunk.checksum else {
            try checkNotTruncated()
            throw SegmentError(path: path, offset: chunk.offset, kind: .checksumMismatch, reason: "chunk of column \(footer.columns[column].name) in row group \(rowGroup): checksum is \(hex(actual)), expected \(hex(chunk.checksum))")
        }
        if let key { VerifiedChunks.shared.insert(key) }
    }

    /// For a keyed chunk (``Encoding/keyed``), the index of its key column: the column of the same
    /// segment whose codes in this row group look its values up in the table's keyed-values file.
    /// Nil for a chunk in any other encoding. Checks the chunk's checksum and bytes, and that the
    /// key column is another integer column whose chunk here is not keyed and has no NULLs.
    public func keyColumn(rowGroup: Int, column: Int) throws(SegmentError) -> Int? {
        precondition(footer.rowGroups.indices.contains(rowGroup) && footer.columns.indices.contains(column), "no such chunk")
        let group = footer.rowGroups[rowGroup]
        let chunk = group.chunks[column]
        guard chunk.encoding == .keyed else { return nil }
        let key = try withEncodedBytes(rowGroup: rowGroup, column: column) { (bytes) throws(EncodedDataError) -> Int in
            try ColumnDecoder.keyColumn(ofKeyed: bytes)
        }
        let malformed = { (reason: String) in
            SegmentError(path: path, offset: chunk.offset, kind: .malformed, reason: "keyed chunk of column \(footer.columns[column].name) in row group \(rowGroup): \(reason)")
        }
        guard footer.columns[column].type.physicalType.typeClass == .integer, footer.columns[column].type != .boolean, chunk.statistics.nullCount == 0 else {
            throw malformed("a keyed chunk holds integers (not BOOLEAN) without NULLs")
        }
        guard key != column, footer.columns.indices.contains(key) else {
            throw malformed("its key column \(key) is not another of the \(footer.columns.count) columns")
        }
        let keyChunk = group.chunks[key]
        guard footer.columns[key].type.physicalType.typeClass == .integer, keyChunk.encoding != .keyed, keyChunk.statistics.nullCount == 0 else {
            throw malformed("its key column \(footer.columns[key].name) is not an integer chunk without NULLs of its own")
        }
        return key
    }

    /// Decodes every row group of column `column`.
    public func readColumn(_ column: Int) throws(SegmentError) -> [ColumnVector] {
        var vectors: [ColumnVector] = []
        for rowGroup in footer.rowGroups.indices {
            vectors.append(try read(rowGroup: rowGroup, column: column))
        }
        return vectors
    }

    /// Decodes every chunk and every column sketch, checking every checksum; throws at the
    /// first problem.
    public func verify() throws(SegmentError) {
        for column in footer.columns.indices { _ = try sketch(column: column) }
        for rowGroup in footer.rowGroups.indices {
            for column in footer.columns.indices {
                // A keyed chunk's values live in its table's keyed-values file: here its bytes
                // and its key column are checked.
                if try keyColumn(rowGroup: rowGroup, column: column) != nil { continue }
                let vector = try read(rowGroup: rowGroup, column: column)
                let chunk = footer.rowGroups[rowGroup].chunks[column]
                guard vector.nullCount == chunk.statistics.nullCount else {
                    throw SegmentError(path: path, offset: chunk.offset, kind: .malformed, reason: "chunk of column \(footer.columns[column].name) in row group \(rowGroup) has \(vector.nullCount) NULLs; its statistics say \(chunk.statistics.nullCount)")
                }
            }
        }
    }
}

/// `0x`-prefixed 16-digit hexadecimal.
func hex(_ value: UInt64) -> String {
    "0x" + hexadecimalDigits(value)
}
