/// Tests of `gen retail`: determinism per seed, the files of each night, the documented rate of
/// dirty rows, and an end-to-end load of a few nights with examples/retail/schema.sql.

import Foundation
import Testing
import StarlingColumns
import StarlingEngine
import StarlingLoader
import StarlingStorage
@testable import StarlingSampleData

/// A temporary directory, removed when the value goes away.
final class RetailScratch {
    let directory: String

    init() {
        directory = "/tmp/starling-retail-test-\(UInt64.random(in: 0...UInt64.max))"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    /// Generates `days` nights at `scale` into `name` and returns the report.
    func generate(_ name: String, days: Int = 4, scale: Double = 0.05, seed: UInt64 = RetailGenerator.defaultSeed) throws -> RetailReport {
        let start = try #require(ValueParsing.date("2025-01-30"))
        let generator = try #require(RetailGenerator(days: days, start: start, scale: scale, seed: seed))
        return try generator.generate(into: directory + "/" + name)
    }

    func bytes(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path))
    }

    /// The lines of a file, gunzipped (by the system's gzip) when it ends in `.gz`.
    func lines(_ path: String) throws -> [Substring] {
        var data = try bytes(path)
        if path.hasSuffix(".gz") {
            let process = Process()
            let pipe = Pipe()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "gzip -dc '\(directory)/\(path)'"]
            process.standardOutput = pipe
            try process.run()
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    }

    /// Every regular file under `name`, relative to it, sorted.
    func files(_ name: String) -> [String] {
        let root = directory + "/" + name
        let enumerator = FileManager.default.enumerator(atPath: root)
        var found: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(path)
            }
        }
        return found.sorted()
    }
}

@Suite("retail generator")
struct RetailGeneratorTests {
    @Test("the same seed gives the same bytes; another seed other sales")
    func deterministic() throws {
        let scratch = RetailScratch()
        try scratch.generate("a", days: 3)
        try scratch.generate("b", days: 3)
        try scratch.generate("c", days: 3, seed: 7)
        let files = scratch.files("a")
        #expect(files == scratch.files("b"))
        #expect(files.count == 3 * 4 + 1 + 3)
        // README.md names the output directory; every other file must match byte for byte.
        for file in files where file != "README.md" {
            #expect(try scratch.bytes("a/" + file) == scratch.bytes("b/" + file), "\(file) differs between two runs")
        }
        #expect(try scratch.bytes("a/2025-01-30/fact_sales.csv.gz") != scratch.bytes("c/2025-01-30/fact_sales.csv.gz"))
    }

