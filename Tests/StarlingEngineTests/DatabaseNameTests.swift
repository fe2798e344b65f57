/// The database's name an engine gives (`current_database()`, `information_schema`): the
/// warehouse directory's last name, or the name the engine was given (`starling serve`'s).

import Foundation
import StarlingEngine
import StarlingStorage
import Testing

@Suite("Database name")
struct DatabaseNameTests {
    /// The first value of the first row of `query`, as text.
    func answer(_ engine: Engine, _ query: String) throws -> String {
        var text = ""
        try engine.run(query, onResult: { text = $0.rows.columns.first?.value(at: 0).formatted(as: .varchar) ?? "" })
        return text
    }

    @Test("the directory's last name by default; the engine's name when it has one")
    func names() throws {
        let name = "starling-dbname-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let directory = NSTemporaryDirectory() + name
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var engine = Engine(warehouse: try Warehouse.create(at: directory), threads: 1)
        try engine.run("CREATE TABLE t (a INTEGER)")
        #expect(try answer(engine, "SELECT current_database()") == name)
        engine.databaseName = "starling"
        #expect(try answer(engine, "SELECT current_database()") == "starling")
        #expect(try answer(engine, "SELECT min(table_catalog) FROM information_schema.tables") == "starling")
        #expect(try answer(engine, "SELECT min(table_catalog) FROM information_schema.columns") == "starling")
    }
}
