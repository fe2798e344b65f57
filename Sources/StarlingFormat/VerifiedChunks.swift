/// The chunk checksums this process has already checked, by file identity, so each is hashed once.

import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which file a mapping holds: device, inode, size and change times, as `stat` reports them.
///
/// Segment files are written under a temporary name and renamed into place, never changed
/// afterwards, and named uniquely; a file replaced or rewritten gets a new inode or new times. Only
/// files settled for ``settledSeconds`` get an identity, so a file written and rewritten within one
/// tick of the file system's clock is still checked every time.
public struct FileIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: Int64
    let changed: Int64

    /// How long a file must be unchanged before its checks are remembered.
    public static let settledSeconds: Int64 = 2

    /// The identity of the file at `path` now, or nil if it cannot be read or changed lately.
    public static func of(path: String) -> FileIdentity? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        var now = timespec()
        guard clock_gettime(CLOCK_REALTIME, &now) == 0 else { return nil }
        let changedSeconds = Int64(status.st_ctim.tv_sec), modifiedSeconds = Int64(status.st_mtim.tv_sec)
        guard Int64(now.tv_sec) - max(changedSeconds, modifiedSeconds) >= settledSeconds else { return nil }
        return FileIdentity(
            device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
            modified: modifiedSeconds &* 1_000_000_000 &+ Int64(status.st_mtim.tv_nsec),
            changed: changedSeconds &* 1_000_000_000 &+ Int64(status.st_ctim.tv_nsec))
    }
}

/// The process-wide set of chunks whose stored bytes matched their checksum.
final class VerifiedChunks: Sendable {
    /// One chunk of one file, with the checksum its footer records.
    struct Key: Hashable {
        let file: FileIdentity
        let offset: Int
        let length: Int
        let checksum: UInt64
    }

    static let shared = VerifiedChunks()

    private let keys = Mutex<Set<Key>>([])

    func contains(_ key: Key) -> Bool {
        keys.withLock { $0.contains(key) }
    }

    func insert(_ key: Key) {
        _ = keys.withLock { $0.insert(key) }
    }
}
