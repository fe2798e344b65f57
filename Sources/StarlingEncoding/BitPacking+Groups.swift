/// Bit unpacking eight values at a time, with the bit offsets of each group's values fixed for
/// each width: the loop the scans spend most of their decoding in, written by hand because the
/// general loop computes every value's offset and cannot be vectorised.

/// A packed width known when the unpacking loop is compiled.
protocol PackedWidth {
    static var bits: Int { get }
}

extension BitPacking {
    enum W1: PackedWidth { static var bits: Int { 1 } }
    enum W2: PackedWidth { static var bits: Int { 2 } }
    enum W3: PackedWidth { static var bits: Int { 3 } }
    enum W4: PackedWidth { static var bits: Int { 4 } }
    enum W5: PackedWidth { static var bits: Int { 5 } }
    enum W6: PackedWidth { static var bits: Int { 6 } }
    enum W7: PackedWidth { static var bits: Int { 7 } }
    enum W8: PackedWidth { static var bits: Int { 8 } }
    enum W9: PackedWidth { static var bits: Int { 9 } }
    enum W10: PackedWidth { static var bits: Int { 10 } }
    enum W11: PackedWidth { static var bits: Int { 11 } }
    enum W12: PackedWidth { static var bits: Int { 12 } }
    enum W13: PackedWidth { static var bits: Int { 13 } }
    enum W14: PackedWidth { static var bits: Int { 14 } }
    enum W15: PackedWidth { static var bits: Int { 15 } }
    enum W16: PackedWidth { static var bits: Int { 16 } }
    enum W17: PackedWidth { static var bits: Int { 17 } }
    enum W18: PackedWidth { static var bits: Int { 18 } }
    enum W19: PackedWidth { static var bits: Int { 19 } }
    enum W20: PackedWidth { static var bits: Int { 20 } }
    enum W21: PackedWidth { static var bits: Int { 21 } }
    enum W22: PackedWidth { static var bits: Int { 22 } }
    enum W23: PackedWidth { static var bits: Int { 23 } }
    enum W24: PackedWidth { static var bits: Int { 24 } }
    enum W25: PackedWidth { static var bits: Int { 25 } }
    enum W26: PackedWidth { static var bits: Int { 26 } }
    enum W27: PackedWidth { static var bits: Int { 27 } }
    enum W28: PackedWidth { static var bits: Int { 28 } }
    enum W29: PackedWidth { static var bits: Int { 29 } }
    enum W30: PackedWidth { static var bits: Int { 30 } }
    enum W31: PackedWidth { static var bits: Int { 31 } }
    enum W32: PackedWidth { static var bits: Int { 32 } }
    enum W33: PackedWidth { static var bits: Int { 33 } }
    enum W34: PackedWidth { static var bits: Int { 34 } }
    enum W35: PackedWidth { static var bits: Int { 35 } }
    enum W36: PackedWidth { static var bits: Int { 36 } }
    enum W37: PackedWidth { static var bits: Int { 37 } }
    enum W38: PackedWidth { static var bits: Int { 38 } }
    enum W39: PackedWidth { static var bits: Int { 39 } }
    enum W40: PackedWidth { static var bits: Int { 40 } }
    enum W41: PackedWidth { static var bits: Int { 41 } }
    enum W42: PackedWidth { static var bits: Int { 42 } }
    enum W43: PackedWidth { static var bits: Int { 43 } }
    enum W44: PackedWidth { static var bits: Int { 44 } }
    enum W45: PackedWidth { static var bits: Int { 45 } }
    enum W46: PackedWidth { static var bits: Int { 46 } }
    enum W47: PackedWidth { static var bits: Int { 47 } }
    enum W48: PackedWidth { static var bits: Int { 48 } }

    /// The widest width ``unpackGroups(_:byteCount:first:count:width:into:)`` handles.
    @usableFromInline static let widestGroupWidth = 48

