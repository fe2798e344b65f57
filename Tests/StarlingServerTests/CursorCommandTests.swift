/// DECLARE, FETCH and CLOSE as the server reads them (psql's and psycopg's spellings).

import Testing

@testable import StarlingServer

@Suite("CursorCommand")
struct CursorCommandTests {
    func parse(_ text: String) -> CursorCommand? {
        guard case .success(let command) = CursorCommand.parse(text) else { return nil }
        return command
    }

    func refusal(_ text: String) -> String? {
        guard case .failure(let error) = CursorCommand.parse(text) else { return nil }
        return error.sqlState
    }

    @Test("DECLARE with its options, names folded unless quoted")
    func declare() {
        #expect(
            parse("DECLARE c CURSOR FOR SELECT 1")
                == .declare(name: "c", binary: false, hold: false, query: " SELECT 1"))
        #expect(
            parse("declare \"My Cursor\" BINARY NO SCROLL CURSOR WITH HOLD FOR\nSELECT * FROM t")
                == .declare(name: "My Cursor", binary: true, hold: true, query: "\nSELECT * FROM t"))
        #expect(
            parse("DECLARE Big CURSOR WITHOUT HOLD FOR WITH x AS (SELECT 1) SELECT * FROM x")
                == .declare(name: "big", binary: false, hold: false, query: " WITH x AS (SELECT 1) SELECT * FROM x"))
        #expect(refusal("DECLARE c SCROLL CURSOR FOR SELECT 1") == "0A000")
        #expect(refusal("DECLARE c CURSOR FOR INSERT INTO t VALUES (1)") == "42601")
        #expect(refusal("DECLARE c CURSOR") == "42601")
        #expect(refusal("DECLARE c CURSOR FOR ") == "42601")
    }

    @Test("FETCH counts and directions")
    func fetch() {
        #expect(parse("FETCH c") == .fetch(name: "c", count: 1))
        #expect(parse("FETCH NEXT FROM c") == .fetch(name: "c", count: 1))
        #expect(parse("FETCH 10 IN c") == .fetch(name: "c", count: 10))
        #expect(parse("FETCH FORWARD 100 FROM \"c\"") == .fetch(name: "c", count: 100))
        #expect(parse("FETCH FORWARD ALL FROM c") == .fetch(name: "c", count: nil))
        #expect(parse("fetch all c") == .fetch(name: "c", count: nil))
        #expect(refusal("FETCH BACKWARD 2 FROM c") == "0A000")
        #expect(refusal("FETCH PRIOR FROM c") == "0A000")
        #expect(refusal("FETCH -1 FROM c") == "0A000")
        #expect(refusal("MOVE 1 IN c") == "0A000")
    }

    @Test("CLOSE one cursor or all; other statements are not cursor statements")
    func close() {
        #expect(parse("CLOSE c") == .close(name: "c"))
        #expect(parse("CLOSE ALL") == .close(name: nil))
        #expect(parse("CLOSE \"ALL\"") == .close(name: "ALL"))
        #expect(parse("DEALLOCATE ALL") == .deallocate(name: nil))
        #expect(parse("DEALLOCATE PREPARE _pg3_0") == .deallocate(name: "_pg3_0"))
        #expect(parse("deallocate \"S1\"") == .deallocate(name: "S1"))
        #expect(CursorCommand.parse("SELECT 1") == nil)
        #expect(CursorCommand.parse("-- fetch\nSELECT 1") == nil)
        #expect(CursorCommand.parse("") == nil)
    }
}
