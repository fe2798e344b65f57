/// The Parquet reader against files pyarrow and DuckDB wrote (Tests/Fixtures/parquet: every
/// codec, version 1 and 2 pages, dictionary, PLAIN, DELTA and BYTE_STREAM_SPLIT encodings,
/// INT96 timestamps, a nested field, a list), and against damaged copies of them.

import Foundation
import StarlingColumns
import Testing

@testable import StarlingParquet

@Suite("Parquet reader")
struct ParquetReaderTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/parquet").path

    static let files = [
        "pyarrow-snappy.parquet", "pyarrow-gzip.parquet", "pyarrow-zstd.parquet", "pyarrow-lz4.parquet",
        "pyarrow-none.parquet", "pyarrow-v2-pages.parquet", "pyarrow-delta.parquet", "pyarrow-int96.parquet",
        "duckdb.parquet",
    ]

    static func expected() throws -> [String: [Any?]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/expected.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: [Any]] ?? [:]
        return object.mapValues { $0.map { $0 is NSNull ? nil : $0 } }
    }

    /// Every value of `column`, all row groups, as text (NULL as nil) for comparison.
    static func values(_ file: ParquetFile, _ column: ParquetLeafColumn) throws -> [String?] {
        var result: [String?] = []
        for group in file.metadata.rowGroups.indices {
            let data = try file.readColumn(column, rowGroup: group)
            for row in 0..<data.count {
                if data.nulls?[row] == true {
                    result.append(nil)
                    continue
                }
                switch data.values {
                case .integers(let values): result.append(String(values[row]))
                case .doubles(let values): result.append(String(values[row]))
                case .booleans(let values): result.append(String(values[row]))
                case .strings(let bytes, let ends):
                    let start = row == 0 ? 0 : ends[row - 1]
                    result.append(String(decoding: bytes[start..<ends[row]], as: UTF8.self))
                case .dictionary(let codes, let bytes, let ends):
                    let entry = Int(codes[row])
                    let start = entry == 0 ? 0 : ends[entry - 1]
                    result.append(String(decoding: bytes[start..<ends[entry]], as: UTF8.self))
                }
            }
        }
        return result
    }

    /// An expected value as ``values(_:_:)`` spells it: by the column, as JSON's numbers do not
    /// say whether they are booleans, integers or doubles.
    static func text(_ value: Any?, column: String) -> String? {
        switch value {
        case nil: return nil
        case let number as NSNumber:
            if column == "flag" { return String(number.boolValue) }
            if column == "ratio" || column == "single" { return String(number.doubleValue) }
            return String(number.int64Value)
        case let string as String: return string
        default: return "\(value!)"
        }
    }

    @Test("every column of every fixture reads as written", arguments: files)
    func fixture(name: String) throws {
        let file = try ParquetFile(path: Self.directory + "/" + name)
        let expected = try Self.expected()
        #expect(file.rowCount == 300)
        for (columnName, values) in expected {
            let column = try #require(file.column(named: columnName), "\(name) has no \(columnName)")
            let read = try Self.values(file, column)
            let wanted = values.map { Self.text($0, column: columnName) }
            #expect(read.count == wanted.count)
            // Doubles within a rounding of each other: Foundation's JSON parser may be a unit off.
            func same(_ left: String?, _ right: String?) -> Bool {
                guard let left, let right, let a = Double(left), let b = Double(right),
                    columnName == "ratio"
                        || columnName == "single"
                else { return left == right }
                return abs(a - b) <= abs(b) * 1e-15
            }
            let differing = zip(read, wanted).enumerated().filter { !same($0.element.0, $0.element.1) }
            #expect(
                differing.isEmpty,
                "\(name) \(columnName): \(differing.prefix(3).map { "row \($0.offset): \($0.element)" })")
        }
        #expect(file.column(named: "moment")?.type == .timestamp)
        #expect(file.column(named: "price")?.type == .decimal(precision: 18, scale: 4))
        #expect(file.column(named: "tiny")?.type == .tinyint)
        #expect(file.column(named: "day")?.type == .date)
    }

    @Test("a list column is refused with a clear error; the others read")
    func lists() throws {
        let file = try ParquetFile(path: Self.directory + "/pyarrow-list.parquet")
        let tags = try #require(file.columns.first { $0.name.hasPrefix("tags") })
        #expect(tags.type == nil)
        #expect(tags.unsupported?.contains("list") == true)
        #expect(throws: ParquetError.self) { try file.readColumn(tags, rowGroup: 0) }
        let id = try #require(file.column(named: "id"))
        #expect(try Self.values(file, id) == ["1", "2"])
    }

    @Test("damaged files (a byte changed anywhere, or cut short) give errors, never a crash", arguments: files)
    func damage(name: String) throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + name)))
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(original.count)
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        func readEverything(_ bytes: [UInt8]) {
            guard let file = try? ParquetFile(bytes: bytes, path: name) else { return }
            for column in file.columns where column.type != nil {
                for group in file.metadata.rowGroups.indices { _ = try? file.readColumn(column, rowGroup: group) }
            }
        }
        for _ in 0..<150 {
            var damaged = original
            for _ in 0..<(1 + next() % 3) {
                damaged[next() % damaged.count] = UInt8(truncatingIfNeeded: next())
            }
            readEverything(damaged)
        }
        for cut in stride(from: 0, to: original.count, by: max(1, original.count / 40)) {
            readEverything(Array(original[..<cut]))
            readEverything(Array(original[..<cut]) + Array(original.suffix(8)))
        }
        #expect(throws: ParquetError.self) { try ParquetFile(bytes: Array(original.dropLast()), path: name) }
    }
}
