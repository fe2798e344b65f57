/// The bitmap of distinct values for narrow integer frames: count, ascending values and ranks.

import Testing
import StarlingColumns
@testable import StarlingEncoding

@Suite("DenseValueSet")
struct DenseValueSetTests {
    @Test("count, values and ranks agree with a sorted set, for every frame width", arguments: Array(0...16))
    func agreesWithSet(bits: Int) {
        var random = SplitMix64(seed: UInt64(bits) + 1)
        let minimum = Int64(bitPattern: random.next()) >> 20
        let span = UInt64(1) << UInt64(bits)
        // Always the frame's two ends, then random values inside it.
        var values: [Int64] = [minimum, minimum + Int64(span - 1)]
        values += (0..<3000).map { _ in minimum + Int64(random.next() % span) }
        let set = values.withUnsafeBufferPointer { DenseValueSet($0, minimum: minimum, bits: bits) }
        let sorted = Array(Set(values)).sorted()
        #expect(set.count == sorted.count)
        #expect(set.values == sorted)
        for (code, value) in sorted.enumerated() {
            #expect(set.rank(value) == code)
        }
    }

    @Test("narrow integer chunks: exact distinct counts and dictionaries coded by rank")
    func encoderUsesIt() throws {
        var random = SplitMix64(seed: 5)
        // 75 distinct dates over a 14-bit frame: a dictionary wins, its codes are ranks.
        let days = (0..<75).map { 19_921_201 + Int64($0) * 97 }
        let vector = ColumnVector(type: .integer, values: (0..<20_000).map { _ in .integer(days[Int(random.next() % 75)]) })
        let chunk = ColumnEncoder.encode(vector)
        #expect(chunk.encoding == .dictionary)
        #expect(chunk.statistics.distinctCount == 75)
        #expect(try ColumnDecoder.decode(chunk.bytes, encoding: chunk.encoding, type: .integer, count: vector.count).values == vector.values)
        // Bit-packed quantities: the distinct count is exact too.
        let quantities = ColumnVector(type: .tinyint, values: (0..<20_000).map { _ in .integer(Int64(1 + random.next() % 50)) })
        #expect(ColumnEncoder.encode(quantities).statistics.distinctCount == 50)
    }
}
