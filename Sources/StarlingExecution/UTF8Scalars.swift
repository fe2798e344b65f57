/// Single Unicode scalars read from and written to UTF-8 bytes, for the string kernels that work
/// on bytes rather than on `String`s.

/// UTF-8 decoding and encoding of single scalars, for kernels that work on bytes.
enum UTF8Scalars {
    /// A value no scalar has: what ``decode(_:at:)`` gives for a byte that does not start a
    /// well-formed sequence (every mapping leaves it alone).
    static let invalid: UInt32 = 0xFFFF_FFFF

    /// The scalar starting at `index` and its byte length (``invalid`` and 1 for a malformed
    /// or truncated sequence).
    @inline(__always)
    static func decode(_ text: UnsafeRawBufferPointer, at index: Int) -> (scalar: UInt32, length: Int) {
        let lead = text[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length: Int
        var scalar: UInt32
        switch lead {
        case 0xC2...0xDF: (length, scalar) = (2, UInt32(lead & 0x1F))
        case 0xE0...0xEF: (length, scalar) = (3, UInt32(lead & 0x0F))
        case 0xF0...0xF4: (length, scalar) = (4, UInt32(lead & 0x07))
        default: return (invalid, 1)
        }
        guard index + length <= text.count else { return (invalid, 1) }
        for offset in 1..<length {
            let byte = text[index + offset]
            guard byte & 0xC0 == 0x80 else { return (invalid, 1) }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        return (scalar, length)
    }

    /// The byte length of `scalar` in UTF-8.
    @inline(__always)
    static func encodedLength(_ scalar: UInt32) -> Int {
        scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : scalar < 0x1_0000 ? 3 : 4
    }

    /// Writes `scalar` at `position`; returns its length.
    @inline(__always)
    static func encode(_ scalar: UInt32, into output: UnsafeMutableRawBufferPointer, at position: Int) -> Int {
        switch encodedLength(scalar) {
        case 1:
            output[position] = UInt8(truncatingIfNeeded: scalar)
            return 1
        case 2:
            output[position] = UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6)
            output[position + 1] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return 2
        case 3:
            output[position] = UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12)
            output[position + 1] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F)
            output[position + 2] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return 3
        default:
            output[position] = UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18)
            output[position + 1] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 12 & 0x3F)
            output[position + 2] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F)
            output[position + 3] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return 4
        }
    }
}
