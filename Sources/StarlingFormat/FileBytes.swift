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
    /// Words that say more than the system's message for `code` (what the path is instead of a
    /// regular file), shown in its place.
    public let detail: String?

    public init(path: String, operation: String, code: Int32, detail: String? = nil) {
        self.path = path
        self.operation = operation
        self.code = code
        self.detail = detail
    }

    /// Whether the file does not exist.
    public var isMissing: Bool { code == ENOENT }

    public var description: String {
        let message = detail ?? strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return "cannot \(operation) \(path): \(message)"
    }

    /// The error for a path that is not a regular file: what it is instead (`mode` is its
    /// `st_mode`), and that only files are read. Pipes and devices are refused because a file
    /// is read more than once (sniffed, hashed for re-delivery, then loaded).
    static func notRegularFile(_ path: String, mode: mode_t) -> FileError {
        let kind: String
        switch mode & S_IFMT {
        case S_IFDIR: kind = "a directory"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFIFO: kind = "a pipe (such as <(command) or /dev/stdin)"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        let code = mode & S_IFMT == S_IFDIR ? EISDIR : EINVAL
        return FileError(path: path, operation: "read", code: code, detail: "it is \(kind); give the path of a regular file (save a stream to a file first)")
    }
}

/// Whole-file reads and crash-safe whole-file writes.
public enum FileBytes {
    /// Reads the file at `path` into aligned memory.
    public static func read(path: String) throws(FileError) -> ByteStorage {
        let (descriptor, size) = try openRegularFile(path)
        defer { close(descriptor) }
        // Every byte is read into it (or the read fails), so it need not be zeroed first.
        let storage = ByteStorage(byteCount: size, zeroed: false)
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

    /// Maps the file at `path` into memory (private, copy-on-write), so only the pages read are
    /// loaded and nothing is copied. Used for immutable files (segments), which are never
    /// truncated in place.
    public static func map(path: String) throws(FileError) -> ByteStorage {
        let (descriptor, size) = try openRegularFile(path)
        defer { close(descriptor) }
        guard size > 0 else { return ByteStorage(byteCount: 0) }
        guard let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw FileError(path: path, operation: "mmap", code: errno)
        }
        return ByteStorage(mapping: address, byteCount: size)
    }

