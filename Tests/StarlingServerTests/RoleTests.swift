/// Which role each kind of statement needs.

import StarlingSQL
import Testing

@testable import StarlingServer

@Suite("Role")
struct RoleTests {
    static func required(_ sql: String) throws -> Role {
        let statements = try Parser.parse(sql)
        let statement = try #require(statements.first?.statement)
        return Role.required(for: statement).role
    }

    @Test("reads need reader, loads loader, DDL and COPY from files admin")
    func classification() throws {
        let cases: [(String, Role)] = [
            ("SELECT 1", .reader), ("WITH x AS (SELECT 1) SELECT * FROM x", .reader),
            ("SELECT * FROM starling.tables", .reader), ("EXPLAIN SELECT 1", .reader), ("SHOW TABLES", .reader),
            ("DESCRIBE t", .reader), ("SET threads = 2", .reader), ("RESET threads", .reader),
            ("INSERT INTO t VALUES (1)", .loader), ("INSERT INTO t SELECT 1", .loader),
            ("CREATE TABLE u AS SELECT 1 AS a", .loader), ("CREATE TABLE t (a INTEGER)", .admin),
            ("DROP TABLE t", .admin), ("ALTER TABLE t ADD COLUMN b INTEGER", .admin),
            ("CREATE VIEW v AS SELECT 1", .admin), ("DROP VIEW v", .admin), ("COPY t FROM '/etc/passwd'", .admin),
        ]
        for (sql, role) in cases {
            #expect(try Self.required(sql) == role, "\(sql)")
        }
    }

    @Test("the denial names the user, the role, the statement kind and the role needed")
    func denial() throws {
        let create = try #require(try Parser.parse("CREATE TABLE t (a INTEGER)").first?.statement)
        #expect(
            Role.denial(of: create, user: "bob", role: .reader)
                == "permission denied: user \"bob\" has role reader, which may not run CREATE TABLE (it needs role admin)"
        )
        #expect(Role.denial(of: create, user: "ann", role: .admin) == nil)
        let insert = try #require(try Parser.parse("INSERT INTO t VALUES (1)").first?.statement)
        #expect(Role.denial(of: insert, user: "etl", role: .loader) == nil)
        #expect(Role.denial(of: insert, user: "bob", role: .reader) != nil)
        let select = try #require(try Parser.parse("SELECT 1").first?.statement)
        for role in Role.allCases { #expect(Role.denial(of: select, user: "x", role: role) == nil) }
        #expect(Role.reader < Role.loader && Role.loader < Role.admin)
    }
}
