/// Rows of a fact or plain table collected per date partition and written as segments.

import Dispatch
import Synchronization
import StarlingColumns
import StarlingStorage

/// Column builders per partition. A partition's rows become a segment when they reach
/// `segmentRows`, and every partition is flushed when all buffered rows together reach
/// `bufferedRowLimit`, so memory stays bounded whatever the file size. Flushes of several
/// partitions encode their segments on `threads` cores at once.
final class PartitionBuffers {
    let table: CatalogTable
    let transaction: WriteTransaction
    let segmentRows: Int
    let bufferedRowLimit: Int
    let threads: Int
    let columnThreads: Int

    /// Partition keys in the order first touched.
    private(set) var touched: [String] = []
    private var indexByKey: [String: Int] = [:]
    /// Builders, partition-major: partition `p`, column `c` at `p * columnCount + c`.
    private var builders: [ColumnVectorBuilder] = []
    private var counts: [Int] = []
    private var buffered = 0
    /// VARCHAR columns whose strings outgrew a dictionary: their builders start plain.
    private var plainColumns: Set<Int> = []
    /// Segments written so far, per partition key.
    private(set) var written: [String: [CatalogSegment]] = [:]
    /// The background write in flight, and where it leaves its outcome.
    private var pending: DispatchSemaphore?
    private let pendingOutcome = FlushOutcome()
    let columnCount: Int

    /// - Parameters:
    ///   - threads: threads for encoding segments when several partitions flush at once.
    ///   - columnThreads: threads for appending a batch's columns (1 when batches are appended on
    ///     several threads already, each into its own buffers).
    init(table: CatalogTable, transaction: WriteTransaction, threads: Int, columnThreads: Int? = nil, segmentRows: Int = 1 << 20, bufferedRowLimit: Int = 1 << 22) {
        self.table = table
        self.transaction = transaction
        self.threads = max(threads, 1)
        self.columnThreads = max(columnThreads ?? threads, 1)
        self.segmentRows = segmentRows
        self.bufferedRowLimit = bufferedRowLimit
        self.columnCount = table.columns.count
    }

    /// Builders for one partition. VARCHAR columns are dictionary-coded (``ColumnVectorBuilder``'s
    /// `dictionaryLimit`) until some builder of the column meets more distinct strings than
    /// ``dictionaryLimit``; from then on the column's builders start plain.
    func newBuilders(reserving rows: Int = 4096) -> [ColumnVectorBuilder] {
        table.columns.enumerated().map { column, definition in
            let limit = definition.storedType.physicalType == .string && !plainColumns.contains(column) ? Self.dictionaryLimit : 0
            return ColumnVectorBuilder(type: definition.storedType, reservingCapacity: rows, dictionaryLimit: limit)
        }
    }

    /// Distinct strings a column's builder numbers before it goes on plainly: the segment
    /// writer's limit for numbering a vector's strings.
    static let dictionaryLimit = 1 << 16

    /// The index of partition `key`, created on first use.
    func index(of key: String) -> Int {
        if let index = indexByKey[key] { return index }
        let index = counts.count
        indexByKey[key] = index
        touched.append(key)
        builders.append(contentsOf: newBuilders())
        counts.append(0)
        return index
    }

    /// Appends a converted batch's accepted rows, mapping its partition keys to this buffer set's.
    func append(_ converted: ConvertedBatch) throws(LoadError) -> Int {
        try append(converted, partitionIndex: converted.partitionKeys.map { index(of: $0) })
    }

    /// Appends a converted batch's accepted rows, partition by partition and column by column;
    /// returns how many.
    func append(_ converted: ConvertedBatch, partitionIndex: [Int]) throws(LoadError) -> Int {
        let batch = converted.batch
        // The batch's accepted rows, grouped by partition (in row order within each).
        var rowsByPartition = [[Int32]](repeating: [], count: converted.partitionKeys.count)
        for row in 0..<batch.rowCount where !converted.rejected[row] {
            rowsByPartition[Int(converted.partitionOf[row])].append(Int32(row))
        }
        var accepted = 0
        var groups: [(partition: Int, rows: [Int32])] = []
        for (local, rows) in rowsByPartition.enumerated() where !rows.isEmpty {
            let partition = partitionIndex[local]
            counts[partition] += rows.count
            accepted += rows.count
            groups.append((partition, rows))
        }
        // Columns are independent, so they are appended on several threads at once.
        var builders = self.builders
        self.builders = []
        let columns = table.columns
        let work = groups
        let threads = columnThreads
        builders.withUnsafeMutableBufferPointer { buffer in
            let shared = ConcurrentSlots(buffer)
            let appendColumn: @Sendable (Int) -> Void = { column in
                for group in work {
                    Self.append(column: column, rows: group.rows, of: converted, toPartition: group.partition, columns: columns, builders: shared.pointer)
                }
            }
            if threads > 1 {
                DispatchQueue.concurrentPerform(iterations: columns.count) { appendColumn($0) }
            } else {
                for column in columns.indices { appendColumn(column) }
            }
        }
        self.builders = builders
        buffered += accepted
        let full = counts.indices.filter { counts[$0] >= segmentRows }
        if !full.isEmpty {
            try flushInBackground(full)
        } else if buffered >= bufferedRowLimit {
            try flushInBackground(Array(counts.indices))
        }
        return accepted
    }

