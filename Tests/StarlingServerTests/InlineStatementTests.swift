/// Which statements the server runs on the event loop: SELECTs of constants only.

import Testing

@testable import StarlingServer

@Suite("InlineStatement")
struct InlineStatementTests {
    @Test("constants, operators, casts and the session's constant functions run inline")
    func inline() {
        for text in [
            "SELECT 1", "select 1;", "SELECT 1 AS one, 'x' || 'y', NOT TRUE, -2.5::DOUBLE, NULL IS NULL",
            "SELECT version()", "SELECT current_database(), current_schema()", "SELECT INTERVAL '1' DAY",
        ] {
            #expect(InlineStatement.qualifies(text), "\(text)")
        }
    }

    @Test("anything reading a table, calling other functions, nesting deeply or running long goes to a query thread")
    func notInline() {
        let deep = "SELECT " + String(repeating: "NOT ", count: 12) + "TRUE"
        let long = "SELECT " + Array(repeating: "1", count: 300).joined(separator: " + ")
        for text in [
            "SELECT * FROM t", "SELECT 1 FROM t", "SELECT (SELECT 1)", "SELECT EXISTS (SELECT 1)",
            "SELECT repeat('x', 1000000000)", "SELECT count(*)", "SELECT 1 ORDER BY 1", "SELECT 1 LIMIT 1",
            "WITH a AS (SELECT 1) SELECT 1", "SELECT 1 UNION ALL SELECT 2", "SELECT 1; SELECT 2",
            "INSERT INTO t VALUES (1)",
            "SELECT current_setting('timezone')", "SELECT now()", "SELECT 1 WHERE TRUE", "SET x = 1", "SELECT", deep,
            long,
        ] {
            #expect(!InlineStatement.qualifies(text), "\(text)")
        }
    }
}
