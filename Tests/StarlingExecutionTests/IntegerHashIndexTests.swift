/// Tests of the integer hash index behind typed joins and GROUP BY: direct and hashed modes,
/// widening, leaving direct mode, NULL's number, and the join and aggregate paths that use it.

import Testing
@testable import StarlingExecution
import StarlingColumns

@Suite("Integer hash index")
struct IntegerHashIndexTests {
    /// Numbers `keys` through a fresh index and through a dictionary, and checks they agree. The
    /// first `batch` keys go in as one batch (which makes the index direct when they are narrow),
    /// the others one by one.
    func checkNumbering(_ keys: [Int64], batch: Int = 0) {
        let index = IntegerHashIndex(expected: 4)
        var numbers = [Int32](repeating: -1, count: keys.count)
        keys.withUnsafeBufferPointer { keys in
            numbers.withUnsafeMutableBufferPointer { numbers in
                index.findOrInsert(UnsafeBufferPointer(rebasing: keys[0..<batch]), nulls: nil, into: numbers)
            }
        }
        for row in batch..<keys.count { numbers[row] = index.findOrInsert(keys[row]) }
        var expected: [Int64: Int32] = [:]
        for (key, number) in zip(keys, numbers) {
            let wanted = expected[key] ?? Int32(expected.count)
            expected[key] = wanted
            #expect(number == wanted, "key \(key)")
        }
        #expect(index.count == expected.count)
        for (key, number) in expected {
            #expect(index.find(key) == number)
            #expect(index.keys[Int(number)] == key)
        }
        #expect(index.find(Int64.min) == (expected[Int64.min] ?? -1))
    }

    @Test("dense keys stay direct and agree with a dictionary, in any order")
    func dense() {
        checkNumbering((0..<5000).map { Int64($0 % 1000) * 3 }, batch: 5000)
        checkNumbering((0..<5000).map { Int64($0 % 1000) * 3 }, batch: 1000)
        checkNumbering((0..<5000).map { Int64(4000 - $0) }, batch: 100)
        checkNumbering((0..<2000).map { Int64($0 % 7) - 3 }, batch: 3)
    }

