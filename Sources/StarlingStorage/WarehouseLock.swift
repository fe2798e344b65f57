/// The single-writer lock: an exclusive `flock` on `DIR/lock`, released when the process ends.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Holds the warehouse's write lock until released or the process exits (even by `kill -9`,
/// since the kernel drops `flock` locks with the process).
public final class WarehouseLock: @unchecked Sendable {
    private var descriptor: Int32

    /// Takes the lock; throws "locked by pid N" at once, or waits when `wait` is true: until the
    /// lock is free, or, with `giveUp`, until `giveUp()` says to stop (asked every few
    /// milliseconds; a cancelled statement), which throws the same error as not waiting.
    public init(directory: String, wait: Bool, giveUp: (() -> Bool)? = nil) throws(StorageError) {
        let path = directory + "/lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StorageError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK, wait else {
                let holder = WarehouseLock.holder(descriptor)
                closeDescriptor()
                throw StorageError(.locked, "warehouse is locked by pid \(holder) (another writer is committing); retry when it finishes, or pass --wait")
            }
            if let giveUp {
                try waitPolling(path: path, giveUp: giveUp)
            }
            while giveUp == nil, flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    closeDescriptor()
                    throw StorageError(.io, "cannot lock \(path): \(String(cString: strerror(errno)))")
                }
            }
        }
        // Record who holds it, for the next writer's message.
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Waits for the lock by trying it every 5 ms, so `giveUp` is heard.
    private func waitPolling(path: String, giveUp: () -> Bool) throws(StorageError) {
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let message = String(cString: strerror(errno))
                closeDescriptor()
                throw StorageError(.io, "cannot lock \(path): \(message)")
            }
            if giveUp() {
                let holder = WarehouseLock.holder(descriptor)
                closeDescriptor()
                throw StorageError(.locked, "warehouse is locked by pid \(holder) (another writer is committing); gave up waiting")
            }
            usleep(5_000)
        }
    }

    static func holder(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return "unknown" }
        return String(decoding: buffer[0..<count], as: UTF8.self).filter(\.isNumber)
    }

    /// Releases the lock.
    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        closeDescriptor()
    }

    /// Closes the lock file once. A failed initialiser still runs `deinit`, so a descriptor
    /// closed on the way out must be forgotten: closed again, its number may by then be another
    /// thread's file.
    private func closeDescriptor() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit {
        release()
    }
}
