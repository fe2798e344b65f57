/// Helpers the engine's tests share: a scratch warehouse with a generated fact table, and a
/// statement's answer as text.

import Foundation
import StarlingEngine
import StarlingStorage

enum EngineTestSupport {
    /// A scratch directory named `starling-<prefix>-…` holding `fact.csv` (`k,v`: k = 1…`rows`,
    /// v = k % 10) and a new warehouse at `wh`, with `fact(k BIGINT, v INTEGER)` loaded from it
    /// followed by `setup`. The caller removes the directory.
    static func factWarehouse(_ prefix: String, rows: Int, setup: String = "") throws -> (
        engine: Engine, warehouse: Warehouse, directory: String
    ) {
        let directory =
            NSTemporaryDirectory() + "starling-\(prefix)-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var text = "k,v\n"
        for k in 1...rows { text += "\(k),\(k % 10)\n" }
        try text.write(toFile: directory + "/fact.csv", atomically: true, encoding: .utf8)
        let warehouse = try Warehouse.create(at: directory + "/wh")
        let engine = Engine(warehouse: warehouse, threads: 2)
        try engine.run(
            "CREATE TABLE fact (k BIGINT, v INTEGER); COPY fact FROM '\(directory)/fact.csv' (HEADER);" + setup)
        return (engine, warehouse, directory)
    }

    /// The first column of `sql`'s rows, each value as the column's type prints it.
    static func firstColumn(_ engine: Engine, _ sql: String) throws -> [String] {
        var lines: [String] = []
        try engine.run(
            sql,
            onResult: { result in
                for row in 0..<result.rows.count {
                    lines.append(result.rows.columns[0].value(at: row).formatted(as: result.columns[0].type))
                }
            })
        return lines
    }
}
