/// The table of first lines per integer key: direct for surrogate keys, hashed for any others.

import Testing
import StarlingColumns
@testable import StarlingLoader

@Suite("IntegerKeyLines")
struct IntegerKeyLinesTests {
    /// Records `keys` in order (key `i` at line `i + 2`) and checks every answer against a dictionary.
    static func check(_ keys: [Int64]) {
        var table = IntegerKeyLines()
        var reference: [Int64: Int] = [:]
        for (index, key) in keys.enumerated() {
            let line = index + 2
            #expect(table.firstLine(of: key, recording: line) == reference[key], "key \(key) at \(index)")
            if reference[key] == nil { reference[key] = line }
        }
        #expect(table.count == reference.count)
    }

    @Test("surrogate keys 1…N, repeated and shuffled, stay direct and answer like a dictionary")
    func surrogateKeys() {
        var random = SplitMix64(seed: 3)
        let keys = (1...20_000).map(Int64.init)
        Self.check(keys + keys.shuffled(using: &random))
    }

    @Test("sparse, negative and extreme keys, alone or after dense ones, move to hashing without losing any")
    func otherKeys() {
        var random = SplitMix64(seed: 4)
        let sparse = (0..<5_000).map { _ in Int64(bitPattern: random.next()) }
        Self.check(sparse + sparse)
        Self.check((1...3_000).map(Int64.init) + [-1, Int64.min, Int64.max, 0, 5] + (1...3_000).map(Int64.init) + [Int64.min])
        Self.check((0..<4_000).map { Int64($0) * 1_000 } + [999_000, 1_000_000_000] + (0..<4_000).map { Int64($0) * 1_000 })
    }
}
