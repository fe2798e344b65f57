/// Compaction: a partition's small segments — left by micro-batches, late rows, small inserts —
/// merged into full-size ones, in one commit.

import StarlingColumns

/// When a partition is compacted, and into what.
public struct CompactionPolicy: Sendable {
    /// A segment with fewer rows than this is small.
    public var smallRows: Int
    /// A partition is compacted when it holds at least this many small segments.
    public var minimumSmallSegments: Int
    /// Rows per merged segment, at most (a run of small segments is merged a segment at a time).
    public var segmentRows: Int

    public init(smallRows: Int = 1 << 18, minimumSmallSegments: Int, segmentRows: Int = 1 << 20) {
        self.smallRows = max(1, smallRows)
        self.minimumSmallSegments = max(2, minimumSmallSegments)
        self.segmentRows = max(1, segmentRows)
    }

    /// Whether `partition` holds enough small segments to be compacted.
    public func wantsCompaction(_ partition: CatalogPartition) -> Bool {
        partition.segments.lazy.filter { $0.rows < smallRows }.count >= minimumSmallSegments
    }

    /// After a load: once a partition has 16 small segments.
    public static let automatic = CompactionPolicy(minimumSmallSegments: 16)
    /// `starling compact`: any partition with two small segments.
    public static let requested = CompactionPolicy(minimumSmallSegments: 2)
}

/// What a compaction merged.
public struct CompactionReport: Sendable {
    public struct Partition: Sendable, Equatable {
        public var table: String
        public var key: String
        public var segmentsBefore: Int
        public var segmentsAfter: Int
        public var rows: Int
    }

    public var partitions: [Partition] = []
    /// The snapshot the compaction committed; nil when nothing needed merging.
    public var snapshot: Int?
}

extension Warehouse {
    /// Merges the small segments of each partition that has enough of them (`policy`) — of
    /// `table`, or every table; of the partitions in `partitions`, or all — into segments of up to
    /// `policy.segmentRows` rows, stored in the table's sort order, and commits the result as one
    /// snapshot (`compact` in the history). Consecutive small segments are merged in their order,
    /// so a dimension's rows keep their positions (its row codes). Readers of earlier snapshots
    /// are unaffected; vacuum removes the merged files once no kept snapshot names them. Nothing
    /// is committed when no partition qualifies.
    public func compact(
        table: String? = nil, partitions: Set<String>? = nil, policy: CompactionPolicy, wait: Bool = false
    ) throws(StorageError) -> CompactionReport {
        let transaction = try beginWrite(wait: wait)
        defer { transaction.abandon() }
        if let table, transaction.catalog.table(named: table) == nil {
            throw StorageError(.invalid, "no table named \(table)")
        }
        let scanner = TableScanner(warehouse: self, catalog: transaction.base)
        var report = CompactionReport()
        for tableIndex in transaction.catalog.tables.indices {
            let entry = transaction.catalog.tables[tableIndex]
            guard table == nil || entry.name == table else { continue }
            for partitionIndex in entry.partitions.indices {
                let partition = entry.partitions[partitionIndex]
                guard partitions?.contains(partition.key) ?? true, policy.wantsCompaction(partition) else { continue }
                let merged = try merge(partition, of: entry, policy: policy, scanner: scanner, transaction: transaction)
                transaction.catalog.tables[tableIndex].partitions[partitionIndex].segments = merged
                report.partitions.append(
                    .init(
                        table: entry.name, key: partition.key, segmentsBefore: partition.segments.count,
                        segmentsAfter: merged.count, rows: partition.rowCount))
            }
        }
        guard !report.partitions.isEmpty else { return report }
        let tables = Set(report.partitions.map(\.table))
        let detail = report.partitions.map {
            "\($0.key.isEmpty ? $0.table : $0.key): \($0.segmentsBefore) → \($0.segmentsAfter)"
        }
        let committed = try transaction.commit(
            operation: "compact", table: tables.count == 1 ? tables.first : nil,
            detail: detail.prefix(3).joined(separator: ", ") + (detail.count > 3 ? " and \(detail.count - 3) more" : "")
        )
        report.snapshot = committed.snapshot
        return report
    }

    /// `partition`'s segments with every run of consecutive small ones replaced by merged
    /// segments, each written as soon as it has `policy.segmentRows` rows (so memory holds one
    /// merged segment at a time).
    private func merge(
        _ partition: CatalogPartition, of table: CatalogTable, policy: CompactionPolicy, scanner: TableScanner,
        transaction: WriteTransaction
    ) throws(StorageError) -> [CatalogSegment] {
        var result: [CatalogSegment] = []
        var pending: [[ColumnVector]] = []
        var pendingSegments: [CatalogSegment] = []
        var pendingRows = 0
        func flush() throws(StorageError) {
            defer { (pending, pendingSegments, pendingRows) = ([], [], 0) }
            // A small segment alone stays as it is: rewriting it would merge nothing.
            if pendingSegments.count == 1 { result += pendingSegments }
            guard pendingSegments.count > 1 else { return }
            let vectors = table.columns.indices.map { column in
                ColumnVector.concatenate(pending.map { $0[column] }, type: table.columns[column].storedType)
            }
            result.append(
                try transaction.writeSegment(
                    table: table, partitionKey: partition.key, columns: table.columns, vectors: vectors))
        }
        for segment in partition.segments {
            guard segment.rows < policy.smallRows else {
                try flush()
                result.append(segment)
                continue
            }
            if pendingRows > 0, pendingRows + segment.rows > policy.segmentRows { try flush() }
            pending.append(try scanner.readSegment(segment, columns: table.columns, table: table))
            pendingSegments.append(segment)
            pendingRows += segment.rows
        }
        try flush()
        return result
    }
}
