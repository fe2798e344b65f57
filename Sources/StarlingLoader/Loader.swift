/// `starling load`: extract files into a table as one all-or-nothing commit.

import Dispatch
import StarlingColumns
import StarlingEncoding
import StarlingFormat
import StarlingStorage

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished load reports.
public struct LoadSummary: Sendable {
    public let record: LoadRecord
    /// Wall-clock seconds.
    public let seconds: Double
    /// Decompressed input bytes.
    public let inputBytes: Int
    /// NDJSON fields that match no column, with how often each appeared.
    public let unknownFields: [(name: String, count: Int)]
    /// Dimension rows inserted, updated and left unchanged (dimension loads only).
    public let dimensionInserted: Int
    public let dimensionUnchanged: Int
    /// Why the load log could not be written, when it could not (the load itself committed).
    public let logProblem: String?
    /// What the compaction after the load merged (nil when none ran or nothing needed merging).
    public var compaction: CompactionReport?
    /// Why that compaction failed, when it did (the load itself committed).
    public var compactionProblem: String?
}

/// Progress of a running load, for the terminal progress line.
public struct LoadProgress: Sendable {
    public let bytesDone: Int
    public let bytesTotal: Int
    public let rows: Int
    public let seconds: Double
}

/// Loads extract files into one table. One call is one batch: it commits one snapshot, or on any
/// error (too many rejects, bad header, I/O, a signal) commits nothing; either way it appends a
/// record to the load log.
public final class Loader {
    public let warehouse: Warehouse
    public let options: LoadOptions
    let progressHandler: ((LoadProgress) -> Void)?

    public init(warehouse: Warehouse, options: LoadOptions, progress: ((LoadProgress) -> Void)? = nil) {
        self.warehouse = warehouse
        self.options = options
        self.progressHandler = progress
    }

    /// Loads `files` into `tableName`.
    public func load(table tableName: String, files: [String]) throws(LoadError) -> LoadSummary {
        let started = currentMicros()
        let batch = "L" + String(started, radix: 36)
        let rejectsPath = options.rejectsPath ?? warehouse.path("loads/\(batch).rejects.csv")
        let rejects = RejectsWriter(path: rejectsPath)
        var record = LoadRecord(
            batch: batch, table: tableName, files: [], rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, unknownKeys: 0,
            rowsUpdated: 0,
            partitions: [], startedMicros: started, endedMicros: started, status: "aborted", error: nil, snapshot: nil,
            rejectsFile: nil)
        do throws(LoadError) {
            if options.rejectsPath == nil { try? FileBytes.createDirectory(warehouse.path("loads")) }
            // Checked before any file is read: a load must not run to its end to fail here.
            if let path = options.rejectsPath {
                let slash = path.lastIndex(of: "/")
                let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
                guard FileBytes.kind(of: directory).isDirectory else {
                    throw LoadError(.io, "cannot write the rejects file \(path): \(directory) is not a directory")
                }
            }
            return try run(tableName: tableName, files: files, batch: batch, rejects: rejects, record: &record)
        } catch {
            record.endedMicros = currentMicros()
            record.status = "aborted"
            record.error = error.message
            record.rowsRejected = rejects.count
            // Files the load stopped reading before their hash was known are hashed for the log.
            for index in record.files.indices where record.files[index].contentHash.isEmpty {
                if let content = try? FileReader.contentHash(path: record.files[index].path) {
                    record.files[index].contentHash = hexadecimalDigits(content.hash)
                }
            }
            if rejects.count > 0, (try? rejects.finish()) != nil { record.rejectsFile = rejectsPath }
            try? LoadLog.append(record, to: warehouse)
            throw error
        }
    }