    /// Opens a regular file for reading: its descriptor (the caller closes it) and size.
    static func openRegularFile(_ path: String) throws(FileError) -> (descriptor: Int32, size: Int) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
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
        return (descriptor, Int(status.st_size))
    }

    /// The temporary name a file is written under before it is renamed into place.
    public static func temporaryPath(for path: String) -> String {
        "\(path).tmp-\(getpid())"
    }

    /// Writes `bytes` to `path` (created or truncated) without syncing; the first half of a
    /// durable write whose fsync and rename come later (see ``syncFile(_:)``).
    public static func writeUnsynced(_ bytes: [UInt8], to path: String) throws(FileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError(path: path, operation: "create", code: errno) }
        defer { close(descriptor) }
        let failure = bytes.withUnsafeBytes { writeAll($0, to: descriptor) }
        guard failure == 0 else { throw FileError(path: path, operation: "write", code: failure) }
        startWriteback(descriptor)
    }

    /// Writes every byte to `descriptor`, retrying short writes and interrupted calls; returns 0,
    /// or the `errno` of the write that failed.
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32 {
        guard let base = bytes.baseAddress else { return 0 }
        var done = 0
        while done < bytes.count {
            let count = write(descriptor, base + done, min(bytes.count - done, writePiece))
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += count
        }
        return 0
    }

    /// The most bytes handed to one `write`. The page cache sizes its folios by the writes that
    /// fill them, and a query that maps a file just written maps whole folios: 64 KiB pieces keep
    /// what a query maps close to the column chunks it reads, instead of megabytes around them.
    static let writePiece = 64 << 10

    /// Asks the kernel to start writing the file's dirty pages to disk now, without waiting
    /// (Linux's `sync_file_range(…, SYNC_FILE_RANGE_WRITE)`), so the fsync that makes the file
    /// durable later finds most of them written: a large load's segments reach the disk while it
    /// goes on parsing, instead of all at its commit. Durability still comes only from that fsync.
    /// Does nothing where the call does not exist.
    static func startWriteback(_ descriptor: Int32) {
        guard let syncFileRange = Self.syncFileRange else { return }
        _ = syncFileRange(descriptor, 0, 0, 2)  // SYNC_FILE_RANGE_WRITE
    }

    /// `sync_file_range`, looked up at run time (the Glibc module does not declare it).
    private static let syncFileRange: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self)
        #else
        return nil
        #endif
    }()

    /// fsyncs a file already written.
    public static func syncFile(_ path: String) throws(FileError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: path, operation: "open", code: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileError(path: path, operation: "fsync", code: errno) }
    }

    /// Renames `source` over `destination`.
    public static func rename(_ source: String, to destination: String) throws(FileError) {
        guard systemRename(source, destination) == 0 else { throw FileError(path: destination, operation: "rename into place", code: errno) }
    }

    /// Writes `bytes` to `path` so that after a crash the path holds either its old content or
    /// all of `bytes`: write to `path.tmp-<pid>`, fsync, rename over `path`, fsync the directory.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileError) {
        let temporary = temporaryPath(for: path)
        do {
            try writeUnsynced(bytes, to: temporary)
            CrashPoint.reach("file written, not synced")
            try syncFile(temporary)
        } catch {
            unlink(temporary)
            throw error
        }
        CrashPoint.reach("file synced, not renamed")
        guard systemRename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(path: path, operation: "rename into place", code: code)
        }
        CrashPoint.reach("file renamed, directory not synced")
        try syncDirectory(containing: path)
    }

    /// Creates `path` and any missing parents (like `mkdir -p`), syncing each new directory's parent.
    public static func createDirectory(_ path: String) throws(FileError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) == 0 {
                try syncDirectory(containing: prefix)
            } else if errno != EEXIST {
                throw FileError(path: prefix, operation: "create directory", code: errno)
            }
        }
    }

    /// Whether something exists at `path`, and whether it is a directory.
    public static func kind(of path: String) -> (exists: Bool, isDirectory: Bool) {
        var status = stat()
        guard stat(path, &status) == 0 else { return (false, false) }
        return (true, (status.st_mode & S_IFMT) == S_IFDIR)
    }

    /// The names in a directory (without `.` and `..`), sorted unless `sorted` is false (sorting
    /// thousands of names costs milliseconds a caller that sorts what it parses does not need).
    public static func list(_ directory: String, sorted: Bool = true) throws(FileError) -> [String] {
        guard let handle = opendir(directory) else { throw FileError(path: directory, operation: "list", code: errno) }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return sorted ? names.sorted() : names
    }

    /// Calls `body` with the bytes of each name in a directory (without `.` and `..`), in the
    /// order the system lists them, without making a `String` of each: for directories of many
    /// thousands of names read often.
    public static func forEachName(_ directory: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(FileError) {
        guard let handle = opendir(directory) else { throw FileError(path: directory, operation: "list", code: errno) }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes in
                    let name = UnsafeBufferPointer(start: bytes, count: strnlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self), 256))
                    guard !(name.count == 1 && name[0] == 0x2E), !(name.count == 2 && name[0] == 0x2E && name[1] == 0x2E) else { return }
                    body(name)
                }
            }
        }
    }

    /// Removes a file; a missing file is not an error.
    public static func remove(_ path: String) throws(FileError) {
        if unlink(path) != 0 && errno != ENOENT {
            throw FileError(path: path, operation: "remove", code: errno)
        }
    }

    /// Removes an empty directory; a missing or non-empty one is left alone.
    public static func removeEmptyDirectory(_ path: String) {
        _ = rmdir(path)
    }

    /// The total size of the regular files below `directory` (links are not followed).
    public static func treeSize(_ directory: String) throws(FileError) -> Int {
        var total = 0
        for name in try list(directory) {
            let path = directory + "/" + name
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR: total += try treeSize(path)
            case S_IFREG: total += Int(status.st_size)
            default: break
            }
        }
        return total
    }

    /// Removes `directory` and everything below it (links are removed, not followed).
    public static func removeTree(_ directory: String) throws(FileError) {
        for name in try list(directory) {
            let path = directory + "/" + name
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                try removeTree(path)
            } else {
                try remove(path)
            }
        }
        guard rmdir(directory) == 0 || errno == ENOENT else { throw FileError(path: directory, operation: "remove directory", code: errno) }
    }

    /// The size of the file at `path`, or 0 when it cannot be read.
    public static func size(of path: String) -> Int {
        var status = stat()
        guard stat(path, &status) == 0 else { return 0 }
        return Int(status.st_size)
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

/// The C library's `rename`, named apart from ``FileBytes/rename(_:to:)``.
private func systemRename(_ source: String, _ destination: String) -> Int32 {
    #if canImport(Glibc)
    return Glibc.rename(source, destination)
    #else
    return Darwin.rename(source, destination)
    #endif
}
