/// A warehouse directory: its snapshots, its data files, and the one writer at a time.

import StarlingColumns
import StarlingFormat
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An opened warehouse directory.
///
/// Layout (specified in `Formats/catalog-v2.md`):
/// - `starling-warehouse`: the marker file that says what the directory is;
/// - `snapshots/NNNNNNNNNNNNNNNNNNNN.stcat`: one root per snapshot, naming the manifests that
///   list its segments; the highest number is the current state, and renaming a new one into
///   place is the commit; `snapshots/history.ndjson`, the log of every commit;
/// - `manifests/<table id>/<snapshot>-<n>.stman`: the segments of one partition, or a page of a
///   table's loaded files, shared by every snapshot that names them;
/// - `data/<table id>-<name>/<partition>/<snapshot>-<n>.stsg`: immutable segment files;
/// - `lock`: the writers' lock file.
public struct Warehouse: Sendable {
    public let directory: String

    static let markerName = "starling-warehouse"
    static let markerText = "Starling warehouse\nlayout 1\n"

    /// Opens the warehouse at `directory`, failing clearly when there is none.
    public init(opening directory: String) throws(StorageError) {
        self.directory = directory
        let kind = FileBytes.kind(of: directory)
        guard kind.exists else {
            throw StorageError(.missingWarehouse, "no warehouse at \(directory); create one with: starling init --warehouse \(directory)")
        }
        guard kind.isDirectory, FileBytes.kind(of: directory + "/" + Self.markerName).exists else {
            throw StorageError(.notAWarehouse, "\(directory) is not a Starling warehouse (no \(Self.markerName) file)")
        }
        let marker: ByteStorage
        do { marker = try FileBytes.read(path: directory + "/" + Self.markerName) } catch { throw StorageError(error) }
        let text = marker.decodedText()
        guard text.hasPrefix("Starling warehouse\n") else {
            throw StorageError(.notAWarehouse, "\(directory) is not a Starling warehouse (its \(Self.markerName) file is not Starling's)")
        }
        guard text == Self.markerText else {
            throw StorageError(.corrupt, "\(directory) has a warehouse layout this build does not know (\(text.split(separator: "\n").dropFirst().first ?? "?")); upgrade Starling")
        }
    }

    /// Deletes the warehouse at `directory` and everything in it, after checking that it is a
    /// Starling warehouse and taking its writer lock (so no load is running into it).
    public static func remove(at directory: String) throws(StorageError) {
        _ = try Warehouse(opening: directory)
        let lock = try WarehouseLock(directory: directory, wait: false)
        defer { lock.release() }
        do { try FileBytes.removeTree(directory) } catch { throw StorageError(error) }
    }

    /// The bytes the warehouse's files take on disk (snapshots, segments, load log).
    public func sizeOnDisk() throws(StorageError) -> Int {
        do { return try FileBytes.treeSize(directory) } catch { throw StorageError(error) }
    }

    /// Creates a new, empty warehouse (snapshot 1) at `directory`, which must not exist or be empty.
    @discardableResult
    public static func create(at directory: String) throws(StorageError) -> Warehouse {
        let kind = FileBytes.kind(of: directory)
        if kind.exists {
            guard kind.isDirectory else { throw StorageError(.invalid, "\(directory) exists and is not a directory") }
            let entries: [String]
            do { entries = try FileBytes.list(directory) } catch { throw StorageError(error) }
            if entries.contains(markerName) {
                throw StorageError(.invalid, "\(directory) is already a Starling warehouse")
            }
            // Leftovers of an interrupted `init` are fine; anything else is someone's data.
            let foreign = entries.filter { !["snapshots", "data", "manifests", "lock", "loads"].contains($0) && !$0.hasPrefix(markerName + ".tmp-") }
            guard foreign.isEmpty else {
                throw StorageError(.invalid, "\(directory) is not empty (holds \(foreign.prefix(3).joined(separator: ", "))); choose a new or empty directory")
            }
        }
        do {
            try FileBytes.createDirectory(directory + "/snapshots")
            try FileBytes.createDirectory(directory + "/data")
            let now = currentMicros()
            let commit = HistoryEntry(snapshot: 1, committedMicros: now, operation: "init", table: nil)
            let root = CatalogRoot(snapshot: 1, committedMicros: now, nextTableIdentifier: 1, tables: [], views: nil, commit: commit)
            try CommitHistory.append(commit, earlier: [], directory: directory)
            try FileBytes.writeAtomically(CatalogFile.encode(root), to: snapshotPath(directory, 1))
            try FileBytes.writeAtomically(latestRecord(1), to: latestRecordPath(directory))
            try FileBytes.writeAtomically(Array(markerText.utf8), to: directory + "/" + markerName)
        } catch {
            throw StorageError(error)
        }
        return try Warehouse(opening: directory)
    }

    static func snapshotPath(_ directory: String, _ snapshot: Int) -> String {
        directory + "/snapshots/" + twentyDigits(snapshot) + ".stcat"
    }

