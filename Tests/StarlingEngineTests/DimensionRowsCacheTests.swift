/// Dimensions kept decoded between queries of one process, and read again when they change.

import Foundation
@testable import StarlingEngine
import StarlingExecution
import StarlingStorage
import Testing

@Suite("Dimension rows cache")
struct DimensionRowsCacheTests {
    static func answer(_ engine: Engine, _ sql: String) throws -> [String] {
        var rows: [String] = []
        try engine.run(sql) { result in
            for row in 0..<result.rows.count {
                rows.append(result.rows.columns.map { $0.value(at: row).formatted(as: $0.type) }.joined(separator: "|"))
            }
        }
        return rows
    }

    @Test("a settled dimension is read once for star joins; a changed one is read again")
    func rereadsChangedDimensions() throws {
        let directory = NSTemporaryDirectory() + "starling-dimension-cache-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = Engine(warehouse: try Warehouse.create(at: directory), threads: 2)
        try engine.run("""
            CREATE TABLE region (code INTEGER PRIMARY KEY, name VARCHAR);
            INSERT INTO region VALUES (1, 'north'), (2, 'south');
            CREATE TABLE sale (region_code INTEGER REFERENCES region (code), amount INTEGER);
            INSERT INTO sale VALUES (1, 10), (2, 20), (2, 5);
            """)
        let query = "SELECT r.name, sum(s.amount) FROM sale s JOIN region r ON s.region_code = r.code WHERE r.code >= 1 GROUP BY r.name ORDER BY r.name"
        // Files written within FileIdentity's settling time are read every time.
        Thread.sleep(forTimeInterval: 2.2)
        let before = DimensionRowsCache.shared.count
        #expect(try Self.answer(engine, query) == ["north|10", "south|25"])
        #expect(DimensionRowsCache.shared.count > before)
        #expect(try Self.answer(engine, query) == ["north|10", "south|25"])
        // New dimension rows and facts: new files, so the kept rows no longer match.
        try engine.run("INSERT INTO region VALUES (3, 'east'); INSERT INTO sale VALUES (3, 7)")
        Thread.sleep(forTimeInterval: 2.2)
        #expect(try Self.answer(engine, query) == ["east|7", "north|10", "south|25"])
    }
}
