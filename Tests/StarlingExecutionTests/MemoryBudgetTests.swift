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
}
