/// Tests of the operators' running state: key tables, aggregation, join tables, sorting, set operations.

import Testing
@testable import StarlingExecution
import StarlingColumns

@Suite("Operator state")
struct OperatorStateTests {
    @Test("the key table numbers tuples densely and survives growth")
    func keyTable() {
        let table = KeyTable(width: 2)
        var numbers: [Int32] = []
        for value in 0..<10_000 {
            let key: [Int64] = [Int64(value % 5000), 0]
            numbers.append(key.withUnsafeBufferPointer { table.findOrInsert($0.baseAddress!) })
        }
        #expect(table.count == 5000)
        #expect(numbers[0..<5000] == numbers[5000..<10_000])
        let missing: [Int64] = [7777, 0]
        #expect(missing.withUnsafeBufferPointer { table.find($0.baseAddress!) } == -1)
    }

    @Test("NULL keys group together; workers' partial aggregates merge")
    func aggregation() throws {
        let groups = [BoundExpression.column(0, .varchar)]
        let aggregates = [
            AggregateSpecification(function: .countStar, argument: nil, distinct: false, filter: nil, type: .bigint),
            AggregateSpecification(function: .sum, argument: .column(1, .integer), distinct: false, filter: nil, type: .bigint),
            AggregateSpecification(function: .count, argument: .column(1, .integer), distinct: true, filter: nil, type: .bigint),
            AggregateSpecification(function: .max, argument: .column(0, .varchar), distinct: false, filter: nil, type: .varchar),
        ]
        let first = AggregateState(groups: groups, aggregates: aggregates)
        let second = AggregateState(groups: groups, aggregates: aggregates)
        try first.consume(Chunk(columns: [Vector(type: .varchar, values: [.string("a"), .null, .string("a")]), Vector(type: .integer, values: [.integer(1), .integer(2), .null])], count: 3))
        try second.consume(Chunk(columns: [Vector(type: .varchar, values: [.null, .string("b"), .string("a")]), Vector(type: .integer, values: [.integer(5), .integer(7), .integer(1)])], count: 3))
        try first.merge(second)
        let result = try first.finish(types: [.varchar, .bigint, .bigint, .bigint, .varchar])
        var rows: [[Value]] = (0..<result.count).map { result.row($0) }
        rows.sort { $0[0].formatted(as: .varchar) < $1[0].formatted(as: .varchar) }
        #expect(rows == [
            [.null, .integer(2), .integer(7), .integer(2), .null],
            [.string("a"), .integer(3), .integer(2), .integer(1), .string("a")],
            [.string("b"), .integer(1), .integer(7), .integer(1), .string("b")],
        ])
    }

    @Test("strings numbered through a large dictionary whole group with the same strings from elsewhere")
    func wholeDictionaryNumbering() throws {
        // A build side's column: 6,000 entries, where entry i holds "k\(i % 3000)" (each string twice).
        let size = 6000
        let dictionary = StringStorage((0..<size).map { "k\($0 % 3000)" })
        let strings = SharedStringInterner(columns: 2)
        let groups = [BoundExpression.column(0, .varchar), .column(1, .integer)]
        let count = [AggregateSpecification(function: .countStar, argument: nil, distinct: false, filter: nil, type: .bigint)]
        let first = AggregateState(groups: groups, aggregates: count, strings: strings)
        let second = AggregateState(groups: groups, aggregates: count, strings: strings)
        // Rows coded into the dictionary (each worker's first chunk before it is numbered whole,
        // later ones after), one NULL per chunk; the same strings plain and in a small dictionary.
        for start in stride(from: 0, to: size, by: 500) {
            let codes = (start..<(start + 500)).map { UInt32($0) }
            let nulls = (0..<500).map { $0 == 7 }
            let vector = Vector(type: .varchar, count: 500, data: .dictionary(codes: codes, dictionary: dictionary), nulls: nulls)
            let chunk = Chunk(columns: [vector, Vector(type: .integer, values: Array(repeating: .integer(1), count: 500))], count: 500)
            try (start % 1000 == 0 ? first : second).consume(chunk)
        }
        let plain = Vector(type: .varchar, values: [.string("k5"), .string("k2999"), .string("new")])
        try second.consume(Chunk(columns: [plain, Vector(type: .integer, values: Array(repeating: .integer(1), count: 3))], count: 3))
        let small = Vector(type: .varchar, count: 2, data: .dictionary(codes: [1, 0], dictionary: StringStorage(["k5", "k6"])), nulls: nil)
        try first.consume(Chunk(columns: [small, Vector(type: .integer, values: [.integer(1), .integer(2)])], count: 2))
        try first.merge(second)
        let result = try first.finish(types: [.varchar, .integer, .bigint])
        var counts: [String: Int64] = [:]
        for row in 0..<result.count {
            let values = result.row(row)
            guard case .integer(let number) = values[2] else { continue }
            counts[values[0].formatted(as: .varchar) + "|" + values[1].formatted(as: .varchar), default: 0] += number
        }
        // Codes 7, 507, …, 5507 are NULL: k7, k507, …, k2507 (two codes each) never occur.
        #expect(result.count == 2994 + 3)
        #expect(counts["k5|1"] == 3)
        #expect(counts["k5|2"] == 1)
        #expect(counts["k6|1"] == 3)
        #expect(counts["k2999|1"] == 3)
        #expect(counts["new|1"] == 1)
        #expect(counts["NULL|1"] == 12)
        #expect(counts["k7|1"] == nil)
        #expect(counts["k1|1"] == 2)
    }

    @Test("avg over BIGINT stays exact past BIGINT's range, within a worker and through a merge")
    func averageCarries() throws {
        let average = [AggregateSpecification(function: .avg, argument: .column(0, .bigint), distinct: false, filter: nil, type: .double)]
        let first = AggregateState(groups: [], aggregates: average)
        let second = AggregateState(groups: [], aggregates: average)
        let large = Vector(type: .bigint, values: Array(repeating: .integer(Int64.max), count: 3))
        try first.consume(Chunk(columns: [large], count: 3))
        try second.consume(Chunk(columns: [large], count: 3))
        try second.consume(Chunk(columns: [Vector(type: .bigint, values: [.integer(Int64.max - 6)])], count: 1))
        try first.merge(second)
        let result = try first.finish(types: [.double])
        // (7 × (2⁶³ − 1) − 6) / 7 = 2⁶³ − 1 − 6/7.
        #expect(result.row(0) == [.double(Double(Int64.max))])
        // Negative sums, with and without passing BIGINT's range, merged.
        let third = AggregateState(groups: [], aggregates: average)
        let fourth = AggregateState(groups: [], aggregates: average)
        try third.consume(Chunk(columns: [Vector(type: .bigint, values: [.integer(-3), .integer(-1)])], count: 2))
        try fourth.consume(Chunk(columns: [Vector(type: .bigint, values: [.integer(Int64.min), .integer(Int64.min)])], count: 2))
        try fourth.consume(Chunk(columns: [Vector(type: .bigint, values: [.integer(Int64.max), .integer(Int64.max), .integer(4)])], count: 3))
        try third.merge(fourth)
        // (-3 - 1 - 2⁶⁴ + 2⁶⁴ - 2 + 4) / 7 = -2 / 7.
        #expect(try third.finish(types: [.double]).row(0) == [.double(-2.0 / 7.0)])
    }

    @Test("small integer and dictionary keys take the direct-mapped path with the same answer")
    func directMappedGroups() throws {
        let dictionary = StringStorage(["ASIA", "EUROPE"])
        let region = Vector(type: .varchar, count: 6, data: .dictionary(codes: [0, 1, 0, 0, 1, 1], dictionary: dictionary), nulls: [false, false, false, true, false, false])
        let year = Vector(type: .integer, values: [.integer(1993), .integer(1993), .integer(1994), .integer(1993), .null, .integer(1993)])
        let state = AggregateState(groups: [.column(0, .varchar), .column(1, .integer)], aggregates: [
            AggregateSpecification(function: .countStar, argument: nil, distinct: false, filter: nil, type: .bigint),
        ])
        let chunk = Chunk(columns: [region, year], count: 6)
        try state.consume(chunk)
        try state.consume(chunk)
        let result = try state.finish(types: [.varchar, .integer, .bigint])
        let rows = Set((0..<result.count).map { result.row($0).map { $0.formatted(as: .varchar) }.joined(separator: "|") })
        #expect(rows == ["ASIA|1993|2", "EUROPE|1993|4", "ASIA|1994|2", "NULL|1993|2", "EUROPE|NULL|2"])
    }

    @Test("a star join takes every row without tests only when every code is a known dimension row")
    func knownRows() {
        #expect(QueryExecutor.knownRows([1, 3, 2, 3], dimensionCount: 3) == [0, 2, 1, 2])
        #expect(QueryExecutor.knownRows([], dimensionCount: 0) == [])
        #expect(QueryExecutor.knownRows([1, 0, 2], dimensionCount: 3) == nil)
        #expect(QueryExecutor.knownRows([1, 4], dimensionCount: 3) == nil)
        #expect(QueryExecutor.knownRows([-5, 1], dimensionCount: 3) == nil)
        #expect(QueryExecutor.knownRows([.min, .max], dimensionCount: 3) == nil)
    }

    @Test("a global aggregate over no rows has one row: count 0, sum NULL")
    func emptyAggregate() throws {
        let state = AggregateState(groups: [], aggregates: [
            AggregateSpecification(function: .countStar, argument: nil, distinct: false, filter: nil, type: .bigint),
            AggregateSpecification(function: .sum, argument: .column(0, .integer), distinct: false, filter: nil, type: .bigint),
        ])
        let result = try state.finish(types: [.bigint, .bigint])
        #expect(result.count == 1)
        #expect(result.row(0) == [.integer(0), .null])
    }

    @Test("the join table finds every build row per key and never matches NULL")
    func joinTable() throws {
        let build = Chunk(columns: [Vector(type: .integer, values: [.integer(1), .integer(2), .integer(1), .null])], count: 4)
        let table = try HashJoinTable(rows: build, keys: [.column(0, .integer)])
        let probe = Vector(type: .integer, values: [.integer(1), .null, .integer(3), .integer(2)])
        let (probeRows, buildRows) = try table.probe([probe], count: 4)
        #expect(probeRows == [0, 0, 3])
        #expect(buildRows == [0, 2, 1])
    }

    @Test("integer keys packed into one value match exactly: NULLs, out-of-range and extreme values")
    func packedJoinKeys() throws {
        // Build rows (a, b): negative values, a repeated pair, a NULL in each key.
        let a: [Value] = [.integer(-5), .integer(7), .integer(7), .integer(-5), .null, .integer(0)]
        let b: [Value] = [.integer(100), .integer(100), .integer(101), .integer(100), .integer(100), .null]
        let build = Chunk(columns: [Vector(type: .bigint, values: a), Vector(type: .bigint, values: b)], count: 6)
        let table = try HashJoinTable(rows: build, keys: [.column(0, .bigint), .column(1, .bigint)])
        let probeA = Vector(type: .bigint, values: [.integer(-5), .integer(7), .integer(8), .integer(Int64.min), .integer(7), .null, .integer(0)])
        let probeB = Vector(type: .bigint, values: [.integer(100), .integer(101), .integer(100), .integer(100), .integer(Int64.max), .integer(100), .integer(0)])
        let (probeRows, buildRows) = try table.probe([probeA, probeB], count: 7)
        #expect(probeRows == [0, 0, 1])
        #expect(buildRows == [0, 3, 2])
        #expect(try table.matchingRows([probeA, probeB], count: 7) == [0, 1])
        // Spans too wide to pack together still join (through the lead key or the key table).
        let wide = Chunk(columns: [Vector(type: .bigint, values: [.integer(Int64.min), .integer(Int64.max)]),
                                   Vector(type: .bigint, values: [.integer(Int64.max), .integer(1)])], count: 2)
        let wideTable = try HashJoinTable(rows: wide, keys: [.column(0, .bigint), .column(1, .bigint)])
        let found = try wideTable.probe([Vector(type: .bigint, values: [.integer(Int64.max)]), Vector(type: .bigint, values: [.integer(1)])], count: 1)
        #expect(found.build == [1])
    }

    @Test("a cancel stops string ranking, a top-N and the merge of string groups part way")
    func cancelInsideLongSteps() throws {
        let control = QueryControl()
        control.cancel()
        let texts = (0..<200_000).map { "text \($0 % 70_000)" }
        #expect(throws: QueryError.self) { _ = try Sorter.ranksOf(count: texts.count, control: control) { _ in UnsafeRawBufferPointer(start: nil, count: 0) } }
        let indices = (0..<200_000).map { Int32($0) }
        #expect(throws: QueryError.self) { _ = try Sorter.topN(indices, limit: 5, by: { $0 < $1 }, control: control) }
        let groups = [BoundExpression.column(0, .varchar)]
        let first = AggregateState(groups: groups, aggregates: [])
        let second = AggregateState(groups: groups, aggregates: [])
        let chunk = Chunk(columns: [Vector(type: .varchar, values: texts.map { .string($0) })], count: texts.count)
        try second.consume(chunk)
        #expect(throws: QueryError.self) { try first.merge(second, control: control) }
        // Without a cancel, the same steps finish.
        #expect(try Sorter.topN(indices, limit: 2, by: { $0 < $1 }, control: QueryControl()) == [0, 1])
    }

    @Test("sorting is stable, NULLs last unless asked, strings in byte order; top-N agrees")
    func sorting() throws {
        let chunk = Chunk(columns: [
            Vector(type: .varchar, values: [.string("b"), .null, .string("a"), .string("b"), .string("B")]),
            Vector(type: .integer, values: [.integer(1), .integer(2), .integer(3), .integer(4), .integer(5)]),
        ], count: 5)
        let ascending = [SortKey(expression: .column(0, .varchar), descending: false, nullsFirst: false)]
        #expect(try Sorter.order(chunk, keys: ascending, limit: nil) == [4, 2, 0, 3, 1])
        let descending = [SortKey(expression: .column(0, .varchar), descending: true, nullsFirst: true)]
        #expect(try Sorter.order(chunk, keys: descending, limit: nil) == [1, 0, 3, 2, 4])
        let indices: [Int32] = Array(0..<1000).map { Int32(($0 * 7919) % 1000) }
        let top = try Sorter.topN(indices, limit: 5) { $0 < $1 }
        #expect(top == [0, 1, 2, 3, 4])
    }

    @Test("sorting in runs merged pairwise equals one sort, and stops when cancelled")
    func sortedInRuns() throws {
        var generator = SplitMix64(seed: 7)
        let values = (0..<200_003).map { _ in Int(generator.next() % 5000) }
        let less: (Int32, Int32) -> Bool = { values[Int($0)] != values[Int($1)] ? values[Int($0)] < values[Int($1)] : $0 < $1 }
        let rows = (0..<Int32(values.count)).map { $0 }
        #expect(try Sorter.sortedInRuns(rows, by: less, control: nil) == rows.sorted(by: less))
        let control = QueryControl()
        control.cancel()
        #expect(throws: QueryError.self) { try Sorter.sortedInRuns(rows, by: less, control: control) }
    }

    @Test("UNION removes duplicates, EXCEPT ALL and INTERSECT ALL count them")
    func setOperations() throws {
        func chunk(_ values: [Int64]) -> Chunk { Chunk(columns: [Vector(type: .integer, values: values.map(Value.integer))], count: values.count) }
        func values(_ chunk: Chunk) -> [Value] { (0..<chunk.count).map { chunk.columns[0].value(at: $0) } }
        #expect(values(try SetOperations.run(.union, all: false, left: [chunk([1, 2, 2])], right: [chunk([2, 3])], types: [.integer])) == [.integer(1), .integer(2), .integer(3)])
        #expect(values(try SetOperations.run(.except, all: true, left: [chunk([1, 2, 2])], right: [chunk([2])], types: [.integer])) == [.integer(1), .integer(2)])
        #expect(values(try SetOperations.run(.intersect, all: false, left: [chunk([1, 2, 2])], right: [chunk([2, 3])], types: [.integer])) == [.integer(2)])
    }

    @Test("zone maps rule out only what cannot match")
    func zoneMaps() {
        #expect(ZoneMap.excludes(.equal, .integer(5), minimum: .integer(6), maximum: .integer(9), type: .integer))
        #expect(!ZoneMap.excludes(.equal, .integer(6), minimum: .integer(6), maximum: .integer(9), type: .integer))
        #expect(ZoneMap.excludes(.less, .integer(6), minimum: .integer(6), maximum: .integer(9), type: .integer))
        #expect(!ZoneMap.excludes(.lessOrEqual, .integer(6), minimum: .integer(6), maximum: .integer(9), type: .integer))
        #expect(ZoneMap.excludes(.greater, .integer(9), minimum: .integer(6), maximum: .integer(9), type: .integer))
        #expect(!ZoneMap.excludes(.greater, .integer(9), minimum: .integer(6), maximum: .null, type: .integer))
    }
}
