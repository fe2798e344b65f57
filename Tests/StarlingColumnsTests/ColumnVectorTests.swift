/// Tests of column vectors, builders, validity bitmaps and slicing.

import Testing
@testable import StarlingColumns

@Suite("ColumnVector")
struct ColumnVectorTests {
    @Test("builder keeps values and NULLs for every type")
    func builderRoundTrip() {
        let cases: [(LogicalType, [Value])] = [
            (.boolean, [.boolean(true), .null, .boolean(false)]),
            (.tinyint, [.integer(-128), .integer(127), .null]),
            (.smallint, [.integer(Int64(Int16.min)), .integer(Int64(Int16.max))]),
            (.integer, [.integer(Int64(Int32.min)), .null, .integer(Int64(Int32.max))]),
            (.bigint, [.integer(.min), .integer(.max), .null]),
            (.double, [.double(-0.0), .double(.infinity), .null, .double(1.5)]),
            (.decimal(precision: 12, scale: 2), [.integer(1234), .integer(-5)]),
            (.date, [.integer(0), .integer(-1), .null]),
            (.timestamp, [.integer(1_700_000_000_000_000)]),
            (.varchar, [.string(""), .string("héllo"), .null, .string(String(repeating: "x", count: 1000))]),
        ]
        for (type, values) in cases {
            let vector = ColumnVector(type: type, values: values)
            #expect(vector.count == values.count)
            #expect(vector.values == values, "\(type)")
            #expect(vector.nullCount == values.filter(\.isNull).count)
        }
    }

    @Test("take hands a builder's memory to the vector and empties it; a shared builder is copied, not taken from")
    func take() {
        for type in [LogicalType.tinyint, .integer, .bigint, .double, .varchar] {
            let values: [Value] = (0..<5_000).map { row in
                row % 11 == 0 ? .null : type == .varchar ? .string("s\(row)") : type == .double ? .double(Double(row) / 4) : .integer(Int64(row % 100))
            }
            // Unshared: the memory is handed over.
            var alone = ColumnVectorBuilder(type: type)
            for value in values { alone.append(value) }
            let handedOver = alone.take()
            #expect(handedOver.values == values, "\(type)")
            #expect(alone.count == 0)
            alone.append(values[2])
            #expect(alone.finish().values == [values[2]] && handedOver.values == values)
            // Shared with a copy: the rows are copied.
            var builder = ColumnVectorBuilder(type: type)
            for value in values { builder.append(value) }
            let shared = builder
            let taken = builder.take()
            #expect(taken.values == values, "\(type)")
            #expect(builder.count == 0)
            // The copy made before the take still has every row, and goes on independently.
            var other = shared
            #expect(other.take().values == values, "\(type)")
            builder.append(values[1])
            #expect(builder.finish().values == [values[1]])
            #expect(taken.values == values)
        }
    }

    @Test("a dictionary builder numbers distinct strings, short and long, and goes on plainly past its limit")
    func dictionaryBuilder() {
        let long = String(repeating: "long value ", count: 3)
        let values: [Value] = (0..<3_000).map { row in
            switch row % 7 {
            case 0: return .null
            case 1: return .string("")
            case 2: return .string(long + "\(row % 3)")
            default: return .string(["AIR", "TRUCK", "REG AIR", "1-URGENT", "4-NOT SPECIFIED"][row % 5])
            }
        }
        // Within the limit: a dictionary vector of the distinct strings, in order of first appearance.
        var builder = ColumnVectorBuilder(type: .varchar, dictionaryLimit: 64)
        for value in values { builder.append(value) }
        #expect(builder.isDictionaryCoded)
        let finished = builder.finish()
        let taken = builder.take()
        for vector in [finished, taken] {
            #expect(vector.values == values)
            #expect(vector.nullCount == values.filter(\.isNull).count)
            guard case .dictionary(_, let dictionary) = vector.payload else {
                Issue.record("expected a dictionary payload")
                continue
            }
            // NULL rows hold the empty string, which is also a value here.
            let distinct = Set(values.map { value -> String in
                if case .string(let text) = value { return text }
                return ""
            })
            #expect(dictionary.count == distinct.count)
        }
        #expect(builder.count == 0 && builder.isDictionaryCoded)
        // Past the limit: the rows so far become plain strings, and later ones are appended plainly.
        var small = ColumnVectorBuilder(type: .varchar, dictionaryLimit: 4)
        for value in values { small.append(value) }
        #expect(!small.isDictionaryCoded)
        let plain = small.take()
        #expect(plain.values == values)
        if case .strings = plain.payload {} else { Issue.record("expected plain strings") }
        // Runs of one string (the repeat check) and a string of the same length after them.
        var runs = ColumnVectorBuilder(type: .varchar, dictionaryLimit: 8)
        let runValues: [Value] = [.string("AIR"), .string("AIR"), .string("AIR"), .string("SEA"), .string("SEA"), .null, .string("AIR"), .string(""), .string("")]
        for value in runValues { runs.append(value) }
        #expect(runs.take().values == runValues)
        // Copies of a dictionary builder go on independently.
        var original = ColumnVectorBuilder(type: .varchar, dictionaryLimit: 64)
        original.append(.string("a"))
        var copy = original
        copy.append(.string("b"))
        original.append(.string("c"))
        #expect(original.finish().values == [.string("a"), .string("c")])
        #expect(copy.finish().values == [.string("a"), .string("b")])
    }

