/// The file a `COPY … FROM STDIN`'s rows are gathered in before the loader reads them.

import StarlingFormat
import StarlingStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A new file in the warehouse's `loads/` directory (`stdin-<server pid>-<session>-<n>.copy`,
/// created exclusively, readable by the owner only) that the rows are appended to. The loader
/// reads it whole once the client's CopyDone arrives; it is removed after the load, and a server
/// that starts removes those a killed server left (their process id is not running).
final class CopySpool {
    let path: String
    private var descriptor: Int32

    /// The name prefix of spool files.
    static let prefix = "stdin-"
    static let suffix = ".copy"

    init(warehouse: Warehouse, session: Int32, sequence: Int) throws(FileError) {
        try? FileBytes.createDirectory(warehouse.path("loads"))
        path = warehouse.path("loads/\(Self.prefix)\(getpid())-\(session)-\(sequence)\(Self.suffix)")
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileError(path: path, operation: "create", code: errno) }
    }

    /// Appends `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(FileError) {
        guard !bytes.isEmpty else { return }
        let code = FileBytes.writeAll(bytes, to: descriptor)
        guard code == 0 else { throw FileError(path: path, operation: "write", code: code) }
    }

    /// Closes the file (the loader opens it by name).
    func close() {
        guard descriptor >= 0 else { return }
        #if canImport(Glibc)
            _ = Glibc.close(descriptor)
        #else
            _ = Darwin.close(descriptor)
        #endif
        descriptor = -1
    }

    /// Closes and removes the file.
    func remove() {
        close()
        try? FileBytes.remove(path)
    }

    deinit { remove() }

    /// Removes the spool files of servers no longer running (killed during a COPY).
    static func removeStale(in warehouse: Warehouse) {
        let directory = warehouse.path("loads")
        guard let names = try? FileBytes.list(directory) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(suffix) {
            let digits = name.dropFirst(prefix.count).prefix { $0.isNumber }
            guard let pid = Int32(digits), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileBytes.remove(directory + "/" + name)
        }
    }
}
