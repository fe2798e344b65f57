/// Dimension tables read whole, kept decoded between the queries of one process.

import StarlingColumns
import StarlingFormat
import StarlingStorage
import Synchronization

/// The decoded columns of dimension tables that star joins read whole, kept by the exact segment
/// files and columns they came from, so a process running many queries (a shell, a benchmark, a
/// server) reads and decodes each dimension once, as an in-memory engine keeps its dimensions
/// resident. Nothing query-specific is kept: each query still evaluates its own conditions on the
/// rows. Segment files are immutable, so the same files — same paths and the same device, inode,
/// size and times, settled (see ``StarlingFormat/FileIdentity``) — mean the same rows; a load that
/// changes the dimension writes new files, and the next query reads them afresh.
/// Tables of more than ``rowLimit`` rows are not kept, and only the ``capacity`` most recently
/// used reads are.
public final class DimensionRowsCache: Sendable {
    public static let shared = DimensionRowsCache()

    static let capacity = 16
    static let rowLimit = 4_000_000

    /// What a read of a dimension depends on.
    struct Key: Hashable {
        let warehouse: String
        let table: Int
        let segments: [String]
        let identities: [FileIdentity]
        let columns: [Int]
    }

    private let reads = Mutex(RecentlyUsedMap<Key, Chunk>(budget: capacity))

    /// The key of a whole-table scan of stored columns, or nil when the scan is of another kind.
    static func key(_ node: PlanNode, warehouse: Warehouse) -> Key? {
        guard case .scan(let scan) = node.operation, scan.filter == nil, scan.codeFilters.isEmpty, scan.zonePredicates.isEmpty else { return nil }
        var columns: [Int] = []
        for column in scan.columns {
            guard case .stored = column.mode else { return nil }
            columns.append(column.column.identifier)
        }
        guard scan.segments.reduce(0, { $0 + $1.rows }) <= rowLimit else { return nil }
        var identities: [FileIdentity] = []
        for segment in scan.segments {
            guard let identity = FileIdentity.of(path: warehouse.path(segment.path)) else { return nil }
            identities.append(identity)
        }
        return Key(warehouse: warehouse.directory, table: scan.table.identifier, segments: scan.segments.map(\.path), identities: identities, columns: columns)
    }

    func rows(_ key: Key) -> Chunk? {
        reads.withLock { $0.value(for: key) }
    }

    func store(_ key: Key, rows: Chunk) {
        reads.withLock { $0.insert(rows, for: key, cost: 1) }
    }

    public var count: Int { reads.withLock { $0.count } }
}
