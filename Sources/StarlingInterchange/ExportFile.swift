/// A file written for other tools: under a temporary name while it is written, in place only
/// once it is complete.

import StarlingCompression
import StarlingFormat
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a file the way every Starling write is made: to `<path>.tmp-<pid>-<n>` (created, never
/// opened if it exists) through a buffer, then on ``commit()`` flushed, fsynced, renamed over
/// `path` and the directory fsynced. Until then `path` is untouched; ``abandon()`` (or
/// deinitialising without committing) removes the temporary file, so a failed or cancelled
/// export leaves nothing behind. A crash may leave a temporary file, never a partial `path`.
public final class ExportFile {
    public let path: String
    let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    /// Bytes handed to ``write(_:)`` so far: the offset of the next one (before compression).
    public private(set) var position = 0
    private var finished = false
    /// Compresses what is written (gzip or zstd), when the file is compressed as a whole.
    private var compressor: CompressingStream?

    /// Bytes gathered before a write(2).
    static let bufferBytes = 1 << 20
    private static let sequence = Atomic<Int>(0)

    /// Creates the temporary file beside `path`; with `compression` (gzip or zstd, at `level`)
    /// the bytes written are compressed as one gzip member or zstd frame.
    public init(path: String, compression: StreamCompression = .none, level: Int = 3) throws(FileError) {
        self.path = path
        let number = Self.sequence.add(1, ordering: .relaxed).newValue
        temporaryPath = "\(path).tmp-\(getpid())-\(number)"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FileError(path: path, operation: "create", code: errno)
        }
        buffer.reserveCapacity(Self.bufferBytes)
        if compression != .none {
            do {
                compressor = try CompressingStream(compression: compression, level: level) { [unowned self] bytes in
                    try self.writeRaw(bytes)
                }
            } catch {
                abandon()
                throw FileError(path: path, operation: "compress", code: 0, detail: "\(error)")
            }
        }
    }

    deinit { abandon() }

    /// Appends `bytes` (compressed, for a compressed file).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileError) {
        position += bytes.count
        guard let compressor else { return try writeRaw(bytes) }
        do {
            try compressor.write(bytes)
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(path: path, operation: "compress", code: 0, detail: "\(error)")
        }
    }

    /// Appends bytes as they go to disk.
    private func writeRaw(_ bytes: UnsafeRawBufferPointer) throws(FileError) {
        if buffer.count + bytes.count > Self.bufferBytes { try flush() }
        if bytes.count >= Self.bufferBytes {
            try writeOut(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    public func write(_ bytes: [UInt8]) throws(FileError) {
        var failure: FileError?
        bytes.withUnsafeBytes { raw in
            do throws(FileError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Flushes, fsyncs, closes and renames the file into place, then fsyncs its directory.
    public func commit() throws(FileError) {
        precondition(!finished, "an export file committed or abandoned twice")
        if let compressor {
            do {
                try compressor.finish()
            } catch let error as FileError {
                throw error
            } catch {
                throw FileError(path: path, operation: "compress", code: 0, detail: "\(error)")
            }
        }
        try flush()
        guard fsync(descriptor) == 0 else { throw FileError(path: path, operation: "fsync", code: errno) }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else { throw FileError(path: path, operation: "close", code: errno) }
        try FileBytes.rename(temporaryPath, to: path)
        finished = true
        try FileBytes.syncDirectory(containing: path)
    }

    /// Closes and removes the temporary file (nothing, once committed).
    public func abandon() {
        guard !finished else { return }
        finished = true
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(temporaryPath)
    }

    private func flush() throws(FileError) {
        guard !buffer.isEmpty else { return }
        var failure: FileError?
        buffer.withUnsafeBytes { raw in
            do throws(FileError) { try writeOut(raw) } catch { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw failure }
    }

    private func writeOut(_ bytes: UnsafeRawBufferPointer) throws(FileError) {
        let code = FileBytes.writeAll(bytes, to: descriptor)
        guard code == 0 else { throw FileError(path: path, operation: "write", code: code) }
    }
}
