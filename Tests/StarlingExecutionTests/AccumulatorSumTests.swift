/// Tests of integer sums that run past BIGINT on the way: each path widens to 128 bits and gives
/// the exact total, and only a total past 64 bits is an error; and of averages over many groups.

import StarlingColumns
import Testing

@testable import StarlingExecution

@Suite("Accumulator sums")
struct AccumulatorSumTests {
    private static let big = Int64.max

    private func sum(_ type: LogicalType = .bigint, distinct: Bool = false) -> Accumulator {
        let result: LogicalType = Cast.decimalScale(type).map { .decimal(precision: 18, scale: $0) } ?? .bigint
        return Accumulator(
            AggregateSpecification(
                function: .sum, argument: .column(0, type), distinct: distinct, filter: nil, type: result))
    }

    private func values(_ numbers: [Int64?], type: LogicalType = .bigint) -> Vector {
        Vector(type: type, values: numbers.map { $0.map(Value.integer) ?? .null })
    }

    @Test("a running sum past BIGINT ends exact on every update path", arguments: [1, 300])
    func updatePaths(groupCount: Int) throws {
        // With one group the lanes sum; with 300 the row loop does; the NULL takes the checked loop.
        let rows: [Int64?] = [Self.big, 10, -100]
        for withNull in [false, true] {
            let accumulator = sum()
            accumulator.resize(groupCount)
            let input = withNull ? rows + [nil] : rows
            let groups = [Int32](repeating: Int32(groupCount - 1), count: input.count)
            var histogram = [Int64](repeating: 0, count: groupCount)
            histogram[groupCount - 1] = Int64(input.count)
            try accumulator.update(
                groups: groups, argument: values(input), included: nil, histogram: withNull ? nil : histogram)
            #expect(try accumulator.result(groupCount - 1) == .integer(Self.big - 90))
            let vector = try accumulator.results(count: groupCount, type: .bigint)
            #expect(vector.value(at: groupCount - 1) == .integer(Self.big - 90))
        }
    }

    @Test("chunks that each fit but add past BIGINT, then back")
    func acrossChunks() throws {
        let accumulator = sum()
        accumulator.resize(1)
        for chunk: [Int64?] in [[Self.big], [Self.big], [-Self.big, -5]] {
            try accumulator.update(
                groups: [Int32](repeating: 0, count: chunk.count), argument: values(chunk), included: nil)
        }
        #expect(try accumulator.result(0) == .integer(Self.big - 5))
    }

    @Test("DISTINCT sums widen too")
    func distinct() throws {
        let accumulator = sum(distinct: true)
        accumulator.resize(1)
        try accumulator.update(groups: [0, 0, 0, 0], argument: values([Self.big, 10, 10, -100]), included: nil)
        #expect(try accumulator.result(0) == .integer(Self.big - 90))
    }

    @Test("merging workers' sums past BIGINT, in either direction")
    func merge() throws {
        let left = sum()
        let right = sum()
        let third = sum()
        for accumulator in [left, right, third] { accumulator.resize(2) }
        try left.update(groups: [0, 1], argument: values([Self.big, 1]), included: nil)
        try right.update(groups: [0, 1], argument: values([Self.big, 2]), included: nil)
        try third.update(groups: [1, 0], argument: values([3, -Self.big]), included: nil)
        try left.merge(right, mapping: [0, 1])  // group 0 now past BIGINT
        try left.merge(third, mapping: [0, 1])  // and back
        #expect(try left.result(0) == .integer(Self.big))
        #expect(try left.result(1) == .integer(6))
        // A widened side merged into a narrow one.
        let narrow = sum()
        narrow.resize(1)
        try narrow.update(groups: [0], argument: values([-Self.big]), included: nil)
        let wide = sum()
        wide.resize(1)
        try wide.update(groups: [0, 0], argument: values([Self.big, Self.big]), included: nil)
        try narrow.merge(wide, mapping: [0])
        #expect(try narrow.result(0) == .integer(Self.big))
    }

    @Test("a total past 64 bits is an error naming the total")
    func overflow() throws {
        let accumulator = sum()
        accumulator.resize(1)
        try accumulator.update(groups: [0, 0], argument: values([Self.big, 10]), included: nil)
        #expect(throws: QueryError.self) { try accumulator.result(0) }
        #expect(throws: QueryError.self) { try accumulator.results(count: 1, type: .bigint) }
        // DECIMAL(18,1): 2 × 99999999999999999.9 has 19 digits, which 64 bits hold (TPC-H Q1's
        // charge total at SF 10 is such a sum); 10 × it does not fit.
        let decimal = LogicalType.decimal(precision: 18, scale: 1)
        let decimals = sum(decimal)
        decimals.resize(2)
        let nines: Int64 = 999_999_999_999_999_999
        try decimals.update(
            groups: [0, 0] + [Int32](repeating: 1, count: 10),
            argument: values([Int64](repeating: nines, count: 12), type: decimal), included: nil)
        #expect(try decimals.result(0) == .integer(2 * nines))
        #expect(throws: QueryError.self) { try decimals.results(count: 2, type: decimal) }
        do {
            _ = try decimals.result(1)
            Issue.record("a total past 64 bits gave a value")
        } catch {
            #expect("\(error)".contains("999999999999999999.0"))
        }
    }

    @Test("averages of many groups come out as one vector, equal to each group's own result")
    func averagesVector() throws {
        let decimal = LogicalType.decimal(precision: 12, scale: 2)
        let average = Accumulator(
            AggregateSpecification(
                function: .avg, argument: .column(0, decimal), distinct: false, filter: nil, type: .double))
        average.resize(4)
        // Group 0: 1.25 and 2.50; group 1: nothing (NULL); group 2: past BIGINT on the way; group 3: -0.01.
        try average.update(
            groups: [0, 0, 2, 2, 2, 3, 1],
            argument: values([125, 250, Self.big, Self.big, -5, -1, nil], type: decimal),
            included: nil)
        let vector = try average.results(count: 4, type: .double)
        for group in 0..<4 { #expect(vector.value(at: group) == (try average.result(group)), "group \(group)") }
        #expect(vector.value(at: 0) == .double(1.875))
        #expect(vector.isNull(1))
        let doubles = Accumulator(
            AggregateSpecification(
                function: .avg, argument: .column(0, .double), distinct: false, filter: nil, type: .double))
        doubles.resize(2)
        try doubles.update(
            groups: [0, 0, 1], argument: Vector(type: .double, values: [.double(1), .double(2), .null]), included: nil)
        let doubleVector = try doubles.results(count: 2, type: .double)
        #expect(doubleVector.value(at: 0) == .double(1.5))
        #expect(doubleVector.isNull(1))
    }
}
