/// Stable row orders by key columns, and vectors copied into that order.

import Testing
@testable import StarlingColumns

@Suite("SortOrder")
struct SortOrderTests {
    /// The order a comparison sort gives: by each key's values in turn (NULLs last), then by row.
    static func expected(_ keys: [[Value]], type: [LogicalType]) -> [Int32] {
        let count = keys.first?.count ?? 0
        func compare(_ a: Value, _ b: Value) -> Int {
            switch (a, b) {
            case (.null, .null): return 0
            case (.null, _): return 1
            case (_, .null): return -1
            case (.integer(let x), .integer(let y)): return x < y ? -1 : (x == y ? 0 : 1)
            case (.boolean(let x), .boolean(let y)): return x == y ? 0 : (x ? 1 : -1)
            case (.double(let x), .double(let y)): return x < y ? -1 : (x == y ? 0 : 1)
            case (.string(let x), .string(let y)):
                let left = Array(x.utf8), right = Array(y.utf8)
                return left == right ? 0 : (left.lexicographicallyPrecedes(right) ? -1 : 1)
            default: return 0
            }
        }
        return (0..<count).sorted { left, right in
            for key in keys {
                let order = compare(key[left], key[right])
                if order != 0 { return order < 0 }
            }
            return left < right
        }.map { Int32($0) }
    }

    @Test("one key of each type sorts ascending, NULLs last, equal values in input order",
          arguments: [LogicalType.boolean, .tinyint, .smallint, .integer, .bigint, .double, .date, .varchar])
    func singleKey(type: LogicalType) {
        var random = SplitMix64(seed: 42)
        let values: [Value] = (0..<3000).map { _ in
            let draw = random.next()
            if draw % 11 == 0 { return .null }
            let number = Int64(bitPattern: draw >> 3) % 200 - 100
            switch type {
            case .boolean: return .boolean(number > 0)
            case .double: return .double(Double(number) / 4)
            case .varchar: return .string(number < 0 ? "n\(-number)" : "p\(number)x")
            case .bigint: return .integer(number * 90_000_000_000_000_000 / 100)
            default: return .integer(number)
            }
        }
        let vector = ColumnVector(type: type, values: values)
        #expect(SortOrder.stable(by: [vector]) == Self.expected([values], type: [type]))
    }

    @Test("several keys: the first decides, the next break its ties")
    func severalKeys() {
        var random = SplitMix64(seed: 9)
        let first: [Value] = (0..<2000).map { _ in .integer(Int64(random.next() % 5)) }
        let second: [Value] = (0..<2000).map { _ in random.next() % 7 == 0 ? .null : .string(["b", "a", "ab", ""][Int(random.next() % 4)]) }
        let third: [Value] = (0..<2000).map { _ in .integer(Int64(random.next() % 100_000) - 50_000) }
        let keys = [ColumnVector(type: .integer, values: first), ColumnVector(type: .varchar, values: second), ColumnVector(type: .bigint, values: third)]
        #expect(SortOrder.stable(by: keys) == Self.expected([first, second, third], type: [.integer, .varchar, .bigint]))
    }

    @Test("the extremes of a 64-bit key and doubles' signs, zeros and infinities sort by value")
    func extremes() {
        let integers: [Value] = [.integer(.max), .integer(0), .integer(.min), .integer(-1), .integer(.max), .integer(1)]
        #expect(SortOrder.stable(by: [ColumnVector(type: .bigint, values: integers)]) == [2, 3, 1, 5, 0, 4])
        let doubles: [Value] = [.double(.infinity), .double(-0.5), .double(0), .double(-.infinity), .double(1e-300), .double(-1e300)]
        #expect(SortOrder.stable(by: [ColumnVector(type: .double, values: doubles)]) == [3, 5, 1, 2, 4, 0])
        #expect(SortOrder.stable(by: [ColumnVector(type: .integer, values: [])]) == [])
        #expect(SortOrder.stable(by: [ColumnVector(type: .integer, values: [.null, .null])]) == [0, 1])
    }

    @Test("reordered copies rows, NULLs and dictionary codes into the given order")
    func reordered() {
        let order: [Int32] = [3, 0, 0, 2]
        for (type, values) in [
            (LogicalType.integer, [Value.integer(1), .null, .integer(3), .integer(4)]),
            (.tinyint, [.integer(-1), .integer(2), .null, .integer(4)]),
            (.double, [.double(1.5), .double(2), .double(-3), .null]),
            (.varchar, [.string("a"), .null, .string(""), .string("dd")]),
        ] {
            let vector = ColumnVector(type: type, values: values)
            #expect(vector.reordered(order).values == order.map { values[Int($0)] }, "\(type)")
        }
        let dictionary = StringStorage(["x", "y"])
        let codes = ByteStorage(capacity: 3, of: UInt32.self)
        _ = codes.typed(UInt32.self, count: 3).initialize(from: [1, 0, 1])
        let coded = ColumnVector(type: .varchar, count: 3, payload: .dictionary(codes: codes, dictionary: dictionary), validity: nil)
        #expect(coded.reordered([1, 2, 0]).values == [.string("x"), .string("y"), .string("y")])
    }
}
