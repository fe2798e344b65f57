/// Tests of the portal extract generator: the same seed gives the same bytes, each night has its
/// expected files, the documented share of rows is bad on purpose, and a few nights load into
/// examples/portal/schema.sql through the loader — the bad rows rejected, the re-delivered night
/// replacing its day instead of doubling it.

import Foundation
import Testing
import StarlingColumns
import StarlingEngine
import StarlingLoader
import StarlingStorage
@testable import StarlingSampleData

@Suite("portal generator")
struct PortalGeneratorTests {
    static func temporaryDirectory(_ name: String) -> String {
        NSTemporaryDirectory() + "starling-portal-test-\(name)-\(UInt64.random(in: 0...UInt64.max))"
    }

    /// Every file under `directory`, by relative path, with its bytes.
    static func contents(of directory: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { result[path] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path)) }
        }
        return result
    }

    @Test("options are checked: days 1…3650, scale above 0")
    func options() {
        #expect(PortalGenerator(days: 0) == nil)
        #expect(PortalGenerator(days: 3_651) == nil)
        #expect(PortalGenerator(days: 1, scale: 0) == nil)
        #expect(PortalGenerator(days: 1, scale: -1) == nil)
        #expect(PortalGenerator(days: 1, scale: .nan) == nil)
        #expect(PortalGenerator(days: 30)?.redeliveredNight == 15)
        #expect(PortalGenerator(days: 1)?.redeliveredNight == 1)
    }

    @Test("the same seed gives the same bytes; another seed other bytes")
    func deterministic() throws {
        let first = Self.temporaryDirectory("a"), second = Self.temporaryDirectory("b"), third = Self.temporaryDirectory("c")
        defer { for directory in [first, second, third] { try? FileManager.default.removeItem(atPath: directory) } }
        let generator = try #require(PortalGenerator(days: 3, scale: 0.05, seed: 42))
        try generator.generate(into: first)
        try generator.generate(into: second)
        try #require(PortalGenerator(days: 3, scale: 0.05, seed: 43)).generate(into: third)
        // README.md names the output directory; every other file must match byte for byte.
        var a = try Self.contents(of: first), b = try Self.contents(of: second), c = try Self.contents(of: third)
        a["README.md"] = nil
        b["README.md"] = nil
        c["README.md"] = nil
        #expect(a.count > 15)
        #expect(a == b)
        #expect(a["2025-03-02/applications.csv.gz"] != c["2025-03-02/applications.csv.gz"])
        // gzip files really are gzip.
        let gz = try #require(a["2025-03-01/service_queries.ndjson.gz"])
        #expect(Array(gz.prefix(2)) == [0x1F, 0x8B])
    }

    @Test("each night has its expected files, in load order")
    func fileSet() throws {
        let directory = Self.temporaryDirectory("files")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try #require(PortalGenerator(days: 10, start: CalendarDate(year: 2025, month: 4, day: 1), scale: 0.02)).generate(into: directory)
        let facts: [PortalExtract] = [.applications, .processingActions, .payments, .serviceQueries]
        func files(_ night: Int) -> [PortalExtract] {
            report.files.filter { $0.night == night && !$0.redelivered }.map(\.extract)
        }
        #expect(files(1) == [.departments, .schemes, .services, .citizens] + facts)
        #expect(files(2) == [.citizens] + facts)
        #expect(files(8) == [.schemes, .citizens] + facts)
        #expect(files(10) == [.departments, .citizens] + facts)
        #expect(report.files.first?.path == "2025-04-01/departments.csv")
        let redelivered = report.files.filter(\.redelivered)
        #expect(redelivered.last?.path == "redelivered/2025-04-05/applications.csv.gz")
        #expect(redelivered.allSatisfy { $0.dirtyRows.isEmpty && $0.night == 5 })
        for name in ["manifest.csv", "dirty-rows.csv", "README.md"] {
            #expect(FileManager.default.fileExists(atPath: directory + "/" + name))
        }
        // manifest.csv has the same columns as gen retail's, one line per file, in load order.
        let manifest = try String(contentsOfFile: directory + "/manifest.csv", encoding: .utf8).split(separator: "\n")
        #expect(manifest.count == report.files.count + 1)
        #expect(manifest.first.map(String.init) == ExtractManifest.manifestColumns.joined(separator: ","))
        #expect(manifest.dropFirst().first == "1,2025-04-01,2025-04-01,departments.csv,dim_department,12,\(report.files[0].bytes),0,")
        #expect(manifest.last?.hasPrefix("5,2025-04-05,redelivered/2025-04-05,applications.csv.gz,fact_service_applications,") == true)
        #expect(manifest.last?.hasSuffix(",0,--replace-partitions") == true)
        #expect(report.manifest.deliveries.map(\.path) == report.files.map(\.path))
    }

    @Test("about 0.1% of fact rows are bad on purpose, as documented")
    func dirtyRate() throws {
        let directory = Self.temporaryDirectory("dirty")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try #require(PortalGenerator(days: 4, scale: 0.5)).generate(into: directory)
        var rows = 0, dirty = 0
        for file in report.files where !file.redelivered {
            guard file.extract.isFact else {
                #expect(file.dirtyRows.isEmpty)
                continue
            }
            rows += file.rows
            dirty += file.dirtyRows.count
            // max(1, rows / 1000) chosen rows; payments add those of late citizens, the
            // re-delivered night's applications their cut last line.
            let chosen = file.dirtyRows.filter { row in
                !(file.extract == .payments && row.kind == .unknownKey) && row.kind != .truncatedLine
            }
            #expect(chosen.count == PortalNight.dirtyCount(rows: file.rows), "\(file.path)")
            #expect(Set(file.dirtyRows.map(\.line)).count == file.dirtyRows.count)
        }
        let rate = Double(dirty) / Double(rows)
        #expect(rate > 0.0008 && rate < 0.003, "rate \(rate)")
        let listed = try String(contentsOfFile: directory + "/dirty-rows.csv", encoding: .utf8).split(separator: "\n")
        #expect(listed.count == dirty + 1)
        #expect(listed.first.map(String.init) == ExtractManifest.dirtyRowColumns.joined(separator: ","))
        #expect(report.manifest.defects.count == dirty + report.files.filter(\.redelivered).reduce(0) { $0 + $1.dirtyRows.count })
    }

    @Test("a few nights load into examples/portal/schema.sql; bad rows are rejected; the re-delivery replaces its day")
    func endToEnd() throws {
        let directory = Self.temporaryDirectory("load")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try #require(PortalGenerator(days: 3, scale: 0.05)).generate(into: directory)
        let schemaPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/portal/schema.sql").path
        let schema = try String(contentsOfFile: schemaPath, encoding: .utf8)
        let warehouse = try Warehouse.create(at: directory + "/warehouse")
        _ = try DateDimension.generate(warehouse: warehouse, table: "dim_date", from: ValueParsing.date("2025-01-01") ?? 0,
                                       to: ValueParsing.date("2025-12-31") ?? 0, fiscalYearStartMonth: 4, wait: false)
        try Engine(warehouse: warehouse).run(schema)

        var expected: [String: Int] = [:]
        for file in report.files {
            // The flags manifest.csv gives.
            var options = LoadOptions()
            if file.loadFlags.hasPrefix("--max-rejects ") { options.maxRejects = Int(file.loadFlags.dropFirst(14)) ?? 0 }
            options.replacePartitions = file.loadFlags == "--replace-partitions"
            let summary = try Loader(warehouse: warehouse, options: options).load(table: file.extract.table, files: [directory + "/" + file.path])
            #expect(summary.record.rowsRejected == file.dirtyRows.count, "\(file.path)")
            if file.extract.isFact {
                #expect(summary.record.rowsLoaded == file.expectedLoaded, "\(file.path)")
                if file.redelivered {
                    expected[file.extract.table + "/" + file.date.description] = file.rows
                } else {
                    expected[file.extract.table + "/" + file.date.description, default: 0] += file.expectedLoaded
                }
            }
        }
        let catalog = try warehouse.catalog()
        for (key, rows) in expected {
            let parts = key.split(separator: "/")
            let table = try #require(catalog.table(named: String(parts[0])))
            #expect(table.partitions.first { $0.key == String(parts[1]) }?.rowCount == rows, "\(key)")
        }
        // The re-delivered day holds every application once: more than the cut-short night
        // loaded, and no more than the re-delivery has.
        let night = try #require(report.files.first { $0.extract == .applications && $0.night == report.redeliveredNight && !$0.redelivered })
        let redelivery = try #require(report.files.first { $0.extract == .applications && $0.redelivered })
        #expect(redelivery.rows > night.expectedLoaded)
        let applications = try #require(catalog.table(named: "fact_service_applications"))
        #expect(applications.partitions.first { $0.key == redelivery.date.description }?.rowCount == redelivery.rows)

        // The dimensions' history: citizens who moved have two versions.
        var versions = 0
        try Engine(warehouse: warehouse).run("SELECT count(*) FROM dim_citizen WHERE NOT is_current") { result in
            if case .integer(let count)? = result.rows.columns.first?.value(at: 0) { versions = Int(count) }
        }
        #expect(versions >= 2)
    }
}
