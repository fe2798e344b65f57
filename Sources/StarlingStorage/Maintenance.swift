/// Rollback and vacuum: the history-level operations on a warehouse.

import StarlingFormat

extension Warehouse {
    /// Makes snapshot `target`'s tables and views current again, as a new commit (itself undoable).
    @discardableResult
    public func rollback(to target: Int, wait: Bool = false) throws(StorageError) -> Catalog {
        let transaction = try beginWrite(wait: wait)
        guard target < transaction.base.snapshot else {
            transaction.abandon()
            throw StorageError(.invalid, "snapshot \(target) is not before the current snapshot \(transaction.base.snapshot)")
        }
        let old: Catalog
        do {
            let state = try readSnapshot(target)
            old = state.catalog
            // The target's loaded files come back with its tables, so a file a rolled-back load
            // brought in can be loaded again.
            for table in old.tables { transaction.setLoadedFiles(try loadedFiles(of: table.identifier, in: state), of: table) }
        } catch {
            transaction.abandon()
            throw error
        }
        transaction.catalog.tables = old.tables
        transaction.catalog.views = old.views
        transaction.catalog.nextTableIdentifier = max(old.nextTableIdentifier, transaction.base.nextTableIdentifier)
        return try transaction.commit(operation: "rollback", table: nil, detail: "to snapshot \(target)")
    }

    /// What a vacuum removed.
    public struct VacuumReport: Sendable {
        public var snapshotsRemoved: [Int] = []
        public var filesRemoved: [String] = []
        public var bytesRemoved = 0
    }

    /// Removes snapshots older than the newest `keepSnapshots`, then every file under `data/` and
    /// `manifests/` that no kept snapshot references (including leftovers of interrupted writes),
    /// and temporary files. The history log and the latest-commit record stay.
    public func vacuum(keepSnapshots: Int, wait: Bool = false) throws(StorageError) -> VacuumReport {
        precondition(keepSnapshots >= 1, "keep at least one snapshot")
        // The lock keeps a writer from adding files while we decide what is unreferenced.
        let lock = try WarehouseLock(directory: directory, wait: wait)
        defer { lock.release() }
        var report = VacuumReport()
        let numbers = try snapshotNumbers()
        // A lost newest snapshot stops vacuum: its segments must not look unreferenced.
        _ = try currentSnapshot(numbers)
        let kept = Array(numbers.suffix(keepSnapshots))
        var referenced = Set<String>()
        for number in kept {
            let state = try readSnapshot(number)
            for table in state.catalog.tables {
                for partition in table.partitions {
                    for segment in partition.segments { referenced.insert(segment.path) }
                }
                for keyed in table.keyedColumns ?? [] { referenced.insert(keyed.path) }
            }
            referenced.formUnion(state.manifests.paths)
        }
        do {
            for number in numbers where !kept.contains(number) {
                try FileBytes.remove(Warehouse.snapshotPath(directory, number))
                report.snapshotsRemoved.append(number)
            }
            let records = [Warehouse.latestRecordName, CommitHistory.fileName]
            for name in try FileBytes.list(path("snapshots")) where !name.hasSuffix(".stcat") && !records.contains(name) {
                try FileBytes.remove(path("snapshots/" + name))
            }
            try sweep("data", referenced: referenced, report: &report)
            if FileBytes.kind(of: path("manifests")).isDirectory {
                try sweep("manifests", referenced: referenced, report: &report)
            }
            try FileBytes.syncDirectory(containing: path("snapshots/x"))
        } catch {
            throw StorageError(error)
        }
        return report
    }

    /// Removes unreferenced files below `relative`, and directories left empty.
    private func sweep(_ relative: String, referenced: Set<String>, report: inout VacuumReport) throws(FileError) {
        for name in try FileBytes.list(path(relative)) {
            let child = relative + "/" + name
            if FileBytes.kind(of: path(child)).isDirectory {
                try sweep(child, referenced: referenced, report: &report)
                FileBytes.removeEmptyDirectory(path(child))
            } else if !referenced.contains(child) {
                report.bytesRemoved += FileBytes.size(of: path(child))
                try FileBytes.remove(path(child))
                report.filesRemoved.append(child)
            }
        }
    }
}
