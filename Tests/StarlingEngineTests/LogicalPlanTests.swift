/// The logical plan and its optimizer: EXPLAIN shows both plans, and filters on subqueries,
/// common table expressions and outer joins reach the scans below them.

import Foundation
import StarlingEngine
import StarlingStorage
import Testing

@Suite("Logical plan and optimizer")
struct LogicalPlanTests {
    /// `fact(k, v)` with k = 1…200,000 (four row groups) and v = k % 10, and `pick`.
    func engine() throws -> (Engine, String) {
        let made = try EngineTestSupport.factWarehouse(
            "logical", rows: 200_000,
            setup: """
                CREATE TABLE pick (k BIGINT, label VARCHAR); INSERT INTO pick VALUES (7, 'a'), (150000, 'b'), (150003, 'c')
                """)
        return (made.engine, made.directory)
    }

    func lines(_ engine: Engine, _ sql: String) throws -> [String] {
        try EngineTestSupport.firstColumn(engine, sql)
    }

    func rows(_ engine: Engine, _ sql: String) throws -> [[String]] {
        var rows: [[String]] = []
        try engine.run(
            sql,
            onResult: { result in
                for row in 0..<result.rows.count {
                    rows.append(
                        result.columns.indices.map {
                            result.rows.columns[$0].value(at: row).formatted(as: result.columns[$0].type)
                        })
                }
            })
        return rows
    }

    @Test("EXPLAIN shows the optimized logical plan, then the physical plan, as indented trees")
    func explainShowsBothPlans() throws {
        let (engine, directory) = try engine()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = try lines(
            engine,
            "EXPLAIN SELECT label, sum(v) FROM fact JOIN pick ON fact.k = pick.k WHERE v > 2 "
                + "GROUP BY label ORDER BY 2 DESC LIMIT 5")
        let logical = try #require(text.firstIndex(of: "Logical plan (optimized):"))
        let physical = try #require(text.firstIndex(of: "Physical plan:"))
        #expect(logical < physical)
        let logicalPart = text[logical..<physical].joined(separator: "\n")
        #expect(logicalPart.contains("TOP 5 BY sum(v) DESC"))
        #expect(logicalPart.contains("AGGREGATE by label: sum(v)"))
        #expect(logicalPart.contains("INNER JOIN ON fact.k = pick.k"))
        #expect(logicalPart.contains("└─ GET fact WHERE v > 2"))
        #expect(logicalPart.contains("└─ GET pick"))
        let physicalPart = text[physical...].joined(separator: "\n")
        #expect(physicalPart.contains("HASH JOIN INNER on k = k"))
        #expect(physicalPart.contains("SCAN fact columns: k, v filter: v > 2"))
    }

    @Test("a filter on a common table expression reaches its scan: zone maps skip row groups")
    func filterThroughCommonTableExpression() throws {
        let (engine, directory) = try engine()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let query =
            "WITH w AS (SELECT k, v, k * 2 AS k2 FROM fact) "
            + "SELECT count(*), sum(k2) FROM w WHERE k BETWEEN 1000 AND 2000"
        #expect(try rows(engine, query) == [["1001", "3003000"]])
        let text = try lines(engine, "EXPLAIN ANALYZE " + query)
        let scan = try #require(text.first { $0.contains("SCAN fact") })
        #expect(scan.contains("filter: k >= 1000 AND k <= 2000"))
        #expect(scan.contains("out 1001;"))
        #expect(!scan.contains("row groups 4 read"))
    }

    @Test("a filter on a grouped subquery's key goes below the grouping; one on an aggregate stays above")
    func filterThroughAggregate() throws {
        let (engine, directory) = try engine()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let query = "SELECT * FROM (SELECT v, count(*) AS n FROM fact GROUP BY v) g WHERE v = 3 AND n > 5"
        #expect(try rows(engine, query) == [["3", "20000"]])
        let text = try lines(engine, "EXPLAIN " + query)
        #expect(text.contains { $0.contains("SCAN fact") && $0.contains("filter: v = 3") })
        #expect(text.contains { $0.contains("FILTER count(*) > 5") })
    }

