/// Sequential reads of a file too large to hold in memory.

import StarlingEncoding
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file read front to back in blocks.
public final class FileReader {
    public let path: String
    private var descriptor: Int32
    /// The file's size when opened.
    public let size: Int
    /// Bytes read so far.
    public private(set) var position = 0
    /// The xxHash64 of the bytes read so far, when ``hashContent()`` asked for it before the first read.
    private var contentHashing: XXHash64.Stream?

    public init(path: String) throws(FileError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: path, operation: "open", code: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw FileError(path: path, operation: "stat", code: code)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw FileError.notRegularFile(path, mode: status.st_mode)
        }
        size = Int(status.st_size)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Fills `buffer` from the current position; returns the byte count, 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Glibc)
            let count = Glibc.read(descriptor, base, buffer.count)
            #else
            let count = Darwin.read(descriptor, base, buffer.count)
            #endif
            if count >= 0 {
                position += count
                contentHashing?.update(UnsafeRawBufferPointer(start: base, count: count))
                return count
            }
            if errno != EINTR { throw FileError(path: path, operation: "read", code: errno) }
        }
    }

    /// Hashes the bytes as they are read, so a caller that reads the whole file anyway learns its
    /// content hash without a second pass. Call before the first read (later, it does nothing,
    /// and ``finishContentHash()`` throws).
    public func hashContent() {
        guard position == 0 else { return }
        contentHashing = XXHash64.Stream()
    }

    /// The xxHash64 of the whole file, reading whatever is left of it first; requires
    /// ``hashContent()`` before the first read.
    public func finishContentHash() throws(FileError) -> UInt64 {
        guard contentHashing != nil else { throw FileError(path: path, operation: "hash (not asked for before reading)", code: EINVAL) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            var failure: FileError?
            let count = buffer.withUnsafeMutableBytes { bytes -> Int in
                do throws(FileError) { return try read(into: bytes) } catch { failure = error; return 0 }
            }
            if let failure { throw failure }
            if count == 0 { break }
        }
        return contentHashing?.finish() ?? 0
    }

    /// The xxHash64 of the whole file at `path`, read in 1 MiB blocks.
    public static func contentHash(path: String) throws(FileError) -> (hash: UInt64, size: Int) {
        let reader = try FileReader(path: path)
        reader.hashContent()
        let hash = try reader.finishContentHash()
        return (hash, reader.position)
    }
}

/// Appends lines to a log file durably (each append is written and fsynced).
public enum AppendLog {
    public static func append(_ line: String, to path: String) throws(FileError) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError(path: path, operation: "open", code: errno) }
        defer { close(descriptor) }
        var text = line.hasSuffix("\n") ? line : line + "\n"
        // A line cut short by a crash must not swallow this one: start on a fresh line.
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_size > 0 {
            var last: UInt8 = 0
            if pread(descriptor, &last, 1, status.st_size - 1) == 1, last != 0x0A { text = "\n" + text }
        }
        let failure = text.withUTF8 { FileBytes.writeAll(UnsafeRawBufferPointer($0), to: descriptor) }
        guard failure == 0 else { throw FileError(path: path, operation: "append", code: failure) }
        guard fsync(descriptor) == 0 else { throw FileError(path: path, operation: "fsync", code: errno) }
    }
}
