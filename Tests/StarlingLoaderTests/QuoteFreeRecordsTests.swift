/// Quote-free blocks, found by newlines and split into tiles, convert exactly as tokenized ones do.

import Testing
import StarlingColumns
import StarlingStorage
@testable import StarlingLoader

@Suite("QuoteFreeRecords")
struct QuoteFreeRecordsTests {
    /// Everything converting a batch produces, comparable.
    struct Output: Equatable {
        var rows: Int
        var lines: [Int]
        var offsets: [Int]
        var lineCount: Int
        var values: [[Int64]]
        var lengths: [[Int32]]
        var nulls: [[Bool]]
        var rejected: [Bool]
        var rejects: [String]
    }

    static func convert(_ text: [UInt8], table: CatalogTable, fieldForColumn: [Int], expected: Int, quoteFree: Bool, reserve: Int = 0) -> Output {
        let batch = FieldBatch(file: "x.csv", columnCount: table.columns.count)
        batch.text = text
        batch.fieldForColumn = fieldForColumn
        batch.nullStrings = ["", "\\N"].map { Array($0.utf8) }
        if quoteFree {
            batch.untokenized = FieldBatch.Untokenized(delimiter: UInt8(ascii: "|"), length: text.count, offset: 100, expectedFields: expected, reserveRecords: reserve)
            batch.tokenize()
        } else {
            var tokenizer = CSVTokenizer(delimiter: UInt8(ascii: "|"), quote: UInt8(ascii: "\""), escape: UInt8(ascii: "\""))
            tokenizer.quoteFreeFastPath = false
            var records = CSVRecords()
            let (_, lines) = text.withUnsafeBytes { tokenizer.tokenize($0, isFinal: true, firstLine: 1, firstOffset: 100, into: &records) }
            batch.records = records
            batch.lineCount = lines
            batch.checkFieldCounts(expected: expected)
        }
        let options = LoadOptions()
        let converter = BatchConverter(table: table, converters: table.columns.map { ColumnConverter(column: $0, options: options) }, resolvers: [:],
                                       partitionColumn: nil, granularity: nil, keepsKeys: false)
        let converted = converter.convert(batch)
        return Output(rows: batch.rowCount, lines: (0..<batch.rowCount).map(batch.line), offsets: (0..<batch.rowCount).map(batch.offset),
                      lineCount: batch.lineCount, values: converted.columns.map(\.values), lengths: converted.columns.map(\.lengths),
                      nulls: converted.columns.map(\.nulls), rejected: converted.rejected,
                      rejects: converted.rejects.map { "\($0.row) \($0.column) \($0.value) \($0.reason)" })
    }

    @Test("random blocks: blank lines, CRLF, short and long records, a trailing delimiter, bad values, unread fields", arguments: [false, true])
    func agreesWithTokenizer(skipsAField: Bool) throws {
        let fixture = try LoaderFixture(schema: "CREATE TABLE t (a INTEGER, b VARCHAR, c DECIMAL(10,2), d INTEGER NOT NULL)")
        let table = try #require(try fixture.warehouse.catalog().table(named: "t"))
        // The file's fields: a, b, c, d (or a, b, an unread field, c, d).
        let expected = skipsAField ? 5 : 4
        let fieldForColumn = skipsAField ? [0, 1, 3, 4] : [0, 1, 2, 3]
        var random = SplitMix64(seed: skipsAField ? 2 : 1)
        let pieces = ["1", "-42", "7.5", "x", "", "\\N", "99999999999", "abc def", "0012", "3.14159"]
        for trial in 0..<300 {
            var text = ""
            for _ in 0..<Int(random.next() % 40) {
                switch random.next() % 12 {
                case 0: text += "\n"
                case 1: text += "\r\n"
                default:
                    var fields = expected
                    switch random.next() % 10 {
                    case 0: fields -= 1
                    case 1: fields += 1
                    default: break
                    }
                    text += (0..<max(fields, 1)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined(separator: "|")
                    if random.next() % 8 == 0 { text += "|" }
                    text += ["\n", "\r\n", "\n", "\n"][Int(random.next() % 4)]
                }
            }
            // Sometimes the last record has no newline (the end of the input).
            if trial % 3 == 0, text.hasSuffix("\n") { text.removeLast() }
            let bytes = Array(text.utf8)
            let reference = Self.convert(bytes, table: table, fieldForColumn: fieldForColumn, expected: expected, quoteFree: false)
            for reserve in [0, 4] {
                #expect(Self.convert(bytes, table: table, fieldForColumn: fieldForColumn, expected: expected, quoteFree: true, reserve: reserve) == reference,
                        "\(text.debugDescription)")
            }
        }
    }

    @Test("more rows than a tile, with every record's fields split in the right places")
    func manyTiles() throws {
        let fixture = try LoaderFixture(schema: "CREATE TABLE t (a INTEGER, b VARCHAR, c DECIMAL(10,2), d INTEGER NOT NULL)")
        let table = try #require(try fixture.warehouse.catalog().table(named: "t"))
        let text = Array((0..<(BatchConverter.tileRows * 3 + 17)).map { "\($0)|name \($0)|\($0).25|\($0 % 7)\n" }.joined().utf8)
        let output = Self.convert(text, table: table, fieldForColumn: [0, 1, 2, 3], expected: 4, quoteFree: true)
        #expect(output == Self.convert(text, table: table, fieldForColumn: [0, 1, 2, 3], expected: 4, quoteFree: false))
        #expect(output.rows == BatchConverter.tileRows * 3 + 17)
        #expect(output.values[0].last == Int64(BatchConverter.tileRows * 3 + 16))
        #expect(output.values[2][5] == 525)
        #expect(output.rejects.isEmpty)
    }
}
