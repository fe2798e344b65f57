/// Numbering a vector's strings once for the segment writer: by hashing, or from dictionary codes.

import Testing
import StarlingColumns
@testable import StarlingEncoding

@Suite("StringNumbering")
struct StringNumberingTests {
    @Test("a dictionary vector is numbered from its codes; equal entries share a number; a code outside the dictionary gives none")
    func dictionaryVectors() throws {
        let entries = ["AIR", "RAIL", "AIR", String(repeating: "x", count: 40)]
        var dictionary = StringStorageBuilder()
        for entry in entries { dictionary.append(entry) }
        let codes: [UInt32] = [0, 1, 2, 3, 2, 0, 1]
        let vector = ColumnVector(type: .varchar, count: codes.count,
                                  payload: .dictionary(codes: codes.withUnsafeBytes { ByteStorage(copying: $0) }, dictionary: dictionary.finish()),
                                  validity: nil)
        let numbering = try #require(StringNumbering(vector))
        #expect(numbering.numbers == [0, 1, 0, 2, 0, 0, 1])
        #expect(numbering.distinct.map { String(decoding: $0, as: UTF8.self) } == ["AIR", "RAIL", String(repeating: "x", count: 40)])
        // The same numbers as hashing the strings themselves.
        let plain = ColumnVector(type: .varchar, values: vector.values)
        #expect(StringNumbering(plain)?.numbers == numbering.numbers)
        let broken: [UInt32] = [0, 4]
        var small = StringStorageBuilder()
        for entry in entries { small.append(entry) }
        let outside = ColumnVector(type: .varchar, count: 2,
                                   payload: .dictionary(codes: broken.withUnsafeBytes { ByteStorage(copying: $0) }, dictionary: small.finish()),
                                   validity: nil)
        #expect(StringNumbering(outside) == nil)
        #expect(StringNumbering(vector, limit: 2) == nil)
    }
}