    /// Unpacks values `first ..< first + count` of a buffer packed at `width` bits into `output`,
    /// in whole groups of eight, as far as each value's 8-byte load stays within `byteCount`
    /// bytes. Returns how many it unpacked: a multiple of 8, at most `count`; 0 for widths
    /// outside `1...widestGroupWidth`.
    ///
    /// - Precondition: `first` is a multiple of 8, `output` holds `count` values.
    @usableFromInline
    static func unpackGroups(
        _ base: UnsafeRawPointer, byteCount: Int, first: Int, count: Int, width: Int,
        into output: UnsafeMutablePointer<UInt64>
    ) -> Int {
        precondition(first >= 0 && first % 8 == 0 && count >= 0, "groups start at a multiple of 8")
        guard (1...widestGroupWidth).contains(width) else { return 0 }
        // Group g starts at byte g * width; its last value's load ends 8 bytes after byte
        // (7 * width) / 8 of the group.
        let lastLoad = (7 &* width) &>> 3 &+ 8
        let readable = byteCount >= lastLoad ? (byteCount &- lastLoad) / width &+ 1 : 0
        let groups = Swift.max(0, Swift.min(count / 8, readable &- first / 8))
        let start = base + (first / 8) &* width
        func run<W: PackedWidth>(_: W.Type) -> Int {
            unpack(W.self, start, groups: groups, into: output)
            return groups &* 8
        }
        switch width {
        case 1: return run(W1.self)
        case 2: return run(W2.self)
        case 3: return run(W3.self)
        case 4: return run(W4.self)
        case 5: return run(W5.self)
        case 6: return run(W6.self)
        case 7: return run(W7.self)
        case 8: return run(W8.self)
        case 9: return run(W9.self)
        case 10: return run(W10.self)
        case 11: return run(W11.self)
        case 12: return run(W12.self)
        case 13: return run(W13.self)
        case 14: return run(W14.self)
        case 15: return run(W15.self)
        case 16: return run(W16.self)
        case 17: return run(W17.self)
        case 18: return run(W18.self)
        case 19: return run(W19.self)
        case 20: return run(W20.self)
        case 21: return run(W21.self)
        case 22: return run(W22.self)
        case 23: return run(W23.self)
        case 24: return run(W24.self)
        case 25: return run(W25.self)
        case 26: return run(W26.self)
        case 27: return run(W27.self)
        case 28: return run(W28.self)
        case 29: return run(W29.self)
        case 30: return run(W30.self)
        case 31: return run(W31.self)
        case 32: return run(W32.self)
        case 33: return run(W33.self)
        case 34: return run(W34.self)
        case 35: return run(W35.self)
        case 36: return run(W36.self)
        case 37: return run(W37.self)
        case 38: return run(W38.self)
        case 39: return run(W39.self)
        case 40: return run(W40.self)
        case 41: return run(W41.self)
        case 42: return run(W42.self)
        case 43: return run(W43.self)
        case 44: return run(W44.self)
        case 45: return run(W45.self)
        case 46: return run(W46.self)
        case 47: return run(W47.self)
        case 48: return run(W48.self)
        default: return 0
        }
    }

    @inline(__always)
    private static func unpack<W: PackedWidth>(
        _: W.Type, _ base: UnsafeRawPointer, groups: Int, into output: UnsafeMutablePointer<UInt64>
    ) {
        let mask: UInt64 = (UInt64(1) &<< UInt64(W.bits)) &- 1
        @inline(__always) func value(_ group: UnsafeRawPointer, _ index: Int) -> UInt64 {
            let bit = index &* W.bits
            let word = UInt64(littleEndian: group.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
            return (word &>> UInt64(bit & 7)) & mask
        }
        for index in 0..<groups {
            let group = base + index &* W.bits
            let out = output + index &* 8
            out[0] = value(group, 0)
            out[1] = value(group, 1)
            out[2] = value(group, 2)
            out[3] = value(group, 3)
            out[4] = value(group, 4)
            out[5] = value(group, 5)
            out[6] = value(group, 6)
            out[7] = value(group, 7)
        }
    }
}
