/// Reading whole files and writing them durably (temporary name, fsync, rename, directory fsync).

import StarlingColumns
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file system call, with the path, the operation and the system's message.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let code: Int32

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// Whether the file does not exist.
    public var isMissing: Bool { code == ENOENT }

    public var description: String {
        let message = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return "cannot \(operation) \(path): \(message)"
    }
}

/// Whole-file reads and crash-safe whole-file writes.
public enum FileBytes {
    /// Reads the file at `path` into aligned memory.
    public static func read(path: String) throws(FileError) -> ByteStorage {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: path, operation: "open", code: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FileError(path: path, operation: "stat", code: errno) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw FileError(path: path, operation: "read (not a regular file)", code: EISDIR) }
        let size = Int(status.st_size)
        let storage = ByteStorage(byteCount: size)
        var done = 0
        while done < size {
            let count = systemRead(descriptor, storage.baseAddress.advanced(by: done), size - done)
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "read", code: errno)
            }
            if count == 0 { throw FileError(path: path, operation: "read (file shrank while reading)", code: EIO) }
            done += count
        }
        return storage
    }

    /// Writes `bytes` to `path` so that after a crash the path holds either its old content or
    /// all of `bytes`: write to `path.tmp-<pid>`, fsync, rename over `path`, fsync the directory.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileError) {
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError(path: temporary, operation: "create", code: errno) }
        var failure: FileError?
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                guard let base = buffer.baseAddress else { return }
                let count = write(descriptor, base.advanced(by: done), buffer.count - done)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = FileError(path: temporary, operation: "write", code: errno)
                    return
                }
                done += count
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = FileError(path: temporary, operation: "fsync", code: errno) }
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(path: path, operation: "rename into place", code: code)
        }
        try syncDirectory(containing: path)
    }

    /// fsyncs the directory holding `path`, so a rename or create in it is durable.
    public static func syncDirectory(containing path: String) throws(FileError) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: directory, operation: "open directory", code: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileError(path: directory, operation: "fsync directory", code: errno) }
    }
}

/// The C library's `read`, named apart from ``FileBytes/read(path:)``.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(descriptor, buffer, count)
    #else
    return Darwin.read(descriptor, buffer, count)
    #endif
}
