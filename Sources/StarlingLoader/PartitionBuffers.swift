/// Rows of a fact or plain table collected per date partition and written as segments.

import StarlingColumns
import StarlingStorage

/// Column builders per partition. A partition's rows become a segment when they reach
/// `segmentRows`, and every partition is flushed when all buffered rows together reach
/// `bufferedRowLimit`, so memory stays bounded whatever the file size.
final class PartitionBuffers {
    let table: CatalogTable
    let transaction: WriteTransaction
    let segmentRows: Int
    let bufferedRowLimit: Int

    /// Partition keys in the order first touched, and their builders.
    private(set) var touched: [String] = []
    private var indexByKey: [String: Int] = [:]
    private var builders: [[ColumnVectorBuilder]] = []
    private var buffered = 0
    /// Segments written so far, per partition key.
    private(set) var written: [String: [CatalogSegment]] = [:]
    private(set) var rowCount = 0

    init(table: CatalogTable, transaction: WriteTransaction, segmentRows: Int = 1 << 20, bufferedRowLimit: Int = 1 << 22) {
        self.table = table
        self.transaction = transaction
        self.segmentRows = segmentRows
        self.bufferedRowLimit = bufferedRowLimit
    }

    func newBuilders() -> [ColumnVectorBuilder] {
        table.columns.map { ColumnVectorBuilder(type: $0.storedType, reservingCapacity: 1024) }
    }

    /// The index of partition `key`, created on first use.
    func index(of key: String) -> Int {
        if let index = indexByKey[key] { return index }
        let index = builders.count
        indexByKey[key] = index
        touched.append(key)
        builders.append(newBuilders())
        return index
    }

    /// Appends one row of converted values (stored types) to the partition at `index`.
    func append(_ values: [ConvertedValue], toPartition index: Int) throws(LoadError) {
        for (column, value) in values.enumerated() {
            switch value {
            case .null: builders[index][column].appendNull()
            case .integer(let integer): builders[index][column].append(integer: integer)
            case .double(let double): builders[index][column].append(double: double)
            case .text(let bytes): builders[index][column].append(stringBytes: bytes)
            }
        }
        buffered += 1
        rowCount += 1
        if builders[index].first?.count ?? 0 >= segmentRows {
            try flush(index)
        } else if buffered >= bufferedRowLimit {
            for partition in builders.indices { try flush(partition) }
        }
    }

    /// Writes a partition's buffered rows as a segment.
    func flush(_ index: Int) throws(LoadError) {
        guard let count = builders[index].first?.count, count > 0 else { return }
        let vectors = builders[index].map { $0.finish() }
        builders[index] = newBuilders()
        buffered -= count
        let key = touched[index]
        do {
            let segment = try transaction.writeSegment(table: table, partitionKey: key, columns: table.columns, vectors: vectors)
            written[key, default: []].append(segment)
        } catch {
            throw LoadError(error)
        }
    }

    /// Flushes everything.
    func finish() throws(LoadError) {
        for index in builders.indices { try flush(index) }
    }
}
