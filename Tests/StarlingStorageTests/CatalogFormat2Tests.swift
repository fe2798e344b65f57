/// Catalog format 2: a root per snapshot, manifests shared between snapshots and rewritten only
/// where a commit changed something, the history in an append-only log, and the migration of a
/// format 1 warehouse on its first commit.

import Foundation
import StarlingColumns
import StarlingEncoding
import StarlingEngine
import StarlingFormat
import Testing

@testable import StarlingStorage

@Suite("Catalog format 2", .serialized)
struct CatalogFormat2Tests {
    /// The root of snapshot `number`, decoded from its file.
    static func root(_ test: TestWarehouse, _ number: Int) throws -> CatalogRoot {
        let path = Warehouse.snapshotPath(test.directory, number)
        guard case .root(let root) = try CatalogFile.decode(try FileBytes.read(path: path), path: path).0 else {
            throw StorageError(.corrupt, "snapshot \(number) is not a format 2 root")
        }
        return root
    }

    /// The values of the first column of `sql`'s rows.
    static func column(_ test: TestWarehouse, _ sql: String) throws -> [Value] {
        var values: [Value] = []
        try test.engine.run(sql) { result in
            for row in 0..<result.rows.count { values.append(result.rows.row(row)[0]) }
        }
        return values
    }

    /// Forgets what this process has decoded, so the next read sees the files as they are now.
    static func forgetDecoded() {
        Warehouse.decodedSnapshots.removeAll()
        Warehouse.decodedManifests.removeAll()
    }

    @Test("a format 1 warehouse reads as written; its first commit migrates it, keeping history and loaded files")
    func migration() throws {
        let test = try TestWarehouse(copying: "warehouse-catalog-v1/warehouse")
        let before = try test.warehouse.catalog()
        #expect(before.snapshot == 11)
        #expect(before.tables.map(\.name) == ["district", "request", "note"])
        let request = try #require(before.table(named: "request"))
        #expect(request.partitions.map(\.key) == ["2025-01", "2025-02", "2025-03"])
        let loaded = try test.warehouse.loadedFiles(table: "request")
        #expect(loaded.map(\.name) == ["request-1.csv", "request-2.csv"])
        let history = try test.warehouse.history()
        #expect(history.map(\.snapshot) == Array(1...11))
        #expect(history.map(\.operation).suffix(3) == ["create view", "insert", "rollback"])
        #expect(try Self.column(test, "SELECT sum(ms) FROM request") == [.integer(1297)])
        #expect(try Self.column(test, "SELECT id FROM note ORDER BY id") == [.integer(1), .integer(2)])
        // A re-delivery is still recognised from the loaded files format 1 kept.
        let extract = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/warehouse-catalog-v1/request-2.csv").path
        #expect(throws: (any Error).self) { try test.run("COPY request FROM '\(extract)'") }

        try test.run("INSERT INTO note VALUES (4, 'four')")
        let migrated = try test.warehouse.catalog()
        #expect(migrated.snapshot == 12)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Warehouse.snapshotPath(test.directory, 12))))
        #expect(bytes[4] == 4 && bytes[6] == 3)
        #expect(migrated.table(named: "request") == request)
        Self.forgetDecoded()
        #expect(try test.warehouse.loadedFiles(table: "request") == loaded)
        #expect(try test.warehouse.loadedFiles(table: "district").map(\.name) == ["district.csv"])
        #expect(migrated.table(named: "district") == before.table(named: "district"))
        #expect(migrated.allViews == before.allViews)
        #expect(try test.warehouse.history().map(\.snapshot) == Array(1...12))
        #expect(Array(try test.warehouse.history().prefix(11)) == history)
        // Format 1 snapshots stay readable, and a rollback to one is a format 2 commit.
        #expect(try test.warehouse.catalog(snapshot: 11) == before)
        try test.warehouse.rollback(to: 6)
        #expect(try test.warehouse.loadedFiles(table: "request").isEmpty)
        try test.warehouse.rollback(to: 8)
        #expect(try test.warehouse.loadedFiles(table: "request") == loaded)
        #expect(try Self.column(test, "SELECT count(*) FROM request") == [.integer(7)])
        #expect(try test.warehouse.catalog().allViews.isEmpty)
        #expect(try test.warehouse.history().map(\.snapshot) == Array(1...14))
        _ = try test.warehouse.vacuum(keepSnapshots: 1)
        Self.forgetDecoded()
        #expect(try Self.column(test, "SELECT sum(ms) FROM request") == [.integer(1297)])
        #expect(try test.warehouse.history().map(\.snapshot) == Array(1...14))
        let named = Set(try test.warehouse.readSnapshot(nil).manifests.paths)
        #expect(Set(test.files().filter { $0.hasPrefix("manifests/") }) == named)
    }

