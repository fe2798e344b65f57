/// One commit in the making: new segment files and a new catalog, made current atomically.

import Dispatch
import StarlingColumns
import StarlingCompression
import StarlingFormat
import Synchronization

/// A write in progress. Holds the warehouse lock; writes new segment files durably as it goes;
/// `commit` writes the next snapshot file, whose rename into place is the commit point. Until
/// then nothing a reader sees has changed, and `vacuum` removes what an abandoned write left.
public final class WriteTransaction: @unchecked Sendable {
    public let warehouse: Warehouse
    let lock: WarehouseLock
    /// The snapshot the write started from.
    public let base: Catalog
    /// That snapshot as read: its manifests, and a format 1 file's history.
    let baseState: SnapshotState
    /// The catalog being built.
    public var catalog: Catalog
    /// File numbering and the files written, shared by threads writing segments at once.
    private let files = Mutex<(counter: Int, written: [String])>((0, []))
    /// Per table identifier, the keyed columns found so far (``KeyedColumnTracker``).
    private let keyedTrackers = Mutex<[Int: KeyedColumnTracker]>([:])
    private var finished = false
    /// Loaded files this write set, by table identifier (``setLoadedFiles(_:of:)``).
    var loadedFileChanges: [Int: [LoadedFile]] = [:]
    /// The base snapshot's loaded files, by table identifier, as read so far.
    var baseLoadedFiles: [Int: [LoadedFile]] = [:]

    init(warehouse: Warehouse, lock: WarehouseLock, base: SnapshotState) {
        self.warehouse = warehouse
        self.lock = lock
        self.base = base.catalog
        self.baseState = base
        self.catalog = base.catalog
        catalog.snapshot = base.catalog.snapshot + 1
    }

    /// The snapshot number this write will commit as.
    public var snapshot: Int { catalog.snapshot }

    /// The order to write `vectors` in: by the table's sort key (`sort_key`), when it has one,
    /// rows with equal keys keeping their order; nil when the rows are already in that order or
    /// the table has no key. A table that can be a dimension is never reordered: its row
    /// positions are the row codes facts refer to (CREATE TABLE refuses the option there). The
    /// segment writer reads the rows through the order, so no column is copied to sort it.
    static func sortOrder(_ vectors: [ColumnVector], table: CatalogTable, columns: [CatalogColumn]) -> [Int32]? {
        guard !table.isReferenceable, vectors.count == columns.count else { return nil }
        let key = TableOptions.sortKey(table.options, columns: columns)
        guard !key.isEmpty else { return nil }
        let order = SortOrder.stable(by: key.map { vectors[$0] })
        if order.indices.allSatisfy({ order[$0] == Int32($0) }) { return nil }
        return order
    }

    /// Writes `vectors` (stored types, in `columns` order) as a new segment of `table` in partition
    /// `partitionKey`, and returns its catalog entry (not yet added to any partition). Several
    /// threads may write segments at once; the catalog itself is changed by one.
    public func writeSegment(
        table: CatalogTable, partitionKey: String, columns: [CatalogColumn], vectors: consuming [ColumnVector]
    ) throws(StorageError) -> CatalogSegment {
        let number = nextFileNumber()
        let partitionDirectory = partitionKey.isEmpty ? "all" : "p=\(partitionKey)"
        let directory = "\(table.dataDirectory)/\(partitionDirectory)"
        let relative = "\(directory)/\(snapshot)-\(number).stsg"
        var options = SegmentWriteOptions()
        options.compression = TableOptions.compression(table.options) ?? .default
        options.metadata = ["table": table.name, "partition": partitionKey, "snapshot": String(snapshot)]
        let schema = columns.map { ColumnSchema(name: $0.name, type: $0.storedType) }
        let keyed = try keyedColumns(table: table, columns: columns, vectors: vectors)
        let bytes: [UInt8]
        let footer: SegmentFooter
        do {
            var writer = try SegmentWriter(columns: schema, options: options)
            let order = Self.sortOrder(vectors, table: table, columns: columns)
            try writer.append(consume vectors, order: order, keyed: keyed)
            footer = writer.footer
            bytes = writer.finish()
        } catch {
            throw StorageError(.invalid, "cannot write a segment of \(table.name): \(error)")
        }
        try writeFile(bytes, relative: relative, directory: directory)
        CrashPoint.reach("segment written")
        // Zone maps for the catalog, from the footer just written.
        let statistics = columns.indices.map { index in
            let merged = footer.statistics(column: index)
            let minimum = StoredValue(merged.statistics.minimum)
            // A truncated maximum is no upper bound, so the catalog keeps none rather than a wrong one.
            let maximum = merged.maximumTruncated ? nil : StoredValue(merged.statistics.maximum)
            // The segment's distinct count, from its chunks' (no pass over the data).
            var distinct = DistinctCountEstimate()
            for group in footer.rowGroups {
                let chunk = group.chunks[index].statistics
                let nonNull = group.rowCount - chunk.nullCount
                distinct.add(distinct: Int(clamping: chunk.distinctCount), nonNullRows: nonNull)
            }
            let span = DistinctCountEstimate.span(minimum: minimum, maximum: maximum)
            return ColumnStatistics(
                columnIdentifier: columns[index].identifier, nullCount: merged.statistics.nullCount,
                minimum: minimum, maximum: maximum, distinctCount: Int(distinct.estimate(span: span)))
        }
        return CatalogSegment(
            path: relative, rows: footer.rowCount, bytes: bytes.count, columnIdentifiers: columns.map(\.identifier),
            statistics: statistics, snapshot: snapshot)
    }

