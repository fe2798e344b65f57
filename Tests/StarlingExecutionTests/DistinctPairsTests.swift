/// Tests of the pairs DISTINCT aggregates keep: per-group indexes for few groups, one table past
/// them, the same fresh pairs either way.

import Testing

@testable import StarlingExecution

@Suite("Distinct pairs")
struct DistinctPairsTests {
    /// Inserts `pairs` and returns the fresh ones in the order they were reported.
    private func insert(_ distinct: DistinctPairs, _ pairs: [(Int, Int64)]) throws -> [(Int, Int64)] {
        var fresh: [(Int, Int64)] = []
        try distinct.insert(pairs.flatMap { [Int64($0.0), $0.1] }) { (group, word) throws(QueryError) in
            fresh.append((group, word))
        }
        return fresh
    }

    @Test("each (group, word) pair is fresh once, in row order within its group")
    func freshOnce() throws {
        let distinct = DistinctPairs()
        let first = try insert(distinct, [(0, 7), (1, 7), (0, 7), (0, -3), (1, 1 << 50), (0, 9)])
        #expect(first.filter { $0.0 == 0 }.map(\.1) == [7, -3, 9])
        #expect(first.filter { $0.0 == 1 }.map(\.1) == [7, 1 << 50])
        let second = try insert(distinct, [(0, 9), (2, 9), (1, 7), (0, 8)])
        #expect(second.map(\.0) == [0, 2] && second.map(\.1) == [8, 9])
        #expect(distinct.pairs.count == 2 * 7)
    }

    @Test("past the per-group limit the pairs move to one table, and none is fresh twice")
    func manyGroups() throws {
        let distinct = DistinctPairs()
        let few = (0..<10).flatMap { group in (0..<5).map { (group, Int64($0 * 1_000)) } }
        #expect(try insert(distinct, few).count == 50)
        let limit = DistinctPairs.perGroupLimit
        // The old pairs again, beside new groups past the limit: only the new ones are fresh.
        let many = few + (limit..<(limit + 20)).map { ($0, Int64(-1)) }
        let fresh = try insert(distinct, many)
        #expect(fresh.count == 20 && fresh.allSatisfy { $0.0 >= limit && $0.1 == -1 })
        #expect(try insert(distinct, few).isEmpty)
        #expect(distinct.pairs.count == 2 * 70)
    }
}