    @Test("a commit writes the manifests of the partitions it changed and names the others again")
    func unchangedManifestsShared() throws {
        let test = try TestWarehouse()
        try test.run(
            """
            CREATE TABLE ev (d DATE, v INTEGER) PARTITION BY day(d);
            CREATE TABLE other (a INTEGER);
            INSERT INTO other VALUES (1);
            INSERT INTO ev VALUES ('2025-03-01', 1), ('2025-03-02', 2), ('2025-03-03', 3);
            """)
        let first = try Self.root(test, 5)
        try test.run("INSERT INTO ev VALUES ('2025-03-02', 20)")
        let second = try Self.root(test, 6)
        let (ev1, ev2) = (first.tables[0].partitionManifests, second.tables[0].partitionManifests)
        #expect(ev2.map(\.key) == ["2025-03-01", "2025-03-02", "2025-03-03"])
        #expect(ev2[0] == ev1[0] && ev2[2] == ev1[2])
        #expect(ev2[1].path != ev1[1].path && ev2[1].segments == 2 && ev2[1].rows == 2)
        #expect(second.tables[1].partitionManifests == first.tables[1].partitionManifests)
        #expect(test.files().filter { $0.hasPrefix("manifests/") && $0.contains("/6-") }.count == 1)
        // The root does not grow with the number of commits.
        for value in 0..<30 { try test.run("INSERT INTO ev VALUES ('2025-03-02', \(value))") }
        let later = try Self.root(test, 36)
        let size = { (number: Int) in FileBytes.size(of: Warehouse.snapshotPath(test.directory, number)) }
        #expect(abs(size(36) - size(6)) < 64, "root of snapshot 6: \(size(6)) bytes, of 36: \(size(36))")
        #expect(later.tables[0].partitionManifests[1].segments == 32)
        #expect(try Self.column(test, "SELECT count(*) FROM ev") == [.integer(34)])
    }

