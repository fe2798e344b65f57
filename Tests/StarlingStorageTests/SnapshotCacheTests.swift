/// Snapshots decoded once per process, by file identity.

import Foundation
import Testing
@testable import StarlingStorage
import StarlingFormat

@Suite("Warehouse snapshot cache")
struct SnapshotCacheTests {
    @Test("a settled snapshot is decoded once and reused; a snapshot file changed in place is read again")
    func reusesUnchangedSnapshots() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2)")
        let snapshot = try test.warehouse.catalog().snapshot
        let path = Warehouse.snapshotPath(test.warehouse.directory, snapshot)
        // A snapshot written within FileIdentity.settledSeconds is read every time.
        Thread.sleep(forTimeInterval: 2.2)
        let first = try test.warehouse.catalog()
        let identity = try #require(FileIdentity.of(path: path))
        let kept = try #require(Warehouse.decodedSnapshots.kept(path: path, identity: identity))
        #expect(kept.catalog == first)
        #expect(try test.warehouse.catalog() == first)
        #expect(try test.rows("t").count == 2)
        // Damage one byte in place (same size, same name): the kept catalog must not hide it.
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: 40)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: 40)
        try handle.write(contentsOf: Data([byte ^ 0x20]))
        try handle.close()
        #expect(FileIdentity.of(path: path) != identity)
        #expect(throws: StorageError.self) { try test.warehouse.catalog() }
    }
}
