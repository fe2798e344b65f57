/// The manifests a commit writes: only those of partitions and loaded-file pages that changed.

import StarlingColumns

extension WriteTransaction {
    /// The extract files loads have committed into `table`, as this write will commit them: what
    /// ``setLoadedFiles(_:of:)`` set, else the base snapshot's (read from its pages once).
    public func loadedFiles(of table: CatalogTable) throws(StorageError) -> [LoadedFile] {
        if let changed = loadedFileChanges[table.identifier] { return changed }
        return try baseLoadedFileList(table.identifier)
    }

    /// The base snapshot's loaded files of the table with identifier `table`, read once.
    private func baseLoadedFileList(_ table: Int) throws(StorageError) -> [LoadedFile] {
        if let read = baseLoadedFiles[table] { return read }
        let read = try warehouse.loadedFiles(of: table, in: baseState)
        baseLoadedFiles[table] = read
        return read
    }

    /// Makes `files` the loaded files `table` will have when this write commits.
    public func setLoadedFiles(_ files: [LoadedFile], of table: CatalogTable) {
        loadedFileChanges[table.identifier] = files
    }

    /// Writes (as new files of this write, published with its segments) a manifest for each
    /// partition whose segments differ from the base snapshot's, and each page of loaded files
    /// that differs; every other manifest the base named is named again. Returns the new root.
    /// A base read from a format 1 file names no manifests, so its first commit writes them all:
    /// that is the migration to format 2.
    func writeManifests() throws(StorageError) -> CatalogRoot {
        var tables: [RootTable] = []
        for table in catalog.tables {
            let baseTable = base.tables.first { $0.identifier == table.identifier }
            let partitions = try partitionManifests(table, baseTable: baseTable)
            let loadedFiles = try loadedFileManifests(table)
            tables.append(RootTable(table, partitions: partitions, loadedFiles: loadedFiles))
        }
        return CatalogRoot(
            snapshot: snapshot, committedMicros: catalog.committedMicros,
            nextTableIdentifier: catalog.nextTableIdentifier,
            tables: tables, views: catalog.views, commit: catalog.commit)
    }

    /// The references of `table`'s partition manifests: the base's where the partition's segments
    /// are unchanged, new manifests elsewhere.
    private func partitionManifests(_ table: CatalogTable, baseTable: CatalogTable?) throws(StorageError)
        -> [PartitionManifestReference]
    {
        let baseReferences = baseState.manifests.partitions[table.identifier] ?? [:]
        var baseSegments: [String: [CatalogSegment]] = [:]
        for partition in baseTable?.partitions ?? [] { baseSegments[partition.key] = partition.segments }
        var references: [PartitionManifestReference] = []
        for partition in table.partitions {
            if let kept = baseReferences[partition.key], baseSegments[partition.key] == partition.segments {
                references.append(kept)
                continue
            }
            let document = ManifestDocument(
                kind: ManifestDocument.partitionKind, table: table.identifier, snapshot: snapshot,
                partition: partition.key, segments: partition.segments, loadedFiles: nil)
            let (path, checksum) = try writeManifest(document, table: table)
            references.append(
                PartitionManifestReference(
                    key: partition.key, path: path, checksum: checksum, segments: partition.segments.count,
                    rows: partition.rowCount))
        }
        return references
    }

    /// The references of `table`'s loaded-file pages (``ManifestFile/loadedFilesPerPage`` files
    /// each). Unless this write set the table's loaded files (``setLoadedFiles(_:of:)``), the
    /// base's pages; else the base's pages where they hold the same files at the same place and
    /// new ones elsewhere. Nil when the table has no loaded files. A format 1 base's lists are
    /// written as pages here: that is their migration.
    private func loadedFileManifests(_ table: CatalogTable) throws(StorageError) -> [ManifestReference]? {
        let basePages = baseState.manifests.loadedFiles[table.identifier] ?? []
        let files: [LoadedFile]
        if let changed = loadedFileChanges[table.identifier] {
            files = changed
        } else if baseState.version1History != nil {
            files = baseState.version1LoadedFiles[table.identifier] ?? []
        } else {
            return basePages.isEmpty ? nil : basePages
        }
        guard !files.isEmpty else { return nil }
        let baseFiles = basePages.isEmpty ? [] : try baseLoadedFileList(table.identifier)
        var baseStarts: [Int] = []
        var start = 0
        for page in basePages {
            baseStarts.append(start)
            start += page.entries
        }
        var references: [ManifestReference] = []
        let size = ManifestFile.loadedFilesPerPage
        for (pageIndex, pageStart) in stride(from: 0, to: files.count, by: size).enumerated() {
            let page = files[pageStart..<min(pageStart + size, files.count)]
            if pageIndex < basePages.count, baseStarts[pageIndex] == pageStart,
                basePages[pageIndex].entries == page.count,
                pageStart + page.count <= baseFiles.count, baseFiles[pageStart..<(pageStart + page.count)] == page
            {
                references.append(basePages[pageIndex])
                continue
            }
            let document = ManifestDocument(
                kind: ManifestDocument.loadedFilesKind, table: table.identifier, snapshot: snapshot,
                partition: nil, segments: nil, loadedFiles: Array(page))
            let (path, checksum) = try writeManifest(document, table: table)
            references.append(ManifestReference(path: path, checksum: checksum, entries: page.count))
        }
        return references
    }

    /// Writes `document` as a new manifest of `table` (`manifests/<table id>/<snapshot>-<n>.stman`)
    /// and returns its path and payload checksum.
    private func writeManifest(_ document: ManifestDocument, table: CatalogTable) throws(StorageError) -> (
        String, String
    ) {
        let (bytes, checksum) = ManifestFile.encode(document)
        let directory = "manifests/\(table.identifier)"
        let relative = "\(directory)/\(snapshot)-\(nextFileNumber()).stman"
        try writeFile(bytes, relative: relative, directory: directory)
        return (relative, CatalogEnvelope.hexadecimal(checksum))
    }
}
