/// The table that numbers a chunk's distinct strings: short runs hashed and compared from two loads.

import Testing
import StarlingColumns
@testable import StarlingEncoding

@Suite("ByteSliceTable")
struct ByteSliceTableTests {
    /// Numbers `runs` with the table and with a dictionary of arrays (first appearance order).
    static func check(_ runs: [[UInt8]], limit: Int) {
        var table = ByteSliceTable(limit: limit)
        var reference: [[UInt8]: Int32] = [:]
        for run in runs {
            let number = run.withUnsafeBytes { table.number(of: $0) }
            let expected = reference[run] ?? (reference.count < limit ? Int32(reference.count) : nil)
            if let expected, reference[run] == nil { reference[run] = expected }
            #expect(number == expected, "\(run)")
        }
    }

    @Test("runs that differ in any one byte, at every length up to 24, get their own numbers")
    func everyByteCounts() {
        var runs: [[UInt8]] = [[]]
        for length in 1...24 {
            let base = [UInt8](repeating: 0x61, count: length)
            runs.append(base)
            for position in 0..<length {
                var changed = base
                changed[position] = 0x62
                runs.append(changed)
            }
        }
        // Twice: the second pass finds every run again.
        Self.check(runs + runs, limit: 1_000)
    }

    @Test("random short and long runs agree with a dictionary, also when the table fills up")
    func randomRuns() {
        var random = SplitMix64(seed: 5)
        let runs = (0..<20_000).map { _ in
            (0..<Int(random.next() % 30)).map { _ in UInt8(ascii: "a") + UInt8(random.next() % 3) }
        }
        Self.check(runs, limit: 100_000)
        Self.check(runs, limit: 50)
    }
}
