/// Crash safety: a writer killed with SIGKILL at every step of a commit leaves the previous or the
/// new snapshot, never a mix, and vacuum removes what it left behind.

import Foundation
import Testing
@testable import StarlingStorage
import StarlingEngine
import StarlingColumns
import StarlingFormat

@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    /// The `starling` executable built beside the test bundle.
    static var executable: String? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("starling").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs `starling ARGS` with the crash hook set to `crashAt`; returns how it ended.
    static func run(_ arguments: [String], crashAt: Int) throws -> (status: Int32, killed: Bool) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(executable, "build the starling executable first (swift build)"))
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["STARLING_TEST_CRASH_AT"] = String(crashAt)
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    /// Every row of every table, plus a check that each referenced file decodes.
    static func state(_ test: TestWarehouse) throws -> [String: [[Value]]] {
        let catalog = try test.warehouse.catalog()
        var result: [String: [[Value]]] = [:]
        for table in catalog.tables {
            result[table.name] = try TableScanner(warehouse: test.warehouse, catalog: catalog).rows(of: table)
            for partition in table.partitions {
                for segment in partition.segments {
                    try SegmentReader(path: test.warehouse.path(segment.path)).verify()
                }
            }
        }
        return result
    }

    @Test("SIGKILL at every commit step leaves the old or the new snapshot")
    func killedWriters() throws {
        let test = try TestWarehouse()
        try test.run("""
            CREATE TABLE region (r_id INTEGER PRIMARY KEY, r_name VARCHAR);
            INSERT INTO region VALUES (1, 'ASIA'), (2, 'EUROPE');
            CREATE TABLE facts (f_id BIGINT, f_region INTEGER REFERENCES region, f_day DATE, f_value DECIMAL(10,2)) PARTITION BY day(f_day);
            """)
        var batch = 0
        var killedCount = 0
        var completedCount = 0
        // Crash point k of the k-th attempt; attempts that get past every point complete.
        for crashAt in 1...24 {
            batch += 1
            let values = (0..<30).map { row in "(\(batch * 100 + row), \(row % 2 + 1), '2025-03-0\(row % 3 + 1)', \(row).25)" }
            let sql = "INSERT INTO facts VALUES " + values.joined(separator: ", ")
            let before = try Self.state(test)
            let outcome = try Self.run(["sql", "--warehouse", test.directory, sql], crashAt: crashAt)
            let after = try Self.state(test)
            let grew = (after["facts"]?.count ?? 0) - (before["facts"]?.count ?? 0)
            // The history lists every committed snapshot once, whatever a crash left in its log.
            let current = try test.warehouse.catalog().snapshot
            #expect(try test.warehouse.history().map(\.snapshot) == Array(1...current), "crash point \(crashAt)")
            if outcome.killed {
                killedCount += 1
                // Killed: exactly the previous snapshot, or exactly the new one if the rename landed.
                #expect(grew == 0 || grew == 30, "crash point \(crashAt): \(grew) rows appeared")
                #expect(after["region"] == before["region"])
            } else {
                completedCount += 1
                #expect(outcome.status == 0)
                #expect(grew == 30)
            }
        }
        #expect(killedCount >= 8, "the hook killed the writer at \(killedCount) points")
        #expect(completedCount >= 1)
        // Leftovers of the killed writes are unreferenced; vacuum removes exactly those.
        let catalog = try test.warehouse.catalog()
        var referenced = Set<String>()
        for table in catalog.tables {
            for partition in table.partitions { for segment in partition.segments { referenced.insert(segment.path) } }
        }
        let leftovers = test.files().filter { $0.hasPrefix("data/") && !referenced.contains($0) }
        #expect(!leftovers.isEmpty, "killed writes should have left files behind")
        let stateBefore = try Self.state(test)
        _ = try test.warehouse.vacuum(keepSnapshots: 1_000)
        #expect(test.files().filter { $0.hasPrefix("data/") && !referenced.contains($0) }.isEmpty)
        #expect(!test.files().contains { $0.contains(".tmp-") })
        #expect(try Self.state(test) == stateBefore)
        // What stays under manifests/ is exactly what the snapshots name.
        var named = Set<String>()
        for number in try test.warehouse.snapshotNumbers() {
            named.formUnion(try test.warehouse.readSnapshot(number).manifests.paths)
        }
        #expect(Set(test.files().filter { $0.hasPrefix("manifests/") }) == named)
    }

    @Test("a load killed at any step leaves the previous snapshot or the whole batch")
    func killedLoads() throws {
        let test = try TestWarehouse()
        try test.run("""
            CREATE TABLE dim_region (r_id INTEGER PRIMARY KEY, r_name VARCHAR);
            INSERT INTO dim_region VALUES (1, 'ASIA'), (2, 'EUROPE');
            CREATE TABLE facts (f_id BIGINT, f_region INTEGER REFERENCES dim_region, f_day DATE, f_value DECIMAL(10,2)) PARTITION BY day(f_day);
            """)
        let extract = test.directory + "/extract.csv"
        let lines = ["f_id,f_region,f_day,f_value"] + (0..<300).map { "\($0),\($0 % 2 + 1),2025-03-0\($0 % 3 + 1),\($0).5" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: extract, atomically: true, encoding: .utf8)
        var loaded = 0
        for crashAt in 1...20 {
            let before = try Self.state(test)["facts"]?.count ?? 0
            let outcome = try Self.run(["load", "--warehouse", test.directory, "facts", extract, "--force"], crashAt: crashAt)
            let after = try Self.state(test)["facts"]?.count ?? 0
            #expect(after == before || after == before + 300, "crash point \(crashAt): \(after - before) rows appeared")
            if !outcome.killed {
                #expect(outcome.status == 0)
                loaded += 1
            }
        }
        #expect(loaded >= 1)
        _ = try test.warehouse.vacuum(keepSnapshots: 1_000)
        #expect(!test.files().contains { $0.contains(".tmp-") })
    }

    @Test("a load that grows a keyed column's side file, killed at any step, leaves the old or the new snapshot, both readable")
    func killedKeyedLoads() throws {
        let test = try KeyedColumnTests.warehouse(items: 80)
        var loaded = 0
        for crashAt in 1...20 {
            // Each load meets one item more than the one before, so a commit writes a new side file.
            let items = 50 + crashAt
            let extract = test.directory + "/extract-\(crashAt).csv"
            let lines = ["s_id,s_item,s_quantity,s_unit_price,s_note"] + (0..<2000).map { row in
                let item = row % items + 1
                return "\(crashAt * 10_000 + row),\(item),\(row % 7 + 1),\(KeyedColumnTests.price(item)),0"
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: extract, atomically: true, encoding: .utf8)
            let before = try Self.state(test)["sale"] ?? []
            let outcome = try Self.run(["load", "--warehouse", test.directory, "sale", extract], crashAt: crashAt)
            let after = try Self.state(test)["sale"] ?? []
            #expect(after.count == before.count || after.count == before.count + 2000, "crash point \(crashAt): \(after.count - before.count) rows appeared")
            // Every row, keyed or not, reads back its item's price.
            #expect(after.allSatisfy { row in
                guard case .integer(let item) = row[1], case .integer(let price) = row[3] else { return false }
                return price == Int64(KeyedColumnTests.price(Int(item)))
            }, "crash point \(crashAt): a price read back wrong")
            if !outcome.killed {
                #expect(outcome.status == 0)
                loaded += 1
            }
        }
        #expect(loaded >= 1)
        let keyed = try #require(try test.warehouse.catalog().table(named: "sale")?.keyedColumns)
        #expect(keyed.contains { $0.column == 4 })
        _ = try test.warehouse.vacuum(keepSnapshots: 1)
        #expect(test.files().filter { $0.contains("/keyed/") } == keyed.map(\.path).sorted())
        #expect(!test.files().contains { $0.contains(".tmp-") })
    }

    @Test("a format 1 warehouse killed at every step of its first commit stays format 1 whole, or migrates whole")
    func killedMigration() throws {
        var killed = 0
        var migrated = 0
        for crashAt in 1...16 {
            let test = try TestWarehouse(copying: "warehouse-catalog-v1/warehouse")
            let outcome = try Self.run(["sql", "--warehouse", test.directory, "INSERT INTO note VALUES (9, 'nine')"], crashAt: crashAt)
            CatalogFormat2Tests.forgetDecoded()
            let snapshot = try test.warehouse.catalog().snapshot
            let notes = try test.rows("note").count
            #expect((snapshot == 11 && notes == 2) || (snapshot == 12 && notes == 3), "crash point \(crashAt)")
            #expect(try test.warehouse.history().map(\.snapshot) == Array(1...snapshot), "crash point \(crashAt)")
            killed += outcome.killed ? 1 : 0
            migrated += snapshot == 12 ? 1 : 0
            // Whatever the crash left, the next commit goes through and the history stays whole.
            try test.run("INSERT INTO note VALUES (10, 'ten')")
            #expect(try test.warehouse.history().map(\.snapshot) == Array(1...(snapshot + 1)), "crash point \(crashAt)")
        }
        #expect(killed >= 6 && migrated >= 1, "killed \(killed) times, migrated \(migrated) times")
    }

    @Test("a compaction killed at any step leaves the small segments or the merged ones, with the same rows")
    func killedCompactions() throws {
        var killed = 0
        var merged = 0
        for crashAt in 1...14 {
            let test = try TestWarehouse()
            try test.run("CREATE TABLE ev (d DATE, v INTEGER, s VARCHAR) PARTITION BY month(d)")
            for day in 1...4 {
                try test.run("INSERT INTO ev VALUES ('2025-03-0\(day)', \(day), 'a\(day)'), ('2025-04-0\(day)', NULL, NULL)")
            }
            let before = try CompactionTests.sortedRows(test, "ev")
            let outcome = try Self.run(["compact", "--warehouse", test.directory], crashAt: crashAt)
            CatalogFormat2Tests.forgetDecoded()
            #expect(try CompactionTests.sortedRows(test, "ev") == before, "crash point \(crashAt)")
            let segments = try CompactionTests.segments(test, "ev")
            #expect(segments == [4, 4] || segments == [1, 1], "crash point \(crashAt): \(segments)")
            let current = try test.warehouse.catalog().snapshot
            #expect(try test.warehouse.history().map(\.snapshot) == Array(1...current), "crash point \(crashAt)")
            killed += outcome.killed ? 1 : 0
            merged += segments == [1, 1] ? 1 : 0
            _ = try test.warehouse.vacuum(keepSnapshots: 1)
            #expect(!test.files().contains { $0.contains(".tmp-") })
            #expect(try CompactionTests.sortedRows(test, "ev") == before)
        }
        #expect(killed >= 6 && merged >= 1, "killed \(killed) times, merged \(merged) times")
    }

    @Test("a killed writer releases the lock")
    func lockReleasedOnKill() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INT)")
        let outcome = try Self.run(["sql", "--warehouse", test.directory, "INSERT INTO t VALUES (1)"], crashAt: 1)
        #expect(outcome.killed)
        try test.run("INSERT INTO t VALUES (2)")
        #expect(try test.rows("t") == [[.integer(2)]])
    }
}
