/// `starling export`: Hive-style directories, file splitting, schema files, refusals.

import Foundation
import Testing

@Suite("Command line: export", .serialized)
struct ExportCommandTests {
    typealias CLI = CommandLineTests

    /// A warehouse (``CommandLineTests/warehouse()``) and an output directory name beside it.
    static func scratch() throws -> (warehouse: String, out: String) {
        (try CLI.warehouse(), NSTemporaryDirectory() + "starling-export-\(UUID().uuidString)")
    }

    static func remove(_ paths: String...) {
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }

    static func files(under directory: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        return ((enumerator?.allObjects as? [String]) ?? []).sorted()
    }

    @Test("partitions as name=value directories (escaped, NULL as Hive's default), files split by size")
    func partitioned() throws {
        let (warehouse, out) = try Self.scratch()
        defer { Self.remove(warehouse, out) }
        let setup = """
            CREATE TABLE orders (day DATE, region VARCHAR, amount INTEGER, note VARCHAR);
            INSERT INTO orders VALUES ('2025-03-01', 'north', 10, 'a'), ('2025-03-01', 'a/b=c', 20, 'b'),
              ('2025-03-02', NULL, 30, 'c'), ('2025-03-02', 'north', 40, 'd');
            INSERT INTO orders SELECT DATE '2025-03-03', 'bulk', i, repeat('x', 100) || i FROM generate_series(1, 20000) t(i)
            """
        let created = try CLI.run(["sql", setup], warehouse: warehouse)
        #expect(created.status == 0, "\(created.error)")
        let result = try CLI.run(
            [
                "export", "orders", "--out", out, "--partition-by", "day", "--partition-by", "region",
                "--file-size", "200KB", "--row-group-size", "2000", "--compression", "uncompressed",
            ], warehouse: warehouse)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.hasPrefix("orders: 20004 rows in "))
        let files = Self.files(under: out + "/orders").filter { $0.hasSuffix(".parquet") }
        #expect(files.contains("day=2025-03-01/region=north/part-00000.parquet"))
        #expect(files.contains("day=2025-03-01/region=a%2Fb%3Dc/part-00000.parquet"))
        #expect(files.contains("day=2025-03-02/region=__HIVE_DEFAULT_PARTITION__/part-00000.parquet"))
        // 20,000 rows of over 100 bytes, row groups of 2,000, files of about 200 KB: several files.
        #expect(files.filter { $0.hasPrefix("day=2025-03-03/region=bulk/part-") }.count > 1)
        #expect(!Self.files(under: out).contains { $0.contains(".tmp-") })
        let duckdb = try String(contentsOfFile: out + "/orders.duckdb.sql", encoding: .utf8)
        #expect(duckdb.contains("hive_partitioning = true, hive_types = {'day': 'DATE', 'region': 'VARCHAR'}"))
        let spark = try String(contentsOfFile: out + "/orders.spark.sql", encoding: .utf8)
        #expect(spark.contains("PARTITIONED BY (`day`, `region`)"))
        let trino = try String(contentsOfFile: out + "/orders.trino.sql", encoding: .utf8)
        #expect(trino.contains("partitioned_by = ARRAY['day', 'region']"))

        // The table's directory exists now: a second export is refused and changes nothing.
        let again = try CLI.run(["export", "orders", "--out", out], warehouse: warehouse)
        #expect(again.status != 0)
        #expect(again.error.contains("exists; remove it or export to another --out directory"))
        #expect(Self.files(under: out + "/orders").filter { $0.hasSuffix(".parquet") } == files)
    }

    @Test("--all writes every table, whole where a partition column is missing; bad options are refused")
    func everyTable() throws {
        let (warehouse, out) = try Self.scratch()
        defer { Self.remove(warehouse, out) }
        let setup = """
            CREATE TABLE a (day DATE, x INTEGER); CREATE TABLE b (y VARCHAR);
            INSERT INTO a VALUES ('2025-01-01', 1), ('2026-02-01', 2); INSERT INTO b VALUES ('z')
            """
        let created = try CLI.run(["sql", setup], warehouse: warehouse)
        #expect(created.status == 0, "\(created.error)")
        let result = try CLI.run(
            ["export", "--all", "--out", out, "--format", "csv", "--partition-by", "year=year(day)"],
            warehouse: warehouse)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.error.contains("b: written whole"))
        #expect(FileManager.default.fileExists(atPath: out + "/a/year=2025/part-00000.csv"))
        #expect(try String(contentsOfFile: out + "/b/part-00000.csv", encoding: .utf8) == "y\nz\n")
        #expect(FileManager.default.fileExists(atPath: out + "/a.duckdb.sql"))
        #expect(!FileManager.default.fileExists(atPath: out + "/a.spark.sql"))

        for arguments in [
            ["export", "--out", out], ["export", "a", "--all", "--out", out],
            ["export", "a", "--out", out, "--format", "xml"],
            ["export", "a", "--out", out, "--compression", "brotli"],
            ["export", "a", "--out", out, "--partition-by", "=x"],
        ] {
            #expect(try CLI.run(arguments, warehouse: warehouse).status != 0, "\(arguments)")
        }
        let missing = try CLI.run(["export", "nope", "--out", out], warehouse: warehouse)
        #expect(missing.status != 0 && missing.error.contains("table \"nope\" does not exist"))
    }
}
