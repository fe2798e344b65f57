/// The field parsers: the eight-digits-at-a-time integer path agrees with the digit loop.

import Testing
import StarlingColumns
@testable import StarlingLoader

@Suite("FieldParser")
struct FieldParserTests {
    /// Parses `field` placed at `offset` in a buffer of `padding` (or, with `padding` nil, at
    /// the very end of the buffer, so no 8-byte load fits), both ways.
    static func parse(_ field: [UInt8], offset: Int = 3, padding: [UInt8]? = Array("|12|x\n".utf8)) -> (fast: Int64?, loop: Int64?) {
        let buffer = Array(repeating: UInt8(ascii: "9"), count: offset) + field + (padding ?? [])
        return buffer.withUnsafeBytes { all in
            let raw = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + field.count)])
            return (FieldParser.integer(raw, inside: all), FieldParser.integer(raw))
        }
    }

    @Test("plain digits of every length, signs, spaces and junk parse as the digit loop does")
    func agreesWithLoop() {
        let fields = [
            "0", "7", "42", "00000000", "12345678", "99999999", "1234567", "10000000", "19920131",
            "123456789", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
            "-5", "+5", " 17", "17 ", "", " ", "1a", "a1", "12:4", "1/", "١٢", "12345678x", "/", ":",
            "0x10", "1e3", "1.5", "-", "+",
        ]
        for field in fields {
            let bytes = Array(field.utf8)
            let (fast, loop) = Self.parse(bytes)
            #expect(fast == loop, "\(field)")
            // At the buffer's end, where no 8-byte load fits, and with junk digits just after it.
            #expect(Self.parse(bytes, padding: nil).fast == loop, "\(field) at the end")
            #expect(Self.parse(bytes, padding: Array("98765432".utf8)).fast == loop, "\(field) before digits")
        }
        #expect(Self.parse(Array("19920131".utf8)).fast == 19_920_131)
        #expect(Self.parse(Array("00000001".utf8)).fast == 1)
    }

    @Test("random fields of up to 10 bytes, digits and near-digits, agree with the digit loop")
    func randomised() {
        var random = SplitMix64(seed: 8)
        let alphabet = Array("0123456789".utf8) + [0x2F, 0x3A, 0x20, 0x2D, 0x2B, 0x00, 0xFF, 0x40, 0x60]
        for _ in 0..<20_000 {
            let length = Int(random.next() % 11)
            let digitsOnly = random.next() % 2 == 0
            let field = (0..<length).map { _ in digitsOnly ? UInt8(48 + random.next() % 10) : alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let (fast, loop) = Self.parse(field, offset: Int(random.next() % 9))
            #expect(fast == loop, "\(field)")
        }
    }
}