    /// A snapshot number as the 20 zero-padded digits that name its file and fill the record
    /// of the latest commit.
    static func twentyDigits(_ snapshot: Int) -> String {
        let digits = String(snapshot)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// The path of a file named relative to the warehouse.
    public func path(_ relative: String) -> String {
        directory + "/" + relative
    }

    /// The file that records the latest commit's snapshot number (`snapshots/latest`, §2.3 of
    /// `Formats/catalog-v1.md`): written after each commit, so the highest snapshot file may
    /// never be below it. A newest snapshot file that disappeared is then an error, not a silent
    /// return to the one before (whose vacuum would delete the lost snapshot's segments).
    static let latestRecordName = "latest"

    /// The record's bytes for snapshot `number`: its 20 digits and a newline.
    static func latestRecord(_ number: Int) -> [UInt8] {
        Array((twentyDigits(number) + "\n").utf8)
    }

    /// Where the record of the latest commit of the warehouse at `directory` is.
    static func latestRecordPath(_ directory: String) -> String {
        directory + "/snapshots/" + latestRecordName
    }

    /// The snapshot number `snapshots/latest` records, or nil when there is none (a warehouse
    /// written before the record existed). A record that is not 20 digits and a newline is an
    /// error.
    func recordedLatest() throws(StorageError) -> Int? {
        let file = Self.latestRecordPath(directory)
        let bytes: ByteStorage
        do throws(FileError) { bytes = try FileBytes.read(path: file) } catch {
            if error.isMissing { return nil }
            throw StorageError(error)
        }
        let text = Array(bytes.bytes)
        guard text.count == 21, text[20] == UInt8(ascii: "\n"), text[0..<20].allSatisfy({ (48...57).contains($0) }),
            let number = Int(String(decoding: text[0..<20], as: UTF8.self)), number >= 1
        else {
            throw StorageError(.corrupt, "\(file) is damaged: it should hold the latest snapshot's number in 20 digits")
        }
        return number
    }

    /// The current snapshot: the highest of `numbers` (those on disk), checked against the
    /// record of the latest commit.
    func currentSnapshot(_ numbers: [Int]) throws(StorageError) -> Int {
        guard let highest = numbers.last else {
            throw StorageError(.corrupt, "\(directory) has no snapshots; the warehouse is damaged")
        }
        if let recorded = try recordedLatest(), recorded > highest {
            throw StorageError(.corrupt, "snapshot \(recorded) was committed, but its file \(Self.snapshotPath(directory, recorded)) is missing (the newest on disk is \(highest)); the warehouse is damaged: restore the file from a backup (to go on without that commit instead, remove \(Self.latestRecordPath(directory)))")
        }
        return highest
    }

    /// The current snapshot's number without listing `snapshots/`: the record of the latest
    /// commit, then each snapshot after it that exists (a commit whose record was not written
    /// yet; commits number their snapshots one after another). Without a record, or when the
    /// recorded snapshot's file is missing, the listing decides (and reports the damage).
    func currentSnapshotNumber() throws(StorageError) -> Int {
        guard let recorded = try recordedLatest(),
            FileBytes.kind(of: Self.snapshotPath(directory, recorded)).exists
        else {
            return try currentSnapshot(snapshotNumbers())
        }
        var number = recorded
        while FileBytes.kind(of: Self.snapshotPath(directory, number + 1)).exists { number += 1 }
        return number
    }

    /// Writes the record of the latest commit (after the snapshot file's rename). Best effort:
    /// the commit is already durable, and a record left behind (a full disk) is only a lower
    /// bound, which stays safe.
    func recordLatest(_ snapshot: Int) {
        try? FileBytes.writeAtomically(Self.latestRecord(snapshot), to: Self.latestRecordPath(directory))
    }

    /// Every snapshot still on disk, ascending.
    public func snapshotNumbers() throws(StorageError) -> [Int] {
        // Parsed from the names' bytes: a warehouse not vacuumed for a while lists thousands.
        var numbers: [Int] = []
        let suffix = Array(".stcat".utf8)
        do throws(FileError) {
            try FileBytes.forEachName(directory + "/snapshots") { name in
                guard name.count == 26, name[20...].elementsEqual(suffix) else { return }
                var number = 0
                for byte in name[..<20] {
                    guard byte >= 0x30, byte <= 0x39 else { return }
                    let (shifted, overflow) = number.multipliedReportingOverflow(by: 10)
                    let (sum, carry) = shifted.addingReportingOverflow(Int(byte - 0x30))
                    guard !overflow, !carry else { return }
                    number = sum
                }
                numbers.append(number)
            }
        } catch {
            throw StorageError(error)
        }
        return numbers.sorted()
    }

    /// The catalog of snapshot `number`, or of the current (highest) snapshot.
    public func catalog(snapshot number: Int? = nil) throws(StorageError) -> Catalog {
        try readSnapshot(number).catalog
    }

    /// Starts the only write allowed at a time: takes the lock and reads the current snapshot.
    /// With `wait`, waits for another writer to finish, or, with `giveUp`, until it says to stop.
    public func beginWrite(wait: Bool = false, giveUp: (() -> Bool)? = nil) throws(StorageError) -> WriteTransaction {
        let lock = try WarehouseLock(directory: directory, wait: wait, giveUp: giveUp)
        let state: SnapshotState
        do { state = try readSnapshot(nil) } catch {
            lock.release()
            throw error
        }
        // A newer writer may have stored fields this build would drop on rewrite.
        guard state.writeVersion <= CatalogFile.writeVersion else {
            lock.release()
            throw StorageError(.invalid, "snapshot \(state.catalog.snapshot) was written by a newer Starling (catalog write version \(state.writeVersion)); this build only reads it. Upgrade Starling to change this warehouse")
        }
        return WriteTransaction(warehouse: self, lock: lock, base: state)
    }
}

/// Microseconds since the Unix epoch, from the system clock.
public func currentMicros() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000
}