    @Test("a filter goes into both inputs of UNION ALL, and not below a LIMIT")
    func filterThroughSetOperationNotLimit() throws {
        let (engine, directory) = try engine()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let union = "SELECT count(*) FROM (SELECT k, v FROM fact UNION ALL SELECT k, 0 FROM pick) u WHERE k < 100"
        #expect(try rows(engine, union) == [["100"]])
        let unionPlan = try lines(engine, "EXPLAIN " + union)
        #expect(unionPlan.filter { $0.contains("SCAN") && $0.contains("filter: k < 100") }.count == 2)
        // The first ten rows by k, then the filter: pushing it below the LIMIT would change them.
        let limited = "SELECT k FROM (SELECT k, v FROM fact ORDER BY k LIMIT 10) t WHERE v = 3"
        #expect(try rows(engine, limited) == [["3"]])
        #expect(try lines(engine, "EXPLAIN " + limited).contains { $0.contains("SCAN fact") && !$0.contains("filter") })
    }

    @Test("a filter on a LEFT JOIN's preserved side filters its scan; one on the other side stays above")
    func filterThroughLeftJoin() throws {
        let (engine, directory) = try engine()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let query = """
            SELECT j.k, j.label FROM (SELECT fact.k, label FROM fact LEFT JOIN pick ON fact.k = pick.k) j
            WHERE j.k <= 10 AND j.label IS NULL ORDER BY 1
            """
        #expect(try rows(engine, query).map { $0[0] } == ["1", "2", "3", "4", "5", "6", "8", "9", "10"])
        let text = try lines(engine, "EXPLAIN " + query)
        #expect(text.contains { $0.contains("SCAN fact") && $0.contains("filter: k <= 10") })
        #expect(text.contains { $0.contains("FILTER label IS NULL") })
    }

    @Test("a table hanging off a build side's leaf joins that leaf first, so its filter shrinks it early")
    func nestedBuildSubtree() throws {
        let (engine, directory) = try engine()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // fact → ord → cust → nat, as TPC-H Q7's lineitem → orders → customer → nation.
        try engine.run(
            """
            CREATE TABLE ord (k BIGINT, c INTEGER); INSERT INTO ord SELECT k, k % 1000 FROM fact WHERE k <= 50000;
            CREATE TABLE cust (c INTEGER, n INTEGER); INSERT INTO cust SELECT k, k % 25 FROM fact WHERE k < 1000;
            CREATE TABLE nat (n INTEGER, name VARCHAR); INSERT INTO nat VALUES (3, 'three'), (4, 'four'), (5, 'five')
            """)
        let query = """
            SELECT count(*), sum(fact.v) FROM fact, ord, cust, nat
            WHERE fact.k = ord.k AND ord.c = cust.c AND cust.n = nat.n AND nat.name = 'four'
            """
        // c ≡ 4 (mod 25): 40 customers, 50 orders each; v = k % 10 = c % 10, 4 or 9 by turns.
        #expect(try rows(engine, query) == [["2000", "13000"]])
        let text = try lines(engine, "EXPLAIN " + query)
        let outer = try #require(text.firstIndex { $0.contains("INNER JOIN ON ord.c = cust.c") })
        let inner = try #require(text.firstIndex { $0.contains("INNER JOIN ON cust.n = nat.n") })
        let depth = { (line: String) in line.prefix { $0 == " " || $0 == "└" || $0 == "─" || $0 == "\"" }.count }
        #expect(inner > outer && depth(text[inner]) > depth(text[outer]), "\(text.joined(separator: "\n"))")
        let analyzed = try lines(engine, "EXPLAIN ANALYZE " + query)
        let customers = try #require(analyzed.first { $0.contains("SCAN cust") })
        #expect(customers.contains("out 40;"), "the nation's key filters the customers' scan")
        let orders = try #require(analyzed.first { $0.contains("SCAN ord ") })
        #expect(orders.contains("out 2000;"), "the customers' keys filter the orders' scan: \(orders)")
    }

    @Test("a top-N over many morsels keeps ties in input order, as a full sort does")
    func topNTies() throws {
        let (engine, directory) = try engine()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // v = k % 10: 20,000 rows tie at v = 0, spread over every row group and worker.
        #expect(
            try rows(engine, "SELECT k FROM fact ORDER BY v LIMIT 5").map { $0[0] } == ["10", "20", "30", "40", "50"])
        #expect(
            try rows(engine, "SELECT k FROM fact ORDER BY v DESC, k DESC LIMIT 2 OFFSET 1").map { $0[0] } == [
                "199989", "199979",
            ])
        let sorted = try rows(engine, "SELECT k FROM fact ORDER BY v, k LIMIT 20000").map { $0[0] }
        #expect(sorted.count == 20000 && sorted.first == "10" && sorted.last == "200000")
    }
}
