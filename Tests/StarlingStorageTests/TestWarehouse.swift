/// A temporary warehouse for one test, removed afterwards.

import Foundation
@testable import StarlingStorage
import StarlingEngine
import StarlingColumns

/// Creates a fresh warehouse in a temporary directory.
final class TestWarehouse {
    let directory: String
    let warehouse: Warehouse

    init() throws {
        directory = NSTemporaryDirectory() + "starling-test-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        warehouse = try Warehouse.create(at: directory)
    }

    /// A copy of the fixture warehouse at `fixture` (a directory under `Tests/Fixtures`).
    init(copying fixture: String) throws {
        directory = NSTemporaryDirectory() + "starling-test-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(fixture).path
        try FileManager.default.copyItem(atPath: source, toPath: directory)
        warehouse = try Warehouse(opening: directory)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    var engine: Engine { Engine(warehouse: warehouse) }

    /// Runs SQL, failing the test on error.
    func run(_ sql: String) throws {
        try engine.run(sql)
    }

    /// The user-visible rows of `table` at the current (or given) snapshot.
    func rows(_ table: String, snapshot: Int? = nil) throws -> [[Value]] {
        let catalog = try warehouse.catalog(snapshot: snapshot)
        guard let entry = catalog.table(named: table) else { return [] }
        return try TableScanner(warehouse: warehouse, catalog: catalog).rows(of: entry)
    }

    /// Every file below the warehouse, relative to it.
    func files() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var result: [String] = []
        while let next = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + next, isDirectory: &isDirectory), !isDirectory.boolValue {
                result.append(next)
            }
        }
        return result.sorted()
    }
}
