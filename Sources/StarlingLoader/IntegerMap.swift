/// A fast map from 64-bit integers to 32-bit codes, for dimension key lookups while loading.

/// Built once, then read from any number of threads. Dense keys (surrogate keys 1…N, the usual
/// case in a star schema: at most four slots per key) go into a direct array indexed by
/// `key − minimum`: one 4-byte read per lookup, a quarter of the memory a hash table would touch,
/// so a 200,000-row dimension's codes stay in cache. When, moreover, the keys are every integer of
/// their range and the codes follow them one for one (a dimension loaded in key order, as
/// surrogate keys usually are), a lookup is a range check and an addition, with no memory read
/// at all. Other keys use open addressing with linear probing.
struct IntegerMap: Sendable {
    private var keys: [Int64]
    private var values: [Int32]
    private let mask: Int
    /// Direct mode: `values[key − minimum]`, for keys in `minimum...maximum`.
    private let direct: Bool
    private let minimum: Int64
    private let maximum: Int64
    /// Affine mode (direct mode with every key present and codes rising with keys): the code of
    /// `minimum`; the code of `key` is `firstCode + (key − minimum)`.
    private let firstCode: Int32?
    static let empty: Int32 = -1
    /// Direct mode only for keys within ±2^62, so `key − minimum` cannot overflow.
    private static let directLimit: Int64 = 1 << 62

    init(_ pairs: [(Int64, Int32)]) {
        let smallest = pairs.lazy.map(\.0).min() ?? 0
        let largest = pairs.lazy.map(\.0).max() ?? 0
        let span = largest > smallest ? largest.subtractingReportingOverflow(smallest) : (partialValue: 0, overflow: false)
        if !pairs.isEmpty, smallest >= -Self.directLimit, largest <= Self.directLimit, !span.overflow,
           span.partialValue < Int64(max(1024, pairs.count * 4)) {
            direct = true
            minimum = smallest
            maximum = largest
            mask = 0
            keys = []
            var codes = [Int32](repeating: Self.empty, count: Int(span.partialValue) + 1)
            for (key, value) in pairs { codes[Int(key - smallest)] = value }
            let first = codes[0]
            let affine = first >= 0 && Int64(first) + span.partialValue <= Int64(Int32.max)
                && codes.indices.allSatisfy { codes[$0] == first &+ Int32(truncatingIfNeeded: $0) }
            firstCode = affine ? first : nil
            values = codes
            return
        }
        direct = false
        minimum = 0
        maximum = 0
        firstCode = nil
        var capacity = 16
        while capacity < pairs.count * 2 { capacity <<= 1 }
        keys = [Int64](repeating: 0, count: capacity)
        values = [Int32](repeating: Self.empty, count: capacity)
        mask = capacity - 1
        for (key, value) in pairs {
            var index = Self.slot(key, mask)
            while values[index] != Self.empty, keys[index] != key { index = (index + 1) & mask }
            keys[index] = key
            values[index] = value
        }
    }

    @inline(__always)
    static func slot(_ key: Int64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    @inline(__always)
    func value(for key: Int64) -> Int32? {
        let value = code(for: key)
        return value == Self.empty ? nil : value
    }

    /// The code for `key`, or ``empty`` (−1) when there is none.
    @inline(__always)
    func code(for key: Int64) -> Int32 {
        if let firstCode {
            guard key >= minimum, key <= maximum else { return Self.empty }
            return firstCode &+ Int32(truncatingIfNeeded: key &- minimum)
        }
        if direct {
            guard key >= minimum, key <= maximum else { return Self.empty }
            return values[Int(key &- minimum)]
        }
        var index = Self.slot(key, mask)
        while true {
            let value = values[index]
            if value == Self.empty || keys[index] == key { return value }
            index = (index + 1) & mask
        }
    }
}