    /// Appends one column of the given rows of a batch to one partition's builder.
    static func append(column: Int, rows: [Int32], of converted: ConvertedBatch, toPartition partition: Int, columns: [CatalogColumn],
                       builders: UnsafeMutableBufferPointer<ColumnVectorBuilder>) {
        let batch = converted.batch
        let values = converted.columns[column]
        let slot = partition * columns.count + column
        rows.withUnsafeBufferPointer { rows in
            if columns[column].storedType.physicalType == .string {
                batch.text.withUnsafeBytes { text in
                    batch.records.unescaped.withUnsafeBytes { extra in
                        for row in rows {
                            let index = Int(row)
                            if values.nulls[index] {
                                builders[slot].appendNull()
                                continue
                            }
                            let start = Int(values.values[index] & ~(1 << 62))
                            let source = values.values[index] & (1 << 62) != 0 ? extra : text
                            builders[slot].append(stringBytes: UnsafeRawBufferPointer(rebasing: source[start..<(start + Int(values.lengths[index]))]))
                        }
                    }
                }
            } else {
                values.values.withUnsafeBufferPointer { numbers in
                    values.nulls.withUnsafeBufferPointer { nulls in
                        // Rows are ascending and distinct, so all of the batch's rows are every row in order.
                        if rows.count == numbers.count, nulls.count == numbers.count {
                            builders[slot].append(values: numbers, nulls: nulls)
                        } else {
                            builders[slot].appendGathered(values: numbers, nulls: nulls, rows: rows)
                        }
                    }
                }
            }
        }
    }

    /// One partition's buffered rows, ready to become a segment. Its builders are referenced
    /// from here alone, so their memory can be handed to the segment's vectors without a copy.
    final class Job: @unchecked Sendable {
        let key: String
        private var builders: [ColumnVectorBuilder]

        init(key: String, builders: [ColumnVectorBuilder]) {
            self.key = key
            self.builders = builders
        }

        /// The rows as vectors (once: the builders are emptied).
        func takeVectors() -> [ColumnVector] {
            builders.indices.map { builders[$0].take() }
        }
    }

    /// Takes the given partitions' buffered rows out of the buffers. A partition's new builders
    /// reserve the rows it just had: a partition that filled a segment will likely fill another,
    /// and growing a million-row builder by doubling copies it to fresh memory eight times.
    func takeJobs(_ partitions: [Int]) -> [Job] {
        var jobs: [Job] = []
        for partition in partitions where counts[partition] > 0 {
            let range = (partition * columnCount)..<((partition + 1) * columnCount)
            let taken = Array(builders[range])
            for (column, builder) in taken.enumerated() where builder.type.physicalType == .string && !builder.isDictionaryCoded {
                plainColumns.insert(column)
            }
            builders.replaceSubrange(range, with: newBuilders(reserving: counts[partition]))
            jobs.append(Job(key: touched[partition], builders: taken))
            buffered -= counts[partition]
            counts[partition] = 0
        }
        return jobs
    }

    /// Writes the given partitions' buffered rows as segments on a background thread, so this
    /// worker goes on converting meanwhile. At most one such write is in flight per buffer set
    /// (the previous one is waited for first), which bounds memory to twice the buffer.
    func flushInBackground(_ partitions: [Int]) throws(LoadError) {
        try waitForBackgroundFlush()
        let jobs = takeJobs(partitions)
        guard !jobs.isEmpty else { return }
        let table = self.table, transaction = self.transaction
        let work = UncheckedSendable(jobs)
        let outcome = pendingOutcome
        let done = DispatchSemaphore(value: 0)
        pending = done
        DispatchQueue.global().async {
            let result = Result { () throws(LoadError) -> [(key: String, segment: CatalogSegment)] in
                try Self.write(work.value, table: table, transaction: transaction)
            }
            outcome.value.withLock { $0 = result }
            done.signal()
        }
    }

    /// Waits for the background write, if any, and records its segments.
    func waitForBackgroundFlush() throws(LoadError) {
        guard let pending else { return }
        pending.wait()
        self.pending = nil
        let result = pendingOutcome.value.withLock { outcome in
            defer { outcome = nil }
            return outcome
        }
        switch result {
        case .success(let segments)?:
            for (key, segment) in segments { written[key, default: []].append(segment) }
        case .failure(let error)?:
            throw error
        case nil:
            throw LoadError(.io, "a background segment write did not finish")
        }
    }

    /// Builds, encodes and writes one segment per job on all cores, handing jobs out one at a time
    /// so large and small partitions balance; returns the segments in job order.
    static func write(_ jobs: [Job], table: CatalogTable, transaction: WriteTransaction) throws(LoadError) -> [(key: String, segment: CatalogSegment)] {
        guard !jobs.isEmpty else { return [] }
        let work = UncheckedSendable(jobs)
        var results = [Result<CatalogSegment, StorageError>?](repeating: nil, count: jobs.count)
        results.withUnsafeMutableBufferPointer { slots in
            let output = ConcurrentSlots(slots)
            DispatchQueue.concurrentPerform(iterations: work.value.count) { job in
                do throws(StorageError) {
                    let vectors = work.value[job].takeVectors()
                    let segment = try transaction.writeSegment(table: table, partitionKey: work.value[job].key, columns: table.columns, vectors: consume vectors)
                    output.pointer[job] = .success(segment)
                } catch {
                    output.pointer[job] = .failure(error)
                }
            }
        }
        var segments: [(key: String, segment: CatalogSegment)] = []
        for (job, result) in zip(jobs, results) {
            switch result {
            case .success(let segment): segments.append((job.key, segment))
            case .failure(let error): throw LoadError(error)
            case nil: throw LoadError(.io, "a segment of \(job.key) was not written")
            }
        }
        return segments
    }
}

/// Where a background segment write leaves its outcome.
final class FlushOutcome: Sendable {
    let value = Mutex<Result<[(key: String, segment: CatalogSegment)], LoadError>?>(nil)
}
