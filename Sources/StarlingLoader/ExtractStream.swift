/// An extract file as a stream of UTF-8 blocks: decompressed, transcoded, BOM removed.

import StarlingCompression
import StarlingFormat

/// Reads one extract file block by block, never holding more than a few blocks in memory.
final class ExtractStream {
    let path: String
    let reader: FileReader
    let decompressor: DecompressingStream
    let transcoder: TextTranscoder?
    private var block: [UInt8]
    private var atStart = true
    private var pendingStart: [UInt8] = []
    /// Decompressed bytes handed out so far.
    private(set) var bytesOut = 0
    /// The longest record read (see ``appendNext(to:recordStart:)``).
    let maxLineBytes: Int

    /// Bytes read per block unless a load says otherwise.
    static let defaultBlockSize = 4 << 20

    /// - Parameter hashContent: hash the file's bytes as they are read, for ``finishContentHash()``.
    /// - Parameter parquetColumns: read the file as Parquet, rendered as NDJSON (``ParquetRows``)
    ///   with these of its columns.
    init(
        path: String, encoding: TextEncoding, blockSize: Int = ExtractStream.defaultBlockSize,
        maxLineBytes: Int = LoadOptions.defaultMaxLineBytes, hashContent: Bool = false,
        parquetColumns: [String]? = nil
    ) throws(LoadError) {
        self.path = path
        // At most half of Int32's range, so an open record never reaches 2 GiB.
        self.maxLineBytes = min(max(1, maxLineBytes), Int(Int32.max) / 2)
        do {
            reader = try FileReader(path: path)
        } catch {
            throw LoadError(error.isMissing ? .missingFile : .io, error.description)
        }
        if hashContent { reader.hashContent() }
        if let parquetColumns {
            // The rows come from the mapped file; the reader is left for the content hash, which
            // reads the whole file at the end.
            let rows = try ParquetRows(path: path, tableColumns: parquetColumns)
            decompressor = try Self.stream(.none, path: path) { buffer in try rows.read(into: buffer) }
            transcoder = nil
            block = [UInt8](repeating: 0, count: max(blockSize, 1))
            return
        }
        var compression = StreamCompression(fileName: path)
        if compression == .none {
            // Sniff the magic number, for compressed files without the usual suffix.
            compression = StreamCompression(magic: Self.firstBytes(of: path))
        }
        let source = reader
        decompressor = try Self.stream(compression, path: path) { buffer in try source.read(into: buffer) }
        transcoder = encoding == .utf8 ? nil : TextTranscoder(encoding: encoding)
        block = [UInt8](repeating: 0, count: max(blockSize, 1))
    }

    /// The first four bytes of the file at `path` (fewer for a shorter file, none when it cannot
    /// be read): enough for the magic numbers of gzip, zstd and Parquet.
    static func firstBytes(of path: String) -> [UInt8] {
        guard let reader = try? FileReader(path: path) else { return [] }
        var head = [UInt8](repeating: 0, count: 4)
        let count = (try? head.withUnsafeMutableBytes { try reader.read(into: $0) }) ?? 0
        return Array(head[0..<count])
    }

    private static func stream(
        _ compression: StreamCompression, path: String, _ source: @escaping DecompressingStream.Source
    ) throws(LoadError) -> DecompressingStream {
        do {
            return try DecompressingStream(compression: compression, source: source)
        } catch {
            throw LoadError(.io, "\(path): \(error)")
        }
    }

    /// Reads up to `bytes.count` decompressed bytes; 0 at the end of the file.
    private func read(into bytes: UnsafeMutableRawBufferPointer) throws(LoadError) -> Int {
        do {
            return try decompressor.read(into: bytes)
        } catch let error as CompressionError {
            throw LoadError(.badData, "\(path): \(error)")
        } catch let error as FileError {
            throw LoadError(.io, error.description)
        } catch {
            throw LoadError(.io, "\(path): \(error)")
        }
    }

    /// Appends the next block of text to `buffer` (whose first byte, at `recordStart` of the
    /// text, opens the record still being read); returns false at the end of the file. Throws
    /// when that record has run past ``maxLineBytes`` (``LoadOptions/maxLineBytes``): the buffer
    /// then holds more than the limit and a block, all of one open record.
    func appendNext(to buffer: inout [UInt8], recordStart: Int) throws(LoadError) -> Bool {
        let more = try appendBlock(to: &buffer)
        if more, buffer.count > maxLineBytes + block.count {
            throw LoadError.lineTooLong(path: path, offset: recordStart, limit: maxLineBytes)
        }
        return more
    }

    /// Appends the next block of text to `buffer`; returns false at the end of the file.
    private func appendBlock(to buffer: inout [UInt8]) throws(LoadError) -> Bool {
        if transcoder == nil, !atStart, buffer.count < block.count {
            // UTF-8 past the first block: read straight into a new buffer, after the little that is
            // carried over (a long record still growing is appended to in place, below).
            let carried = buffer
            var count = 0
            var failure: LoadError?
            buffer = [UInt8](unsafeUninitializedCapacity: carried.count + block.count) { output, initialized in
                initialized = 0
                guard let outputBase = output.baseAddress else { return }
                carried.withUnsafeBufferPointer { carried in
                    if let source = carried.baseAddress { outputBase.initialize(from: source, count: carried.count) }
                }
                initialized = carried.count
                do throws(LoadError) {
                    count = try read(
                        into: UnsafeMutableRawBufferPointer(
                            UnsafeMutableBufferPointer(rebasing: output[carried.count...])))
                } catch {
                    failure = error
                }
                initialized = carried.count + count
            }
            if let failure { throw failure }
            bytesOut += count
            return count > 0
        }
        var failure: LoadError?
        let count = block.withUnsafeMutableBytes { bytes -> Int in
            do throws(LoadError) { return try read(into: bytes) } catch {
                failure = error
                return 0
            }
        }
        if let failure { throw failure }
        guard count > 0 else {
            // A file shorter than a byte-order mark: hand out what was held back.
            if atStart, !pendingStart.isEmpty {
                atStart = false
                append(pendingStart, to: &buffer)
                pendingStart = []
                return true
            }
            return false
        }
        if atStart {
            // The byte-order mark may straddle tiny blocks: hold the first bytes until there are 3.
            pendingStart.append(contentsOf: block[0..<count])
            guard pendingStart.count >= 3 else { return true }
            atStart = false
            let head = pendingStart
            pendingStart = []
            let skip = transcoder == nil && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0
            append(Array(head[skip...]), to: &buffer)
            bytesOut += head.count - skip
            return true
        }
        block.withUnsafeBytes { bytes in
            let slice = UnsafeRawBufferPointer(rebasing: bytes[0..<count])
            if let transcoder {
                transcoder.transcode(slice, into: &buffer)
            } else {
                buffer.append(contentsOf: slice)
            }
        }
        bytesOut += count
        return true
    }

    private func append(_ bytes: [UInt8], to buffer: inout [UInt8]) {
        bytes.withUnsafeBytes { slice in
            if let transcoder {
                transcoder.transcode(slice, into: &buffer)
            } else {
                buffer.append(contentsOf: slice)
            }
        }
    }

    /// The xxHash64 of the whole file (as stored, before decompression), reading what is left of
    /// it; the stream must have been made with `hashContent`.
    func finishContentHash() throws(LoadError) -> UInt64 {
        do { return try reader.finishContentHash() } catch { throw LoadError(.io, error.description) }
    }

    /// Raw (compressed) bytes of the file.
    var fileSize: Int { reader.size }
}
