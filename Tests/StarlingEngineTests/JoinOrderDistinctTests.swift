/// Join ordering with the catalog's distinct counts: a join whose leaf repeats its key multiplies
/// rows and goes after one that shrinks them; without distinct counts (a warehouse written before
/// they were kept) the order is the one the leaves' filters alone give.

import Foundation
import StarlingColumns
import StarlingEngine
import StarlingFormat
import Testing

@testable import StarlingStorage

@Suite("Join order from distinct counts", .serialized)
struct JoinOrderDistinctTests {
    /// `fact(k, v)`: k = 1…100,000, v = k % 10; `s(k, y)`: k ≤ 50,000, y = k % 1000 (a key join);
    /// `m(g, x)`: 700 rows, g = k % 10, x = k % 7 (each g 70 times: joining on it multiplies rows).
    func engine() throws -> (Engine, Warehouse, String) {
        let made = try EngineTestSupport.factWarehouse(
            "ndv", rows: 100_000,
            setup: """
                CREATE TABLE s (k BIGINT, y INTEGER); INSERT INTO s SELECT k, k % 1000 FROM fact WHERE k <= 50000;
                CREATE TABLE m (g INTEGER, x INTEGER); INSERT INTO m SELECT k % 10, k % 7 FROM fact WHERE k <= 700
                """)
        return (made.engine, made.warehouse, made.directory)
    }

    func lines(_ engine: Engine, _ sql: String) throws -> [String] {
        try EngineTestSupport.firstColumn(engine, sql)
    }

    /// Rewrites every manifest of the current snapshot in the version 1 layout (no distinct
    /// counts), as a warehouse written before they were kept, and its root to match.
    func dropDistinctCounts(_ warehouse: Warehouse, directory: String) throws {
        let number = try warehouse.catalog().snapshot
        let rootPath = Warehouse.snapshotPath(directory, number)
        guard case .root(var root) = try CatalogFile.decode(try FileBytes.read(path: rootPath), path: rootPath).0 else {
            Issue.record("snapshot \(number) is not a format 2 root")
            return
        }
        for table in root.tables.indices {
            for index in root.tables[table].partitionManifests.indices {
                let reference = root.tables[table].partitionManifests[index]
                let file = warehouse.path(reference.path)
                let document = try ManifestFile.decode(try FileBytes.read(path: file), path: file).document
                let (bytes, checksum) = ManifestFile.encode(document, version: 1)
                try Data(bytes).write(to: URL(fileURLWithPath: file))
                root.tables[table].partitionManifests[index].checksum = CatalogEnvelope.hexadecimal(checksum)
            }
        }
        try Data(CatalogFile.encode(root)).write(to: URL(fileURLWithPath: rootPath))
        Warehouse.decodedSnapshots.removeAll()
        Warehouse.decodedManifests.removeAll()
    }

    /// How deep the logical plan's line for the join on `condition` is (joined earlier: deeper).
    func depth(_ plan: [String], _ condition: String) throws -> Int {
        let line = try #require(plan.first { $0.contains("INNER JOIN ON \(condition)") }, "\(plan)")
        return line.prefix { $0 == " " || $0 == "│" || $0 == "└" || $0 == "├" || $0 == "─" }.count
    }

    static let query = """
        SELECT count(*) FROM fact, s, m WHERE fact.k = s.k AND fact.v = m.g AND m.x = 3 AND s.y < 500
        """

    @Test("a join that multiplies rows goes after one that shrinks them; unknown counts keep the old order")
    func fanOutJoinsLast() throws {
        let (engine, warehouse, directory) = try engine()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // 25,000 rows of fact ⋈ s, each meeting the 10 rows of m with g = v and x = 3.
        #expect(try lines(engine, Self.query) == ["250000"])
        // m keeps a seventh of its rows (x = 3), s half (y < 500): by filters alone m goes first,
        // but each fact row meets 70 rows of m (700 rows, 10 values of g), so s must go first.
        let plan = try lines(engine, "EXPLAIN " + Self.query)
        #expect(try depth(plan, "fact.k = s.k") > depth(plan, "v = g"), "\(plan.joined(separator: "\n"))")
        try dropDistinctCounts(warehouse, directory: directory + "/wh")
        let catalog = try warehouse.catalog()
        #expect(
            catalog.tables.allSatisfy {
                $0.partitions.allSatisfy {
                    $0.segments.allSatisfy {
                        $0.statistics.allSatisfy { $0.distinctCount == nil }
                    }
                }
            })
        let engineWithout = Engine(warehouse: warehouse, threads: 2)
        #expect(try lines(engineWithout, Self.query) == ["250000"])
        let old = try lines(engineWithout, "EXPLAIN " + Self.query)
        #expect(try depth(old, "fact.k = s.k") < depth(old, "v = g"), "\(old.joined(separator: "\n"))")
    }

    /// The `(~N rows)` estimate on the logical plan's line for the join on `condition`.
    func estimate(_ plan: [String], _ condition: String) throws -> Int {
        let line = try #require(plan.first { $0.contains("INNER JOIN ON \(condition)") }, "\(plan)")
        let digits = line.split(separator: "~").last?.prefix { $0.isNumber } ?? ""
        return try #require(Int(digits), "\(line)")
    }

    @Test("a key the joined table repeats multiplies the estimate; keys unique together do not")
    func fanOutEstimates() throws {
        let (engine, warehouse, directory) = try engine()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // 700 pairs: g = k % 10 (70 rows each), h = k / 10 (10 rows each); (g, h) unique.
        let values = (0..<700).map { "(\($0 % 10), \($0 / 10))" }.joined(separator: ", ")
        try engine.run("CREATE TABLE pairs (g INTEGER, h BIGINT); INSERT INTO pairs VALUES " + values)
        let one = "SELECT count(*) FROM fact, pairs WHERE fact.v = pairs.g"
        let both = "SELECT count(*) FROM fact, pairs WHERE fact.v = pairs.g AND fact.k = pairs.h"
        #expect(try lines(engine, one) == ["7000000"])
        #expect(try lines(engine, both) == ["69"])
        // Each fact row meets the 70 rows of its g: 100,000 × 700 / max(10, 10).
        #expect(try estimate(lines(engine, "EXPLAIN " + one), "v = g") == 7_000_000)
        // Together the keys select 1 / (10 × 100,000) of the pairs: no more than a key join's.
        #expect(try estimate(lines(engine, "EXPLAIN " + both), "v = g AND k = h") == 100_000)
        // Without distinct counts both are estimated as key joins, as before.
        try dropDistinctCounts(warehouse, directory: directory + "/wh")
        let engineWithout = Engine(warehouse: warehouse, threads: 2)
        #expect(try estimate(lines(engineWithout, "EXPLAIN " + one), "v = g") == 100_000)
        #expect(try estimate(lines(engineWithout, "EXPLAIN " + both), "v = g AND k = h") == 100_000)
    }
}
