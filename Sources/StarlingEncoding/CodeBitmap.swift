/// A set of row codes as one bit per code, for testing codes straight from encoded chunks.

/// The codes `1 ..< count` that qualify, one bit each (bit `c % 64` of word `c / 64`); code 0,
/// negative codes and codes from `count` on never qualify. A dimension of 200,000 rows takes
/// 25 KB, small enough to stay in the first-level cache while a scan tests every fact row.
public struct CodeBitmap: Sendable {
    /// The bits; bit 0 is always clear. They cover codes up to `4 * count` (all clear from
    /// `count` on), so every code a bit-packed chunk's frame can hold — its reference is at most
    /// `count` and its width that of `count` — has a bit to test without clamping.
    public let words: [UInt64]
    /// One more than the largest code that can qualify.
    public let count: Int
    /// How many codes qualify.
    public let passing: Int
    /// The qualifying codes when they form one unbroken range (a date dimension loaded in date
    /// order, filtered on a year or a month), which a scan tests as a range, without the bitmap.
    public let contiguous: ClosedRange<Int64>?

    /// The codes `c` with `qualifies[c]`, except 0.
    public init(_ qualifies: [Bool]) {
        var words = [UInt64](repeating: 0, count: qualifies.count * 4 / 64 + 1)
        var passing = 0
        var first = 0, last = 0
        for code in qualifies.indices.dropFirst() where qualifies[code] {
            words[code >> 6] |= 1 << UInt64(code & 63)
            passing += 1
            if first == 0 { first = code }
            last = code
        }
        self.words = words
        self.count = qualifies.count
        self.passing = passing
        self.contiguous = passing > 0 && last - first + 1 == passing ? Int64(first)...Int64(last) : nil
    }

    /// The codes in `codes` that lie in `1 ..< count` (others are ignored), set straight from the
    /// list: no flag per code is made first, so a large `count` costs only its bits.
    public init(setting codes: UnsafeBufferPointer<Int64>, count: Int) {
        var words = [UInt64](repeating: 0, count: count * 4 / 64 + 1)
        var passing = 0
        var first = Int64.max, last = Int64.min
        words.withUnsafeMutableBufferPointer { words in
            for code in codes where code >= 1 && code < Int64(count) {
                let word = Int(code >> 6), bit = UInt64(1) << UInt64(code & 63)
                if words[word] & bit == 0 {
                    words[word] |= bit
                    passing += 1
                    first = Swift.min(first, code)
                    last = Swift.max(last, code)
                }
            }
        }
        self.words = words
        self.count = count
        self.passing = passing
        self.contiguous = passing > 0 && last - first + 1 == Int64(passing) ? first...last : nil
    }

    /// Whether `code` qualifies.
    public func contains(_ code: Int64) -> Bool {
        words.withUnsafeBufferPointer { Self.bit($0, count, code) } == 1
    }

    /// The share of codes `1 ..< count` that qualify (0 when there are none).
    public var selectivity: Double {
        count > 1 ? Double(passing) / Double(count - 1) : 0
    }

    /// Whether any code in `low ... high` qualifies: false lets a scan skip a row group whose
    /// zone map says its codes all lie there (facts stored in the order of a date reference, and a
    /// filter on the year).
    public func anyQualifies(from low: Int64, through high: Int64) -> Bool {
        let first = Swift.max(low, 1), last = Swift.min(high, Int64(count) - 1)
        guard first <= last else { return false }
        if let contiguous { return contiguous.lowerBound <= last && first <= contiguous.upperBound }
        let firstWord = Int(first >> 6), lastWord = Int(last >> 6)
        for index in firstWord...lastWord {
            var word = words[index]
            if index == firstWord { word &= ~0 << UInt64(first & 63) }
            if index == lastWord, last & 63 != 63 { word &= (1 << UInt64((last & 63) + 1)) - 1 }
            if word != 0 { return true }
        }
        return false
    }

    /// 1 when `code` qualifies, else 0, without branches: a code outside `0 ..< count` (negative
    /// ones included, as huge unsigned values) is clamped to `count`, whose bit is always clear
    /// (`words` has a word past the last code), so a scan adds the result to its output position.
    @inline(__always)
    public static func bit(_ words: UnsafeBufferPointer<UInt64>, _ count: Int, _ code: Int64) -> Int {
        let index = Swift.min(UInt64(bitPattern: code), UInt64(count))
        return Int(truncatingIfNeeded: (words[Int(truncatingIfNeeded: index &>> 6)] &>> (index & 63)) & 1)
    }
}
