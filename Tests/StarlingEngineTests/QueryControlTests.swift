/// Cancelling queries through a `QueryControl`, and its progress counters.

import Foundation
import StarlingEngine
import StarlingExecution
import StarlingStorage
import Testing

@Suite("Query control: cancellation and progress")
struct QueryControlTests {
    func engine(_ control: QueryControl) throws -> (Engine, String) {
        let directory = NSTemporaryDirectory() + "starling-control-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let engine = Engine(warehouse: try Warehouse.create(at: directory), threads: 2, control: control)
        try engine.run("CREATE TABLE t (a INTEGER, b VARCHAR); INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z')")
        return (engine, directory)
    }

    @Test("a cancelled control stops a query with a cancelled error; after reset it runs")
    func cancel() throws {
        let control = QueryControl()
        let (engine, directory) = try engine(control)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        control.cancel()
        do {
            try engine.run("SELECT b, count(*) FROM t GROUP BY b")
            Issue.record("the query ran")
        } catch {
            guard case .query(let queryError) = error else { Issue.record("\(error)"); return }
            #expect(queryError.kind == .cancelled)
            #expect(error.description == "cancelled")
        }
        control.reset()
        var rows = 0
        try engine.run("SELECT b, count(*) FROM t GROUP BY b", onResult: { rows += $0.rows.count })
        #expect(rows == 3)
        let progress = control.progress
        #expect(progress.planned >= 1)
        #expect(progress.done == progress.planned)
        #expect(progress.rowsScanned == 3)
    }
}
