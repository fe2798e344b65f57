/// A vacuum that removes a file of the snapshot a running query reads: the query runs again on
/// the current snapshot when it has passed no row on, and is never reported as damaged data.

import Foundation
import StarlingExecution
import StarlingSQL
import StarlingStorage
import Testing

@testable import StarlingEngine

@Suite("Queries over a vacuumed snapshot")
struct VacuumedSnapshotTests {
    /// A fresh warehouse holding `t(n)` with the rows 1, 2, 3 (the caller removes its directory).
    static func engine() throws -> (Engine, Warehouse) {
        let directory =
            NSTemporaryDirectory() + "starling-vacuumed-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let warehouse = try Warehouse.create(at: directory)
        let engine = Engine(warehouse: warehouse, threads: 2)
        try engine.run("CREATE TABLE t (n BIGINT); INSERT INTO t VALUES (1), (2), (3)")
        return (engine, warehouse)
    }

    @Test("a query planned on a snapshot whose file was vacuumed away runs again on the current one")
    func retriesOnTheCurrentSnapshot() throws {
        let (engine, warehouse) = try Self.engine()
        defer { try? FileManager.default.removeItem(atPath: warehouse.directory) }
        let old = try warehouse.catalog()
        // A newer commit replaces the table's file; a vacuum keeping one snapshot removes the old one.
        try engine.run("DROP TABLE t; CREATE TABLE t (n BIGINT); INSERT INTO t VALUES (10), (20)")
        let report = try warehouse.vacuum(keepSnapshots: 1)
        #expect(!report.filesRemoved.isEmpty)
        let parsed = try Parser.parseQuery("SELECT sum(n) FROM t")
        // Run once on the old snapshot alone, the query meets the removed file: not damage.
        let planner = engine.planner(old)
        do {
            try planner.executor().run(try planner.physicalPlan(parsed), into: RecordingSink())
            Issue.record("read a removed file")
        } catch {
            #expect((error as? QueryError)?.kind == .fileRemoved)
        }
        let sink = RecordingSink()
        try engine.runQuery(parsed, into: sink, first: old)
        #expect(sink.values == [30])
        #expect(sink.started == 1 && sink.finished == 1)
    }

    @Test("a file missing from the current snapshot is damage, not a vacuum: no retry, exit 65's kind")
    func missingFromCurrent() throws {
        let (engine, warehouse) = try Self.engine()
        defer { try? FileManager.default.removeItem(atPath: warehouse.directory) }
        let segments = try warehouse.catalog().tables.flatMap { $0.partitions.flatMap(\.segments) }
        for segment in segments { try FileManager.default.removeItem(atPath: warehouse.path(segment.path)) }
        do {
            try engine.runQuery(try Parser.parseQuery("SELECT sum(n) FROM t"), into: RecordingSink())
            Issue.record("read a missing file")
        } catch {
            #expect((error as? QueryError)?.kind == .storage)
            #expect((error as? QueryError)?.message.contains("segment file is missing") == true)
        }
    }
}
