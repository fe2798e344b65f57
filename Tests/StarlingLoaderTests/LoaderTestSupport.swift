/// A temporary warehouse with files, for loader tests.

import Foundation
import Testing
@testable import StarlingLoader
import StarlingStorage
import StarlingEngine
import StarlingColumns
import StarlingCompression

final class LoaderFixture {
    let directory: String
    let warehouse: Warehouse

    init(schema: String) throws {
        directory = NSTemporaryDirectory() + "starling-load-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        warehouse = try Warehouse.create(at: directory + "/wh")
        try Engine(warehouse: warehouse).run(schema)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes `bytes` to a file in the fixture directory and returns its path.
    @discardableResult
    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = directory + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @discardableResult
    func file(_ name: String, _ text: String) throws -> String {
        try file(name, Array(text.utf8))
    }

    /// Loads with `configure` applied to default options.
    @discardableResult
    func load(_ table: String, _ files: [String], _ configure: (inout LoadOptions) -> Void = { _ in }) throws(LoadError) -> LoadSummary {
        var options = LoadOptions()
        configure(&options)
        return try Loader(warehouse: warehouse, options: options).load(table: table, files: files)
    }

    func rows(_ table: String) throws -> [[Value]] {
        let catalog = try warehouse.catalog()
        guard let entry = catalog.table(named: table) else { return [] }
        return try TableScanner(warehouse: warehouse, catalog: catalog).rows(of: entry)
    }

    func snapshot() throws -> Int { try warehouse.catalog().snapshot }

    /// gzip-compresses with the system's gzip.
    func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let input = try file("gzip-input-\(UInt32.random(in: 0...UInt32.max))", bytes)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -c '\(input)' > '\(input).gz'"]
        try process.run()
        process.waitUntilExit()
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: input + ".gz")))
    }

    func zstd(_ bytes: [UInt8]) throws -> [UInt8] {
        try Compressor.compress(bytes, setting: CompressionSetting(.zstd, level: 3))
    }
}

func day(_ text: String) -> Value {
    .integer(ValueParsing.date(text) ?? 0)
}
