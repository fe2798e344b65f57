/// The writer lock: refused at once, waited for until free, or until the waiter gives up.

import Dispatch
import Testing

@testable import StarlingStorage

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
}