    @Test("appending all of a batch's values equals gathering every row, with and without NULLs")
    func appendAll() {
        let values: [Int64] = (0..<1_000).map { Int64($0 * 37 % 200) - 100 }
        for withNulls in [false, true] {
            let nulls = values.indices.map { withNulls && $0 % 9 == 4 }
            for type in [LogicalType.tinyint, .smallint, .integer, .bigint] {
                var whole = ColumnVectorBuilder(type: type)
                var gathered = ColumnVectorBuilder(type: type)
                whole.append(integer: 7)
                gathered.append(integer: 7)
                values.withUnsafeBufferPointer { values in
                    nulls.withUnsafeBufferPointer { nulls in
                        whole.append(values: values, nulls: nulls)
                        let rows = (0..<Int32(values.count)).map { $0 }
                        rows.withUnsafeBufferPointer { gathered.appendGathered(values: values, nulls: nulls, rows: $0) }
                    }
                }
                let expected: [Value] = [.integer(7)] + zip(values, nulls).map { $1 ? .null : .integer($0) }
                #expect(whole.finish().values == expected, "\(type)")
                #expect(gathered.finish().values == expected, "\(type)")
            }
        }
    }

    @Test("scattered moves rows like reordered for every width and for dictionary codes; a permutation must be one")
    func scattered() {
        var random = SplitMix64(seed: 5)
        let count = 3_000
        var order = (0..<count).map { Int32($0) }
        order.shuffle(using: &random)
        guard let permutation = RowPermutation(order: order) else {
            Issue.record("a shuffled range is a permutation")
            return
        }
        #expect(permutation.count == count)
        for (position, row) in order.enumerated() { #expect(permutation.destinations[Int(row)] == Int32(position)) }
        var dictionaryBuilder = ColumnVectorBuilder(type: .varchar, dictionaryLimit: 16)
        for row in 0..<count { dictionaryBuilder.append(.string("v\(row % 9)")) }
        let vectors = [LogicalType.boolean, .tinyint, .smallint, .integer, .bigint, .double].map { type in
            ColumnVector(type: type, values: (0..<count).map { row in
                type == .boolean ? .boolean(row % 3 == 0) : type == .double ? .double(Double(row) * 0.5) : .integer(Int64(row % 100))
            })
        } + [dictionaryBuilder.finish()]
        for vector in vectors {
            #expect(vector.scattered(permutation)?.values == vector.reordered(order).values, "\(vector.type)")
        }
        // Plain strings and vectors with NULLs are left to reordered.
        #expect(ColumnVector(type: .varchar, values: (0..<count).map { .string("\($0)") }).scattered(permutation) == nil)
        #expect(ColumnVector(type: .integer, values: (0..<count).map { $0 == 7 ? .null : .integer(Int64($0)) }).scattered(permutation) == nil)
        // Not permutations: a repeated row, a row out of range.
        #expect(RowPermutation(order: [0, 1, 1]) == nil)
        #expect(RowPermutation(order: [0, 3, 1]) == nil)
        #expect(RowPermutation(order: [0, -1, 1]) == nil)
        #expect(RowPermutation(order: [])?.count == 0)
    }

    @Test("slice copies a run of rows with their validity")
    func slice() {
        let values: [Value] = (0..<100).map { $0 % 7 == 0 ? .null : .string("v\($0)") }
        let vector = ColumnVector(type: .varchar, values: values)
        let part = vector.slice(10..<75)
        #expect(part.values == Array(values[10..<75]))
        let numbers = ColumnVector(type: .integer, values: (0..<100).map { .integer(Int64($0)) })
        #expect(numbers.slice(99..<100).values == [.integer(99)])
        #expect(numbers.slice(5..<5).count == 0)
    }

    @Test("concatenation keeps every value and NULL in order, for fixed widths, strings and dictionary codes")
    func concatenation() {
        let wide: [[Value]] = [[.integer(1), .null], [], [.integer(-3), .integer(Int64.max), .null], [.integer(7)]]
        let joinedWide = ColumnVector.concatenate(wide.map { ColumnVector(type: .bigint, values: $0) }, type: .bigint)
        #expect(joinedWide.values == wide.flatMap { $0 })
        let days: [[Value]] = [[.integer(20148)], [.null, .integer(-1)], [.integer(0), .integer(2_000_000)]]
        let joinedDays = ColumnVector.concatenate(days.map { ColumnVector(type: .date, values: $0) }, type: .date)
        #expect(joinedDays.values == days.flatMap { $0 })
        #expect(joinedDays.nullCount == 1)
        let dictionary = StringStorage(["AMERICA", "ASIA"])
        let codes = [UInt32](arrayLiteral: 1, 0).withUnsafeBytes { ByteStorage(copying: $0) }
        let coded = ColumnVector(type: .varchar, count: 2, payload: .dictionary(codes: codes, dictionary: dictionary), validity: nil)
        let plain = ColumnVector(type: .varchar, values: [.null, .string(""), .string("Ünïcödé")])
        let joined = ColumnVector.concatenate([plain, coded, plain], type: .varchar)
        #expect(joined.values == plain.values + [.string("ASIA"), .string("AMERICA")] + plain.values)
        #expect(ColumnVector.concatenate([], type: .double).count == 0)
    }

    @Test("dictionary payload reads through its codes")
    func dictionaryPayload() {
        let dictionary = StringStorage(["AMERICA", "ASIA"])
        let codes = [UInt32](arrayLiteral: 1, 0, 1).withUnsafeBytes { ByteStorage(copying: $0) }
        let vector = ColumnVector(type: .varchar, count: 3, payload: .dictionary(codes: codes, dictionary: dictionary), validity: nil)
        #expect(vector.values == [.string("ASIA"), .string("AMERICA"), .string("ASIA")])
    }
}

@Suite("ValidityBitmap")
struct ValidityBitmapTests {
    @Test("counts NULLs across word boundaries")
    func nullCount() {
        for count in [0, 1, 63, 64, 65, 130] {
            let bitmap = ValidityBitmap(allValid: count)
            #expect(bitmap.nullCount == 0)
            var expected = 0
            for row in stride(from: 0, to: count, by: 3) {
                bitmap.set(row, valid: false)
                expected += 1
            }
            #expect(bitmap.nullCount == expected)
            #expect(ValidityBitmap(allNull: count).nullCount == count)
        }
    }
}

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test("converts days to dates and back")
    func roundTrip() {
        #expect(CalendarDate(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(CalendarDate(daysSinceEpoch: -1).description == "1969-12-31")
        #expect(CalendarDate(year: 1992, month: 1, day: 1).daysSinceEpoch == 8035)
        #expect(CalendarDate(year: 2000, month: 2, day: 29).daysSinceEpoch == 11016)
        for days in stride(from: Int64(-800_000), to: 800_000, by: 997) {
            #expect(CalendarDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
    }

    @Test("formats values as SQL prints them")
    func formatting() {
        #expect(Value.integer(-1205).formatted(as: .decimal(precision: 10, scale: 2)) == "-12.05")
        #expect(Value.integer(5).formatted(as: .decimal(precision: 10, scale: 3)) == "0.005")
        #expect(Value.integer(.min).formatted(as: .decimal(precision: 18, scale: 2)) == "-92233720368547758.08")
        #expect(Value.integer(0).formatted(as: .timestamp) == "1970-01-01 00:00:00")
        #expect(Value.integer(-1).formatted(as: .timestamp) == "1969-12-31 23:59:59.999999")
        #expect(Value.integer(8035).formatted(as: .date) == "1992-01-01")
        #expect(Value.double(2.5).formatted(as: .double) == "2.5")
        #expect(LogicalType.decimal(precision: 12, scale: 2).description == "DECIMAL(12,2)")
    }
}
