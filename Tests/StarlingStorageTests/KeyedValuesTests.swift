/// KeyedValues: the map from row code to value, its side file (pinned by a fixture), lookups.

import Foundation
import Testing
@testable import StarlingStorage
import StarlingColumns

@Suite("KeyedValues")
struct KeyedValuesTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/keyed-values-v3.stsg").path

    @Test("the side file fixture reads as prices by code, and the map writes the same chunks")
    func fixture() throws {
        let map = try KeyedValues.read(path: Self.fixture, type: .integer, codes: 4)
        #expect(map.entryCount == 3)
        #expect(map.value(of: 0) == nil)
        #expect([1, 2, 3].map { map.value(of: $0) } == [250, 999, 1000])
        var built = KeyedValues(type: .integer)
        built.add(code: 3, value: 1000)
        built.add(code: 1, value: 250)
        built.add(code: 2, value: 999)
        // Written today the file is segment write version 4, whose column sketch follows the
        // chunks: the chunks themselves are the fixture's, byte for byte.
        let bytes = try built.encoded()
        let fixture = Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixture)))
        let trailer = fixture.count - 16
        let footerLength = Int(fixture[trailer]) | Int(fixture[trailer + 1]) << 8 | Int(fixture[trailer + 2]) << 16
        let chunksEnd = trailer - footerLength
        #expect(bytes.count > chunksEnd && Array(bytes[16..<chunksEnd]) == Array(fixture[16..<chunksEnd]))
        #expect(bytes[4] == 4 && fixture[4] == 3)
        // The catalog's row count and type must match the file.
        #expect(throws: StorageError.self) { _ = try KeyedValues.read(path: Self.fixture, type: .integer, codes: 5) }
        #expect(throws: StorageError.self) { _ = try KeyedValues.read(path: Self.fixture, type: .bigint, codes: 4) }
    }

    @Test("lookups return every code's value or name the first code without one")
    func lookUp() {
        var map = KeyedValues(type: .bigint)
        map.add(code: 5, value: -7)
        map.add(code: 1, value: Int64.max)
        #expect(map.codeCount >= 6)
        if case .success(let values) = map.lookUp([5, 1, 5]) {
            #expect(values == [-7, Int64.max, -7])
        } else {
            Issue.record("a lookup of present codes failed")
        }
        for codes: [Int64] in [[1, 2], [-1], [1_000_000], [Int64.min]] {
            guard case .failure(let miss) = map.lookUp(codes) else {
                Issue.record("codes \(codes) were found")
                continue
            }
            #expect(codes.contains(miss.code))
        }
        map.remove(code: 5)
        #expect(map.value(of: 5) == nil && map.entryCount == 1)
        // An empty map writes an empty side file.
        #expect(throws: Never.self) { _ = try KeyedValues(type: .integer).encoded() }
    }
}