    @Test("each night has its four files; night 1 has every dimension row, later nights changes; night 2 is re-delivered")
    func filesPerNight() throws {
        let scratch = RetailScratch()
        let report = try scratch.generate("out", days: 4)
        #expect(scratch.files("out") == [
            "2025-01-30/dim_customer.ndjson", "2025-01-30/dim_product.csv", "2025-01-30/dim_store.csv", "2025-01-30/fact_sales.csv.gz",
            "2025-01-31/dim_customer.ndjson", "2025-01-31/dim_product.csv", "2025-01-31/dim_store.csv", "2025-01-31/fact_sales.csv.gz",
            "2025-02-01/dim_customer.ndjson", "2025-02-01/dim_product.csv", "2025-02-01/dim_store.csv", "2025-02-01/fact_sales.csv.gz",
            "2025-02-02/dim_customer.ndjson", "2025-02-02/dim_product.csv", "2025-02-02/dim_store.csv", "2025-02-02/fact_sales.csv.gz",
            "README.md", "dirty-rows.csv", "manifest.csv", "redelivery-2025-01-31/fact_sales.csv.gz",
        ])
        let deliveries = report.manifest.deliveries
        #expect(deliveries.map(\.path).last == "redelivery-2025-01-31/fact_sales.csv.gz")
        #expect(deliveries.last?.loadFlags == "--replace-partitions")
        #expect(deliveries.last?.rows == report.salesLinesPerNight[1])
        let first = deliveries.filter { $0.folder == "2025-01-30" }
        #expect(first.map(\.rows) == [RetailTables.initialStores.count, RetailWorld.initialProducts, RetailWorld.initialCustomers,
                                      report.salesLinesPerNight[0]])
        let later = deliveries.filter { $0.folder == "2025-01-31" && $0.table != "fact_sales" }
        #expect(later.allSatisfy { $0.rows < 100 })
        // Store file: byte-order mark and CRLF; manifest rows match the files.
        let store = try scratch.bytes("out/2025-01-30/dim_store.csv")
        #expect(Array(store.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: store, as: UTF8.self).contains("\r\n"))
        #expect(try scratch.lines("out/2025-01-31/fact_sales.csv.gz").count == report.salesLinesPerNight[1] + 1)
        let manifest = try scratch.lines("out/manifest.csv")
        #expect(manifest.count == deliveries.count + 1)
        #expect(manifest.first.map(String.init) == ExtractManifest.manifestColumns.joined(separator: ","))
        let redelivery = "2,2025-01-31,redelivery-2025-01-31,fact_sales.csv.gz,fact_sales,\(report.salesLinesPerNight[1]),"
            + "\(deliveries.last?.bytes ?? 0),0,--replace-partitions"
        #expect(manifest.last.map(String.init) == redelivery)
        // Customers: nested address, valid_from from night 2 on.
        let customer = try #require(try scratch.lines("out/2025-01-31/dim_customer.ndjson").first)
        #expect(customer.contains("\"address\": {\"city\": "))
        #expect(customer.contains("\"valid_from\": \"2025-01-31\""))
    }

    @Test("one sales line in 500 is dirty (at least one a night), each recorded with its line")
    func dirtyRows() throws {
        let scratch = RetailScratch()
        let report = try scratch.generate("out", days: 8, scale: 0.5)
        let defects = report.manifest.defects
        let start = try #require(ValueParsing.date("2025-01-30"))
        let generator = try #require(RetailGenerator(days: 8, start: start))
        for (index, lines) in report.salesLinesPerNight.enumerated() {
            let folder = generator.folder(ofNight: index + 1)
            let file = folder + "/fact_sales.csv.gz"
            let expected = max(1, lines / RetailGenerator.dirtyLineInterval)
            let found = defects.filter { $0.file == file }
            #expect(found.count == expected)
            #expect(report.manifest.deliveries.first { $0.path == file }?.loadFlags == "--max-rejects \(expected)")
            let text = try scratch.lines("out/" + file)
            for defect in found {
                let line = text[defect.line - 1]
                switch defect.kind {
                case .badDate: #expect(line.contains("-02-30"))
                case .unknownKey: #expect(line.split(separator: ",")[3].hasPrefix("990"))
                case .brokenQuote: #expect(line.contains("\" pcs"))
                case .duplicateKey, .truncatedJSON, .truncatedLine: Issue.record("a \(defect.kind) row in a sales file")
                }
            }
        }
        let rate = Double(defects.filter { $0.table == "fact_sales" }.count) / Double(report.salesLinesPerNight.reduce(0, +))
        #expect(rate > 0.0015 && rate < 0.0025)
        #expect(Set(defects.map(\.kind)) == [.badDate, .unknownKey, .brokenQuote, .duplicateKey])
        #expect(defects.filter { $0.kind == .duplicateKey }.allSatisfy { $0.column == "customer_id" })
        #expect(defects.filter { $0.kind == .duplicateKey }.map(\.file) == ["2025-02-02/dim_customer.ndjson", "2025-02-06/dim_customer.ndjson"])
        let dirtyRows = try scratch.lines("out/dirty-rows.csv")
        #expect(dirtyRows.count == defects.count + 1)
        #expect(dirtyRows.first.map(String.init) == ExtractManifest.dirtyRowColumns.joined(separator: ","))
    }

    @Test("a few nights load with examples/retail/schema.sql; the re-delivered night replaces its day")
    func loadsEndToEnd() throws {
        let scratch = RetailScratch()
        let report = try scratch.generate("out", days: 4)
        let warehouse = try Warehouse.create(at: scratch.directory + "/wh")
        let engine = Engine(warehouse: warehouse, threads: 2)
        let start = try #require(ValueParsing.date("2025-01-30"))
        _ = try DateDimension.generate(warehouse: warehouse, table: "dim_date", from: start, to: start + 3, fiscalYearStartMonth: 1, wait: false)
        let schemaPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/retail/schema.sql").path
        try engine.run(try String(contentsOfFile: schemaPath, encoding: .utf8))

        func count(_ sql: String) throws -> Int {
            var result: Int?
            try engine.run(sql) { answer in
                if case .integer(let value) = answer.rows.row(0)[0] { result = Int(value) }
            }
            return try #require(result)
        }

        var loadedBeforeRedelivery = 0
        for delivery in report.manifest.deliveries {
            var options = LoadOptions()
            options.threads = 2
            if delivery.loadFlags.hasPrefix("--max-rejects ") { options.maxRejects = Int(delivery.loadFlags.dropFirst(14)) ?? 0 }
            options.replacePartitions = delivery.loadFlags == "--replace-partitions"
            if options.replacePartitions { loadedBeforeRedelivery = try count("SELECT count(*) FROM fact_sales") }
            let summary = try Loader(warehouse: warehouse, options: options)
                .load(table: delivery.table, files: [scratch.directory + "/out/" + delivery.path])
            #expect(summary.record.rowsRejected == delivery.dirtyRows, "\(delivery.path)")
        }
        let lines = report.salesLinesPerNight
        let dirtySales = report.manifest.defects.filter { $0.table == "fact_sales" }
        let dirtyNight2 = dirtySales.filter { $0.file.hasPrefix("2025-01-31/") }.count
        #expect(loadedBeforeRedelivery == lines.reduce(0, +) - dirtySales.count)
        // Replaced, not doubled: day 2 holds its corrected lines once; other days are untouched.
        #expect(try count("SELECT count(*) FROM fact_sales") == loadedBeforeRedelivery + dirtyNight2)
        #expect(try count("SELECT count(*) FROM fact_sales WHERE sold_on = DATE '2025-01-31'") == lines[1])
        #expect(try count("SELECT count(*) FROM dim_store") == RetailTables.initialStores.count)
        #expect(try count("SELECT count(DISTINCT product_id) FROM dim_product WHERE is_current") == (try count("SELECT count(*) FROM dim_product WHERE is_current")))
        #expect(try count("SELECT count(*) FROM dim_product") > RetailWorld.initialProducts)
        #expect(try count("SELECT count(*) FROM dim_customer WHERE NOT is_current") > 0)
        // Every sale's unit price is the list price of the product version valid on its day.
        #expect(try count("SELECT count(*) FROM fact_sales f JOIN dim_product p ON f.product_id = p.product_id WHERE f.unit_price <> p.list_price") == 0)
        #expect(try count("SELECT count(*) FROM fact_sales WHERE total_amount <> quantity * unit_price - discount") == 0)
        // Every query of examples/retail/queries.sql runs.
        let queries = URL(fileURLWithPath: schemaPath).deletingLastPathComponent().appendingPathComponent("queries.sql").path
        var results = 0
        try engine.run(try String(contentsOfFile: queries, encoding: .utf8)) { answer in
            results += 1
            #expect(answer.rows.count > 0)
        }
        #expect(results == 5)
    }

    @Test("out-of-range options are refused")
    func ranges() {
        #expect(RetailGenerator(days: 0, start: 0) == nil)
        #expect(RetailGenerator(days: 3_651, start: 0) == nil)
        #expect(RetailGenerator(days: 1, start: 0, scale: 0) == nil)
        #expect(RetailGenerator(days: 1, start: 0, scale: .nan) == nil)
        #expect(RetailGenerator(days: 1, start: 0)?.redeliveredNight == 1)
        #expect(ExtractFile.formatDecimal(units: -5, scale: 2) == "-0.05")
        #expect(ExtractFile.formatDecimal(units: 1999, scale: 2) == "19.99")
    }
}
