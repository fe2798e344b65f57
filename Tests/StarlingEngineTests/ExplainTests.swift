/// EXPLAIN plans without reading a segment; the rows are read only when the query runs.

import Foundation
import StarlingEngine
import StarlingExecution
import StarlingStorage
import Testing

@Suite("EXPLAIN reads no segments")
struct ExplainTests {
    /// A star schema whose segment files are then all removed: only the catalog is left.
    /// A star schema with a few rows: regions, sales referencing them, targets.
    func engine() throws -> (Engine, String) {
        let directory = NSTemporaryDirectory() + "starling-explain-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let engine = Engine(warehouse: try Warehouse.create(at: directory), threads: 2)
        try engine.run("""
            CREATE TABLE region (r_id INTEGER PRIMARY KEY, r_name VARCHAR);
            CREATE TABLE sale (s_id BIGINT, s_region INTEGER REFERENCES region (r_id), s_amount INTEGER);
            CREATE TABLE target (t_region VARCHAR, t_amount INTEGER);
            INSERT INTO region VALUES (1, 'north'), (2, 'south');
            INSERT INTO sale VALUES (1, 1, 10), (2, 2, 20), (3, 1, 30);
            INSERT INTO target VALUES ('north', 15)
            """)
        return (engine, directory)
    }

    func engineWithoutSegments() throws -> (Engine, String) {
        let (engine, directory) = try engine()
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var removed = 0
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".stsg") {
                try FileManager.default.removeItem(atPath: directory + "/" + path)
                removed += 1
            }
        }
        #expect(removed >= 3)
        return (engine, directory)
    }

    static let query = """
        SELECT r_name, s_region, sum(s_amount), (SELECT max(t_amount) FROM target) AS goal
        FROM sale JOIN region ON s_region = r_id
        WHERE r_name IN (SELECT t_region FROM target) OR s_amount > (SELECT avg(t_amount) FROM target)
        GROUP BY r_name, s_region
        HAVING EXISTS (SELECT 1 FROM target WHERE t_amount > 0)
        """

    @Test("a star join, reference keys and subqueries are planned, and shown, without their rows")
    func explainWithoutSegments() throws {
        let (engine, directory) = try engineWithoutSegments()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var lines: [String] = []
        try engine.run("EXPLAIN " + Self.query, onResult: { result in
            for row in 0..<result.rows.count { lines.append(result.rows.columns[0].value(at: row).formatted(as: .varchar)) }
        })
        let text = lines.joined(separator: "\n")
        #expect(text.contains("STAR JOIN region by row code"))
        #expect(text.contains("SUBQUERY (scalar, run first)"))
        #expect(text.contains("SUBQUERY (IN values, run first)"))
        #expect(text.contains("SUBQUERY (EXISTS, run first)"))
        // Running it needs the rows, which are gone: a storage error, not a crash.
        #expect(throws: EngineError.self) { try engine.run(Self.query) }
    }

    @Test("the same query runs once the rows are there, subqueries first")
    func runs() throws {
        let (engine, directory) = try engine()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var rows: [[String]] = []
        try engine.run(Self.query + " ORDER BY 1", onResult: { result in
            for row in 0..<result.rows.count {
                rows.append(result.columns.indices.map { result.rows.columns[$0].value(at: row).formatted(as: result.columns[$0].type) })
            }
        })
        #expect(rows == [["north", "1", "40", "15"], ["south", "2", "20", "15"]])
    }

    @Test("a hash join's build keys filter the scan of its probe side: few rows leave the scan")
    func joinKeysFilterTheProbeScan() throws {
        let directory = NSTemporaryDirectory() + "starling-explain-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var text = "k,v\n"
        for k in 1...200_000 { text += "\(k),\(k % 10)\n" }
        try text.write(toFile: directory + "/fact.csv", atomically: true, encoding: .utf8)
        let engine = Engine(warehouse: try Warehouse.create(at: directory + "/wh"), threads: 2)
        try engine.run("""
            CREATE TABLE fact (k BIGINT, v INTEGER); COPY fact FROM '\(directory)/fact.csv' (HEADER);
            CREATE TABLE pick (k BIGINT, label VARCHAR); INSERT INTO pick VALUES (7, 'a'), (150000, 'b'), (150003, 'c')
            """)
        var lines: [String] = []
        let query = "SELECT label, v FROM fact JOIN pick ON fact.k = pick.k"
        try engine.run("EXPLAIN ANALYZE " + query, onResult: { result in
            for row in 0..<result.rows.count { lines.append(result.rows.columns[0].value(at: row).formatted(as: .varchar)) }
        })
        let scan = try #require(lines.first { $0.contains("SCAN fact") })
        // The bitmap of {7, 150000, 150003} lets three rows out; the range skips row groups.
        #expect(scan.contains("out 3;"))
        #expect(scan.contains("skipped;") && !scan.contains("row groups 4 read"))
        var rows = 0
        try engine.run(query, onResult: { rows += $0.rows.count })
        #expect(rows == 3)
    }
}
