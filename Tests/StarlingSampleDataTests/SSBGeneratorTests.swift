/// Tests of the SSB data generator: cardinalities, keys, value domains, determinism across thread
/// counts, CSV headers and quoting.

import Foundation
import Testing
import StarlingColumns
@testable import StarlingSampleData

/// SF 0.01 generated once (3 threads) and shared by the tests that only read it.
enum SSBFixture {
    static let scaleFactor = 0.01

    /// Where the fixture lives; removed when the test process exits.
    static let directory = temporaryDirectory("fixture")

    static let generated: Result<String, SampleDataError> = {
        atexit { try? FileManager.default.removeItem(atPath: SSBFixture.directory) }
        guard let generator = SSBGenerator(scaleFactor: scaleFactor, threads: 3) else {
            return .failure(SampleDataError("SF \(scaleFactor) refused"))
        }
        do throws(SampleDataError) {
            try generator.generate(into: directory)
            return .success(directory)
        } catch {
            return .failure(error)
        }
    }()

    /// Lineorder's rows, parsed once (several tests read them).
    static let lineorder: Result<[[Substring]], any Error> = Result { try rows(.lineorder) }

    /// The first `limit` rows of `table`'s `.tbl` file, split into fields (without the empty one
    /// after the trailing `|`).
    static func rows(_ table: SSBTable, limit: Int = .max) throws -> [[Substring]] {
        let directory = try generated.get()
        return try tblRows(directory + "/" + table.fileName(format: .tbl), limit: limit)
    }

