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

    @Test("a join whose pairs run into the hundreds of millions stops at the limit, naming the join")
    func joinExplosion() throws {
        // 20,000 rows with one key on each side: 400 M pairs, billions of bytes as a joined chunk.
        let keys = Vector(
            type: .bigint, count: 20_000, data: .integers([Int64](repeating: 1, count: 20_000)), nulls: nil)
        let table = try HashJoinTable(rows: Chunk(columns: [keys], count: 20_000), keys: [.column(0, .bigint)])
        // 16 MiB: the first look, at 2^20 pairs, already fails (the process grows by tens of MiB at most,
        // since other tests measure its resident memory too).
        let budget = MemoryBudget(limit: 16 << 20)
        do {
            _ = try table.probe([keys], count: 20_000, budget: budget, bytesPerPair: 24)
            Issue.record("400 M pairs fit in 16 MiB")
        } catch {
            #expect(error.kind == .memoryLimit)
            #expect("\(error)".contains("HASH_JOIN"))
        }
        // What the probe reserved is given back, failing or not. (Reserving again here would also
        // compare the process's resident memory, which the pairs just raised, with the limit.)
        #expect(budget.reservedBytes == 0)
        // Within the limit, the pairs come out whole.
        let small = Vector(type: .bigint, count: 100, data: .integers([Int64](repeating: 1, count: 100)), nulls: nil)
        #expect(try table.probe([small], count: 100, budget: MemoryBudget(limit: 1 << 30)).probe.count == 2_000_000)
    }
}
