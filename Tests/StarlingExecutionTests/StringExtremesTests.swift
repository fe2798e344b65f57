/// Tests of min and max over strings per group, kept in one arena.

import StarlingColumns
import Testing

@testable import StarlingExecution

@Suite("String extremes")
struct StringExtremesTests {
    private func offer(_ extremes: inout StringExtremes, _ text: String, _ group: Int) {
        var copy = text
        copy.withUTF8 { extremes.offer(UnsafeRawBufferPointer($0), to: group) }
    }

    @Test("min and max by bytes per group; a group offered nothing has none")
    func perGroup() throws {
        var smallest = StringExtremes(keepsSmallest: true)
        var largest = StringExtremes(keepsSmallest: false)
        smallest.resize(3)
        largest.resize(3)
        for (text, group) in [("pear", 0), ("apple", 0), ("", 1), ("zebra", 0), ("ápple", 1), ("b", 1)] {
            offer(&smallest, text, group)
            offer(&largest, text, group)
        }
        #expect(smallest.value(0) == "apple" && largest.value(0) == "zebra")
        #expect(smallest.value(1) == "" && largest.value(1) == "ápple")
        #expect(smallest.value(2) == nil && largest.value(2) == nil)
        let storage = try #require(largest.storage(count: 3))
        #expect(storage.count == 3)
        #expect(String(decoding: storage.bytes(at: 0), as: UTF8.self) == "zebra")
        #expect(storage.bytes(at: 2).isEmpty)
    }

    @Test("replaced strings are dropped when they are most of the arena, and merges keep the extreme")
    func compactionAndMerge() {
        var largest = StringExtremes(keepsSmallest: false)
        largest.resize(2)
        // Ever larger strings: each replaces the last, three megabytes in all.
        for step in 0..<3_000 {
            offer(&largest, String(format: "%05d", step) + String(repeating: "x", count: 1_000), 0)
        }
        largest.compactIfWasteful()
        #expect(largest.byteCount < 2 << 20)
        #expect(largest.value(0)?.hasPrefix("02999") == true)
        var other = StringExtremes(keepsSmallest: false)
        other.resize(2)
        offer(&other, "9", 0)
        offer(&other, "only", 1)
        largest.merge(other, source: 0, into: 0)
        largest.merge(other, source: 1, into: 1)
        #expect(largest.value(0) == "9" && largest.value(1) == "only")
    }
}