    /// The number of lines of `table`'s `.tbl` file.
    static func lineCount(_ table: SSBTable) throws -> Int {
        let directory = try generated.get()
        return try bytes(directory + "/" + table.fileName(format: .tbl)).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    static func temporaryDirectory(_ name: String) -> String {
        "/tmp/starling-ssb-test-\(name)-\(UInt64.random(in: 0...UInt64.max))"
    }

    static func bytes(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    static func tblRows(_ path: String, limit: Int = .max) throws -> [[Substring]] {
        let text = String(decoding: try bytes(path), as: UTF8.self)
        return text.split(separator: "\n", maxSplits: limit, omittingEmptySubsequences: true).prefix(limit).map { line in
            Array(line.split(separator: "|", omittingEmptySubsequences: false).dropLast())
        }
    }
}

@Suite("SSB generator")
struct SSBGeneratorTests {
    @Test("cardinalities follow the spec, rounded down, at least 1")
    func cardinalities() {
        #expect(SSBCardinalities(scaleFactor: 0.01) == SSBCardinalities(customers: 300, suppliers: 20, parts: 200_000, orders: 15_000))
        #expect(SSBCardinalities(scaleFactor: 1) == SSBCardinalities(customers: 30_000, suppliers: 2_000, parts: 200_000, orders: 1_500_000))
        #expect(SSBCardinalities(scaleFactor: 4)?.parts == 600_000)
        #expect(SSBCardinalities(scaleFactor: 7.9)?.parts == 600_000)
        #expect(SSBCardinalities(scaleFactor: 8)?.parts == 800_000)
        #expect(SSBCardinalities(scaleFactor: 0.000_01) == SSBCardinalities(customers: 1, suppliers: 1, parts: 200_000, orders: 15))
        #expect(SSBCardinalities(scaleFactor: 0) == nil)
        #expect(SSBCardinalities(scaleFactor: -1) == nil)
        #expect(SSBCardinalities(scaleFactor: .nan) == nil)
        #expect(SSBCardinalities(scaleFactor: 20_000) == nil)
        #expect(SSBGenerator(scaleFactor: 0.01)?.cardinalities == SSBCardinalities(customers: 300, suppliers: 20, parts: 200_000, orders: 15_000))
    }

    @Test("SF 0.01 files have the spec's row counts")
    func rowCounts() throws {
        #expect(try SSBFixture.lineCount(.customer) == 300)
        #expect(try SSBFixture.lineCount(.supplier) == 20)
        #expect(try SSBFixture.lineCount(.part) == 200_000)
        #expect(try SSBFixture.lineCount(.date) == 2_557)
        let lines = try SSBFixture.lineorder.get()
        #expect(try SSBFixture.lineCount(.lineorder) == lines.count)
        #expect(Set(lines.map { $0[0] }).count == 15_000)
        // 1 to 7 lines per order: about 4 on average.
        #expect(abs(Double(lines.count) / 15_000 - 4) < 0.1, "\(lines.count) lines")
        #expect(try SSBFixture.rows(.date).allSatisfy { $0.count == 17 })
    }

    @Test("every lineorder key references an existing dimension row")
    func references() throws {
        let customers = Set(try SSBFixture.rows(.customer).map { Int($0[0]) ?? 0 })
        let suppliers = Set(try SSBFixture.rows(.supplier).map { Int($0[0]) ?? 0 })
        // Part keys count up from 1 (checked on the first rows; the row count is checked above).
        let firstParts = try SSBFixture.rows(.part, limit: 1_000).map { Int($0[0]) ?? 0 }
        #expect(firstParts == Array(1...1_000))
        let parts = 1...200_000
        let dates = Set(try SSBFixture.rows(.date).map { Int($0[0]) ?? 0 })
        #expect(customers == Set(1...300))
        #expect(suppliers == Set(1...20))
        var usedSuppliers = Set<Int>()
        var dangling: [String] = []
        for row in try SSBFixture.lineorder.get() {
            let keys = [row[2], row[3], row[4], row[5], row[15]].map { Int($0) ?? 0 }
            if !customers.contains(keys[0]) || !parts.contains(keys[1]) || !suppliers.contains(keys[2])
                || !dates.contains(keys[3]) || !dates.contains(keys[4]) {
                dangling.append(row.joined(separator: "|"))
            }
            usedSuppliers.insert(keys[2])
        }
        let danglingCount = dangling.count
        #expect(danglingCount == 0, "for example \(dangling.prefix(3))")
        #expect(usedSuppliers == suppliers)
    }

    @Test("lineorder values stay in their domains and money adds up")
    func lineorderDomains() throws {
        let lines = try SSBFixture.lineorder.get()
        let dayNumbers = Dictionary(uniqueKeysWithValues: try SSBFixture.rows(.date).enumerated().map { (Int($1[0]) ?? 0, $0) })
        let priorities = Set(SSBText.priorities.map { Substring($0) })
        let shipModes = Set(SSBText.shipModes.map { Substring($0) })
        var totals: [Int: (total: Int, sum: Int, lines: Int)] = [:]
        var discounts = Set<Int>()
        var quantities = Set<Int>()
        var bad: [String] = []
        var selected = 0
        for row in lines {
            let values = row.map { Int($0) ?? -1 }
            let (partKey, quantity, extended, discount, revenue, supplyCost, tax) =
                (values[3], values[8], values[9], values[11], values[12], values[13], values[14])
            discounts.insert(discount)
            quantities.insert(quantity)
            if (1...3).contains(discount) && quantity < 25 { selected += 1 }
            let price = SSBBlockGenerator.retailPrice(partKey: partKey)
            let commitDelay = (dayNumbers[values[15]] ?? 0) - (dayNumbers[values[5]] ?? 0)
            var order = totals[values[0]] ?? (values[10], 0, 0)
            order.sum += extended * (100 + tax) / 100 * (100 - discount) / 100
            order.lines += 1
            let good = row.count == 17 && (0...10).contains(discount) && (1...50).contains(quantity) && (0...8).contains(tax)
                && extended == quantity * price && revenue == extended * (100 - discount) / 100 && supplyCost == 6 * price / 10
                && priorities.contains(row[6]) && row[7] == "0" && shipModes.contains(row[16])
                && (30...90).contains(commitDelay) && order.total == values[10] && values[1] == order.lines
            if !good { bad.append(row.joined(separator: "|")) }
            totals[values[0]] = order
        }
        let badCount = bad.count
        #expect(badCount == 0, "for example \(bad.prefix(3))")
        #expect(discounts == Set(0...10))
        #expect(quantities == Set(1...50))
        // Q1.1's lineorder conditions: 3/11 of discounts × 24/50 of quantities.
        #expect(abs(Double(selected) / Double(lines.count) - 3.0 / 11 * 24 / 50) < 0.01)
        let unbalanced = totals.filter { $0.value.total != $0.value.sum || !(1...7).contains($0.value.lines) }.keys.sorted()
        let unbalancedCount = unbalanced.count
        #expect(unbalancedCount == 0, "for example orders \(unbalanced.prefix(3))")
    }

    @Test("customer and supplier cities, nations, regions and phones agree")
    func dimensionDomains() throws {
        let nations = Dictionary(uniqueKeysWithValues: SSBText.nations.enumerated().map { ($1.name, ($0, SSBText.regions[$1.region])) })
        for (table, nameColumn) in [(SSBTable.customer, "Customer#"), (.supplier, "Supplier#")] {
            for row in try SSBFixture.rows(table) {
                let key = Int(row[0]) ?? 0
                #expect(row[1] == nameColumn + String(repeating: "0", count: 9 - String(key).count) + String(key))
                #expect((1...25).contains(row[2].count) && row[2].first != " " && row[2].last != " ")
                let nation = String(row[4])
                guard let (index, region) = nations[nation] else {
                    Issue.record("unknown nation \(nation)")
                    continue
                }
                let city = row[3]
                #expect(city.count == 10)
                #expect(city.prefix(9) == SSBText.cityPrefix(nation))
                #expect(city.last.map { $0.isNumber } == true)
                #expect(row[5] == region)
                #expect(row[6].hasPrefix("\(10 + index)-") && row[6].count == 15)
                if table == .customer { #expect(SSBText.segments.contains(String(row[7]))) }
            }
        }
        #expect(SSBText.cityPrefix("UNITED KINGDOM") + "1" == "UNITED KI1")
        #expect(SSBText.cityPrefix("CHINA") + "3" == "CHINA    3")
    }

    @Test("part brands sit in their categories, categories in their manufacturers")
    func partHierarchy() throws {
        var brands = Set<Substring>()
        // 20,000 of the 200,000 parts: 20 per brand on average, so every brand shows.
        for row in try SSBFixture.rows(.part, limit: 20_000) {
            let (manufacturer, category, brand) = (row[2], row[3], row[4])
            #expect(manufacturer.count == 6 && category.count == 7 && brand.count == 9)
            #expect(category.hasPrefix(manufacturer) && brand.hasPrefix(category))
            #expect((1...5).contains(Int(manufacturer.dropFirst(5)) ?? 0))
            #expect((1...5).contains(Int(category.dropFirst(6)) ?? 0))
            #expect((1...40).contains(Int(brand.dropFirst(7)) ?? 0))
            let name = row[1].split(separator: " ")
            #expect(name.count == 2 && name[0] != name[1])
            #expect((1...50).contains(Int(row[7]) ?? 0))
            brands.insert(brand)
        }
        #expect(brands.count == 1_000)
        #expect(brands.contains("MFGR#2239"))
    }

    @Test("date attributes agree with the date key")
    func dateDomains() throws {
        let rows = try SSBFixture.rows(.date)
        #expect(rows.first?[0] == "19920101" && rows.last?[0] == "19981231")
        for row in rows {
            let key = Int(row[0]) ?? 0
            #expect(Int(row[4]) == key / 10_000)
            #expect(Int(row[5]) == key / 100)
            #expect(Int(row[10]) == key / 100 % 100)
            #expect(Int(row[8]) == key % 100)
            #expect(row[6] == String(SSBText.months[key / 100 % 100 - 1].prefix(3)) + String(key / 10_000))
            #expect((1...53).contains(Int(row[11]) ?? 0))
            #expect((1...7).contains(Int(row[7]) ?? 0))
        }
    }

    @Test("the same bytes with 1 and 3 threads; another seed gives other bytes")
    func determinism() throws {
        let fixture = try SSBFixture.generated.get()
        let directory = SSBFixture.temporaryDirectory("one-thread")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #require(SSBGenerator(scaleFactor: SSBFixture.scaleFactor, threads: 1)).generate(into: directory)
        for table in SSBTable.allCases {
            let name = table.fileName(format: .tbl)
            #expect(try SSBFixture.bytes(directory + "/" + name) == SSBFixture.bytes(fixture + "/" + name), "\(name)")
        }
        try #require(SSBGenerator(scaleFactor: SSBFixture.scaleFactor, seed: 7, threads: 2)).generate(into: directory, tables: [.customer])
        #expect(try SSBFixture.bytes(directory + "/customer.tbl") != SSBFixture.bytes(fixture + "/customer.tbl"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)
    }

    @Test("CSV has a header of column names and quotes values holding commas")
    func csv() throws {
        let fixture = try SSBFixture.generated.get()
        let directory = SSBFixture.temporaryDirectory("csv")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tables: [SSBTable] = [.date, .customer, .supplier]
        try #require(SSBGenerator(scaleFactor: SSBFixture.scaleFactor, format: .csv)).generate(into: directory, tables: tables)
        for table in tables {
            let text = String(decoding: try SSBFixture.bytes(directory + "/" + table.fileName(format: .csv)), as: UTF8.self)
            let records = parseCSV(text)
            #expect(records.first == table.columnNames)
            // The same values as the .tbl file of the same seed.
            let expected = try SSBFixture.tblRows(fixture + "/" + table.fileName(format: .tbl)).map { $0.map(String.init) }
            #expect(Array(records.dropFirst()) == expected, "\(table)")
        }
        let dates = String(decoding: try SSBFixture.bytes(directory + "/date.csv"), as: UTF8.self)
        #expect(dates.contains("\n19920101,\"January 1, 1992\",Wednesday,January,1992,199201,Jan1992,4,1,1,1,1,Winter,0,0,1,1\n"))
    }

    @Test("column names are those of Benchmarks/ssb/schema.sql; vocabularies have the spec's sizes")
    func columnsAndVocabularies() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let schema = try String(contentsOf: root.appendingPathComponent("Benchmarks/ssb/schema.sql"), encoding: .utf8)
        for table in SSBTable.allCases {
            let name = table == .date ? "dates" : table.rawValue
            guard let start = schema.range(of: "CREATE TABLE \(name) (") else {
                Issue.record("no CREATE TABLE \(name)")
                continue
            }
            let body = schema[start.upperBound...].prefix { $0 != ";" }
            let columns = body.split(separator: "\n").compactMap { line in
                line.split(separator: " ").first.map(String.init)
            }.filter { $0 != ")" }
            #expect(columns == table.columnNames, "\(name)")
        }
        #expect(SSBText.colors.count == 92 && Set(SSBText.colors).count == 92)
        #expect(SSBText.nations.count == 25)
        #expect((0..<5).map { region in SSBText.nations.filter { $0.region == region }.count } == [5, 5, 5, 5, 5])
        #expect(SSBText.addressCharacters.count == 65)
        let words = SSBText.colors + SSBText.segments + SSBText.priorities + SSBText.shipModes + SSBText.nations.map(\.name)
        #expect(words.allSatisfy { !$0.contains("|") && !$0.contains(",") && !$0.contains("\"") })
    }

    @Test("row writer formats numbers and quotes CSV fields")
    func rowWriter() {
        var writer = RowWriter(format: .csv, capacity: 8)
        writer.integerField(0)
        writer.integerField(-42)
        writer.integerField(Int.max)
        writer.zeroPadded(7, width: 9)
        writer.endField()
        writer.text("a\"b,c")
        writer.endField()
        writer.text("plain")
        writer.endField()
        writer.endRow()
        let csv = String(decoding: writer.bytes, as: UTF8.self)
        #expect(csv == "0,-42,9223372036854775807,000000007,\"a\"\"b,c\",plain\n")

        var table = RowWriter(format: .tbl)
        table.integerField(19_920_101)
        table.text("x, y")
        table.endField()
        table.endRow()
        #expect(String(decoding: table.bytes, as: UTF8.self) == "19920101|x, y|\n")
        #expect(ByteBuffer.digitCount(0) == 1 && ByteBuffer.digitCount(99) == 2 && ByteBuffer.digitCount(UInt64.max) == 20)
    }

    @Test("an output path that cannot be a directory is an error")
    func unwritableDirectory() throws {
        let fixture = try SSBFixture.generated.get()
        let generator = SSBGenerator(cardinalities: SSBCardinalities(customers: 1, suppliers: 1, parts: 1, orders: 1))
        #expect(throws: SampleDataError.self) {
            try generator.generate(into: fixture + "/date.tbl/inside", tables: [.date])
        }
    }

    /// RFC 4180 records: `,` between fields, `"` around fields, `""` for a quote inside.
    private func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var bytes = Array(text.utf8).makeIterator()
        var pending = bytes.next()
        while let byte = pending {
            pending = bytes.next()
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if pending == UInt8(ascii: "\"") {
                        field.append(byte)
                        pending = bytes.next()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                record.append(String(decoding: field, as: UTF8.self))
                field = []
            } else if byte == UInt8(ascii: "\n") {
                record.append(String(decoding: field, as: UTF8.self))
                records.append(record)
                record = []
                field = []
            } else {
                field.append(byte)
            }
        }
        return records
    }
}
