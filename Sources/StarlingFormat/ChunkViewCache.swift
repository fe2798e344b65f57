/// Integer chunk views kept between the queries of one process, by file identity.

import StarlingColumns
import StarlingEncoding
import Synchronization

/// The ``IntegerChunkView``s of chunks whose view costs work to build, kept so a warm query does
/// not build them again: compressed chunks (the view holds their decompressed bytes) and
/// run-length chunks (the view holds their runs, unpacked). The chunks stay encoded; only the
/// codec and the run arrays are undone once, as a database's buffer pool keeps blocks in the
/// form it scans them. Only chunks of settled files are kept (see ``FileIdentity``), by file
/// identity and offset, so a replaced file is never served from here; the bytes kept are
/// bounded by `budget`, least recently used dropped first.
public final class ChunkViewCache: Sendable {
    /// The process's cache: a quarter of the segment reader cache's budget (a sixteenth of
    /// physical memory unless `STARLING_SEGMENT_CACHE_MB` says otherwise; 0 turns both off).
    public static let shared = ChunkViewCache(budget: SegmentReaderCache.defaultBudget / 4)

    struct Key: Hashable {
        let file: FileIdentity
        let offset: Int
    }

    private let views: Mutex<RecentlyUsedMap<Key, IntegerChunkView>>

    public init(budget: Int) {
        views = Mutex(RecentlyUsedMap(budget: budget))
    }

    /// The kept view of the chunk at `offset` of the file with `identity`.
    func view(file identity: FileIdentity, offset: Int) -> IntegerChunkView? {
        views.withLock { $0.value(for: Key(file: identity, offset: offset)) }
    }

    /// Keeps the view of the chunk at `offset` of the file with `identity`, counted as `cost`
    /// bytes (what it holds beyond the mapped file).
    func store(_ view: IntegerChunkView, file identity: FileIdentity, offset: Int, cost: Int) {
        views.withLock { $0.insert(view, for: Key(file: identity, offset: offset), cost: cost) }
    }

    /// How many views and bytes are kept.
    public var usage: (chunks: Int, bytes: Int) {
        views.withLock { ($0.count, $0.totalCost) }
    }
}
