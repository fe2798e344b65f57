/// Interesting values for every type, shared by the segment tests.

import StarlingColumns

/// Columns of every type with NULLs, extremes, empty and long strings and non-ASCII text.
enum SampleColumns {
    static let types: [LogicalType] = [
        .boolean, .tinyint, .smallint, .integer, .bigint, .double,
        .decimal(precision: 18, scale: 2), .date, .timestamp, .varchar,
    ]

    /// `count` values of `type`: a mix of extremes, repeats, runs and NULLs.
    static func values(_ type: LogicalType, count: Int, seed: UInt64 = 1) -> [Value] {
        var random = SplitMix64(seed: seed)
        let extremes = extremeValues(type)
        return (0..<count).map { row in
            if row % 11 == 3 { return .null }
            if row < extremes.count { return extremes[row] }
            let pick = random.next()
            switch type.physicalType {
            case .boolean: return .boolean(pick & 1 == 1)
            case .int8: return .integer(Int64(Int8(truncatingIfNeeded: pick % 20)))
            case .int16: return .integer(Int64(row / 5))
            case .int32: return .integer(Int64(Int32(truncatingIfNeeded: pick)) / 1000)
            case .int64: return .integer(1_000_000_000_000 + Int64(row) * 17)
            case .float64: return .double(Double(Int64(pick % 10_000)) / 100)
            case .string:
                let words = ["MFGR#12", "Ünïcödé ✓", "", "ASIA", "a,b\"c", String(repeating: "long", count: 40)]
                return .string(words[Int(pick % UInt64(words.count))])
            case .interval:
                return .null  // segments hold no INTERVAL; no type in `types` is one
            }
        }
    }

    static func extremeValues(_ type: LogicalType) -> [Value] {
        switch type.physicalType {
        case .boolean: return [.boolean(true), .boolean(false)]
        case .int8: return [.integer(Int64(Int8.min)), .integer(Int64(Int8.max)), .integer(0)]
        case .int16: return [.integer(Int64(Int16.min)), .integer(Int64(Int16.max))]
        case .int32: return [.integer(Int64(Int32.min)), .integer(Int64(Int32.max))]
        case .int64: return [.integer(Int64.min), .integer(Int64.max), .integer(-1)]
        case .float64: return [.double(-.infinity), .double(.infinity), .double(-0.0), .double(.nan), .double(.leastNonzeroMagnitude)]
        case .string: return [.string(""), .string(String(repeating: "ß", count: 5000)), .string("日本語")]
        case .interval: return []
        }
    }
}
