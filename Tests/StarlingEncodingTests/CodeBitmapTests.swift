/// The star-join code set: which codes qualify, tested branch-free.

import StarlingColumns
@testable import StarlingEncoding
import Testing

@Suite("Code bitmap")
struct CodeBitmapTests {
    @Test("codes qualify exactly as the flags say; code 0, negative codes and codes from count on never do")
    func membership() {
        // 130 codes: the bitmap spans three words, and `count` itself falls inside the last one.
        let qualifies = (0..<130).map { $0 % 3 == 1 || $0 == 0 || $0 == 129 }
        let bitmap = CodeBitmap(qualifies)
        #expect(bitmap.count == 130)
        #expect(bitmap.passing == qualifies.dropFirst().filter { $0 }.count)
        bitmap.words.withUnsafeBufferPointer { words in
            for code in 1..<130 {
                #expect(CodeBitmap.bit(words, bitmap.count, Int64(code)) == (qualifies[code] ? 1 : 0))
            }
            for code: Int64 in [0, -1, -64, Int64.min, 130, 131, 192, 1 << 40, Int64.max] {
                #expect(CodeBitmap.bit(words, bitmap.count, code) == 0)
            }
        }
    }

    @Test("selectivity is the share of qualifying codes, 0 for an empty dimension")
    func selectivity() {
        #expect(CodeBitmap([false, true, false, true, true]).selectivity == 0.75)
        #expect(CodeBitmap([false]).selectivity == 0)
        #expect(CodeBitmap([]).selectivity == 0)
    }

    @Test("contiguous is the qualifying codes' range only when no code inside it is missing; code 0 never counts")
    func contiguous() {
        func flags(_ codes: Set<Int>, count: Int = 20) -> [Bool] { (0..<count).map { codes.contains($0) } }
        #expect(CodeBitmap(flags([4, 5, 6, 7])).contiguous == 4...7)
        #expect(CodeBitmap(flags([19])).contiguous == 19...19)
        #expect(CodeBitmap(flags([0, 1, 2])).contiguous == 1...2)
        #expect(CodeBitmap(flags([0, 2, 3])).contiguous == 2...3)
        #expect(CodeBitmap(flags([4, 5, 7])).contiguous == nil)
        #expect(CodeBitmap(flags([1, 19])).contiguous == nil)
        #expect(CodeBitmap(flags([0])).contiguous == nil)
        #expect(CodeBitmap(flags([])).contiguous == nil)
        #expect(CodeBitmap([]).contiguous == nil)
    }

    @Test("anyQualifies answers for every range of codes as a scan over the flags would")
    func anyQualifies() {
        var random = SplitMix64(seed: 3)
        for density in [0, 1, 5, 64] {
            let qualifies = (0..<300).map { _ in density > 0 && random.next() % 64 < UInt64(density) }
            let bitmap = CodeBitmap(qualifies)
            for low in stride(from: -3, through: 305, by: 7) {
                for high in stride(from: low - 2, through: 310, by: 5) {
                    let expected = (max(low, 1)...max(max(low, 1), min(high, 299))).contains { code in code <= high && code < 300 && qualifies[code] }
                    #expect(bitmap.anyQualifies(from: Int64(low), through: Int64(high)) == expected, "\(low)...\(high)")
                }
            }
        }
        let run = CodeBitmap((0..<200).map { (64...130).contains($0) })
        #expect(run.contiguous == 64...130)
        #expect(run.anyQualifies(from: 131, through: 199) == false)
        #expect(run.anyQualifies(from: 0, through: 64) == true)
        #expect(run.anyQualifies(from: .min, through: .max) == true)
        #expect(CodeBitmap([]).anyQualifies(from: .min, through: .max) == false)
    }

    @Test("a bitmap set from a list of codes equals one made from flags; codes outside are ignored")
    func settingCodes() {
        var random = SplitMix64(seed: 9)
        for count in [1, 2, 65, 300, 4_097] {
            let codes = (0..<500).map { _ in Int64(random.next() % UInt64(count + 20)) - 10 }
            var flags = [Bool](repeating: false, count: count)
            for code in codes where code >= 1 && code < Int64(count) { flags[Int(code)] = true }
            let expected = CodeBitmap(flags)
            let bitmap = codes.withUnsafeBufferPointer { CodeBitmap(setting: $0, count: count) }
            #expect(bitmap.words == expected.words)
            #expect(bitmap.passing == expected.passing)
            #expect(bitmap.contiguous == expected.contiguous)
            for code in Int64(-3)...Int64(count + 3) { #expect(bitmap.contains(code) == (code >= 1 && code < Int64(count) && flags[Int(code)])) }
        }
        let run: [Int64] = [7, 5, 6, 5, 8]
        #expect(run.withUnsafeBufferPointer { CodeBitmap(setting: $0, count: 10) }.contiguous == 5...8)
    }
}
