/// Values read from files, kept per path while the file is unchanged.

import StarlingColumns
import Synchronization

/// What a process has read from immutable files (segment readers, decoded snapshots), kept by
/// path and used again only while the file's identity (see ``FileIdentity``: device, inode,
/// size and times) is unchanged, so a replaced file is read afresh. Only settled files are kept,
/// and only when the file did not change while it was read. The kept values' total cost stays
/// within `budget`, least recently used dropped first; a budget of 0 keeps nothing.
public final class FileCache<Value: Sendable>: Sendable {
    /// The most total cost kept.
    public let budget: Int
    private let entries: Mutex<RecentlyUsedMap<String, (identity: FileIdentity, value: Value)>>

    public init(budget: Int) {
        self.budget = max(budget, 0)
        entries = Mutex(RecentlyUsedMap(budget: max(budget, 0)))
    }

    /// The value of the file at `path`: the kept one while the file is unchanged, else what
    /// `load` reads (kept, at `cost(value)`, when the file is settled and did not change meanwhile).
    public func value<Failure: Error>(path: String, cost: (Value) -> Int, load: () throws(Failure) -> Value) throws(Failure) -> Value {
        guard budget > 0, let identity = FileIdentity.of(path: path) else { return try load() }
        if let kept = kept(path: path, identity: identity) { return kept }
        let value = try load()
        if FileIdentity.of(path: path) == identity {
            entries.withLock { $0.insert((identity, value), for: path, cost: cost(value)) }
        }
        return value
    }

    /// The kept value of the file at `path`, when the file still has `identity`.
    public func kept(path: String, identity: FileIdentity) -> Value? {
        entries.withLock { entries in
            guard let entry = entries.value(for: path), entry.identity == identity else { return nil }
            return entry.value
        }
    }

    /// How many values are kept, and their total cost.
    public var usage: (count: Int, cost: Int) {
        entries.withLock { ($0.count, $0.totalCost) }
    }

    /// Drops every kept value.
    public func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