    @Test("an index reserved for all keys numbers them alike, arriving in batches, dense or sparse")
    func reservedBatches() {
        let dense: [Int64] = (0..<5_000).map { Int64($0 * 7 % 5_000) }
        let sparse: [Int64] = (0..<5_000).map { Int64($0) * 1_000_003 - 40_000 }
        for keys in [dense, sparse] {
            let index = IntegerHashIndex(expected: keys.count)
            index.reserve(keys: keys.count, low: keys.min() ?? 0, high: keys.max() ?? 0)
            var numbers = [Int32](repeating: -1, count: keys.count)
            keys.withUnsafeBufferPointer { keys in
                numbers.withUnsafeMutableBufferPointer { numbers in
                    for start in stride(from: 0, to: keys.count, by: 700) {
                        let end = min(keys.count, start + 700)
                        let slice = UnsafeBufferPointer<Int64>(rebasing: keys[start..<end])
                        let into = UnsafeMutableBufferPointer<Int32>(rebasing: numbers[start..<end])
                        index.findOrInsert(slice, nulls: nil, into: into)
                    }
                }
            }
            #expect(index.count == Set(keys).count)
            for (key, number) in zip(keys, numbers) { #expect(index.find(key) == number) }
        }
    }

    @Test("keys spread out at first turn direct once dense enough, with NULL, and keep their numbers")
    func becomesDirectWhenDense() {
        // Small batches across 0..<200,000 (too sparse for direct slots at first), then every key.
        var keys: [Int64] = (0..<64).map { Int64($0) * 3_125 }
        keys += (0..<200_000).map { Int64(($0 * 7_919) % 200_000) }
        let index = IntegerHashIndex()
        var numbers = [Int32](repeating: -1, count: keys.count)
        keys.withUnsafeBufferPointer { keys in
            numbers.withUnsafeMutableBufferPointer { numbers in
                for start in stride(from: 0, to: keys.count, by: 64) {
                    let end = min(keys.count, start + 64)
                    index.findOrInsert(
                        UnsafeBufferPointer(rebasing: keys[start..<end]), nulls: nil,
                        into: UnsafeMutableBufferPointer(rebasing: numbers[start..<end]))
                    if start == 0 { _ = index.findOrInsertNull() }
                }
            }
        }
        var expected: [Int64: Int32] = [:]
        var next: Int32 = 0
        for (position, key) in keys.enumerated() {
            if expected[key] == nil {
                expected[key] = next
                next += position == 63 ? 2 : 1  // NULL took the number after the first batch.
            }
        }
        #expect(index.count == 200_001)
        #expect(zip(keys, numbers).allSatisfy { expected[$0.0] == $0.1 })
        #expect(index.find(Int64(199_999)) == expected[199_999])
        #expect(index.find(Int64(200_000)) == -1)
        #expect(index.nullNumber == 64)
        // Direct: 4 bytes a slot for the 200,000-key range beside the keys; hashed slots would
        // take 12 bytes each, 2^19 of them (6.3 MB) beside the keys.
        #expect(index.byteCount < 5_000_000)
    }

    @Test("keys outside the range widen it, or leave direct mode when sparse")
    func widening() {
        checkNumbering([10, 11, 12, 5, 100_000, 9, 10, -7, 12], batch: 3)
        checkNumbering([1, 2, 3, Int64.max, Int64.min, 0, -1, Int64.max], batch: 3)
        checkNumbering((0..<3000).map { Int64($0) * 1_000_003 }, batch: 10)
        checkNumbering([Int64.min, Int64.max, 0, Int64.min + 1, Int64.max - 1])
    }

    @Test("NULL gets one number of its own that no key shares, through growth")
    func nullNumber() {
        let index = IntegerHashIndex()
        _ = index.findOrInsert(5)
        let null = index.findOrInsertNull()
        #expect(null == 1)
        #expect(index.findOrInsertNull() == 1)
        for key in 0..<100_000 { _ = index.findOrInsert(Int64(key) * 977) }
        #expect(index.find(0) != null)
        #expect(index.findOrInsert(0) == index.find(0))
        #expect(index.keys[Int(index.find(5))] == 5)
    }

    @Test("GROUP BY one integer key: NULL is one group, workers merge, keys come back")
    func integerAggregate() throws {
        let groups = [BoundExpression.column(0, .bigint)]
        let aggregates = [AggregateSpecification(function: .sum, argument: .column(1, .integer), distinct: false, filter: nil, type: .bigint)]
        let first = AggregateState(groups: groups, aggregates: aggregates)
        let second = AggregateState(groups: groups, aggregates: aggregates)
        try first.consume(Chunk(columns: [Vector(type: .bigint, values: [.integer(7), .null, .integer(1_000_000_000_000)]),
                                          Vector(type: .integer, values: [.integer(1), .integer(2), .integer(3)])], count: 3))
        try second.consume(Chunk(columns: [Vector(type: .bigint, values: [.null, .integer(7), .integer(-4)]),
                                           Vector(type: .integer, values: [.integer(10), .integer(20), .integer(30)])], count: 3))
        try first.merge(second)
        let result = try first.finish(types: [.bigint, .bigint])
        var rows = (0..<result.count).map { result.row($0) }
        rows.sort { $0[0].formatted(as: .bigint) < $1[0].formatted(as: .bigint) }
        #expect(rows == [[.integer(-4), .integer(30)], [.integer(1_000_000_000_000), .integer(3)], [.integer(7), .integer(21)], [.null, .integer(12)]])
    }

    @Test("GROUP BY strings and integers together merges workers' differently numbered strings")
    func generalAggregate() throws {
        let groups = [BoundExpression.column(0, .varchar), BoundExpression.column(1, .integer)]
        let aggregates = [AggregateSpecification(function: .countStar, argument: nil, distinct: false, filter: nil, type: .bigint)]
        let first = AggregateState(groups: groups, aggregates: aggregates)
        let second = AggregateState(groups: groups, aggregates: aggregates)
        try first.consume(Chunk(columns: [Vector(type: .varchar, values: [.string("x"), .string("y"), .null]),
                                          Vector(type: .integer, values: [.integer(1), .null, .integer(1)])], count: 3))
        try second.consume(Chunk(columns: [Vector(type: .varchar, values: [.string("y"), .string("x"), .null]),
                                           Vector(type: .integer, values: [.null, .integer(1), .integer(2)])], count: 3))
        try first.merge(second)
        let result = try first.finish(types: [.varchar, .integer, .bigint])
        var rows = (0..<result.count).map { result.row($0).map { $0.formatted(as: .varchar) } }
        rows.sort { $0.joined(separator: "|") < $1.joined(separator: "|") }
        let expected = [["NULL", "1", "1"], ["NULL", "2", "1"], ["x", "1", "2"], ["y", "NULL", "2"]]
            .sorted { $0.joined(separator: "|") < $1.joined(separator: "|") }
        #expect(rows == expected)
    }

    @Test("a build side numbered and chained on several workers matches one worker's, NULLs and repeats included")
    func parallelBuild() throws {
        // 300,000 rows (past the parallel threshold) over a range with gaps: repeated keys,
        // every seventh row NULL, keys arriving out of order.
        let rows = 300_000
        var values: [Value] = []
        for row in 0..<rows {
            values.append(row % 7 == 3 ? .null : .integer(Int64((row &* 7919) % 250_000) * 3 - 100_000))
        }
        let build = Chunk(columns: [Vector(type: .bigint, values: values)], count: rows)
        let sequential = try HashJoinTable(rows: build, keys: [.column(0, .bigint)], threads: 1)
        let parallel = try HashJoinTable(rows: build, keys: [.column(0, .bigint)], threads: 3)
        // Probes: every build key, keys between them, below and above the range, and NULL.
        let probeValues: [Value] = (0..<20_000).map { $0 % 11 == 0 ? .null : .integer(Int64($0 * 37 % 760_000) - 101_000) }
        let probe = Vector(type: .bigint, values: probeValues)
        var expected: [(probe: [Int32], build: [Int32])] = []
        _ = try sequential.probe([probe], count: probeValues.count, batchPairs: 1_000) { probe, build in
            expected.append((probe, build))
            return true
        }
        var index = 0
        _ = try parallel.probe([probe], count: probeValues.count, batchPairs: 1_000) { probe, build in
            #expect(index < expected.count && probe == expected[index].probe && build == expected[index].build)
            index += 1
            return true
        }
        #expect(index == expected.count && expected.count > 1)
        #expect(
            try parallel.matchingRows([probe], count: probeValues.count)
                == sequential.matchingRows([probe], count: probeValues.count))
        // The parallel numbering alone: one number per distinct key, in key order, -1 for NULL.
        let keys: [Int64] = [9, 5, 9, 7, 5, 5, 12]
        let nulls = [false, false, false, false, true, false, false]
        let (direct, numbers) = try keys.withUnsafeBufferPointer { (keys) throws(QueryError) in
            try IntegerHashIndex.buildDirect(keys, nulls: nulls, low: 5, span: 8, threads: 2, control: nil)
        }
        #expect(numbers == [2, 0, 2, 1, -1, 0, 3])
        #expect(direct.count == 4 && direct.keys == [5, 7, 9, 12])
        #expect(direct.find(9) == 2 && direct.find(6) == -1 && direct.find(13) == -1 && direct.find(4) == -1)
    }

