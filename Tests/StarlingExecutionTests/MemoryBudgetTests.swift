/// The query memory budget: reservations against the limit, and what the process really holds.

import Foundation
import Testing

@testable import StarlingExecution

@Suite("Memory budget")
struct MemoryBudgetTests {
    @Test("reservations past the limit fail naming the operator, and are given back")
    func reservations() throws {
        let budget = MemoryBudget(limit: 1 << 40)
        try budget.reserve(1 << 39, for: "HASH_JOIN")
        do {
            try budget.reserve(1 << 39 + 1, for: "HASH_AGGREGATE")
            Issue.record("a reservation past the limit was granted")
        } catch {
            #expect(error.message.contains("HASH_AGGREGATE needs") && error.message.contains("with 512 GiB in use"))
        }
        budget.release(1 << 39)
        try budget.reserve(1 << 40, for: "HASH_JOIN")
    }

    @Test("memory the process holds beyond what operators reserved counts against the limit")
    func heldMemory() throws {
        let budget = MemoryBudget(limit: 32 << 20)
        guard AnonymousMemory.residentBytes() != nil else { return }
        // 256 MiB that no operator reserved, touched so that it is resident (as decoded chunks
        // or a hash table that outgrew its estimate would be).
        let held = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 20, alignment: 64)
        defer { held.deallocate() }
        held.initializeMemory(as: UInt8.self, repeating: 1)
        do {
            try budget.reserve(MemoryBudget.checkInterval, for: "HASH_AGGREGATE")
            Issue.record("granted a reservation with 256 MiB held under a 32 MiB limit")
        } catch {
            #expect(error.message.contains("HASH_AGGREGATE needs 4.0 MiB more with"), "\(error.message)")
        }
    }

    @Test("a join whose pairs run into the hundreds of millions hands them on in bounded batches")
    func joinExplosion() throws {
        // 20,000 rows with one key on each side: 400 M pairs, billions of bytes as one chunk.
        let keys = Vector(
            type: .bigint, count: 20_000, data: .integers([Int64](repeating: 1, count: 20_000)), nulls: nil)
        let table = try HashJoinTable(rows: Chunk(columns: [keys], count: 20_000), keys: [.column(0, .bigint)])
        // Batches of 100,000 pairs, a probe row's chain split between batches; the consumer
        // stops after the fifth, and the probe stops with it.
        var batches = 0
        var next = (probe: 0, build: 0)
        let finished = try table.probe([keys], count: 20_000, batchPairs: 100_000) { probe, build in
            #expect(probe.count == 100_000 && build.count == 100_000)
            // Pairs in probe order, each chain in build order, none lost or repeated at a seam.
            var misplaced = 0
            for (probeRow, buildRow) in zip(probe, build) {
                if Int(probeRow) != next.probe || Int(buildRow) != next.build { misplaced += 1 }
                next = next.build == 19_999 ? (next.probe + 1, 0) : (next.probe, next.build + 1)
            }
            #expect(misplaced == 0)
            batches += 1
            return batches < 5
        }
        #expect(!finished && batches == 5 && next == (25, 0))
        // Uneven batches cover every pair once.
        let small = Vector(type: .bigint, count: 100, data: .integers([Int64](repeating: 1, count: 100)), nulls: nil)
        var pairs = 0
        #expect(
            try table.probe([small], count: 100, batchPairs: 65_537) { probe, _ in
                pairs += probe.count
                return true
            })
        #expect(pairs == 2_000_000)
    }
}