    /// The next number for a file this write creates (`<snapshot>-<n>`).
    func nextFileNumber() -> Int {
        files.withLock { state in
            state.counter += 1
            return state.counter
        }
    }

    /// Writes one of this write's files (a segment or a side file) under its temporary name in
    /// `directory`; it is synced and renamed into place, with all the others, when the write
    /// commits (one round of fsyncs per commit instead of one per file), and removed if it is abandoned.
    func writeFile(_ bytes: [UInt8], relative: String, directory: String) throws(StorageError) {
        do {
            try FileBytes.createDirectory(warehouse.path(directory))
            files.withLock { $0.written.append(relative) }
            try FileBytes.writeUnsynced(bytes, to: FileBytes.temporaryPath(for: warehouse.path(relative)))
        } catch {
            throw StorageError(error)
        }
    }

    /// Which columns of a new segment of `table` are stored keyed (column index to key column
    /// index), the table's tracker created on its first segment in this write.
    private func keyedColumns(table: CatalogTable, columns: [CatalogColumn], vectors: [ColumnVector])
        throws(StorageError) -> [Int: Int]
    {
        guard !table.isReferenceable, columns.contains(where: { $0.references != nil }) else { return [:] }
        return try keyedTrackers.withLock { (trackers) throws(StorageError) -> [Int: Int] in
            let tracker: KeyedColumnTracker
            if let kept = trackers[table.identifier] {
                tracker = kept
            } else {
                tracker = try KeyedColumnTracker(table: table, warehouse: warehouse)
                trackers[table.identifier] = tracker
            }
            return tracker.choose(columns: columns, vectors: vectors)
        }
    }

    /// Writes the side files of the keyed columns that gained entries or were first used, and
    /// records them in the tables' catalog entries.
    private func writeKeyedValues() throws(StorageError) {
        let trackers = keyedTrackers.withLock { $0 }
        for (tableIdentifier, tracker) in trackers.sorted(by: { $0.key < $1.key }) {
            guard let tableIndex = catalog.tables.firstIndex(where: { $0.identifier == tableIdentifier }) else {
                continue
            }
            let table = catalog.tables[tableIndex]
            for pair in tracker.pairsToWrite {
                guard table.columns.contains(where: { $0.identifier == pair.column }) else { continue }
                let bytes = try pair.map.encoded()
                let directory = "\(table.dataDirectory)/keyed"
                let relative = "\(directory)/\(pair.column)-\(pair.keyColumn)-\(snapshot).stsg"
                try writeFile(bytes, relative: relative, directory: directory)
                let entry = CatalogKeyedColumn(
                    column: pair.column, keyColumn: pair.keyColumn, path: relative,
                    codes: pair.map.fileRowCount, entries: pair.map.entryCount, bytes: bytes.count)
                var entries = catalog.tables[tableIndex].keyedColumns ?? []
                entries.removeAll { $0.column == pair.column && $0.keyColumn == pair.keyColumn }
                entries.append(entry)
                catalog.tables[tableIndex].keyedColumns = entries.sorted {
                    ($0.column, $0.keyColumn) < ($1.column, $1.keyColumn)
                }
            }
        }
    }

