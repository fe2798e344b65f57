/// Loads merge the small segments micro-batches leave in the partitions they write.

import Foundation
import StarlingColumns
import StarlingStorage
import Testing

@testable import StarlingLoader

@Suite("Compaction after loads")
struct CompactionAfterLoadTests {
    static func segments(_ fixture: LoaderFixture) throws -> [String: Int] {
        let table = try #require(try fixture.warehouse.catalog().table(named: "ev"))
        return Dictionary(uniqueKeysWithValues: table.partitions.map { ($0.key, $0.segments.count) })
    }

    @Test("the 16th small segment of a partition merges them, as a commit of its own; --no-compact leaves them")
    func automatic() throws {
        for compacting in [true, false] {
            let fixture = try LoaderFixture(schema: "CREATE TABLE ev (day DATE, v INTEGER) PARTITION BY day(day)")
            var compactions = 0
            for number in 0..<20 {
                let file = try fixture.file("ev-\(number).csv", "day,v\n2025-03-0\(number % 2 + 1),\(number)\n")
                let summary = try fixture.load("ev", [file]) { if !compacting { $0.compaction = nil } }
                if let report = summary.compaction {
                    compactions += 1
                    #expect(report.partitions.map(\.segmentsAfter) == [1])
                    #expect(report.snapshot == (summary.record.snapshot ?? 0) + 1)
                }
            }
            let rows = try fixture.rows("ev").compactMap { row -> Int64? in
                if case .integer(let value) = row[1] { return value } else { return nil }
            }
            #expect(rows.sorted() == (0..<20).map(Int64.init))
            // Ten loads into each day: under 16 small segments, nothing merges; then one manual pass.
            #expect(compactions == 0)
            #expect(try Self.segments(fixture) == ["2025-03-01": 10, "2025-03-02": 10])
            for number in 20..<32 {
                let file = try fixture.file("ev-\(number).csv", "day,v\n2025-03-01,\(number)\n")
                let summary = try fixture.load("ev", [file]) { if !compacting { $0.compaction = nil } }
                if summary.compaction != nil { compactions += 1 }
            }
            #expect(compactions == (compacting ? 1 : 0))
            let expected = compacting ? ["2025-03-01": 7, "2025-03-02": 10] : ["2025-03-01": 22, "2025-03-02": 10]
            #expect(try Self.segments(fixture) == expected)
            #expect(try fixture.rows("ev").count == 32)
        }
    }
}
