/// The SSB schema and queries built into the binary are the files in Benchmarks/ssb.

import Foundation
import StarlingSampleData
import Testing

@Suite("SSB workload")
struct SSBWorkloadTests {
    @Test("SSBWorkload holds exactly Benchmarks/ssb/schema.sql and queries.sql")
    func sameAsFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let schema = try String(contentsOf: root.appendingPathComponent("Benchmarks/ssb/schema.sql"), encoding: .utf8)
        let queries = try String(contentsOf: root.appendingPathComponent("Benchmarks/ssb/queries.sql"), encoding: .utf8)
        #expect(SSBWorkload.schema == schema)
        #expect(SSBWorkload.queries == queries)
        #expect(SSBTable.allCases.map(\.tableName) == ["dates", "customer", "supplier", "part", "lineorder"])
    }
}
