/// Reading a snapshot: its file, and for a format 2 root the manifests it names, into one
/// checked ``Catalog``.

import StarlingColumns
import StarlingFormat

/// One snapshot as read: the whole catalog, what wrote it, and where its parts are on disk.
struct SnapshotState: Sendable {
    var catalog: Catalog
    /// The catalog write version of the Starling that wrote the file.
    var writeVersion: UInt16
    /// The manifests the root names (empty for a format 1 file, which has none).
    var manifests: ManifestIndex
    /// For a format 1 file, the history it carries (format 2 keeps it in the history log).
    var version1History: [HistoryEntry]?
    /// For a format 1 file, each table's loaded files (format 2 keeps them in manifests).
    var version1LoadedFiles: [Int: [LoadedFile]] = [:]
}

extension Warehouse {
    /// Reads and checks one snapshot (the current one when `number` is nil).
    func readSnapshot(_ number: Int?) throws(StorageError) -> SnapshotState {
        let chosen: Int
        if let number {
            chosen = number
        } else {
            chosen = try currentSnapshotNumber()
        }
        let path = Self.snapshotPath(directory, chosen)
        return try Self.decodedSnapshots.value(path: path, cost: { _ in 1 }) { () throws(StorageError) in
            let bytes: ByteStorage
            do throws(FileError) { bytes = try FileBytes.read(path: path) } catch {
                if error.isMissing {
                    throw StorageError(.invalid, "snapshot \(chosen) does not exist (or was removed by vacuum)")
                }
                throw StorageError(error)
            }
            let (contents, writeVersion) = try CatalogFile.decode(bytes, path: path)
            let state: SnapshotState
            switch contents {
            case .version1(let catalog, let history, let loadedFiles):
                state = SnapshotState(
                    catalog: catalog, writeVersion: writeVersion, manifests: ManifestIndex(), version1History: history,
                    version1LoadedFiles: loadedFiles)
            case .root(let root):
                state = try assemble(root, writeVersion: writeVersion, path: path)
            }
            guard state.catalog.snapshot == chosen else {
                throw StorageError(.corrupt, "\(path) holds snapshot \(state.catalog.snapshot), not \(chosen)")
            }
            return state
        }
    }

    /// The catalog a format 2 root describes: each table with the partitions and loaded files of
    /// its manifests, every manifest checked against what the root recorded of it, then the whole
    /// catalog's invariants.
    private func assemble(_ root: CatalogRoot, writeVersion: UInt16, path: String) throws(StorageError) -> SnapshotState
    {
        var index = ManifestIndex()
        var tables: [CatalogTable] = []
        for entry in root.tables {
            var partitions: [CatalogPartition] = []
            var references: [String: PartitionManifestReference] = [:]
            for reference in entry.partitionManifests {
                guard references.updateValue(reference, forKey: reference.key) == nil else {
                    throw StorageError(
                        .corrupt, "\(path): table \(entry.name) lists partition \"\(reference.key)\" twice")
                }
                let document = try manifest(
                    reference.path, checksum: reference.checksum, table: entry.identifier, partition: reference.key)
                let segments = document.segments ?? []
                guard segments.count == reference.segments,
                    segments.reduce(
                        Optional(0), { total, segment in total.flatMap { CatalogFile.checkedSum($0, segment.rows) } })
                        == reference.rows
                else {
                    throw StorageError(
                        .corrupt,
                        "\(reference.path) lists \(segments.count) segments; "
                            + "\(path) says \(reference.segments) of \(reference.rows) rows")
                }
                partitions.append(CatalogPartition(key: reference.key, segments: segments))
            }
            index.partitions[entry.identifier] = references
            let pages = entry.loadedFileManifests ?? []
            guard pages.allSatisfy({ (0...ManifestFile.maximumEntries).contains($0.entries) }) else {
                throw StorageError(.corrupt, "\(path): table \(entry.name) has a loaded-files page of an impossible size")
            }
            index.loadedFiles[entry.identifier] = pages
            tables.append(entry.table(partitions: partitions))
        }
        let catalog = Catalog(
            snapshot: root.snapshot, committedMicros: root.committedMicros,
            nextTableIdentifier: root.nextTableIdentifier,
            tables: tables, views: root.views, commit: root.commit)
        do { try CatalogFile.validate(catalog) } catch { throw StorageError(.corrupt, "\(path): \(error.message)") }
        guard Set(index.paths).count == index.paths.count, index.paths.allSatisfy(CatalogFile.isWarehousePath) else {
            throw StorageError(.corrupt, "\(path): a manifest path is invalid or named twice")
        }
        return SnapshotState(catalog: catalog, writeVersion: writeVersion, manifests: index, version1History: nil)
    }

    /// The manifest at `relative`, checked against the root's record of it. Manifests never change
    /// once written, so a process keeps those it has read: a shell or server reading a new snapshot
    /// decodes only the manifests its commit wrote.
    private func manifest(_ relative: String, checksum: String, table: Int, partition: String?) throws(StorageError)
        -> ManifestDocument
    {
        guard CatalogFile.isWarehousePath(relative) else {
            throw StorageError(.corrupt, "manifest path \(relative) is outside the warehouse")
        }
        let file = path(relative)
        let decoded = try Self.decodedManifests.value(
            path: file, cost: { ($0.document.segments?.count ?? 0) + ($0.document.loadedFiles?.count ?? 0) + 1 }
        ) { () throws(StorageError) in
            let bytes: ByteStorage
            do throws(FileError) { bytes = try FileBytes.read(path: file) } catch {
                if error.isMissing {
                    throw StorageError(.corrupt, "manifest \(file) is missing; the warehouse is damaged")
                }
                throw StorageError(error)
            }
            return try ManifestFile.decode(bytes, path: file)
        }
        try ManifestFile.check(decoded, path: file, checksum: checksum, table: table, partition: partition)
        return decoded.document
    }

    /// The loaded files (v1 §4.14) of the table with identifier `table` in `state`: its pages read
    /// and checked against the root's record of them (format 2), or the format 1 file's list.
    func loadedFiles(of table: Int, in state: SnapshotState) throws(StorageError) -> [LoadedFile] {
        if state.version1History != nil { return state.version1LoadedFiles[table] ?? [] }
        var files: [LoadedFile] = []
        for page in state.manifests.loadedFiles[table] ?? [] {
            let entries =
                try manifest(page.path, checksum: page.checksum, table: table, partition: nil).loadedFiles ?? []
            guard entries.count == page.entries else {
                throw StorageError(
                    .corrupt, "\(page.path) lists \(entries.count) loaded files; its snapshot says \(page.entries)")
            }
            files += entries
        }
        return files
    }

    /// The extract files loads have committed into table `name` as of snapshot `number` (the
    /// current one when nil), oldest first: what a load compares a new file with.
    public func loadedFiles(table name: String, snapshot number: Int? = nil) throws(StorageError) -> [LoadedFile] {
        let state = try readSnapshot(number)
        guard let table = state.catalog.table(named: name) else {
            throw StorageError(.invalid, "no table named \(name)")
        }
        return try loadedFiles(of: table.identifier, in: state)
    }

    /// The snapshot files this process has read and checked, decoded. Snapshot files are renamed
    /// into place and never changed, so while a file's identity is unchanged its catalog is too:
    /// a process running many queries (a shell, a benchmark) skips reading, checksumming and
    /// decoding them again. The four most recently used are kept.
    static let decodedSnapshots = FileCache<SnapshotState>(budget: 4)

    /// The manifests this process has read and checked, up to a million entries in all.
    static let decodedManifests = FileCache<ManifestFile.Decoded>(budget: 1 << 20)
}