    private func run(
        tableName: String, files: [String], batch: String, rejects: RejectsWriter, record: inout LoadRecord
    ) throws(LoadError) -> LoadSummary {
        guard !files.isEmpty else { throw LoadError(.refused, "no input files") }
        try Self.checkSeparators(options)
        let transaction: WriteTransaction
        do {
            transaction = try warehouse.beginWrite(wait: options.waitForLock, giveUp: options.stopWaiting)
        } catch {
            throw LoadError(error)
        }
        defer { transaction.abandon() }
        let catalog = transaction.catalog
        let name = catalog.table(named: tableName) != nil ? tableName : tableName.lowercased()
        guard let tableIndex = catalog.tables.firstIndex(where: { $0.name == name }) else {
            throw LoadError(
                .refused,
                "no table named \(tableName)"
                    + (closestMatch(to: tableName, in: catalog.tables.map(\.name)).map { " (did you mean \($0)?)" }
                        ?? ""))
        }
        let table = catalog.tables[tableIndex]
        record.table = table.name

        // Files: present, readable, and not loaded before (unless forced or replacing). Identical
        // content means identical size, so a file is hashed up front only when a file of its size
        // was loaded before or is in this load; any other file is hashed as it is read.
        let checksDuplicates = !options.force && !options.replacePartitions
        var sizes: [Int] = []
        for file in files {
            do { sizes.append(try FileReader(path: file).size) } catch {
                throw Self.inputError(error, file: file)
            }
        }
        let loadedFiles: [LoadedFile]
        do { loadedFiles = try transaction.loadedFiles(of: table) } catch { throw LoadError(error) }
        let loadedSizes = Set(loadedFiles.map(\.bytes))
        var hashes = Set<String>()
        for (index, file) in files.enumerated() {
            let sizeSeen =
                loadedSizes.contains(sizes[index])
                || sizes.indices.contains { $0 != index && sizes[$0] == sizes[index] }
            guard checksDuplicates, sizeSeen else {
                record.files.append(LoadRecord.File(path: file, bytes: sizes[index], contentHash: ""))
                continue
            }
            let content: (hash: UInt64, size: Int)
            do { content = try FileReader.contentHash(path: file) } catch {
                throw Self.inputError(error, file: file)
            }
            let hash = hexadecimalDigits(content.hash)
            record.files.append(LoadRecord.File(path: file, bytes: content.size, contentHash: hash))
            if let earlier = loadedFiles.first(where: { $0.contentHash == hash }) {
                throw LoadError(
                    .refused,
                    "\(file) has the same content as \(earlier.name), already loaded into \(table.name) in batch \(earlier.batch) (snapshot \(earlier.snapshot)); pass --replace-partitions to replace the partitions it covers, or --force to load it again"
                )
            }
            if hashes.contains(hash) {
                throw LoadError(
                    .refused, "\(file) has the same content as another file of this load; pass --force to load both")
            }
            hashes.insert(hash)
        }
        let totalBytes = record.files.reduce(0) { $0 + $1.bytes }

        let threads = max(1, options.threads ?? Loader.coreCount)
        var resolvers: [Int: ReferenceResolver] = [:]
        for (index, column) in table.columns.enumerated() where column.references != nil {
            resolvers[index] = try ReferenceResolver(
                fact: table, column: column, catalog: catalog, warehouse: warehouse)
        }
        let partitionColumn = table.partitioning.flatMap { partitioning in
            table.columns.firstIndex { $0.name == partitioning.column }
        }
        let converter = BatchConverter(
            table: table, converters: table.columns.map { ColumnConverter(column: $0, options: options) },
            resolvers: resolvers,
            partitionColumn: partitionColumn, granularity: table.partitioning?.granularity,
            keepsKeys: table.isReferenceable)
        let applier = BatchApplier(
            table: table, transaction: transaction, options: options, rejects: rejects, resolvers: resolvers,
            threads: threads)
        // Runs before the transaction is abandoned (defers run in reverse order).
        defer { applier.drainBackgroundWrites() }
        let pipeline = ConversionPipeline(converter: converter, workers: applier.workers, threads: threads)
        // Runs first: workers are idle before their buffers' writes are waited for.
        defer { pipeline.waitForAll() }
        var provided = Set<Int>()
        var unknownFields: [String: Int] = [:]
        var trace = (
            read: Duration.zero, convert: Duration.zero, apply: Duration.zero, finish: Duration.zero,
            flush: Duration.zero
        )
        var inputBytes = 0
        let clock = ContinuousClock()
        let start = clock.now
        var lastReport = start
        var doneBefore = 0
        for (index, file) in files.enumerated() {
            let fileSize = record.files[index].bytes
            let hashWhileReading = record.files[index].contentHash.isEmpty
            let reader = try Self.reader(for: file, table: table, options: options, hashContent: hashWhileReading)
            // The file's line where the next batch's text starts (batches count lines from their own start).
            var nextLine = 1
            /// Applies the oldest batch's result (waiting for it), in file order.
            func applyOldest() throws(LoadError) {
                let mark = clock.now
                guard let result = pipeline.takeOldest() else { return }
                let mid = clock.now
                let batch = result.converted.batch
                batch.firstLine = nextLine + batch.linesBefore
                nextLine = batch.firstLine + batch.lineCount
                if let error = result.error { throw error }
                try applier.apply(result.converted, accepted: result.accepted)
                trace.convert += mark.duration(to: mid)
                trace.apply += mid.duration(to: clock.now)
            }
            let prefetcher = BatchPrefetcher(reader, depth: threads + 1)
            defer { prefetcher.drain() }
            while let batch = try { () throws(LoadError) -> FieldBatch? in
                let mark = clock.now
                defer { trace.read += mark.duration(to: clock.now) }
                return try prefetcher.next()
            }() {
                pipeline.submit(batch)
                // Two batches per worker in flight: each has the next one queued while the oldest is applied.
                while pipeline.pending >= 2 * threads { try applyOldest() }
                if let progressHandler, clock.now - lastReport > .milliseconds(500) {
                    lastReport = clock.now
                    let elapsed = start.duration(to: lastReport)
                    progressHandler(
                        LoadProgress(
                            bytesDone: doneBefore + min(fileSize, reader.fileBytesRead), bytesTotal: totalBytes,
                            rows: applier.rowsRead,
                            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                        ))
                }
            }
            while pipeline.pending > 0 { try applyOldest() }
            // The reader is idle: it gave its last batch.
            if hashWhileReading {
                record.files[index].contentHash = hexadecimalDigits(try reader.stream.finishContentHash())
            }
            provided.formUnion(reader.provided)
            for (name, count) in reader.unknownFields { unknownFields[name, default: 0] += count }
            doneBefore += fileSize
            inputBytes += fileSize
        }
        if let ratio = options.maxRejectRatio, applier.rowsRead > 0,
            Double(rejects.count) / Double(applier.rowsRead) > ratio
        {
            throw LoadError(
                .badData,
                "\(rejects.count) of \(applier.rowsRead) rows were rejected, more than --max-reject-ratio \(ratio); the load was aborted and nothing was loaded"
            )
        }
        // Tolerated rejects that leave nothing to load: no commit, so the same files can be
        // loaded again once the cause is fixed (a commit would mark them as loaded).
        if rejects.count > 0, rejects.count >= applier.rowsRead {
            let rows = rejects.count == 1 ? "1 row" : "\(rejects.count) rows"
            throw LoadError(
                .refused,
                "every row was rejected (\(rows), see \(rejects.path)); the load was aborted and nothing was loaded")
        }

        let finishMark = clock.now
        defer {
            trace.finish += finishMark.duration(to: clock.now)
            if getenv("STARLING_LOAD_TRACE") != nil {
                let line =
                    "trace: waiting for reader \(trace.read), waiting for workers \(trace.convert), applying \(trace.apply), finishing \(trace.finish) (of which encoding the last segments \(trace.flush))\n"
                _ = line.withCString { write(2, $0, strlen($0)) }
            }
        }
        // Write: dimensions merge; facts and plain tables add (or replace) partitions.
        var updated = table
        var dimensionInserted = 0
        var dimensionUnchanged = 0
        if applier.isDimension, let vectors = applier.takeFirstLoadVectors() {
            // A first load's rows were kept as columns: they are the dimension, in file order.
            if let rows = vectors.first?.count, rows > 0 {
                let segment: CatalogSegment
                do {
                    segment = try transaction.writeSegment(
                        table: table, partitionKey: "", columns: table.columns, vectors: vectors)
                } catch { throw LoadError(error) }
                updated.partitions = [CatalogPartition(key: "", segments: [segment])]
                dimensionInserted = rows
                record.partitions = [""]
            } else {
                record.partitions = []
            }
        } else if applier.isDimension {
            let outcome = try Self.upsertDimension(
                table: table, incoming: applier.dimensionRows, provided: provided, resolvers: resolvers,
                transaction: transaction, catalog: catalog, into: &updated)
            record.rowsUpdated = outcome.updated
            dimensionInserted = outcome.inserted
            dimensionUnchanged = outcome.unchanged
            record.partitions = updated.partitions.isEmpty ? [] : [""]
        } else {
            let flushMark = clock.now
            let written = try applier.finishPartitions()
            trace.flush = flushMark.duration(to: clock.now)
            for (key, segments) in written {
                if let existing = updated.partitions.firstIndex(where: { $0.key == key }) {
                    if options.replacePartitions {
                        updated.partitions[existing].segments = segments
                    } else {
                        updated.partitions[existing].segments.append(contentsOf: segments)
                    }
                } else {
                    updated.partitions.append(CatalogPartition(key: key, segments: segments))
                }
            }
            updated.partitions.removeAll { $0.segments.isEmpty }
            updated.partitions.sort { $0.key < $1.key }
            record.partitions = written.map(\.key)
        }
        var loaded = loadedFiles
        // Only files that contributed rows count as loaded: a file whose every row was rejected
        // may be loaded again once the cause (a missing dimension row, say) is fixed.
        for (index, file) in record.files.enumerated() where applier.acceptedByFile[files[index], default: 0] > 0 {
            loaded.append(
                LoadedFile(
                    contentHash: file.contentHash, name: Self.fileName(file.path), bytes: file.bytes, batch: batch,
                    snapshot: transaction.snapshot))
        }
        transaction.setLoadedFiles(loaded, of: updated)
        transaction.catalog.tables[tableIndex] = updated

        record.rowsRead = applier.rowsRead
        record.rowsLoaded = applier.rowsAccepted
        record.rowsRejected = rejects.count
        record.unknownKeys = applier.unknownKeys
        let names = files.map(Self.fileName)
        let detail =
            "batch \(batch): "
            + (names.count > 2 ? "\(names[0]) and \(names.count - 1) more files" : names.joined(separator: ", "))
        // The rejects file is written before the commit, so a failure to write it commits nothing.
        try rejects.finish()
        let committed: Catalog
        do {
            committed = try transaction.commit(
                operation: options.replacePartitions ? "load (replace)" : "load", table: table.name, detail: detail)
        } catch {
            throw LoadError(error)
        }
        record.snapshot = committed.snapshot
        record.status = "committed"
        record.endedMicros = currentMicros()
        if rejects.count > 0 { record.rejectsFile = rejects.path }
        // The batch is committed: a log that cannot be written is reported, not turned into a failure.
        var logProblem: String?
        do { try LoadLog.append(record, to: warehouse) } catch { logProblem = error.message }
        let elapsed = start.duration(to: clock.now)
        var summary = LoadSummary(
            record: record,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            inputBytes: inputBytes, unknownFields: unknownFields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            dimensionInserted: dimensionInserted, dimensionUnchanged: dimensionUnchanged, logProblem: logProblem)
        // Micro-batches: the partitions this load wrote are merged once they hold enough small
        // segments, as a commit of its own (a failure leaves the load committed, and is reported).
        // The committed catalog says whether any does, so most loads take no second lock and
        // read no catalog again.
        let written = Set(record.partitions)
        let due =
            committed.table(named: table.name)?.partitions.contains {
                written.contains($0.key) && options.compaction?.wantsCompaction($0) == true
            } ?? false
        if let policy = options.compaction, due {
            do throws(StorageError) {
                let report = try warehouse.compact(
                    table: table.name, partitions: written, policy: policy, wait: options.waitForLock)
                if report.snapshot != nil { summary.compaction = report }
            } catch {
                summary.compactionProblem = error.message
            }
        }
        return summary
    }

