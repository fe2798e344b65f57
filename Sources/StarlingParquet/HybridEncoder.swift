/// Parquet's RLE / bit-packing hybrid encoding, for definition levels and dictionary indices.

/// Writes values of `bitWidth` bits in Parquet's hybrid encoding: runs of 8 or more equal values
/// as an RLE run (header `count << 1`, the value in `ceil(bitWidth / 8)` little-endian bytes),
/// everything else in bit-packed groups of 8 values (header `groups << 1 | 1`, values packed
/// least significant bit first; the last group padded with zeros, which readers skip by the
/// page's value count).
package struct HybridEncoder {
    package let bitWidth: Int
    package private(set) var bytes: [UInt8] = []

    /// An encoder of values below `1 << bitWidth`.
    ///
    /// - Precondition: `0 <= bitWidth <= 32`.
    package init(bitWidth: Int) {
        precondition((0...32).contains(bitWidth), "bit width \(bitWidth)")
        self.bitWidth = bitWidth
    }

    /// The bits needed for values up to `maximum` (0 for 0).
    package static func bitWidth(forMaximum maximum: UInt32) -> Int {
        maximum == 0 ? 0 : 32 - maximum.leadingZeroBitCount
    }

    /// Encodes `values`, each below `1 << bitWidth`.
    package mutating func encode(_ values: UnsafeBufferPointer<UInt32>) {
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
    package mutating func encode(repeating value: UInt32, count: Int) {
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

    /// Packs `range` in groups of 8 values, `bitWidth` bytes a group: up to 8 bits a value
    /// through one 64-bit word per group, up to 16 through two, wider ones bit by bit.
    private mutating func packedRun(_ values: UnsafeBufferPointer<UInt32>, _ range: Range<Int>) {
        let groups = (range.count + 7) / 8
        varint(UInt64(groups) << 1 | 1)
        let start = bytes.count
        let width = bitWidth
        bytes.append(contentsOf: repeatElement(0, count: groups * width))
        bytes.withUnsafeMutableBufferPointer { output in
            var out = start
            for group in 0..<groups {
                let first = range.lowerBound + group * 8
                var word: (UInt64, UInt64) = (0, 0)
                var bits = 0
                for slot in 0..<8 {
                    let index = first + slot
                    let value = index < range.upperBound ? UInt64(values[index]) : 0
                    if width <= 16 {
                        // 8 values of at most 16 bits: 128 bits in two words.
                        if bits < 64 {
                            word.0 |= value << UInt64(bits)
                            if bits + width > 64 { word.1 |= value >> UInt64(64 - bits) }
                        } else {
                            word.1 |= value << UInt64(bits - 64)
                        }
                    } else {
                        for bit in 0..<width where value >> UInt64(bit) & 1 != 0 {
                            let position = bits + bit
                            output[out + position / 8] |= 1 << UInt8(position % 8)
                        }
                    }
                    bits += width
                }
                if width <= 16 {
                    for byte in 0..<width {
                        let source = byte < 8 ? word.0 >> UInt64(byte * 8) : word.1 >> UInt64((byte - 8) * 8)
                        output[out + byte] = UInt8(truncatingIfNeeded: source)
                    }
                }
                out += width
            }
        }
    }

    private mutating func varint(_ value: UInt64) {
        ULEB128.append(value, to: &bytes)
    }
}
