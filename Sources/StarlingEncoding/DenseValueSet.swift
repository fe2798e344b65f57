/// The distinct values of an integer chunk with a narrow frame of reference, as a bitmap.

/// The distinct values of an integer chunk whose frame of reference (`maximum - minimum`) is at
/// most 16 bits wide, as a bitmap over `value - minimum` (at most 8 KiB): counted exactly, listed
/// in ascending order, and ranked (a value's dictionary code) with two loads and a population
/// count. Cheaper than a hash set or a HyperLogLog sketch, and exact.
struct DenseValueSet {
    /// The widest frame the bitmap covers.
    static let maximumBits = 16

    let minimum: Int64
    /// Bit `value - minimum` is set for every value present.
    private var words: [UInt64]
    /// Per word, the number of values present in the words before it.
    private var ranks: [UInt32]
    /// The number of distinct values.
    let count: Int

    /// The distinct values of `values`, every one of which lies in
    /// `minimum ... minimum + 2^bits - 1` (the chunk's minimum and frame width say so).
    init(_ values: UnsafeBufferPointer<Int64>, minimum: Int64, bits: Int) {
        precondition((0...DenseValueSet.maximumBits).contains(bits), "frame too wide for a bitmap")
        self.minimum = minimum
        let wordCount = max(1, (1 << bits) >> 6)
        let mask = (1 << bits) &- 1
        var words = [UInt64](repeating: 0, count: wordCount)
        words.withUnsafeMutableBufferPointer { words in
            for value in values {
                // Masked, so a value outside the frame (never, for a correct frame) cannot index
                // past the bitmap.
                let offset = Int(truncatingIfNeeded: value &- minimum) & mask
                words[offset &>> 6] |= 1 &<< UInt64(offset & 63)
            }
        }
        var ranks = [UInt32](repeating: 0, count: wordCount)
        var total = 0
        for index in 0..<wordCount {
            ranks[index] = UInt32(total)
            total += words[index].nonzeroBitCount
        }
        self.words = words
        self.ranks = ranks
        count = total
    }

    /// The distinct values, ascending.
    var values: [Int64] {
        var result: [Int64] = []
        result.reserveCapacity(count)
        for (index, word) in words.enumerated() {
            var remaining = word
            while remaining != 0 {
                result.append(minimum &+ Int64(index &* 64 &+ remaining.trailingZeroBitCount))
                remaining &= remaining &- 1
            }
        }
        return result
    }

    /// The number of distinct values below `value`, which must be one of them: its code in a
    /// dictionary of ``values``.
    @inline(__always)
    func rank(_ value: Int64) -> Int {
        let offset = Int(truncatingIfNeeded: value &- minimum) & (words.count &* 64 &- 1)
        let word = words[offset &>> 6]
        let below = word & ((1 &<< UInt64(offset & 63)) &- 1)
        return Int(ranks[offset &>> 6]) &+ below.nonzeroBitCount
    }
}
