/// Random and edge-case result columns of every type and vector shape, for the printer tests.

import StarlingColumns
import StarlingEngine
import StarlingExecution

/// Random columns, values and chunks: every logical type, NULL masks or none, strings stored
/// plainly or as dictionary codes (NULL rows holding codes out of range), constant vectors.
enum RandomColumns {
    /// The types columns are drawn from (decimals at several scales).
    static let types: [LogicalType] = [
        .boolean, .tinyint, .smallint, .integer, .bigint, .double, .decimal(precision: 18, scale: 0),
        .decimal(precision: 9, scale: 2), .decimal(precision: 18, scale: 6), .decimal(precision: 18, scale: 18),
        .decimal(precision: 4, scale: 4), .date, .timestamp, .varchar, .interval,
    ]

    /// One to twelve columns of random types, some with names JSON has to escape.
    static func columns(_ random: inout SplitMix64) -> [PlanColumn] {
        let names = ["n", "a,b", "say \"hi\"", "tab\there", "é", "x|y", "line\nbreak", "back\\slash"]
        return (0..<Int.random(in: 1...12, using: &random)).map { index in
            let name = names[Int.random(in: 0..<names.count, using: &random)] + String(index)
            return PlanColumn(name: name, type: types[Int.random(in: 0..<types.count, using: &random)])
        }
    }

    /// A chunk of `rows` rows of `columns`.
    static func chunk(_ columns: [PlanColumn], rows: Int, _ random: inout SplitMix64) -> Chunk {
        Chunk(columns: columns.map { vector($0.type, rows: rows, &random) }, count: rows)
    }

    /// A vector of `rows` random values of `type`: no NULLs, some, or all; sometimes a constant.
    static func vector(_ type: LogicalType, rows: Int, _ random: inout SplitMix64) -> Vector {
        let nullShare = [0.0, 0.0, 0.2, 0.9][Int.random(in: 0..<4, using: &random)]
        let nulls = (0..<rows).map { _ in Double.random(in: 0..<1, using: &random) < nullShare }
        if Int.random(in: 0..<8, using: &random) == 0 {
            let value = Double.random(in: 0..<1, using: &random) < nullShare ? Value.null : self.value(type, &random)
            return Vector(constant: value, type: type, count: rows)
        }
        switch type.physicalType {
        case .boolean:
            return Vector(
                type: type, count: rows, data: .booleans((0..<rows).map { _ in Bool.random(using: &random) }),
                nulls: nulls)
        case .float64:
            return Vector(
                type: type, count: rows, data: .doubles((0..<rows).map { _ in double(&random) }), nulls: nulls)
        case .string:
            return strings(rows: rows, nulls: nulls, type: type, &random)
        case .interval:
            let values = (0..<rows).map { _ -> Interval in
                if case .interval(let interval) = value(type, &random) { return interval }
                return .zero
            }
            return Vector(type: type, count: rows, data: .intervals(values), nulls: nulls)
        case .int8, .int16, .int32, .int64:
            let values = (0..<rows).map { _ -> Int64 in
                if case .integer(let number) = value(type, &random) { return number }
                return 0
            }
            return Vector(type: type, count: rows, data: .integers(values), nulls: nulls)
        }
    }

    /// A string vector, plain or dictionary-coded; a NULL row's code is out of range.
    static func strings(rows: Int, nulls: [Bool], type: LogicalType, _ random: inout SplitMix64) -> Vector {
        guard Bool.random(using: &random) else {
            var builder = StringStorageBuilder()
            for _ in 0..<rows { text(&random).withUnsafeBytes { builder.append(bytes: $0) } }
            return Vector(type: type, count: rows, data: .strings(builder.finish()), nulls: nulls)
        }
        var builder = StringStorageBuilder()
        let entries = Int.random(in: 1...20, using: &random)
        for _ in 0..<entries { text(&random).withUnsafeBytes { builder.append(bytes: $0) } }
        let codes = (0..<rows).map { row in
            nulls[row] ? UInt32.max : UInt32.random(in: 0..<UInt32(entries), using: &random)
        }
        return Vector(
            type: type, count: rows, data: .dictionary(codes: codes, dictionary: builder.finish()), nulls: nulls)
    }

