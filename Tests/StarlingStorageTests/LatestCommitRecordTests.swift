/// The record of the latest commit (`snapshots/latest`): a newest snapshot file that disappears
/// is an error for readers, writers and vacuum, never a silent return to the snapshot before.

import Foundation
import StarlingColumns
import StarlingEngine
import Testing

@testable import StarlingStorage

@Suite("Latest commit record")
struct LatestCommitRecordTests {
    static func recordText(_ test: TestWarehouse) throws -> String {
        try String(contentsOfFile: test.directory + "/snapshots/latest", encoding: .utf8)
    }

    @Test("every commit records its snapshot; init records snapshot 1")
    func recorded() throws {
        let test = try TestWarehouse()
        #expect(try Self.recordText(test) == "00000000000000000001\n")
        try test.run("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2)")
        let current = try test.warehouse.catalog().snapshot
        #expect(current == 3)
        #expect(try Self.recordText(test) == "00000000000000000003\n")
        _ = try test.warehouse.vacuum(keepSnapshots: 1)
        #expect(try Self.recordText(test) == "00000000000000000003\n")
    }

    @Test("a deleted newest snapshot is an error naming it; vacuum then removes nothing")
    func deletedNewest() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2); INSERT INTO t VALUES (3)")
        let newest = Warehouse.snapshotPath(test.directory, 4)
        try FileManager.default.removeItem(atPath: newest)
        let files = test.files()
        do {
            _ = try test.warehouse.catalog()
            Issue.record("read snapshot 3 as if 4 had never been committed")
        } catch {
            #expect(error.kind == .corrupt)
            #expect(error.message.contains("snapshot 4 was committed"))
            #expect(error.message.contains(newest))
        }
        #expect(throws: StorageError.self) { try test.warehouse.vacuum(keepSnapshots: 1) }
        #expect(throws: StorageError.self) { try test.warehouse.beginWrite() }
        #expect(test.files() == files)
    }

    @Test("a warehouse without the record (written before it existed) reads as before")
    func missingRecord() throws {
        let test = try TestWarehouse()
        try test.run("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)")
        try FileManager.default.removeItem(atPath: test.directory + "/snapshots/latest")
        #expect(try test.warehouse.catalog().snapshot == 3)
        try test.run("INSERT INTO t VALUES (2)")
        #expect(try Self.recordText(test) == "00000000000000000004\n")
    }

    @Test("a damaged record is an error, not a guess")
    func damagedRecord() throws {
        let test = try TestWarehouse()
        for text in ["", "3\n", "0000000000000000000x\n", "00000000000000000001", "00000000000000000000\n"] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: test.directory + "/snapshots/latest"))
            do {
                _ = try test.warehouse.catalog()
                Issue.record("read a warehouse whose record is \(text.debugDescription)")
            } catch {
                #expect(error.kind == .corrupt)
                #expect(error.message.contains("snapshots/latest is damaged"))
            }
        }
    }
}
