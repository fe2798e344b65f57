/// Decoded snapshot files kept by file identity, so a process decodes each snapshot once.

import StarlingColumns
import StarlingFormat
import Synchronization

/// The catalogs of snapshot files this process has read and checked, by path and file identity
/// (see ``StarlingFormat/FileIdentity``). Snapshot files are written under a temporary name,
/// renamed into place and never changed, so an unchanged identity means unchanged bytes: a
/// process that runs many queries (a shell, a benchmark) skips reading, checksumming and
/// decoding the JSON again, which at SSB scale factor 10 took 10 ms a query. Only settled files
/// are kept, and only the ``capacity`` most recently used.
final class SnapshotCache: Sendable {
    static let shared = SnapshotCache()

    /// How many decoded snapshots are kept.
    static let capacity = 4

    private let snapshots = Mutex(RecentlyUsedMap<String, (identity: FileIdentity, catalog: Catalog, writeVersion: UInt16)>(budget: capacity))

    /// The kept catalog of `path`, when its identity is still `identity`.
    func lookup(_ path: String, identity: FileIdentity) -> (catalog: Catalog, writeVersion: UInt16)? {
        snapshots.withLock { snapshots in
            guard let entry = snapshots.value(for: path), entry.identity == identity else { return nil }
            return (entry.catalog, entry.writeVersion)
        }
    }

    /// Keeps a catalog decoded from `path` while it had `identity`.
    func store(_ path: String, identity: FileIdentity, catalog: Catalog, writeVersion: UInt16) {
        snapshots.withLock { $0.insert((identity, catalog, writeVersion), for: path, cost: 1) }
    }

    /// How many catalogs are kept.
    var count: Int { snapshots.withLock { $0.count } }
}
