/// Tests of encoding choice, round trips and decoding of bad bytes.

import Testing
@testable import StarlingEncoding
import StarlingColumns

@Suite("ColumnEncoder")
struct ColumnEncoderTests {
    func roundTrip(_ vector: ColumnVector, _ encoding: Encoding?) throws -> EncodedChunk {
        let chunk = ColumnEncoder.encode(vector, forcing: encoding)
        let decoded = try ColumnDecoder.decode(chunk.bytes, encoding: chunk.encoding, type: vector.type, count: vector.count)
        #expect(decoded.values == vector.values, "\(vector.type) \(chunk.encoding)")
        return chunk
    }

    @Test("picks the smallest encoding for typical columns")
    func choice() throws {
        var random = SplitMix64(seed: 1)
        let sorted = ColumnVector(type: .bigint, values: (0..<5000).map { .integer(1_000_000_000 + Int64($0) * 3) })
        #expect(try roundTrip(sorted, nil).encoding == .delta)
        let small = ColumnVector(type: .integer, values: (0..<5000).map { .integer(Int64($0 % 50) + 1) })
        #expect(try roundTrip(small, nil).encoding == .bitPacked)
        // Integer runs are packed (values as a frame of reference, lengths bit-packed); runs of
        // doubles keep the plain run-length layout.
        let runs = ColumnVector(type: .date, values: (0..<5000).map { .integer(8035 + Int64($0 / 1000)) })
        let packedRuns = try roundTrip(runs, nil)
        #expect(packedRuns.encoding == .packedRunLength)
        // 5 runs: header 14 bytes, values 0…4 at 3 bits (2 bytes), lengths 999 at 10 bits (7 bytes).
        #expect(packedRuns.bytes.count == 1 + 14 + 2 + 7)
        let doubleRuns = ColumnVector(type: .double, values: (0..<5000).map { .double(Double($0 / 1000) + 0.5) })
        #expect(try roundTrip(doubleRuns, nil).encoding == .runLength)
        // Orders of about four lines each, keys spread wide: packed runs beat the frame.
        var orderKeys: [Value] = []
        while orderKeys.count < 4000 { orderKeys += Array(repeating: .integer(Int64(random.next() % 6_000_000)), count: 1 + Int(random.next() % 7)) }
        #expect(try roundTrip(ColumnVector(type: .bigint, values: orderKeys), nil).encoding == .packedRunLength)
        // YYYYMMDD dates a few weeks apart, unordered: few distinct values over a wide frame
        // (across a year's end), so a dictionary.
        let days = [19921201, 19921215, 19921231, 19930101, 19930110, 19930120, 19930131, 19930201]
        let dates = ColumnVector(type: .integer, values: (0..<5000).map { _ in .integer(Int64(days[Int(random.next() % 8)])) })
        let dateChunk = try roundTrip(dates, nil)
        #expect(dateChunk.encoding == .dictionary)
        #expect(dateChunk.statistics.distinctCount == 8)
        let regions = ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]
        let strings = ColumnVector(type: .varchar, values: (0..<5000).map { .string(regions[($0 * 7919) % 5]) })
        #expect(try roundTrip(strings, nil).encoding == .dictionary)
        let extremes: [Value] = (0..<100).map { (row: Int) -> Value in
            row % 2 == 0 ? .integer(Int64.min + Int64(row)) : .integer(Int64.max - Int64(row))
        }
        let wide = ColumnVector(type: .bigint, values: extremes)
        // Neighbour differences wrap around to small numbers, so delta wins even at the extremes.
        #expect(try roundTrip(wide, nil).encoding == .delta)
        let noise = ColumnVector(type: .bigint, values: (0..<100).map { _ in .integer(Int64(bitPattern: random.next())) })
        #expect(try roundTrip(noise, nil).encoding == .plain)
        _ = try roundTrip(wide, .bitPacked)
        _ = try roundTrip(wide, .delta)
    }

    @Test("chunks read through rows, with or without a string numbering, equal chunks of the copied rows")
    func throughRows() throws {
        var random = SplitMix64(seed: 3)
        let words = ["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECI", "5-LOW", "", "Ünïcödé"]
        let count = 3000
        let strings = ColumnVector(type: .varchar, values: (0..<count).map { _ in .string(words[Int(random.next() % 7)]) })
        let wide = ColumnVector(type: .varchar, values: (0..<count).map { _ in .string("s\(random.next() % 100_000)") })
        let integers = ColumnVector(type: .integer, values: (0..<count).map { _ in .integer(Int64(random.next() % 1000) - 500) })
        let order = (0..<count).map { Int32($0) }.shuffled(using: &random)
        #expect(StringNumbering(integers) == nil)
        #expect(StringNumbering(wide, limit: 100) == nil)
        for vector in [strings, wide, integers] {
            let numbering = StringNumbering(vector)
            for (start, end) in [(0, 1000), (1000, 2999), (2999, 3000)] {
                let picked = Array(order[start..<end])
                let expected = ColumnEncoder.encode(vector.reordered(picked))
                for chunk in [ColumnEncoder.encode(vector, rows: .picked(order[start..<end]), numbering: numbering),
                              ColumnEncoder.encode(vector, rows: .picked(order[start..<end]))] {
                    #expect(chunk.bytes == expected.bytes && chunk.encoding == expected.encoding)
                    #expect(chunk.statistics == expected.statistics)
                }
                let ranged = ColumnEncoder.encode(vector, rows: .range(start..<end), numbering: numbering)
                #expect(ranged.bytes == ColumnEncoder.encode(vector.slice(start..<end)).bytes)
            }
        }
    }

    @Test("statistics hold min, max, NULLs and distinct values")
    func statistics() throws {
        let vector = ColumnVector(type: .integer, values: [.integer(5), .null, .integer(-3), .integer(5), .null, .integer(12)])
        let chunk = try roundTrip(vector, nil)
        #expect(chunk.statistics == ChunkStatistics(nullCount: 2, distinctCount: 3, minimum: .integer(-3), maximum: .integer(12)))
        let doubles = ColumnVector(type: .double, values: [.double(1), .double(.nan), .double(-.infinity)])
        let doubleChunk = try roundTrip(doubles, nil)
        #expect(doubleChunk.statistics.minimum == .double(-.infinity))
        if case .double(let maximum) = doubleChunk.statistics.maximum { #expect(maximum.isNaN) } else { Issue.record("no max") }
        let strings = ColumnVector(type: .varchar, values: [.string("b"), .string("ab"), .null, .string("é")])
        let stringChunk = try roundTrip(strings, nil)
        #expect(stringChunk.statistics.minimum == .string("ab"))
        #expect(stringChunk.statistics.maximum == .string("é"))
        let allNull = ColumnVector(type: .varchar, values: [.null, .null])
        #expect(try roundTrip(allNull, nil).statistics == ChunkStatistics(nullCount: 2, distinctCount: 0, minimum: .null, maximum: .null))
    }

    @Test("randomised round trips over every applicable encoding", arguments: [
        LogicalType.boolean, .tinyint, .smallint, .integer, .bigint, .double, .decimal(precision: 18, scale: 4), .date, .timestamp, .varchar,
    ])
    func randomised(type: LogicalType) throws {
        var random = SplitMix64(seed: 0x5EED)
        for trial in 0..<40 {
            let count = Int(random.next() % 3000)
            let nullRate = trial % 4 == 0 ? 0 : random.next() % 100
            let distinct = 1 + random.next() % (trial % 2 == 0 ? 10 : 100_000)
            var values: [Value] = []
            var current = Int64(bitPattern: random.next()) >> 4
            for _ in 0..<count {
                if random.next() % 100 < nullRate { values.append(.null); continue }
                current = current &+ Int64(random.next() % 5)
                let pick = Int64(random.next() % distinct)
                values.append(Self.value(type: type, pick: trial % 3 == 0 ? current : pick, random: &random))
            }
            let vector = ColumnVector(type: type, values: values)
            for encoding in Encoding.valueEncodings where encoding.supports(type.physicalType.typeClass) {
                _ = try roundTrip(vector, encoding)
            }
            _ = try roundTrip(vector, nil)
        }
    }

    static func value(type: LogicalType, pick: Int64, random: inout SplitMix64) -> Value {
        switch type.physicalType {
        case .boolean: return .boolean(pick & 1 == 1)
        case .int8: return .integer(Int64(Int8(truncatingIfNeeded: pick)))
        case .int16: return .integer(Int64(Int16(truncatingIfNeeded: pick)))
        case .int32: return .integer(Int64(Int32(truncatingIfNeeded: pick)))
        case .int64: return .integer(pick)
        case .float64: return .double(Double(pick) / 7)
        case .string: return .string(pick % 5 == 0 ? "" : "s\(pick)é" + String(repeating: "z", count: Int(pick & 15)))
        case .interval: return .interval(Interval(micros: pick))  // never stored; no test type is one
        }
    }

    @Test("a keyed chunk stores only its key column; its bytes are checked; it has no values to decode")
    func keyedChunk() throws {
        let statistics = ChunkStatistics(nullCount: 0, distinctCount: 2, minimum: .integer(5), maximum: .integer(9))
        let chunk = ColumnEncoder.keyed(keyColumn: 258, statistics: statistics, plainSize: 40)
        #expect(chunk.bytes == [0, 2, 1, 0, 0])
        #expect(chunk.encoding == .keyed && chunk.statistics == statistics && chunk.plainSize == 40)
        #expect(try chunk.bytes.withUnsafeBytes { try ColumnDecoder.keyColumn(ofKeyed: $0) } == 258)
        for bad: [UInt8] in [[], [0], [0, 2, 1, 0], [0, 2, 1, 0, 0, 0], [1, 2, 1, 0, 0], [2, 0, 0, 0, 0]] {
            #expect(throws: EncodedDataError.self, "\(bad)") { _ = try bad.withUnsafeBytes { try ColumnDecoder.keyColumn(ofKeyed: $0) } }
        }
        #expect(throws: EncodedDataError.self) { _ = try ColumnDecoder.decode(chunk.bytes, encoding: .keyed, type: .integer, count: 10) }
        #expect(!Encoding.valueEncodings.contains(.keyed) && Encoding.keyed.readVersion == 3)
        #expect(Encoding(name: "keyed") == .keyed && !Encoding.keyed.supports(.string))
    }

    @Test("decoding bad bytes throws, never traps")
    func badBytes() {
        let vector = ColumnVector(type: .integer, values: (0..<300).map { .integer(Int64($0 * $0)) })
        for encoding in Encoding.valueEncodings {
            let chunk = ColumnEncoder.encode(vector, forcing: encoding)
            // Every truncation fails.
            for length in 0..<chunk.bytes.count {
                let prefix = Array(chunk.bytes[0..<length])
                #expect(throws: EncodedDataError.self) {
                    _ = try ColumnDecoder.decode(prefix, encoding: encoding, type: .integer, count: 300)
                }
            }
            // A wrong row count or type fails or decodes without trapping.
            _ = try? ColumnDecoder.decode(chunk.bytes, encoding: encoding, type: .tinyint, count: 300)
            _ = try? ColumnDecoder.decode(chunk.bytes, encoding: encoding, type: .integer, count: 301)
        }
        // A 64-bit frame is range-checked value by value for narrow types.
        var wideFrame = ByteWriter()
        wideFrame.write(0)
        wideFrame.write(littleEndian: Int64(0))
        wideFrame.write(64)
        wideFrame.write(littleEndian: UInt64(1) << 40)
        for type in [LogicalType.boolean, .integer] {
            #expect(throws: EncodedDataError.self) {
                _ = try ColumnDecoder.decode(wideFrame.bytes, encoding: .bitPacked, type: type, count: 1)
            }
        }
        // Unsorted dictionaries are refused.
        var unsorted = ByteWriter()
        unsorted.write(0)
        unsorted.write(littleEndian: UInt32(2))
        unsorted.write(littleEndian: Int32(5))
        unsorted.write(littleEndian: Int32(3))
        unsorted.write(1)
        unsorted.write(0b10)
        #expect(throws: EncodedDataError.self) {
            _ = try ColumnDecoder.decode(unsorted.bytes, encoding: .dictionary, type: .integer, count: 2)
        }
        // Narrow types reject frames and deltas that leave their range.
        let big = ColumnVector(type: .bigint, values: [.integer(0), .integer(1 << 40)])
        for encoding in [Encoding.bitPacked, .delta] {
            let chunk = ColumnEncoder.encode(big, forcing: encoding)
            #expect(throws: EncodedDataError.self) {
                _ = try ColumnDecoder.decode(chunk.bytes, encoding: encoding, type: .integer, count: 2)
            }
        }
    }
}
