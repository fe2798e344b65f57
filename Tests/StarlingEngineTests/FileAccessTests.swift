/// Files in FROM are read only where the engine allows it (`starling serve`: admins only).

import Foundation
import StarlingEngine
import StarlingStorage
import Testing

@Suite("Files in FROM")
struct FileAccessTests {
    @Test("an engine that may not read files refuses FROM 'x.parquet' before opening it")
    func refused() throws {
        let directory = NSTemporaryDirectory() + "starling-files-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var engine = Engine(warehouse: try Warehouse.create(at: directory), threads: 1)
        let file = directory + "/one.parquet"
        try engine.run("COPY (SELECT 1 AS a) TO '\(file)'")
        var rows = 0
        try engine.run("SELECT a FROM '\(file)'", onResult: { rows += $0.rows.count })
        #expect(rows == 1)
        engine.mayReadFiles = false
        do {
            try engine.run("SELECT a FROM '\(file)'")
            Issue.record("a file was read")
        } catch {
            #expect(error.description.contains("permission denied: reading files in FROM needs the admin role"))
        }
        do {
            try engine.run("SELECT * FROM read_parquet('/etc/*')")
            Issue.record("a file was read")
        } catch {
            #expect(error.description.contains("permission denied"))
        }
    }
}