    /// Upserts `incoming` rows (declared types) into a dimension inside `transaction`: a rewrite of
    /// its one segment when stored rows changed, else one new segment with the appended rows.
    static func upsertDimension(
        table: CatalogTable, incoming: [[Value]], provided: Set<Int>, resolvers: [Int: ReferenceResolver],
        transaction: WriteTransaction, catalog: Catalog, into updated: inout CatalogTable
    ) throws(LoadError) -> DimensionMerge.Outcome {
        let existing: [[Value]]
        do {
            existing =
                table.rowCount > 0
                ? try TableScanner(warehouse: transaction.warehouse, catalog: catalog).rows(of: table) : []
        } catch { throw LoadError(error) }
        let today = currentMicros() / 86_400_000_000
        let outcome = DimensionMerge.merge(
            table: table, existing: existing, incoming: incoming, provided: provided, loadDay: today)
        let toWrite = outcome.rewritten ? outcome.rows : Array(outcome.rows[outcome.firstAppended...])
        guard !toWrite.isEmpty else { return outcome }
        // Stored values: references become row codes.
        var vectors: [ColumnVector] = []
        for (index, column) in table.columns.enumerated() {
            var builder = ColumnVectorBuilder(type: column.storedType, reservingCapacity: toWrite.count)
            let resolver = resolvers[index]
            for row in toWrite {
                let value = row[index]
                if let resolver, !value.isNull {
                    builder.append(
                        integer: Int64(resolver.code(for: value, factDate: nil) ?? DimensionKeys.unknownMember))
                } else {
                    builder.append(value)
                }
            }
            vectors.append(builder.finish())
        }
        let segment: CatalogSegment
        do {
            segment = try transaction.writeSegment(
                table: table, partitionKey: "", columns: table.columns, vectors: vectors)
        } catch { throw LoadError(error) }
        if outcome.rewritten || updated.partitions.isEmpty {
            updated.partitions = [
                CatalogPartition(
                    key: "",
                    segments: outcome.rewritten ? [segment] : (updated.partitions.first?.segments ?? []) + [segment])
            ]
        } else {
            updated.partitions[0].segments.append(segment)
        }
        return outcome
    }

