/// The content of the checked-in fixture segments, as `Formats/segment.md` states it.

import StarlingColumns
import StarlingEncoding
import StarlingFormat
import StarlingCompression

/// The fixture files in `Tests/Fixtures`, what each holds, and how it was written.
///
/// The files were written once by `STARLING_WRITE_FIXTURES=1 swift test --filter FixtureTests`
/// and are never regenerated: the test refuses to overwrite them. They pin the format, so a
/// change that would read them differently fails.
enum FixtureSegments {
    static let columns = [
        ColumnSchema(name: "id", type: .integer),
        ColumnSchema(name: "flag", type: .boolean),
        ColumnSchema(name: "tiny", type: .tinyint),
        ColumnSchema(name: "small", type: .smallint),
        ColumnSchema(name: "big", type: .bigint),
        ColumnSchema(name: "price", type: .double),
        ColumnSchema(name: "amount", type: .decimal(precision: 12, scale: 2)),
        ColumnSchema(name: "day", type: .date),
        ColumnSchema(name: "at", type: .timestamp),
        ColumnSchema(name: "region", type: .varchar),
    ]

    /// Five rows; row 2 has NULLs in several columns.
    static let values: [[Value]] = [
        [.integer(1), .integer(2), .integer(3), .integer(4), .integer(5)],
        [.boolean(true), .boolean(false), .null, .boolean(true), .boolean(true)],
        [.integer(-128), .integer(0), .integer(127), .integer(7), .integer(7)],
        [.integer(1000), .integer(1000), .integer(1000), .integer(1000), .integer(-32768)],
        [.integer(Int64.min), .integer(0), .integer(Int64.max), .integer(42), .integer(-42)],
        [.double(1.5), .double(-0.0), .null, .double(1e300), .double(-2.25)],
        [.integer(1999), .null, .integer(-5), .integer(100_000_000_000), .integer(0)],
        [.integer(9131), .integer(9131), .integer(9131), .integer(9132), .integer(9132)],
        [.integer(0), .integer(1_700_000_000_123_456), .null, .integer(-1), .integer(86_400_000_000)],
        [.string("ASIA"), .string("EUROPE"), .string("ASIA"), .string("Ünïcödé"), .string("")],
    ]

    /// The fixtures: file name, and the options that wrote it.
    static var files: [(name: String, options: SegmentWriteOptions)] {
        var basic = SegmentWriteOptions()
        basic.compression = CompressionSetting(.none)
        basic.metadata = ["table": "fixture"]
        var lz4 = SegmentWriteOptions()
        lz4.compression = CompressionSetting(.lz4)
        lz4.rowGroupSize = 3
        lz4.skipIncompressibleChunks = false
        var zstd = SegmentWriteOptions()
        zstd.compression = CompressionSetting(.zstd, level: 3)
        zstd.rowGroupSize = 3
        zstd.skipIncompressibleChunks = false
        return [("segment-v1-basic.stsg", basic), ("segment-v1-lz4.stsg", lz4), ("segment-v1-zstd.stsg", zstd)]
    }

    /// One INTEGER column per encoding, each holding 10, 10, 10, 12, 15, NULL, 15, 20.
    static let encodingValues: [Value] = [.integer(10), .integer(10), .integer(10), .integer(12), .integer(15), .null, .integer(15), .integer(20)]

    /// The encodings of read version 1, one column each in `segment-v1-encodings.stsg`.
    static let versionOneEncodings: [Encoding] = [.plain, .dictionary, .runLength, .bitPacked, .delta]

    static var encodingColumns: [ColumnSchema] {
        versionOneEncodings.map { ColumnSchema(name: $0.description, type: .integer) }
    }

    static var encodingOptions: SegmentWriteOptions {
        var options = SegmentWriteOptions()
        options.compression = CompressionSetting(.none)
        options.forcedEncodings = Dictionary(uniqueKeysWithValues: versionOneEncodings.map { ($0.description, $0) })
        return options
    }

    /// `segment-v2-packed-rle.stsg`: three columns forced to packed run-length, one row group of
    /// 8 rows, no compression: `packed-rle` (INTEGER, the encoding values above), `wide` (BIGINT,
    /// the extremes, so the frame wraps) and `constant` (SMALLINT, one run of −7).
    static let packedColumns: [ColumnSchema] = [
        ColumnSchema(name: "packed-rle", type: .integer),
        ColumnSchema(name: "wide", type: .bigint),
        ColumnSchema(name: "constant", type: .smallint),
    ]

    static let packedValues: [[Value]] = [
        encodingValues,
        [.integer(Int64.min), .integer(Int64.min), .integer(Int64.max), .integer(Int64.max), .integer(0), .integer(0), .integer(0), .integer(42)],
        Array(repeating: .integer(-7), count: 8),
    ]

    static var packedOptions: SegmentWriteOptions {
        var options = SegmentWriteOptions()
        options.compression = CompressionSetting(.none)
        options.forcedEncodings = Dictionary(uniqueKeysWithValues: packedColumns.map { ($0.name, Encoding.packedRunLength) })
        return options
    }

    /// `segment-v3-keyed.stsg`: an item code, a quantity, and a price keyed by the item code.
    static let keyedColumns: [ColumnSchema] = [
        ColumnSchema(name: "item", type: .integer),
        ColumnSchema(name: "quantity", type: .smallint),
        ColumnSchema(name: "price", type: .integer),
    ]

    /// Item `i`'s price is `keyedPrices[i]` (code 0 has none).
    static let keyedPrices: [Value] = [.null, .integer(250), .integer(999), .integer(1000)]

    static let keyedValues: [[Value]] = {
        let items: [Int] = [1, 2, 1, 3, 2, 1, 3, 3]
        return [
            items.map { .integer(Int64($0)) },
            [4, 1, 2, 5, 3, 1, 2, 6].map { .integer($0) },
            items.map { keyedPrices[$0] },
        ]
    }()

    /// Two row groups of 4 rows, uncompressed, `price` keyed by column 0 (`item`).
    static var keyedOptions: SegmentWriteOptions {
        var options = SegmentWriteOptions()
        options.compression = CompressionSetting(.none)
        options.rowGroupSize = 4
        return options
    }

    /// `keyed-values-v3.stsg`: the side file holding `keyedPrices`, written as Starling writes
    /// one (`KeyedValues.encoded()`): one column `value`, one row group, the default codec.
    static var keyedValuesOptions: SegmentWriteOptions {
        var options = SegmentWriteOptions()
        options.rowGroupSize = SegmentFormat.maximumRowGroupRows
        options.metadata = ["kind": "keyed values"]
        return options
    }

    /// `segment-v4-sketches.stsg`: 300 rows whose column sketches take both forms — `n`
    /// (INTEGER 0…299, 300 distinct: registers) and `region` (VARCHAR, four values and NULLs:
    /// exact hashes).
    static let sketchColumns: [ColumnSchema] = [
        ColumnSchema(name: "n", type: .integer),
        ColumnSchema(name: "region", type: .varchar),
    ]

    static let sketchRegions = ["ASIA", "EUROPE", "", "Ünïcödé"]

    static let sketchValues: [[Value]] = [
        (0..<300).map { .integer(Int64($0)) },
        (0..<300).map { $0 % 5 == 4 ? .null : .string(sketchRegions[$0 % 5]) },
    ]

    /// One row group, no compression, no metadata.
    static var sketchOptions: SegmentWriteOptions {
        var options = SegmentWriteOptions()
        options.compression = CompressionSetting(.none)
        return options
    }
}
