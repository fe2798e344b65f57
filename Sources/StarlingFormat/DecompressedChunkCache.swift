/// Decompressed chunk bytes kept between the queries of one process, by file identity.

import StarlingColumns
import Synchronization

/// The decompressed bytes of compressed chunks that scans read as ``IntegerChunkView``s (a
/// run-length `lo_customer`, say, stored with LZ4), kept so a warm query does not decompress
/// them again: the chunks stay encoded, only the general-purpose codec is undone once, as a
/// database's buffer pool keeps blocks in the form it scans them. Only chunks of settled files
/// are kept (see ``FileIdentity``), by file identity and offset, so a replaced file is never
/// served from here; the bytes kept are bounded by `budget`, least recently used dropped first.
public final class DecompressedChunkCache: Sendable {
    /// The process's cache: a quarter of the segment reader cache's budget (a sixteenth of
    /// physical memory unless `STARLING_SEGMENT_CACHE_MB` says otherwise; 0 turns both off).
    public static let shared = DecompressedChunkCache(budget: SegmentReaderCache.defaultBudget / 4)

    struct Key: Hashable {
        let file: FileIdentity
        let offset: Int
    }

    private let chunks: Mutex<RecentlyUsedMap<Key, ByteStorage>>

    public init(budget: Int) {
        chunks = Mutex(RecentlyUsedMap(budget: budget))
    }

    /// The kept bytes of the chunk at `offset` of the file with `identity`.
    func bytes(file identity: FileIdentity, offset: Int) -> ByteStorage? {
        chunks.withLock { $0.value(for: Key(file: identity, offset: offset)) }
    }

    /// Keeps the decompressed bytes of the chunk at `offset` of the file with `identity`.
    func store(_ bytes: ByteStorage, file identity: FileIdentity, offset: Int) {
        chunks.withLock { $0.insert(bytes, for: Key(file: identity, offset: offset), cost: bytes.byteCount) }
    }

    /// How many chunks and bytes are kept.
    public var usage: (chunks: Int, bytes: Int) {
        chunks.withLock { ($0.count, $0.totalCost) }
    }
}
