/// Which run of a run-length chunk a row falls in, in constant time and without a branch.

/// A rank directory over a run-length chunk's rows: one bit per row, set where a run other than
/// the first starts, and for every 64-row word the number of bits set before it. The run holding
/// row `r` is the number of bits set at or before `r`: the word's count plus the population count
/// of the word masked to `r`.
///
/// Late materialisation reads a run-length column (an order's customer, repeated over its lines)
/// at the rows a selective filter left, a few runs apart. Stepping a cursor run by run mispredicts
/// the end of every step; the directory answers each row with two loads and a population count,
/// whatever the rows' order. It costs 12 bytes per 64 rows (12 KiB for a 65,536-row chunk).
struct RunDirectory: Sendable {
    /// Bit `row % 64` of word `row / 64` is set when a run starts at `row > 0`.
    let starts: [UInt64]
    /// `ranks[word]`: the bits set in the words before `word`.
    let ranks: [Int32]

    /// The directory of `count` rows split into runs ending (exclusive) at `ends`, which ascend
    /// strictly, the last equal to `count` (the view checked them). An end outside the rows is
    /// left out rather than trusted.
    init(ends: [Int32], count: Int) {
        let wordCount = (count &+ 63) / 64
        var starts = [UInt64](repeating: 0, count: wordCount)
        for end in ends.dropLast() {
            let row = Int(end)
            guard row > 0, row < count else { continue }
            starts[row &>> 6] |= UInt64(1) &<< UInt64(row & 63)
        }
        var ranks = [Int32](repeating: 0, count: wordCount)
        var total: Int32 = 0
        for word in 0..<wordCount {
            ranks[word] = total
            total &+= Int32(truncatingIfNeeded: starts[word].nonzeroBitCount)
        }
        self.starts = starts
        self.ranks = ranks
    }

    /// Bytes the directory holds.
    var byteCount: Int { starts.count * MemoryLayout<UInt64>.size + ranks.count * MemoryLayout<Int32>.size }

    /// The run holding `row`, which must lie in the directory's rows (a view checks every row
    /// once per call), read from the directory's buffers.
    @inline(__always)
    static func run(of row: Int, starts: UnsafeBufferPointer<UInt64>, ranks: UnsafeBufferPointer<Int32>) -> Int {
        let word = row &>> 6
        // Bits 0 ... row % 64; for bit 63, 2 << 63 overflows to 0 and 0 &- 1 is all ones.
        let upTo = (UInt64(2) &<< UInt64(row & 63)) &- 1
        return Int(ranks[word]) &+ (starts[word] & upTo).nonzeroBitCount
    }
}
