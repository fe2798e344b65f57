/// Vectors joined end to end: dictionary-coded parts stay coded, with one dictionary.

import StarlingColumns
@testable import StarlingExecution
import Testing

@Suite("Vector")
struct VectorTests {
    static func coded(_ dictionary: [String], _ codes: [UInt32], nulls: [Bool]? = nil) -> Vector {
        Vector(type: .varchar, count: codes.count, data: .dictionary(codes: codes, dictionary: StringStorage(dictionary)), nulls: nulls)
    }

    @Test("concatenating dictionary-coded parts merges their dictionaries, each string once")
    func mergesDictionaries() {
        let first = Self.coded(["b", "a"], [0, 1, 1, 0])
        let second = Self.coded(["a", "c"], [1, 0, 1], nulls: [false, true, false])
        let joined = Vector.concatenate([first, second], type: .varchar)
        #expect(joined.count == 7)
        #expect((0..<7).map { joined.value(at: $0) } == [.string("b"), .string("a"), .string("a"), .string("b"), .string("c"), .null, .string("c")])
        guard case .dictionary(let codes, let dictionary) = joined.data else {
            Issue.record("expected a dictionary-coded result")
            return
        }
        #expect(dictionary.count == 3)
        #expect(Set((0..<dictionary.count).map { dictionary.string(at: $0) }) == ["a", "b", "c"])
        #expect(codes.count == 7)
    }

    @Test("strings equal as Swift Strings but different as bytes keep their own codes")
    func keepsBytes() {
        let composed = "\u{E9}", decomposed = "e\u{301}"
        let joined = Vector.concatenate([Self.coded([composed], [0]), Self.coded([decomposed], [0])], type: .varchar)
        #expect(Array(joined.stringBytes(at: 0)) == Array(composed.utf8))
        #expect(Array(joined.stringBytes(at: 1)) == Array(decomposed.utf8))
    }

    @Test("a plain part among coded ones gives plain strings")
    func mixedParts() {
        let plain = Vector(type: .varchar, count: 1, data: .strings(StringStorage(["z"])), nulls: nil)
        let joined = Vector.concatenate([Self.coded(["a"], [0]), plain], type: .varchar)
        #expect((0..<2).map { joined.value(at: $0) } == [.string("a"), .string("z")])
        if case .strings = joined.data {} else { Issue.record("expected plain strings") }
    }

    @Test("large dictionaries are concatenated as the entries their rows use, without merging repeats")
    func compactsLargeDictionaries() {
        let size = Vector.internedMergeLimit / 2 + 1
        let first = Self.coded((0..<size).map { "f\($0)" }, [5, 0, 5, UInt32(size - 1)])
        // The second part repeats the first's "f5" and has a NULL row whose code is out of range.
        var entries = (0..<size).map { "s\($0)" }
        entries[3] = "f5"
        let second = Self.coded(entries, [3, 7, UInt32(size + 10)], nulls: [false, false, true])
        let joined = Vector.concatenate([first, second], type: .varchar)
        let expected: [Value] = ["f5", "f0", "f5", "f\(size - 1)", "f5", "s7"].map { .string($0) } + [.null]
        #expect((0..<joined.count).map { joined.value(at: $0) } == expected)
        guard case .dictionary(let codes, let dictionary) = joined.data else {
            Issue.record("expected a dictionary-coded result")
            return
        }
        // Only the used entries are kept: three of the first part's, three of the second's.
        #expect(dictionary.count == 6)
        #expect(codes[0] == codes[2])
        #expect(codes[0] != codes[4])
    }
}