    @Test("an integer-key join over a sparse key range matches the general path")
    func sparseJoin() throws {
        let keys: [Value] = [.integer(1 << 40), .integer(3), .null, .integer(3), .integer(-(1 << 40))]
        let build = Chunk(columns: [Vector(type: .bigint, values: keys)], count: keys.count)
        let table = try HashJoinTable(rows: build, keys: [.column(0, .bigint)])
        let probe = Vector(type: .bigint, values: [.integer(3), .integer(1 << 40), .null, .integer(4), .integer(-(1 << 40))])
        let (probeRows, buildRows) = try table.probe([probe], count: 5)
        #expect(probeRows == [0, 0, 1, 4])
        #expect(buildRows == [1, 3, 0, 4])
        #expect(try table.matchingRows([probe], count: 5) == [0, 1, 4])
    }

    @Test("two keys: a dense lead key is indexed and the other compared, with and without NULLs")
    func twoKeyJoin() throws {
        // Keys (id, group): id dense and unique but for one repeat, as customer's c_custkey beside
        // c_nationkey; the lead index goes direct and the group is compared on each pair.
        let ids: [Value] = (0..<1_000).map { .integer(Int64($0 == 999 ? 5 : $0)) }
        let groups: [Value] = (0..<1_000).map { .integer(Int64($0 % 7)) }
        let build = Chunk(
            columns: [Vector(type: .bigint, values: ids), Vector(type: .bigint, values: groups)], count: 1_000)
        let table = try HashJoinTable(rows: build, keys: [.column(0, .bigint), .column(1, .bigint)])
        let probeIDs = Vector(type: .bigint, values: [.integer(5), .integer(5), .integer(12), .integer(2_000)])
        let probeGroups = Vector(type: .bigint, values: [.integer(5), .integer(5 + 7), .integer(5), .integer(5)])
        let (probeRows, buildRows) = try table.probe([probeIDs, probeGroups], count: 4)
        // Row 999 (id 5, group 999 % 7 = 5) and row 5 (group 5) both match the first probe row.
        #expect(probeRows == [0, 0, 2])
        #expect(buildRows == [5, 999, 12])
        #expect(try table.matchingRows([probeIDs, probeGroups], count: 4) == [0, 2])
        // A NULL on either side matches nothing.
        let nullGroups = Vector(type: .bigint, values: [.null, .integer(5), .integer(5), .integer(5)])
        #expect(try table.probe([probeIDs, nullGroups], count: 4).probe == [1, 1, 2])
        var withNull = groups
        withNull[12] = .null
        let nullBuild = Chunk(
            columns: [Vector(type: .bigint, values: ids), Vector(type: .bigint, values: withNull)], count: 1_000)
        let nullTable = try HashJoinTable(rows: nullBuild, keys: [.column(0, .bigint), .column(1, .bigint)])
        #expect(try nullTable.probe([probeIDs, probeGroups], count: 4).probe == [0, 0])
    }

