/// A map that keeps its most recently used entries within a budget: the process-wide caches' core.

/// Entries with a cost each (bytes, or 1 to count entries); inserting beyond `budget` drops the
/// least recently used entries until the total fits. Reading an entry marks it used. Not
/// synchronised: a cache shared by threads holds it in a lock.
public struct RecentlyUsedMap<Key: Hashable, Value> {
    struct Entry {
        var value: Value
        var cost: Int
        var lastUse: UInt64
    }

    /// The most total cost kept.
    public let budget: Int
    private var entries: [Key: Entry] = [:]
    private var clock: UInt64 = 0
    /// The total cost of the entries kept.
    public private(set) var totalCost = 0

    public init(budget: Int) {
        self.budget = Swift.max(budget, 0)
    }

    /// The number of entries kept.
    public var count: Int { entries.count }

    /// The value kept for `key`, marking it the most recently used.
    public mutating func value(for key: Key) -> Value? {
        guard var entry = entries[key] else { return nil }
        clock &+= 1
        entry.lastUse = clock
        entries[key] = entry
        return entry.value
    }

    /// Keeps `value` for `key` (replacing what was there), then drops the least recently used
    /// entries while the total cost exceeds the budget. A value costing more than the whole
    /// budget is not kept.
    public mutating func insert(_ value: Value, for key: Key, cost: Int) {
        remove(key)
        guard cost <= budget else { return }
        clock &+= 1
        entries[key] = Entry(value: value, cost: cost, lastUse: clock)
        totalCost += cost
        while totalCost > budget, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            remove(oldest.key)
        }
    }

    /// Drops the entry for `key`, if any.
    public mutating func remove(_ key: Key) {
        if let old = entries.removeValue(forKey: key) { totalCost -= old.cost }
    }

    /// Drops every entry.
    public mutating func removeAll() {
        entries.removeAll()
        totalCost = 0
    }
}
