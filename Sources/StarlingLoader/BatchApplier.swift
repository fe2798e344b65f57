/// The sequential part of loading: rejects in order, then accepted rows into partitions or the
/// dimension merge.

import Dispatch
import StarlingColumns
import StarlingStorage

/// Applies converted batches in input order.
final class BatchApplier {
    let table: CatalogTable
    let rejects: RejectsWriter
    /// `nil` when a reject ratio is checked at the end instead.
    let maxRejects: Int?
    /// Fact and plain tables: one set of partition buffers per worker thread.
    let workers: [PartitionBuffers]
    /// Dimension loads: rows in declared types, and the key's column.
    private(set) var dimensionRows: [[Value]] = []
    /// A dimension's first load (no stored rows, type 1, no references to resolve): there is
    /// nothing to merge with, so accepted rows go straight into column builders, in file order,
    /// instead of ``dimensionRows``; the loader writes them as the dimension's one segment.
    private(set) var firstLoadColumns: [ColumnVectorBuilder]?
    private var dimensionKeysSeen: [Value: Int] = [:]
    /// `dimensionKeysSeen` for integer keys (most surrogate keys), without hashing a ``Value``.
    private var integerKeysSeen = IntegerKeyLines()
    let dimensionKey: Int?
    let resolvers: [Int: ReferenceResolver]

    private(set) var rowsRead = 0
    private(set) var rowsAccepted = 0
    /// Rows accepted per input file.
    private(set) var acceptedByFile: [String: Int] = [:]
    private(set) var unknownKeys = 0
    var unknownFields: [String: Int] = [:]

    init(table: CatalogTable, transaction: WriteTransaction, options: LoadOptions, rejects: RejectsWriter, resolvers: [Int: ReferenceResolver], threads: Int) {
        self.table = table
        self.rejects = rejects
        self.maxRejects = options.maxRejectRatio == nil ? options.maxRejects : nil
        self.resolvers = resolvers
        if table.isReferenceable, let key = table.primaryKey.first {
            dimensionKey = table.columns.firstIndex { $0.name == key }
            workers = []
            if table.rowCount == 0, !DimensionMerge.isTypeTwo(table), resolvers.isEmpty {
                // Low-cardinality attributes (brands, categories, cities) are kept as dictionary
                // numbers, which the segment writer takes as its numbering.
                firstLoadColumns = table.columns.map {
                    ColumnVectorBuilder(type: $0.storedType, reservingCapacity: 4096,
                                        dictionaryLimit: $0.storedType.physicalType == .string ? PartitionBuffers.dictionaryLimit : 0)
                }
            }
        } else {
            dimensionKey = nil
            // Each worker appends whole batches into its own buffers; memory is shared out evenly.
            workers = (0..<threads).map { _ in
                PartitionBuffers(table: table, transaction: transaction, threads: threads, columnThreads: 1,
                                 segmentRows: options.segmentRows, bufferedRowLimit: max(options.bufferedRowLimit / threads, 1))
            }
        }
    }

    var isDimension: Bool { dimensionKey != nil }

    /// Records a reject and enforces the limit.
    func reject(file: String, line: Int, offset: Int, column: String, value: String, reason: String) throws(LoadError) {
        rejects.add(file: file, line: line, byteOffset: offset, column: column, value: value, reason: reason)
        if let maxRejects, rejects.count > maxRejects {
            let place = column.isEmpty ? "" : " column \(column)"
            let shown = value.isEmpty ? "" : " value \"\(value.prefix(80))\":"
            let limit = maxRejects == 0
                ? "the load was aborted and nothing was loaded (pass --max-rejects N to skip up to N bad rows)"
                : "more than --max-rejects \(maxRejects) rows were rejected, so the load was aborted and nothing was loaded"
            throw LoadError(.badData, "\(file):\(line):\(place)\(shown) \(reason); \(limit)")
        }
    }

    /// Records a converted batch in input order: its rows, unknown keys and rejects (enforcing the
    /// limit); for a dimension, also its accepted rows. Fact rows were appended by a worker.
    func apply(_ converted: ConvertedBatch, accepted: Int = 0) throws(LoadError) {
        let batch = converted.batch
        rowsRead += batch.rowCount
        unknownKeys += converted.unknownKeys
        for entry in converted.rejects {
            try reject(file: batch.file, line: batch.line(entry.row), offset: batch.offset(entry.row), column: entry.column, value: entry.value, reason: entry.reason)
        }
        if isDimension {
            try applyDimension(converted)
        } else {
            rowsAccepted += accepted
            acceptedByFile[batch.file, default: 0] += accepted
        }
    }

