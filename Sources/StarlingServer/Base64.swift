/// Strict standard Base64 (RFC 4648 §4, with padding), for SCRAM messages and verifiers.

/// Encodes bytes as Base64 and decodes Base64 strictly: only the standard alphabet, a length that
/// is a multiple of 4, `=` padding only at the end, and no stray bits in the last character, so
/// each byte string has exactly one accepted spelling.
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The Base64 text of `bytes`.
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let first = bytes[index]
            let second: UInt8 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let third: UInt8 = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(first >> 2)])
            output.append(alphabet[Int((first & 0x03) << 4 | second >> 4)])
            output.append(index + 1 < bytes.count ? alphabet[Int((second & 0x0F) << 2 | third >> 6)] : 0x3D)
            output.append(index + 2 < bytes.count ? alphabet[Int(third & 0x3F)] : 0x3D)
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The value of one alphabet character, nil for any other byte.
    static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }

    /// The bytes `text` spells, or nil when it is not strict Base64.
    static func decode<Text: Collection<UInt8>>(_ text: Text) -> [UInt8]? {
        let characters = Array(text)
        guard characters.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(characters.count / 4 * 3)
        var index = 0
        while index < characters.count {
            let isLast = index + 4 == characters.count
            let padding =
                isLast ? (characters[index + 3] == 0x3D ? (characters[index + 2] == 0x3D ? 2 : 1) : 0) : 0
            var values: [UInt8] = [0, 0, 0, 0]
            for offset in 0..<(4 - padding) {
                guard let value = value(characters[index + offset]) else { return nil }
                values[offset] = value
            }
            output.append(values[0] << 2 | values[1] >> 4)
            if padding < 2 { output.append((values[1] & 0x0F) << 4 | values[2] >> 2) }
            if padding < 1 { output.append((values[2] & 0x03) << 6 | values[3]) }
            // Bits the padding drops must be zero: one spelling per byte string.
            if padding == 2, values[1] & 0x0F != 0 { return nil }
            if padding == 1, values[2] & 0x03 != 0 { return nil }
            index += 4
        }
        return output
    }
}
