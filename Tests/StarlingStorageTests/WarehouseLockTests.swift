/// The writer lock: refused at once, waited for until free, or until the waiter gives up.

import Dispatch
import Synchronization
import Testing

@testable import StarlingStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("WarehouseLock")
struct WarehouseLockTests {
    @Test("a second writer is refused, gives up when told, and gets the lock once it is free")
    func waiting() throws {
        let test = try TestWarehouse()
        let held = try WarehouseLock(directory: test.directory, wait: false)
        #expect(throws: StorageError.self) { try WarehouseLock(directory: test.directory, wait: false) }
        var asked = 0
        do {
            _ = try WarehouseLock(directory: test.directory, wait: true) {
                asked += 1
                return asked == 3
            }
            Issue.record("took a held lock")
        } catch {
            #expect(error.kind == .locked && error.message.contains("gave up waiting"))
        }
        #expect(asked == 3)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { held.release() }
        let second = try WarehouseLock(directory: test.directory, wait: true) { false }
        second.release()
    }

    @Test("a refused writer closes its lock file once: another thread's file keeps its descriptor")
    func refusedClosesOnce() throws {
        // A failed initialiser still runs deinit; the lock file used to be closed there a second
        // time, by then perhaps the number of a file another thread had just opened.
        let test = try TestWarehouse()
        let held = try WarehouseLock(directory: test.directory, wait: false)
        let directory = test.directory
        let other = directory + "/other"
        let created = open(other, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        try #require(created >= 0)
        var status = stat()
        _ = fstat(created, &status)
        close(created)
        let otherInode = status.st_ino
        let lost = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for _ in 0..<3000 {
                if worker == 0 {
                    _ = try? WarehouseLock(directory: directory, wait: false)
                } else {
                    let descriptor = open(other, O_RDONLY | O_CLOEXEC)
                    guard descriptor >= 0 else { continue }
                    for _ in 0..<20 {
                        // Closed under us, or closed and reopened as the lock file.
                        var status = stat()
                        if fstat(descriptor, &status) != 0 || status.st_ino != otherInode { lost.withLock { $0 += 1 } }
                    }
                    close(descriptor)
                }
            }
        }
        #expect(lost.withLock { $0 } == 0, "descriptors closed under another thread")
        held.release()
    }
}
