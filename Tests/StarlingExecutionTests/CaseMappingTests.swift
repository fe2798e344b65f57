/// Tests of `upper` and `lower`: one character for one, as DuckDB maps them.

import StarlingColumns
import Testing

@testable import StarlingExecution

@Suite("Case mapping")
struct CaseMappingTests {
    func mapped(_ text: String, _ direction: CaseMapping.Direction) -> String {
        var builder = StringStorageBuilder()
        var copy = text
        copy.withUTF8 { CaseMapping.append(UnsafeRawBufferPointer($0), direction, to: &builder) }
        return builder.finish().string(at: 0)
    }

    @Test("ASCII, Latin, Greek, Turkish and supplementary-plane letters map as in DuckDB")
    func examples() {
        #expect(mapped("Hello, World 123", .upper) == "HELLO, WORLD 123")
        #expect(mapped("Hello, World 123", .lower) == "hello, world 123")
        #expect(mapped("straße", .upper) == "STRAẞE")
        #expect(mapped("ẞ", .lower) == "ß")
        #expect(mapped("İSTANBUL", .lower) == "istanbul")
        #expect(mapped("ıi", .upper) == "II")
        #expect(mapped("ΣΑΣ", .lower) == "σασ")
        #expect(mapped("ﬁ ŉ", .upper) == "ﬁ ŉ")
        #expect(mapped("ǆ", .upper) == "Ǆ")
        #expect(mapped("ᾳ", .upper) == "ᾼ")
        #expect(mapped("𐐨𐐩", .upper) == "𐐀𐐁")
        #expect(mapped("日本語", .upper) == "日本語")
        #expect(mapped("", .upper) == "")
    }

    @Test("bytes that are not UTF-8 are copied unchanged")
    func malformed() {
        var builder = StringStorageBuilder()
        let bytes: [UInt8] = [0x61, 0xC3, 0x41, 0xFF, 0xE2, 0x82]
        bytes.withUnsafeBytes { CaseMapping.append($0, .upper, to: &builder) }
        let storage = builder.finish()
        #expect(withExtendedLifetime(storage) { Array(storage.bytes(at: 0)) } == [0x41, 0xC3, 0x41, 0xFF, 0xE2, 0x82])
    }

    @Test("every mapping is one character for one, ASCII to ASCII, at most maximumGrowth times as long")
    func oneForOne() {
        for value in UInt32(0)..<0x2_0000 {
            guard Unicode.Scalar(value) != nil else { continue }
            for direction in [CaseMapping.Direction.upper, .lower] {
                let result = CaseMapping.map(value, direction)
                #expect(Unicode.Scalar(result) != nil)
                #expect(
                    UTF8Scalars.encodedLength(result)
                        <= CaseMapping.maximumGrowth * UTF8Scalars.encodedLength(value))
                if value < 0x80 { #expect(result < 0x80) }
            }
        }
    }
}
