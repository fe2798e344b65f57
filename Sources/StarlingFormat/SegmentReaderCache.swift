/// Open segment readers kept between the queries of one process, by file identity.

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

    /// The most mapped bytes kept.
    public var budget: Int { readers.budget }
    private let readers: FileCache<SegmentReader>

    public init(budget: Int) {
        readers = FileCache(budget: budget)
    }

    /// A reader of the segment at `path`: the kept one when the file is unchanged, else a new one
    /// (kept when the file is settled and fits the budget).
    public func reader(path: String) throws(SegmentError) -> SegmentReader {
        try readers.value(path: path, cost: { $0.file.byteCount }) { () throws(SegmentError) in try SegmentReader(path: path) }
    }

    /// How many readers and mapped bytes are kept.
    public var usage: (readers: Int, bytes: Int) {
        let usage = readers.usage
        return (usage.count, usage.cost)
    }

    /// Drops every kept reader (their mappings go when the last query using them ends).
    public func removeAll() {
        readers.removeAll()
    }
}
