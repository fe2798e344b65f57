/// The least-recently-used map behind the process-wide caches.

import Testing
@testable import StarlingColumns

@Suite("RecentlyUsedMap")
struct RecentlyUsedMapTests {
    @Test("beyond the budget the least recently used entries go first; reading marks an entry used")
    func evictsLeastRecentlyUsed() {
        var map = RecentlyUsedMap<String, Int>(budget: 10)
        map.insert(1, for: "a", cost: 4)
        map.insert(2, for: "b", cost: 4)
        #expect(map.value(for: "a") == 1)  // now b is the least recently used
        map.insert(3, for: "c", cost: 4)
        #expect(map.value(for: "b") == nil)
        #expect(map.value(for: "a") == 1)
        #expect(map.value(for: "c") == 3)
        #expect(map.count == 2)
        #expect(map.totalCost == 8)
        // Two small entries make room only by dropping the oldest.
        map.insert(4, for: "d", cost: 6)
        #expect(map.value(for: "a") == nil)
        #expect(map.totalCost == 10)
    }

    @Test("replacing a key updates its cost; an entry over the whole budget is not kept; removeAll empties")
    func replacesAndRefuses() {
        var map = RecentlyUsedMap<Int, String>(budget: 5)
        map.insert("x", for: 1, cost: 2)
        map.insert("y", for: 1, cost: 3)
        #expect(map.value(for: 1) == "y")
        #expect(map.totalCost == 3)
        map.insert("huge", for: 2, cost: 6)
        #expect(map.value(for: 2) == nil)
        #expect(map.value(for: 1) == "y")
        map.insert("z", for: 1, cost: 9)
        #expect(map.value(for: 1) == nil)
        #expect(map.totalCost == 0)
        map.insert("w", for: 3, cost: 1)
        map.removeAll()
        #expect(map.count == 0)
        #expect(map.totalCost == 0)
        var off = RecentlyUsedMap<Int, Int>(budget: 0)
        off.insert(1, for: 1, cost: 1)
        #expect(off.count == 0)
        off.insert(2, for: 2, cost: 0)
        #expect(off.value(for: 2) == 2)
    }
}
