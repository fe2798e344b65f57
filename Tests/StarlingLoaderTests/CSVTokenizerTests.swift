/// The tokenizer's word-at-a-time path for quote-free records gives what the general path gives.

import Testing
import StarlingColumns
@testable import StarlingLoader

@Suite("CSVTokenizer")
struct CSVTokenizerTests {
    /// Everything a tokenize call produces, comparable.
    struct Output: Equatable {
        var consumed: Int
        var lines: Int
        var recordFieldStart: [Int]
        var lineNumbers: [Int]
        var byteOffsets: [Int]
        var problems: [String?]
        var fields: [[Int32]]
        var unescaped: [UInt8]
    }

    static func tokenize(_ text: [UInt8], isFinal: Bool, fast: Bool, delimiter: UInt8 = UInt8(ascii: ","), escape: UInt8 = UInt8(ascii: "\"")) -> Output {
        var tokenizer = CSVTokenizer(delimiter: delimiter, quote: UInt8(ascii: "\""), escape: escape)
        tokenizer.quoteFreeFastPath = fast
        var records = CSVRecords()
        let (consumed, lines) = text.withUnsafeBytes { tokenizer.tokenize($0, isFinal: isFinal, firstLine: 7, firstOffset: 100, into: &records) }
        return Output(consumed: consumed, lines: lines, recordFieldStart: records.recordFieldStart, lineNumbers: records.lineNumbers,
                      byteOffsets: records.byteOffsets, problems: records.problems,
                      fields: records.fields.map { [$0.start, $0.end, Int32($0.kind.rawValue)] }, unescaped: records.unescaped)
    }

    @Test("edge cases: blank lines, CRLF, a last record with and without a newline, quotes and escapes mid-record")
    func edgeCases() {
        let texts = [
            "", "\n", "\n\n", "a", "a\n", "a,b\r\n,\r\n\r\n", "a,b\r", "1,2,3\n4,5,6", ",,,\n", "abcdefghijklmnop,q\n",
            "x\"y,z\n1,2\n", "\"q\",1\n2,3\n", "a\\b,c\n", "long field number one,and two,and three\nshort,s\n",
            "|a|b|\n", "a,b\n\"unclosed", "12345678,12345678,1234567\n",
        ]
        for text in texts {
            for isFinal in [true, false] {
                for escape in [UInt8(ascii: "\""), UInt8(ascii: "\\")] {
                    let bytes = Array(text.utf8)
                    #expect(Self.tokenize(bytes, isFinal: isFinal, fast: true, escape: escape) == Self.tokenize(bytes, isFinal: isFinal, fast: false, escape: escape),
                            "\(text.debugDescription) final \(isFinal)")
                }
            }
        }
    }

    @Test("random text over delimiters, newlines, carriage returns, quotes and escapes agrees with the general path")
    func randomised() {
        var random = SplitMix64(seed: 12)
        let alphabet = Array("ab1,,,|\n\n\r\"\\ ".utf8)
        for trial in 0..<3000 {
            let length = Int(random.next() % 120)
            // Half the texts without quotes or escapes, so whole buffers take the fast path.
            let pool = trial % 2 == 0 ? alphabet.filter { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") } : alphabet
            let text = (0..<length).map { _ in pool[Int(random.next() % UInt64(pool.count))] }
            let delimiter = trial % 3 == 0 ? UInt8(ascii: "|") : UInt8(ascii: ",")
            let escape = trial % 5 == 0 ? UInt8(ascii: "\\") : UInt8(ascii: "\"")
            for isFinal in [true, false] {
                #expect(Self.tokenize(text, isFinal: isFinal, fast: true, delimiter: delimiter, escape: escape)
                        == Self.tokenize(text, isFinal: isFinal, fast: false, delimiter: delimiter, escape: escape),
                        "\(String(decoding: text, as: UTF8.self).debugDescription) final \(isFinal)")
            }
        }
    }
}