    /// Waits for every background segment write (on any exit, before the transaction is abandoned).
    func drainBackgroundWrites() {
        for worker in workers { try? worker.waitForBackgroundFlush() }
    }

    /// Flushes every worker's buffers; returns the partitions touched, in key order, with the
    /// segments written for each.
    func finishPartitions() throws(LoadError) -> [(key: String, segments: [CatalogSegment])] {
        var segments: [String: [CatalogSegment]] = [:]
        for worker in workers {
            try worker.waitForBackgroundFlush()
            for key in worker.touched { segments[key, default: []].append(contentsOf: worker.written[key] ?? []) }
        }
        // Every worker's remaining rows are encoded in one parallel round.
        let jobs = workers.flatMap { $0.takeJobs(Array($0.touched.indices)) }
        if let first = workers.first {
            for (key, segment) in try PartitionBuffers.write(jobs, table: table, transaction: first.transaction) {
                segments[key, default: []].append(segment)
            }
        }
        return segments.keys.sorted().map { ($0, segments[$0] ?? []) }
    }

    private func applyDimension(_ converted: ConvertedBatch) throws(LoadError) {
        let batch = converted.batch
        let types = table.columns.map(\.type)
        var accepted: [Int32] = []
        for row in 0..<batch.rowCount where !converted.rejected[row] {
            if let dimensionKey {
                let key = Self.value(of: converted, column: dimensionKey, row: row, type: types[dimensionKey])
                let line = batch.line(row)
                if let firstLine = firstLine(of: key, recording: line) {
                    try reject(file: batch.file, line: line, offset: batch.offset(row), column: table.columns[dimensionKey].name,
                               value: key.formatted(as: table.columns[dimensionKey].type), reason: "duplicate key in this load (first at line \(firstLine))")
                    continue
                }
            }
            rowsAccepted += 1
            acceptedByFile[batch.file, default: 0] += 1
            if firstLoadColumns != nil {
                accepted.append(Int32(row))
            } else {
                dimensionRows.append(types.indices.map { Self.value(of: converted, column: $0, row: row, type: types[$0]) })
            }
        }
        guard var builders = firstLoadColumns, !accepted.isEmpty else { return }
        firstLoadColumns = nil
        let columns = table.columns
        let rows = accepted
        builders.withUnsafeMutableBufferPointer { buffer in
            // Columns are independent: appended on all cores at once.
            let builders = ConcurrentSlots(buffer)
            DispatchQueue.concurrentPerform(iterations: columns.count) { column in
                PartitionBuffers.append(column: column, rows: rows, of: converted, toPartition: 0, columns: columns, builders: builders.pointer)
            }
        }
        firstLoadColumns = builders
    }

    /// Row `row`'s value of `column` in its declared type (a reference keeps its key).
    static func value(of converted: ConvertedBatch, column: Int, row: Int, type: LogicalType) -> Value {
        let values = converted.columns[column]
        if values.nulls[row] { return .null }
        switch type {
        case .varchar:
            let start = Int(values.values[row] & ~(1 << 62))
            let source = values.values[row] & (1 << 62) != 0 ? converted.batch.records.unescaped : converted.batch.text
            return .string(String(decoding: source[start..<(start + Int(values.lengths[row]))], as: UTF8.self))
        case .double:
            return .double(Double(bitPattern: UInt64(bitPattern: values.values[row])))
        case .boolean:
            return .boolean(values.values[row] != 0)
        default:
            return .integer(values.values[row])
        }
    }

    /// The first load's rows as column vectors (nil unless this is a dimension's columnar first
    /// load); the builders' memory is handed over, not copied.
    func takeFirstLoadVectors() -> [ColumnVector]? {
        guard var builders = firstLoadColumns else { return nil }
        firstLoadColumns = nil
        return builders.indices.map { builders[$0].take() }
    }

    /// The line where dimension key `key` first came in this load, or nil when it is new (it is
    /// then recorded at `line`). Integer keys (most surrogate keys) are kept without hashing a
    /// ``Value``.
    private func firstLine(of key: Value, recording line: Int) -> Int? {
        if case .integer(let integer) = key {
            return integerKeysSeen.firstLine(of: integer, recording: line)
        }
        return Self.firstLine(in: &dimensionKeysSeen, of: key, recording: line)
    }

    /// One hash for a new key: `line` is inserted, and for a key already there the first line is
    /// put back and returned.
    private static func firstLine<Key: Hashable>(in seen: inout [Key: Int], of key: Key, recording line: Int) -> Int? {
        guard let first = seen.updateValue(line, forKey: key) else { return nil }
        seen[key] = first
        return first
    }
}
