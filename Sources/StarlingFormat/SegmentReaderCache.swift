/// Open segment readers kept between the queries of one process, by file identity.

import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Segment readers (file mappings with their parsed footers) that a long-lived process — a shell,
/// a benchmark, a server — keeps between queries, so a warm query does not map, fault in and
/// unmap the same files again (at SSB scale factor 10 that was a fifth of a query's CPU time).
///
/// Only settled files are kept (see ``FileIdentity``): a file is looked up by path and used only
/// while its device, inode, size and times are unchanged, so a replaced file is opened afresh.
/// Segment files are immutable and uniquely named; a kept mapping of a file that vacuum deletes
/// stays readable until it is dropped. The mapped bytes kept are bounded by `budget` (least
/// recently used readers are dropped first), and count towards the process's resident memory
/// only for the pages queries have touched, as the operating system's page cache holds them.
public final class SegmentReaderCache: Sendable {
    /// The process's cache, with ``defaultBudget``.
    public static let shared = SegmentReaderCache(budget: defaultBudget)

    /// A quarter of physical memory, or `STARLING_SEGMENT_CACHE_MB` megabytes when set (0 turns
    /// the cache off).
    public static var defaultBudget: Int {
        if let text = getenv("STARLING_SEGMENT_CACHE_MB"), let megabytes = Int(String(cString: text)), megabytes >= 0 {
            return megabytes << 20
        }
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 0 }
        return pages / 4 * pageSize
    }

    struct Entry {
        let identity: FileIdentity
        let reader: SegmentReader
        var lastUse: UInt64
    }

    struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }

    /// The most mapped bytes kept.
    public let budget: Int
    private let state = Mutex(State())

    public init(budget: Int) {
        self.budget = max(budget, 0)
    }

    /// A reader of the segment at `path`: the kept one when the file is unchanged, else a new one
    /// (kept when the file is settled and fits the budget).
    public func reader(path: String) throws(SegmentError) -> SegmentReader {
        guard budget > 0, let identity = FileIdentity.of(path: path) else { return try SegmentReader(path: path) }
        let kept = state.withLock { state -> SegmentReader? in
            guard var entry = state.entries[path], entry.identity == identity else { return nil }
            state.clock &+= 1
            entry.lastUse = state.clock
            state.entries[path] = entry
            return entry.reader
        }
        if let kept { return kept }
        let reader = try SegmentReader(path: path)
        guard reader.identity == identity, reader.file.byteCount <= budget else { return reader }
        state.withLock { state in
            state.clock &+= 1
            if let old = state.entries.removeValue(forKey: path) { state.bytes -= old.reader.file.byteCount }
            state.entries[path] = Entry(identity: identity, reader: reader, lastUse: state.clock)
            state.bytes += reader.file.byteCount
            while state.bytes > budget, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.entries.removeValue(forKey: oldest.key)
                state.bytes -= oldest.value.reader.file.byteCount
            }
        }
        return reader
    }

    /// How many readers and mapped bytes are kept.
    public var usage: (readers: Int, bytes: Int) {
        state.withLock { ($0.entries.count, $0.bytes) }
    }

    /// Drops every kept reader (their mappings go when the last query using them ends).
    public func removeAll() {
        state.withLock { $0 = State() }
    }
}
