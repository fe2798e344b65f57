/// Random draws for the extract generators (`gen retail`, `gen portal`): one SplitMix64 stream
/// per night and purpose, and the draws they make from it — uniform numbers, chances, weighted
/// picks, distinct indexes and UUIDs — so that a seed always gives the same nights.

import StarlingColumns

extension SplitMix64 {
    /// The stream for (`seed`, `night`, `purpose`): each night and each use within a night draws
    /// from its own stream, so changing one file's rules leaves the other files alone.
    static func stream(seed: UInt64, night: Int, purpose: UInt64) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ (UInt64(night) &* 0x9E37_79B9_7F4A_7C15) ^ (purpose &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }

    /// A uniform double in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// A whole number in `range` (which must not be empty).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// An index into `weights`, each chosen in proportion to its weight (all weights ≥ 0, some > 0).
    mutating func weighted(_ weights: [Int]) -> Int {
        let total = weights.reduce(0, +)
        guard total > 0 else { return 0 }
        var draw = below(total)
        for (index, weight) in weights.enumerated() {
            if draw < weight { return index }
            draw -= weight
        }
        return weights.count - 1
    }

    /// `count` distinct indexes from `0..<limit`, in increasing order (fewer when `limit` is
    /// smaller).
    mutating func distinctIndexes(_ count: Int, below limit: Int) -> [Int] {
        guard limit > 0, count > 0 else { return [] }
        var chosen = Set<Int>()
        while chosen.count < min(count, limit) {
            chosen.insert(below(limit))
        }
        return chosen.sorted()
    }

    /// A random (version 4) UUID in its usual text form.
    mutating func uuid() -> String {
        let high = next()
        let low = next()
        var bytes: [UInt8] = []
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
