/// Parquet's RLE / bit-packing hybrid encoding, for definition levels and dictionary indices.

/// Writes values of `bitWidth` bits in Parquet's hybrid encoding: runs of 8 or more equal values
/// as an RLE run (header `count << 1`, the value in `ceil(bitWidth / 8)` little-endian bytes),
/// everything else in bit-packed groups of 8 values (header `groups << 1 | 1`, values packed
/// least significant bit first; the last group padded with zeros, which readers skip by the
/// page's value count).
struct HybridEncoder {
    let bitWidth: Int
    private(set) var bytes: [UInt8] = []

    /// An encoder of values below `1 << bitWidth`.
    ///
    /// - Precondition: `0 <= bitWidth <= 32`.
    init(bitWidth: Int) {
        precondition((0...32).contains(bitWidth), "bit width \(bitWidth)")
        self.bitWidth = bitWidth
    }

    /// The bits needed for values up to `maximum` (0 for 0).
    static func bitWidth(forMaximum maximum: UInt32) -> Int {
        maximum == 0 ? 0 : 32 - maximum.leadingZeroBitCount
    }

    /// Encodes `values`, each below `1 << bitWidth`.
    mutating func encode(_ values: UnsafeBufferPointer<UInt32>) {
        let count = values.count
        var index = 0
        while index < count {
            let run = runLength(values, at: index)
            if run >= 8 {
                repeatedRun(values[index], count: run)
                index += run
                continue
            }
            // Bit-pack groups of 8 until a run of 8 or more starts at a group's boundary.
            var end = index
            repeat {
                end = min(end + 8, count)
            } while end < count && runLength(values, at: end) < 8
            packedRun(values, index..<end)
            index = end
        }
    }

    /// Encodes `count` copies of `value`.
    mutating func encode(repeating value: UInt32, count: Int) {
        if count > 0 { repeatedRun(value, count: count) }
    }

    /// How many values from `start` equal the one there, counting up to 8 at least when there are.
    private func runLength(_ values: UnsafeBufferPointer<UInt32>, at start: Int) -> Int {
        let value = values[start]
        var end = start + 1
        while end < values.count && values[end] == value { end += 1 }
        return end - start
    }

    private mutating func repeatedRun(_ value: UInt32, count: Int) {
        varint(UInt64(count) << 1)
        var rest = value
        for _ in 0..<(bitWidth + 7) / 8 {
            bytes.append(UInt8(truncatingIfNeeded: rest))
            rest >>= 8
        }
    }

    private mutating func packedRun(_ values: UnsafeBufferPointer<UInt32>, _ range: Range<Int>) {
        let groups = (range.count + 7) / 8
        varint(UInt64(groups) << 1 | 1)
        var accumulator: UInt64 = 0
        var bits = 0
        for slot in 0..<groups * 8 {
            let index = range.lowerBound + slot
            let value = index < range.upperBound ? UInt64(values[index]) : 0
            accumulator |= value << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bits -= 8
            }
        }
        // 8 values of any width fill whole bytes: nothing is left over.
    }

    private mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
