/// The rank directory that finds a row's run in a run-length chunk.

import StarlingColumns
@testable import StarlingEncoding
import Testing

@Suite("Run directory")
struct RunDirectoryTests {
    /// The run of every row by a linear walk over `ends`.
    static func expectedRuns(_ ends: [Int32]) -> [Int] {
        var runs: [Int] = []
        var start: Int32 = 0
        for (run, end) in ends.enumerated() {
            runs += Array(repeating: run, count: Int(end - start))
            start = end
        }
        return runs
    }

    static func runs(of directory: RunDirectory, count: Int) -> [Int] {
        directory.starts.withUnsafeBufferPointer { starts in
            directory.ranks.withUnsafeBufferPointer { ranks in
                (0..<count).map { RunDirectory.run(of: $0, starts: starts, ranks: ranks) }
            }
        }
    }

    @Test("every row's run agrees with a walk over the run ends, for runs of 1 to 200 rows and any row count")
    func agreesWithWalk() {
        var random = SplitMix64(seed: 5)
        for maximum in [1, 3, 8, 63, 64, 65, 200] {
            for count in [1, 63, 64, 65, 127, 128, 1000, 5000] {
                var ends: [Int32] = []
                var row = 0
                while row < count {
                    row = min(count, row + 1 + Int(random.next() % UInt64(maximum)))
                    ends.append(Int32(row))
                }
                let directory = RunDirectory(ends: ends, count: count)
                #expect(Self.runs(of: directory, count: count) == Self.expectedRuns(ends), "maximum \(maximum), count \(count)")
                #expect(directory.byteCount == ((count + 63) / 64) * 12)
            }
        }
    }

    @Test("runs starting on word boundaries: rows 63, 64 and 127 begin runs")
    func wordBoundaries() {
        let ends: [Int32] = [63, 64, 127, 128, 130]
        let directory = RunDirectory(ends: ends, count: 130)
        #expect(Self.runs(of: directory, count: 130) == Self.expectedRuns(ends))
        #expect(directory.ranks == [0, 1, 3])  // run starts: row 63 in word 0; 64 and 127 in word 1
    }

    @Test("ends outside the rows are left out, never trusted")
    func strayEnds() {
        // An end of 0 and one past the rows (a view checks these before; the directory still
        // must not write outside its words).
        let directory = RunDirectory(ends: [0, 4, 900, 10], count: 10)
        #expect(Self.runs(of: directory, count: 10) == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    }
}