    /// Makes the new catalog the current snapshot, recording `operation` in the history: writes
    /// the manifests that changed, makes every new file durable, appends the history entry, and
    /// renames the new root into place, which is the commit.
    @discardableResult
    public func commit(operation: String, table: String?, detail: String? = nil) throws(StorageError) -> Catalog {
        precondition(!finished, "transaction already finished")
        let (added, removed) = Self.segmentChanges(from: base, to: catalog)
        let now = currentMicros()
        catalog.committedMicros = now
        catalog.commit = HistoryEntry(
            snapshot: snapshot, committedMicros: now, operation: operation, table: table,
            rowsAdded: added.reduce(0) { $0 + $1.rows }, rowsRemoved: removed.reduce(0) { $0 + $1.rows },
            filesAdded: added.count, filesRemoved: removed.count, detail: detail)
        let root: CatalogRoot
        do throws(StorageError) {
            try writeKeyedValues()
            root = try writeManifests()
            try publishSegments()
            CrashPoint.reach("files published, history not appended")
            do throws(FileError) {
                try CommitHistory.append(
                    catalog.commit, earlier: baseState.version1History ?? [], directory: warehouse.directory)
            } catch {
                throw StorageError(error)
            }
        } catch {
            abandon()
            throw error
        }
        CrashPoint.reach("before snapshot write")
        do {
            try FileBytes.writeAtomically(
                CatalogFile.encode(root), to: Warehouse.snapshotPath(warehouse.directory, snapshot))
        } catch {
            abandon()
            throw StorageError(error)
        }
        CrashPoint.reach("after snapshot write")
        warehouse.recordLatest(snapshot)
        finished = true
        lock.release()
        return catalog
    }

    /// Makes the new segment files durable under their final names: fsync every temporary file
    /// (several at once), rename each into place, then fsync each directory that gained one. Only
    /// after this may the snapshot that references them be written.
    private func publishSegments() throws(StorageError) {
        let written = files.withLock { $0.written }
        guard !written.isEmpty else { return }
        let paths = written.map { warehouse.path($0) }
        var failures = [FileError?](repeating: nil, count: paths.count)
        failures.withUnsafeMutableBufferPointer { slots in
            let output = ConcurrentSlots(slots)
            DispatchQueue.concurrentPerform(iterations: paths.count) { index in
                do throws(FileError) {
                    try FileBytes.syncFile(FileBytes.temporaryPath(for: paths[index]))
                } catch {
                    output.pointer[index] = error
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw StorageError(failure) }
        CrashPoint.reach("segments synced, not renamed")
        do {
            for path in paths { try FileBytes.rename(FileBytes.temporaryPath(for: path), to: path) }
            CrashPoint.reach("segments renamed, directories not synced")
            var directories = Set<String>()
            for path in paths { directories.insert(String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) + "/x") }
            for directory in directories { try FileBytes.syncDirectory(containing: directory) }
        } catch {
            throw StorageError(error)
        }
    }

    /// Gives up: removes the files this write created and releases the lock.
    public func abandon() {
        guard !finished else { return }
        finished = true
        for file in files.withLock({ $0.written }) {
            try? FileBytes.remove(FileBytes.temporaryPath(for: warehouse.path(file)))
            try? FileBytes.remove(warehouse.path(file))
        }
        lock.release()
    }

    deinit {
        abandon()
    }

    /// The segments `catalog` has and `base` has not, and those `base` has and `catalog` has not
    /// (compared by path), looking only into partitions whose segment lists differ: a partition a
    /// write left alone shares its list with the base's, which compares equal at once, so a
    /// commit's cost here follows what it changed, not the warehouse's size.
    static func segmentChanges(from base: Catalog, to catalog: Catalog) -> (
        added: [CatalogSegment], removed: [CatalogSegment]
    ) {
        var before: [Int: [String: [CatalogSegment]]] = [:]
        for table in base.tables {
            var partitions: [String: [CatalogSegment]] = [:]
            for partition in table.partitions { partitions[partition.key] = partition.segments }
            before[table.identifier] = partitions
        }
        var added: [CatalogSegment] = []
        var removed: [CatalogSegment] = []
        for table in catalog.tables {
            for partition in table.partitions {
                let old = before[table.identifier]?.removeValue(forKey: partition.key) ?? []
                if old == partition.segments { continue }
                let oldPaths = Set(old.map(\.path))
                let newPaths = Set(partition.segments.map(\.path))
                added += partition.segments.filter { !oldPaths.contains($0.path) }
                removed += old.filter { !newPaths.contains($0.path) }
            }
        }
        // Partitions and tables the new catalog no longer has.
        for partitions in before.values { for segments in partitions.values { removed += segments } }
        return (added, removed)
    }
}