    /// Pieces strings are made of: separators, quotes, line breaks, control characters, pipes,
    /// backslashes, non-ASCII text, combining marks after a quote or a comma, invalid UTF-8.
    static let pieces: [[UInt8]] =
        [
            "", "plain", " ", ",", "\"", "\n", "\r", "\r\n", "\t", "|", "\\", "\u{01}", "\u{1F}", "\u{7F}", "é", "日本",
            "😀", "\u{301}", "\"\u{301}", ",\u{301}", "NULL", "null", "12.5", "a b", "'",
        ].map { Array($0.utf8) } + [[0xFF], [0xE2, 0x82], [0xC3], [0x80], [0xF0, 0x9F, 0x98]]

    /// Zero to four random pieces.
    static func text(_ random: inout SplitMix64) -> [UInt8] {
        (0..<Int.random(in: 0...4, using: &random)).flatMap { _ in
            pieces[Int.random(in: 0..<pieces.count, using: &random)]
        }
    }

    /// A random double: an edge value, a random bit pattern, a short decimal or a whole number.
    static func double(_ random: inout SplitMix64) -> Double {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return EdgeValues.doubles[Int.random(in: 0..<EdgeValues.doubles.count, using: &random)]
        case 1: return Double(bitPattern: random.next())
        case 2: return Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / 100
        default: return Double(Int64.random(in: -(1 << 53)...(1 << 53), using: &random))
        }
    }

    /// A random value of `type`, edge values often.
    static func value(_ type: LogicalType, _ random: inout SplitMix64) -> Value {
        let edge = Int.random(in: 0..<4, using: &random) == 0
        switch type {
        case .boolean: return .boolean(Bool.random(using: &random))
        case .double: return .double(double(&random))
        case .varchar: return .string(String(decoding: text(&random), as: UTF8.self))
        case .date:
            if edge { return .integer(EdgeValues.dates[Int.random(in: 0..<EdgeValues.dates.count, using: &random)]) }
            return .integer(Int64.random(in: -1_000_000...3_000_000, using: &random))
        case .timestamp:
            if edge {
                return .integer(EdgeValues.timestamps[Int.random(in: 0..<EdgeValues.timestamps.count, using: &random)])
            }
            return .integer(Int64.random(in: -100_000_000_000_000_000...300_000_000_000_000_000, using: &random))
        case .interval:
            if edge {
                return .interval(EdgeValues.intervals[Int.random(in: 0..<EdgeValues.intervals.count, using: &random)])
            }
            // Each part zero often, small or any value otherwise, of either sign.
            func part<T: FixedWidthInteger>(_ type: T.Type) -> T {
                switch Int.random(in: 0..<3, using: &random) {
                case 0: return 0
                case 1: return T(truncatingIfNeeded: Int.random(in: -40...40, using: &random))
                default:
                    let shift = T(Int.random(in: 0..<T.bitWidth, using: &random))
                    return T.random(in: T.min...T.max, using: &random) >> shift
                }
            }
            return .interval(Interval(months: part(Int32.self), days: part(Int32.self), micros: part(Int64.self)))
        case .tinyint, .smallint, .integer, .bigint, .decimal:
            guard let range = type.physicalType.integerRange else { return .null }
            if edge {
                return .integer(
                    [range.lowerBound, range.upperBound, 0, -1, 1, 5, -5, -50][Int.random(in: 0..<8, using: &random)])
            }
            return .integer(Int64.random(in: range, using: &random) >> Int64.random(in: 0...60, using: &random))
        }
    }

    /// A random value of a random type (not a string or a boolean).
    static func value(_ random: inout SplitMix64) -> (LogicalType, Value) {
        let numeric = types.filter { $0 != .varchar && $0 != .boolean }
        let type = numeric[Int.random(in: 0..<numeric.count, using: &random)]
        return (type, value(type, &random))
    }
}

