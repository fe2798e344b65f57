/// Latin-1 and Windows-1252 text to UTF-8, block by block.

/// Converts single-byte encodings to UTF-8. Every byte maps to one character, so blocks can be
/// converted independently.
struct TextTranscoder {
    let encoding: TextEncoding

    /// Windows-1252's characters for 0x80…0x9F (0 where the code page leaves a byte undefined;
    /// those map like Latin-1, to U+0080…U+009F).
    static let windows1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// Appends the UTF-8 form of `input` to `output`.
    func transcode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.reserveCapacity(output.count + input.count + input.count / 8)
        for byte in input {
            if byte < 0x80 {
                output.append(byte)
                continue
            }
            var scalar = UInt32(byte)
            if encoding == .windows1252, byte <= 0x9F {
                let mapped = Self.windows1252High[Int(byte - 0x80)]
                if mapped != 0 { scalar = mapped }
            }
            if scalar < 0x800 {
                output.append(UInt8(0xC0 | (scalar >> 6)))
                output.append(UInt8(0x80 | (scalar & 0x3F)))
            } else {
                output.append(UInt8(0xE0 | (scalar >> 12)))
                output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                output.append(UInt8(0x80 | (scalar & 0x3F)))
            }
        }
    }
}