    @Test("loaded files are kept in pages; a load rewrites only the last page")
    func loadedFilePages() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INTEGER)")
        func file(_ number: Int) -> LoadedFile {
            LoadedFile(
                contentHash: String(format: "%016x", number), name: "f\(number).csv", bytes: number,
                batch: "L\(number)", snapshot: 3)
        }
        var transaction = try test.warehouse.beginWrite()
        transaction.setLoadedFiles((0..<1000).map(file), of: transaction.catalog.tables[0])
        try transaction.commit(operation: "load", table: "t")
        let pages = try #require(try Self.root(test, 3).tables[0].loadedFileManifests)
        #expect(pages.map(\.entries) == [512, 488])
        transaction = try test.warehouse.beginWrite()
        transaction.setLoadedFiles(
            try transaction.loadedFiles(of: transaction.catalog.tables[0]) + [file(1000)],
            of: transaction.catalog.tables[0])
        try transaction.commit(operation: "load", table: "t")
        let next = try #require(try Self.root(test, 4).tables[0].loadedFileManifests)
        #expect(next.map(\.entries) == [512, 489])
        #expect(next[0] == pages[0] && next[1].path != pages[1].path)
        Self.forgetDecoded()
        #expect(try test.warehouse.loadedFiles(table: "t") == (0...1000).map(file))
        // A commit that does not touch them names the same pages.
        try test.run("INSERT INTO t VALUES (1)")
        #expect(try Self.root(test, 5).tables[0].loadedFileManifests == next)
    }

    @Test("manifests round-trip every kind of statistics value; a truncation or a stray byte is an error, not a crash")
    func manifestCoding() throws {
        let statistics = [
            ColumnStatistics(columnIdentifier: 1, nullCount: 0, minimum: .integer(.min), maximum: .integer(.max)),
            ColumnStatistics(columnIdentifier: 2, nullCount: 1, minimum: .double(-.infinity), maximum: .double(-0.0)),
            ColumnStatistics(columnIdentifier: 3, nullCount: 2, minimum: .string(""), maximum: .string("Ünïcödé")),
            ColumnStatistics(columnIdentifier: 4, nullCount: 5, minimum: nil, maximum: nil),
            ColumnStatistics(columnIdentifier: 7, nullCount: 0, minimum: .boolean(false), maximum: .boolean(true)),
        ]
        let segments = [
            CatalogSegment(
                path: "data/1-t/p=2025-03/3-1.stsg", rows: 5, bytes: 900, columnIdentifiers: [1, 2, 3, 4, 7],
                statistics: statistics, snapshot: 3),
            CatalogSegment(
                path: "data/1-t/p=2025-03/4-1.stsg", rows: 0, bytes: 0, columnIdentifiers: [], statistics: [],
                snapshot: 4),
        ]
        let partition = ManifestDocument(
            kind: ManifestDocument.partitionKind, table: 1, snapshot: 4, partition: "2025-03", segments: segments,
            loadedFiles: nil)
        let files = ManifestDocument(
            kind: ManifestDocument.loadedFilesKind, table: 9, snapshot: 12, partition: nil, segments: nil,
            loadedFiles: [
                LoadedFile(
                    contentHash: "217e63338d5b76b4", name: "district.csv", bytes: 69, batch: "Lhoun1at3lh", snapshot: 6)
            ])
        for document in [partition, files] {
            let payload = ManifestFile.payload(document)
            let decoded = try ManifestFile.document(payload)
            #expect(decoded == document)
            for length in 0..<payload.count {
                #expect(throws: EncodedDataError.self) { try ManifestFile.document(Array(payload.prefix(length))) }
            }
            #expect(throws: EncodedDataError.self) { try ManifestFile.document(payload + [0]) }
        }
        if case .double(let zero) = try ManifestFile.document(ManifestFile.payload(partition)).segments?[0].statistics[
            1
        ].maximum {
            #expect(zero.sign == .minus)
        } else {
            Issue.record("the double statistics did not come back")
        }
        // A count far beyond the bytes left, an unknown kind, an unknown value tag.
        var payload = ManifestFile.payload(partition)
        let countOffset = 1 + 8 + 8 + 4 + 7
        payload.replaceSubrange(countOffset..<(countOffset + 4), with: [0xFF, 0xFF, 0xFF, 0x00])
        #expect(throws: EncodedDataError.self) { try ManifestFile.document(payload) }
        #expect(throws: EncodedDataError.self) {
            try ManifestFile.document([3] + ManifestFile.payload(partition).dropFirst())
        }
        var tagged = ManifestFile.payload(files)
        tagged[0] = ManifestFile.partitionCode
        #expect(throws: EncodedDataError.self) { try ManifestFile.document(tagged) }
    }

    @Test("a manifest replaced, truncated or missing is refused, naming it")
    func damagedManifests() throws {
        let test = try TestWarehouse()
        try test.run(
            """
            CREATE TABLE ev (d DATE, v INTEGER) PARTITION BY day(d);
            INSERT INTO ev VALUES ('2025-03-01', 1), ('2025-03-02', 2)
            """)
        let references = try Self.root(test, 3).tables[0].partitionManifests
        let (first, second) = (test.warehouse.path(references[0].path), test.warehouse.path(references[1].path))
        let original = try Data(contentsOf: URL(fileURLWithPath: first))
        let damages: [(String, () throws -> Void)] = [
            ("checksum", { try Data(contentsOf: URL(fileURLWithPath: second)).write(to: URL(fileURLWithPath: first)) }),
            ("truncated", { try original.prefix(original.count - 9).write(to: URL(fileURLWithPath: first)) }),
            ("missing", { try FileManager.default.removeItem(atPath: first) }),
        ]
        for (expected, damage) in damages {
            try damage()
            Self.forgetDecoded()
            do {
                _ = try test.warehouse.catalog()
                Issue.record("read a catalog whose manifest is \(expected)")
            } catch {
                #expect(error.kind == .corrupt)
                #expect(
                    error.message.contains(references[0].path) && error.message.contains(expected), "\(error.message)")
            }
            try original.write(to: URL(fileURLWithPath: first))
        }
        Self.forgetDecoded()
        #expect(try test.rows("ev").count == 2)
    }

    @Test("row counts that would overflow when added up are a damaged catalog, not a trap")
    func overflowingRowCounts() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)")
        var root = try Self.root(test, 3)
        let reference = root.tables[0].partitionManifests[0]
        let file = test.warehouse.path(reference.path)
        var document = try ManifestFile.decode(try FileBytes.read(path: file), path: file).document
        let copy = try #require(document.segments?.first)
        // Enough segments at the largest row count to pass Int.max.
        document.segments = (0..<1100).map { index in
            var segment = copy
            segment.path = "data/1-t/all/3-\(index + 10).stsg"
            segment.rows = CatalogFile.maximumSegmentRows
            return segment
        }
        let (bytes, checksum) = ManifestFile.encode(document)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        root.tables[0].partitionManifests[0].checksum = CatalogEnvelope.hexadecimal(checksum)
        root.tables[0].partitionManifests[0].segments = 1100
        root.tables[0].partitionManifests[0].rows = Int.max
        try Data(CatalogFile.encode(root)).write(to: URL(fileURLWithPath: Warehouse.snapshotPath(test.directory, 3)))
        Self.forgetDecoded()
        #expect(throws: StorageError.self) { _ = try test.warehouse.catalog() }
        // The same totals in a catalog are refused by its validation, whatever the manifest says.
        var catalog = Catalog(snapshot: 3, committedMicros: 0, nextTableIdentifier: 2)
        var table = CatalogTable(
            identifier: 1, name: "t",
            columns: [CatalogColumn(identifier: 1, name: "a", type: .integer, notNull: false, references: nil)],
            primaryKey: [], partitioning: nil, options: [:], createdSnapshot: 2)
        table.partitions = [CatalogPartition(key: "", segments: document.segments ?? [])]
        catalog.tables = [table]
        #expect(throws: StorageError.self) { try CatalogFile.validate(catalog) }
        table.partitions[0].segments = Array(table.partitions[0].segments.prefix(2))
        catalog.tables = [table]
        #expect(throws: Never.self) { try CatalogFile.validate(catalog) }
    }

    @Test("the history skips an entry of a commit that never happened, and a line cut short")
    func historyLog() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)")
        // What a writer killed between appending its entry and renaming its snapshot leaves,
        // then a line cut short by a crash.
        let log = test.directory + "/snapshots/history.ndjson"
        let handle = try #require(FileHandle(forWritingAtPath: log))
        handle.seekToEndOfFile()
        let never = HistoryEntry(snapshot: 4, committedMicros: 1, operation: "never", table: nil)
        handle.write(Data(JSONCoding.encode(never) + Array("\n{\"snapshot\":".utf8)))
        try handle.close()
        #expect(try test.warehouse.history().map(\.operation) == ["init", "create table", "insert"])
        try test.run("INSERT INTO t VALUES (2)")
        let history = try test.warehouse.history()
        #expect(history.map(\.operation) == ["init", "create table", "insert", "insert"])
        #expect(history.map(\.snapshot) == [1, 2, 3, 4])
        #expect(try test.warehouse.history(snapshot: 3).count == 3)
        // A lost log leaves the current commit.
        try FileManager.default.removeItem(atPath: log)
        #expect(try test.warehouse.history().map(\.snapshot) == [4])
    }
}