/// Values at the edges of every type, in one chunk.
enum EdgeValues {
    static let doubles: [Double] = [
        1e300, -1e300, -0.0, 0.0, 0.1, -0.1, .nan, -.nan, .infinity, -.infinity, 1e15, -1e15, 1e15 - 1,
        999_999_999_999_999.5,
        0.5, -0.5, 5e-324, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude, 123.456, 1e16,
        2.5e-8,
        9_007_199_254_740_993, -3,
    ]
    static let dates: [Int64] = [
        0, -1, 1, -719_468, -719_469, -800_000, 2_932_896, 2_932_897, 20_000, -25_567, Int64(Int32.max),
        Int64(Int32.min),
    ]
    static let timestamps: [Int64] = [
        0, -1, 1, 123_456, 120_000, 100, 1_000_000, -1_000_000, 86_400_000_000 - 1, -86_400_000_000,
        1_741_000_000_123_456, -2_208_988_800_000_001, 253_402_300_799_999_999, Int64.min, Int64.max,
    ]
    static let strings = [
        "", " lead", "trail ", "a,b", "say \"hi\"", "\"", "line\nbreak", "cr\rhere", "crlf\r\nhere", "tab\there", "x|y",
        "é", "日本語", "😀,", "\"\u{301},", ",\u{301}", "back\\slash", "\u{01}\u{1F}\u{7F}", "NULL", "  ",
    ]
    static let intervals: [Interval] = [
        .zero, Interval(months: 1), Interval(months: -1), Interval(months: 12), Interval(months: -13),
        Interval(months: .max), Interval(months: .min), Interval(days: 1), Interval(days: -1), Interval(days: .min),
        Interval(micros: 1), Interval(micros: -1), Interval(micros: .max), Interval(micros: .min),
        Interval(micros: 86_400_000_000), Interval(micros: 123_456), Interval(micros: 360_000_000_000),
        Interval(months: 14, days: 3, micros: 14_706_789_000), Interval(months: 0, days: -1, micros: 7_200_000_000),
        Interval(months: .max, days: .max, micros: .max), Interval(months: .min, days: .min, micros: .min),
    ]
    static let decimals: [Int64] = [
        0, 5, -5, 50, -50, 100, -100, 1205, -1205, 99, -99, Int64.max, Int64.min + 1, Int64.min,
    ]

    static let columns: [PlanColumn] = [
        PlanColumn(name: "big", type: .bigint), PlanColumn(name: "double", type: .double),
        PlanColumn(name: "money", type: .decimal(precision: 9, scale: 2)),
        PlanColumn(name: "whole", type: .decimal(precision: 18, scale: 0)),
        PlanColumn(name: "fine", type: .decimal(precision: 18, scale: 18)), PlanColumn(name: "day", type: .date),
        PlanColumn(name: "moment", type: .timestamp), PlanColumn(name: "text", type: .varchar),
        PlanColumn(name: "flag", type: .boolean), PlanColumn(name: "tiny", type: .tinyint),
        PlanColumn(name: "span", type: .interval),
    ]

    /// Every edge value of every column, cycled to the longest list's length, with a NULL row.
    static func chunk() -> Chunk {
        let rows = doubles.count + 1
        func cycled<T>(_ values: [T], _ make: (T) -> Value) -> [Value] {
            (0..<rows).map { $0 == rows - 1 ? .null : make(values[$0 % values.count]) }
        }
        let bigints: [Int64] = [Int64.min, Int64.max, 0, -1, 1, 1_000_000_007, -42]
        let vectors = [
            Vector(type: .bigint, values: cycled(bigints, Value.integer)),
            Vector(type: .double, values: cycled(doubles, Value.double)),
            Vector(type: .decimal(precision: 9, scale: 2), values: cycled(decimals, Value.integer)),
            Vector(type: .decimal(precision: 18, scale: 0), values: cycled(decimals, Value.integer)),
            Vector(type: .decimal(precision: 18, scale: 18), values: cycled(decimals, Value.integer)),
            Vector(type: .date, values: cycled(dates, Value.integer)),
            Vector(type: .timestamp, values: cycled(timestamps, Value.integer)),
            Vector(type: .varchar, values: cycled(strings, Value.string)),
            Vector(type: .boolean, values: cycled([true, false], Value.boolean)),
            Vector(type: .tinyint, values: cycled([-128, 127, 0], Value.integer)),
            Vector(type: .interval, values: cycled(intervals, Value.interval)),
        ]
        return Chunk(columns: vectors, count: rows)
    }
}