    @Test("a build side larger than a slice gives the same matches whichever slice a key is in; a cancelled build stops")
    func slicedBuild() throws {
        // Keys narrow in the first slice, then wide, NULLs in both, duplicates across slices.
        let count = HashJoinTable.sliceRows + 1_000
        var values: [Value] = (0..<count).map { row in row % 97 == 0 ? .null : .integer(Int64(row < HashJoinTable.sliceRows ? row % 5_000 : row * 1_000)) }
        values[count - 1] = .integer(42)
        let build = Chunk(columns: [Vector(type: .bigint, values: values)], count: count)
        let table = try HashJoinTable(rows: build, keys: [.column(0, .bigint)], control: QueryControl())
        let probe = Vector(type: .bigint, values: [.integer(42), .integer(Int64(HashJoinTable.sliceRows + 10) * 1_000), .integer(7), .null, .integer(-1)])
        let (probeRows, _) = try table.probe([probe], count: 5)
        let expectedFortyTwo = (0..<HashJoinTable.sliceRows).filter { $0 % 97 != 0 && $0 % 5_000 == 42 }.count + 1
        let expectedSeven = (0..<HashJoinTable.sliceRows).filter { $0 % 97 != 0 && $0 % 5_000 == 7 }.count
        let counts = Dictionary(grouping: probeRows, by: { $0 }).mapValues(\.count)
        #expect(counts[0] == expectedFortyTwo)
        #expect(counts[1] == ((HashJoinTable.sliceRows + 10) % 97 == 0 ? nil : 1))
        #expect(counts[2] == expectedSeven)
        #expect(counts[3] == nil && counts[4] == nil)

        let cancelled = QueryControl()
        cancelled.cancel()
        do {
            _ = try HashJoinTable(rows: build, keys: [.column(0, .bigint)], control: cancelled)
            Issue.record("a cancelled build finished")
        } catch {
            #expect(error.kind == .cancelled)
        }
    }
}

extension HashJoinTable {
    /// Every matching pair of a probe chunk, gathered from the batches (small tests only); in
    /// batches of three pairs, so chains that cross a batch's end are covered too.
    func probe(_ keyVectors: [Vector], count: Int) throws(QueryError) -> (probe: [Int32], build: [Int32]) {
        var pairs: (probe: [Int32], build: [Int32]) = ([], [])
        _ = try probe(keyVectors, count: count, batchPairs: 3) { probe, build in
            pairs.probe += probe
            pairs.build += build
            return true
        }
        return pairs
    }
}
