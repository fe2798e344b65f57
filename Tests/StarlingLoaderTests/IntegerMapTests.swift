/// The dimension-key map used while loading: direct (dense keys) and hashed (sparse keys) modes.

@testable import StarlingLoader
import Testing

@Suite("Integer map")
struct IntegerMapTests {
    @Test("dense keys: every key found, neighbours and extremes not")
    func dense() {
        let map = IntegerMap((1...5000).map { (Int64($0), Int32($0 * 2)) })
        for key in 1...5000 { #expect(map.value(for: Int64(key)) == Int32(key * 2)) }
        for key: Int64 in [0, -1, 5001, Int64.min, Int64.max, Int64.min + 1] { #expect(map.value(for: key) == nil) }
    }

    @Test("keys loaded in order (codes rising one for one) are found by arithmetic, and so are all others")
    func affine() {
        for (keys, firstCode) in [(Array(Int64(1)...5000), Int32(1)), (Array(Int64(-100)...100), Int32(7)), ([Int64(42)], Int32(0))] {
            let map = IntegerMap(keys.enumerated().map { ($1, firstCode + Int32($0)) })
            for (index, key) in keys.enumerated() { #expect(map.code(for: key) == firstCode + Int32(index)) }
            for key in [keys[0] - 1, keys[keys.count - 1] + 1, Int64.min, Int64.max] { #expect(map.value(for: key) == nil) }
        }
        // Two codes swapped, or a key missing: not affine, still exact.
        var pairs = (Int64(1)...1000).map { ($0, Int32($0)) }
        pairs.swapAt(10, 20)
        let swapped = IntegerMap(pairs)
        for (key, code) in pairs { #expect(swapped.code(for: key) == code) }
        pairs.remove(at: 500)
        let gapped = IntegerMap(pairs)
        #expect(gapped.value(for: 501) == nil)
        for (key, code) in pairs { #expect(gapped.code(for: key) == code) }
    }

    @Test("sparse keys, negative keys and the 64-bit extremes use the hashed mode correctly")
    func sparse() {
        let keys: [Int64] = [Int64.min, -7, 0, 3, 1_000_000_007, 1 << 40, Int64.max]
        let map = IntegerMap(keys.enumerated().map { ($1, Int32($0)) })
        for (index, key) in keys.enumerated() { #expect(map.value(for: key) == Int32(index)) }
        for key: Int64 in [Int64.min + 1, -6, 1, 4, Int64.max - 1] { #expect(map.value(for: key) == nil) }
        // One key at the top of the range: a far-away key must not alias onto it.
        let single = IntegerMap([(Int64.max, 9)])
        #expect(single.value(for: Int64.max) == 9)
        #expect(single.value(for: Int64.min) == nil)
        #expect(single.code(for: 0) == IntegerMap.empty)
    }

    @Test("gaps inside a dense range are absent")
    func gaps() {
        let map = IntegerMap([(10, 1), (12, 2), (14, 3)])
        #expect(map.value(for: 11) == nil)
        #expect(map.value(for: 12) == 2)
        #expect(IntegerMap([]).value(for: 0) == nil)
    }
}
