/// Deeply nested SQL is answered or refused with an error, never a crashed process.

import Testing
@testable import StarlingEngine
import StarlingExecution

@Suite("Deep nesting")
struct DeepNestingTests {
    /// The first value of the script's last result, or the error text.
    func answer(_ sql: String) throws -> String {
        let warehouse = try SQLLogicWarehouse()
        var last: QueryResult?
        do {
            try warehouse.engine.run(sql, onResult: { last = $0 })
        } catch {
            return "error: \(error)"
        }
        guard let last, last.rows.count > 0 else { return "no rows" }
        return last.rows.columns[0].value(at: 0).formatted(as: last.columns[0].type)
    }

    @Test("900 levels of parentheses, functions and operator chains bind, plan and run")
    func deepButAllowed() throws {
        #expect(try answer("SELECT " + String(repeating: "(", count: 900) + "1" + String(repeating: ")", count: 900)) == "1")
        #expect(try answer("SELECT " + Array(repeating: "1", count: 900).joined(separator: " + ")) == "900")
        #expect(try answer("SELECT " + String(repeating: "coalesce(", count: 400) + "1" + String(repeating: ", 2)", count: 400)) == "1")
        #expect(try answer("SELECT " + Array(repeating: "x", count: 900).joined(separator: " + ") + " FROM (SELECT 2 AS x) t") == "1800")
    }

    @Test("beyond the nesting limit is an error naming it")
    func tooDeep() throws {
        let result = try answer("SELECT 1 WHERE " + Array(repeating: "1 = 1", count: 5000).joined(separator: " AND "))
        #expect(result.contains("nested too deeply"))
    }
}