    /// The cores to use by default.
    static var coreCount: Int { max(1, ProcessInfoCores.active) }

    /// Refuses separators no file can be read with: the delimiter and the quote the same, or
    /// either a line break.
    static func checkSeparators(_ options: LoadOptions) throws(LoadError) {
        let delimiter = options.delimiter ?? UInt8(ascii: ",")
        let lineBreaks: [UInt8] = [0x0A, 0x0D]
        guard delimiter != options.quote, !lineBreaks.contains(delimiter), !lineBreaks.contains(options.quote) else {
            throw LoadError(
                .refused, "the delimiter and the quote must be different characters, and neither a line break")
        }
    }

    /// The reader of one input file: CSV or NDJSON as its name says, unless the options say.
    static func reader(
        for file: String, table: CatalogTable, options: LoadOptions, hashContent: Bool
    ) throws(LoadError) -> BatchReader {
        var format = ExtractFormat(fileName: file)
        if let kind = options.format, kind != format.kind {
            format = ExtractFormat(kind: kind, delimiter: UInt8(ascii: ","), header: kind == .csv)
        } else if options.format == nil, format.kind != .parquet, isParquet(file) {
            format = ExtractFormat(kind: .parquet, delimiter: UInt8(ascii: ","), header: false)
        }
        switch format.kind {
        case .csv:
            return try CSVReader(path: file, table: table, options: options, format: format, hashContent: hashContent)
        case .ndjson:
            return try NDJSONReader(path: file, table: table, options: options, hashContent: hashContent)
        case .parquet:
            return try NDJSONReader(path: file, table: table, options: options, hashContent: hashContent, parquet: true)
        }
    }

    /// Whether `file` starts with Parquet's magic number (a Parquet file without the suffix).
    static func isParquet(_ file: String) -> Bool {
        ExtractStream.firstBytes(of: file) == Array("PAR1".utf8)
    }

    /// An input file that cannot be opened or read, as a load error (missing: exit status 66).
    static func inputError(_ error: FileError, file: String) -> LoadError {
        LoadError(
            error.isMissing ? .missingFile : .io, error.isMissing ? "input file not found: \(file)" : error.description)
    }

    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
