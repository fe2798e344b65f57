/// Decoded snapshot files kept by file identity, so a process decodes each snapshot once.

import Synchronization
import StarlingFormat

/// The catalogs of snapshot files this process has read and checked, by path and file identity
/// (see ``StarlingFormat/FileIdentity``). Snapshot files are written under a temporary name,
/// renamed into place and never changed, so an unchanged identity means unchanged bytes: a
/// process that runs many queries (a shell, a benchmark) skips reading, checksumming and
/// decoding the JSON again, which at SSB scale factor 10 took 10 ms a query. Only settled files
/// are kept, and only the few most recently used.
final class SnapshotCache: Sendable {
    static let shared = SnapshotCache()

    /// How many decoded snapshots are kept.
    static let capacity = 4

    struct Entry {
        let identity: FileIdentity
        let catalog: Catalog
        let writeVersion: UInt16
        var lastUse: UInt64
    }

    private let state = Mutex<(entries: [String: Entry], clock: UInt64)>(([:], 0))

    /// The kept catalog of `path`, when its identity is still `identity`.
    func lookup(_ path: String, identity: FileIdentity) -> (catalog: Catalog, writeVersion: UInt16)? {
        state.withLock { state in
            guard var entry = state.entries[path], entry.identity == identity else { return nil }
            state.clock &+= 1
            entry.lastUse = state.clock
            state.entries[path] = entry
            return (entry.catalog, entry.writeVersion)
        }
    }

    /// Keeps a catalog decoded from `path` while it had `identity`.
    func store(_ path: String, identity: FileIdentity, catalog: Catalog, writeVersion: UInt16) {
        state.withLock { state in
            state.clock &+= 1
            state.entries[path] = Entry(identity: identity, catalog: catalog, writeVersion: writeVersion, lastUse: state.clock)
            while state.entries.count > Self.capacity, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.entries.removeValue(forKey: oldest.key)
            }
        }
    }

    /// How many catalogs are kept.
    var count: Int { state.withLock { $0.entries.count } }
}
