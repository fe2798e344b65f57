/// Views and session settings through the executable: `starling tables` and `describe` list
/// views (the JSON keeps its fields and gains `sql`), the shell's `.tables`, `.schema` and
/// `.describe` show them, and `SET` lasts for the statements of a script or shell session.

import Foundation
import Testing

@Suite("Command line: views and settings", .serialized)
struct ViewCommandLineTests {
    typealias CLI = CommandLineTests

    /// The small star of ``CommandLineTests/warehouse()`` with a view over it.
    static func warehouse() throws -> String {
        let warehouse = try CLI.warehouse()
        let created = try CLI.run(
            ["sql", "CREATE VIEW asia_sales (amount) AS SELECT s_amount, s_day FROM sales WHERE s_region = 1"],
            warehouse: warehouse)
        #expect(created.status == 0, "\(created.error)")
        return warehouse
    }

    @Test("starling tables lists views after the tables, kind view; the JSON keeps its fields")
    func tables() throws {
        let warehouse = try Self.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let text = try CLI.run(["tables"], warehouse: warehouse)
        #expect(text.status == 0)
        let lines = text.output.split(separator: "\n").map { String($0) }
        #expect(lines.first?.hasPrefix("table ") == true)
        #expect(lines.last?.split(separator: " ").map(String.init) == ["asia_sales", "view"])
        #expect(text.error.contains("2 tables and 1 view at snapshot"), "\(text.error)")
        let json = try CLI.run(["tables", "--json"], warehouse: warehouse)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        #expect(items.count == 3)
        for item in items {
            #expect(Set(item.keys).isSuperset(of: ["name", "kind", "rows", "partitions", "segments", "bytes"]))
        }
        let view = try #require(items.last)
        #expect(view["name"] as? String == "asia_sales" && view["kind"] as? String == "view")
        #expect(view["rows"] is NSNull && view["bytes"] is NSNull)
        #expect(view["sql"] as? String == "SELECT s_amount, s_day FROM sales WHERE s_region = 1")
        #expect(items.first?["rows"] as? Int == 2)
        // SHOW ALL TABLES names the warehouse as the database; DESCRIBE keeps the column order.
        let all = try CLI.run(["sql", "--format", "csv", "SHOW ALL TABLES; DESCRIBE asia_sales"], warehouse: warehouse)
        let database = URL(fileURLWithPath: warehouse).lastPathComponent
        #expect(
            all.output == """
                database,schema,name,column_names,column_types,temporary
                \(database),main,asia_sales,"[amount, s_day]","['DECIMAL(10,2)', DATE]",false
                \(database),main,region,"[r_id, r_name]","[INTEGER, VARCHAR]",false
                \(database),main,sales,"[s_region, s_day, s_amount]","[INTEGER, DATE, 'DECIMAL(10,2)']",false

                column_name,column_type,null,key,default,extra
                amount,"DECIMAL(10,2)",YES,,,
                s_day,DATE,NO,,,

                """, "\(all.output)")
    }

    @Test("starling describe shows a view's columns and query; a view that no longer binds says why")
    func describe() throws {
        let warehouse = try Self.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let text = try CLI.run(["describe", "asia_sales"], warehouse: warehouse)
        #expect(text.status == 0, "\(text.error)")
        #expect(text.output.hasPrefix("view asia_sales\n"))
        #expect(text.output.contains("amount  DECIMAL(10,2)"))
        #expect(text.output.contains("s_day   DATE"))
        #expect(
            text.output.contains(
                "CREATE VIEW asia_sales (amount) AS SELECT s_amount, s_day FROM sales WHERE s_region = 1;"))
        let json = try CLI.run(["describe", "asia_sales", "--json"], warehouse: warehouse)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "view")
        #expect((object["columns"] as? [[String: Any]])?.map { $0["name"] as? String } == ["amount", "s_day"])
        #expect(object["column_names"] as? [String] == ["amount"])
        #expect(object["error"] is NSNull)
        #expect(try CLI.run(["sql", "CREATE VIEW lonely AS SELECT 1 AS one"], warehouse: warehouse).status == 0)
        #expect(
            try CLI.run(
                ["sql", "CREATE TABLE gone (g INTEGER); CREATE VIEW orphan AS SELECT g FROM gone; DROP TABLE gone"],
                warehouse: warehouse
            ).status == 0)
        let orphan = try CLI.run(["describe", "orphan"], warehouse: warehouse)
        #expect(orphan.status == 0)
        #expect(
            orphan.output.contains(
                "does not bind now (columns as created): in view orphan at line 1:15: table \"gone\" does not exist"),
            "\(orphan.output)")
        #expect(
            try CLI.run(["describe", "asia_sale"], warehouse: warehouse).error.contains("did you mean asia_sales?"))
        let history = try CLI.run(["history", "--json"], warehouse: warehouse)
        #expect(history.output.contains("\"create view\""))
    }

    @Test("the shell's .tables, .schema and .describe show views")
    func shell() throws {
        let warehouse = try Self.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let result = try CLI.run(
            ["shell"], warehouse: warehouse,
            input: """
                .tables
                .schema asia_sales
                .describe asia_sales
                .schema
                """)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("asia_sales  view"))
        #expect(result.output.components(separatedBy: "CREATE VIEW asia_sales (amount) AS").count == 4)
        #expect(result.output.contains("view asia_sales\n"))
        #expect(result.output.contains("CREATE TABLE sales ("))
    }

    @Test("SET lasts for the rest of a script or shell session; RESET returns to the command's options")
    func settings() throws {
        let warehouse = try CLI.warehouse()
        defer { try? FileManager.default.removeItem(atPath: warehouse) }
        let script = try CLI.run(
            [
                "sql", "--format", "csv", "--threads", "2", "--memory-limit", "4GB",
                """
                SHOW threads; SET threads = 3; SHOW threads; RESET threads; SHOW threads;
                SHOW memory_limit; SET memory_limit = '1GB'; SELECT current_setting('memory_limit') AS m; RESET ALL;
                SHOW memory_limit
                """,
            ], warehouse: warehouse)
        #expect(script.status == 0, "\(script.error)")
        #expect(
            script.output
                == "threads\n2\n\nthreads\n3\n\nthreads\n2\n\n"
                + "memory_limit\n4.0 GiB\n\nm\n953.6 MiB\n\nmemory_limit\n4.0 GiB\n",
            "\(script.output)")
        // A memory limit set in the session stops the next query, and its reset lets it run.
        let query =
            "SELECT count(DISTINCT a.s_amount * 100000 + b.s_amount) "
            + "FROM sales a, sales b, sales c, sales d, sales e, sales f, sales g"
        let shell = try CLI.run(
            ["shell", "--continue-on-error"], warehouse: warehouse,
            input: """
                .mode csv
                SET memory_limit = '50KB';
                \(query);
                RESET memory_limit;
                \(query);
                SET TimeZone = 'Europe/Paris';
                """)
        #expect(shell.status == 1)
        #expect(shell.error.contains("over the memory limit of 49 KiB"), "\(shell.error)")
        #expect(shell.output.contains("\n16\n"), "\(shell.output)")
        #expect(shell.error.contains("time zone \"Europe/Paris\" is not supported: Starling supports only UTC"))
    }
}
