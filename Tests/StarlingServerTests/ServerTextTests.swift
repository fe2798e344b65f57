/// The server's text handling: statements split at `;`, `$N` parameters replaced by checked
/// literals, session commands recognised, values written as PostgreSQL writes them.

import NIOCore
import StarlingColumns
import StarlingExecution
import StarlingWire
import Testing

@testable import StarlingServer

@Suite("ServerText")
struct ServerTextTests {
    @Test("statements split at semicolons outside quotes and comments")
    func split() {
        let script = "SELECT ';' AS \"a;b\"; -- c;\n SELECT 2 /* ; /* ; */ */; ;  \nSELECT E'\\';'"
        let pieces = SQLText.split(script)
        #expect(
            pieces.map(\.text.trimmingSpaces) == [
                "SELECT ';' AS \"a;b\"", "-- c;\n SELECT 2 /* ; /* ; */ */", "SELECT E'\\';'",
            ])
        #expect(pieces.first?.offset == 0)
        #expect(SQLText.split("  ; -- nothing\n;").isEmpty)
        #expect(SQLText.isBlank("/* a */ -- b\n  "))
    }

    @Test("parameters found outside quotes, replaced by literals")
    func parameters() {
        let text = "SELECT $1, '$2', \"$3\", a$4, $2 -- $9\n"
        #expect(SQLText.parameterCount(text) == 2)
        guard case .success(let replaced) = SQLText.substitute(text, ["1", "'x'"]) else {
            Issue.record("substitution failed")
            return
        }
        #expect(replaced == "SELECT 1, '$2', \"$3\", a$4, 'x' -- $9\n")
        guard case .failure(let error) = SQLText.substitute("SELECT $3", ["1"]) else {
            Issue.record("$3 accepted")
            return
        }
        #expect(error.sqlState == "42P02" && error.position == 8)
    }

    @Test("error positions in a bound statement given in the text the client sent")
    func boundPositions() throws {
        let bound = try SQLText.bind("SELECT $1 + nosuch, $2", ["'abc'", " -12.5"]).get()
        #expect(bound.text == "SELECT 'abc' + nosuch,  -12.5")
        #expect(bound.originalPosition(16) == 13)  // nosuch
        #expect(bound.originalPosition(9) == 8)  // inside 'abc': its $1
        #expect(bound.originalPosition(25) == 21)  // inside -12.5: its $2
        #expect(bound.originalPosition(1) == 1)
        let plain = try SQLText.bind("SELECT é, x", []).get()
        #expect(plain.originalPosition(11) == 11)
    }

    /// The literal for one text-format parameter.
    func literal(_ text: String?, _ oid: UInt32) -> String {
        switch ParameterLiteral.literal(text.map { Array($0.utf8) }, oid: oid, format: .text, number: 1) {
        case .success(let literal): return literal
        case .failure(let error): return "error \(error.sqlState)"
        }
    }

    @Test("text parameters: checked, quoted, cast")
    func textLiterals() {
        #expect(literal("it's", 0) == "'it''s'")
        #expect(literal("x'); DROP TABLE t; --", 25) == "'x''); DROP TABLE t; --'")
        #expect(literal("42", PostgresType.int4) == "42")
        #expect(literal(" -42", PostgresType.int8) == " -42")
        #expect(literal("+7", PostgresType.int2) == "7")
        #expect(literal("1.5", PostgresType.float8) == "1.5e0")
        #expect(literal("-1e20", PostgresType.float8) == " -1e+20")
        #expect(literal("NaN", PostgresType.float8) == "CAST('NaN' AS DOUBLE)")
        #expect(literal("1 OR 1=1", PostgresType.int8) == "error 22P02")
        #expect(literal("70000", PostgresType.int2) == "error 22P02")
        #expect(literal("true", PostgresType.bool) == "TRUE")
        #expect(literal("off", PostgresType.bool) == "FALSE")
        #expect(literal("maybe", PostgresType.bool) == "error 22P02")
        #expect(literal("-12.50", PostgresType.numeric) == " -12.50")
        #expect(literal("1e400", PostgresType.numeric) == "CAST('1e400' AS DOUBLE)")
        #expect(literal("12' OR '1", PostgresType.numeric) == "error 22P02")
        #expect(literal("2024-01-02", PostgresType.date) == "DATE '2024-01-02'")
        #expect(literal("2024-01-02 03:04:05+00", PostgresType.timestamptz) == "TIMESTAMP '2024-01-02 03:04:05+00'")
        #expect(literal(nil, PostgresType.int4) == "NULL")
        #expect(literal(nil, 0) == "NULL")
        #expect(literal("a\u{0}b", 0) == "error 22021")
        let invalid = ParameterLiteral.literal([0xFF, 0x27], oid: 0, format: .text, number: 1)
        guard case .failure(let error) = invalid else {
            Issue.record("invalid UTF-8 accepted")
            return
        }
        #expect(error.sqlState == "22021")
    }

    @Test("binary parameters decoded by type, wrong lengths refused")
    func binaryLiterals() {
        func binary(_ bytes: [UInt8], _ oid: UInt32) -> String? { ParameterLiteral.binaryText(bytes, oid: oid) }
        #expect(binary([0, 0, 0, 42], PostgresType.int4) == "42")
        #expect(binary([255, 254], PostgresType.int2) == "-2")
        #expect(binary([0, 0, 42], PostgresType.int4) == nil)
        #expect(binary([1], PostgresType.bool) == "true")
        #expect(binary(withUnsafeBytes(of: (1.5).bitPattern.bigEndian, Array.init), PostgresType.float8) == "1.5")
        #expect(binary([0, 0, 0, 0], PostgresType.date) == "2000-01-01")
        #expect(binary([0, 0, 0, 0, 0, 0, 0, 0], PostgresType.timestamp) == "2000-01-01 00:00:00")
        // -12.50: two digits (12, 5000), weight 0, negative, scale 2.
        #expect(binary([0, 2, 0, 0, 0x40, 0, 0, 2, 0, 12, 0x13, 0x88], PostgresType.numeric) == "-12.50")
        #expect(binary([0, 1, 0, 0, 0, 0], PostgresType.numeric) == nil)
        #expect(binary([1, 2, 3], 600) == nil)
        let interval: [UInt8] = [0, 0, 0, 1, 0xAD, 0x27, 0x48, 0, 0, 0, 0, 1, 0, 0, 0, 14]
        #expect(binary(interval, PostgresType.interval) == "1 year 2 mons 1 day 02:00:00")
        let bytea = ParameterLiteral.literal([1, 2], oid: 17, format: .binary, number: 1)
        guard case .failure(let error) = bytea else {
            Issue.record("a bytea parameter was accepted")
            return
        }
        #expect(error.sqlState == "0A000")
    }

    @Test("NUMERIC in binary: base-10000 groups and weight")
    func numericGroups() {
        #expect(NumericBinary.groups(magnitude: 1250, scale: 2).digits == [12, 5000])
        #expect(NumericBinary.groups(magnitude: 1250, scale: 2).weight == 0)
        #expect(NumericBinary.groups(magnitude: 123_456_789_123, scale: 3).digits == [1, 2345, 6789, 1230])
        #expect(NumericBinary.groups(magnitude: 123_456_789_123, scale: 3).weight == 2)
        #expect(NumericBinary.groups(magnitude: 1, scale: 3).digits == [10])
        #expect(NumericBinary.groups(magnitude: 1, scale: 3).weight == -1)
        #expect(NumericBinary.groups(magnitude: 10_000, scale: 0).digits == [1])
        #expect(NumericBinary.groups(magnitude: 10_000, scale: 0).weight == 1)
        #expect(NumericBinary.groups(magnitude: UInt64(Int64.max), scale: 18).digits.count == 6)
        var buffer = CellBytes(capacity: 16)
        NumericBinary.write(unscaled: -1250, scale: 2, into: &buffer)
        #expect(NumericBinary.text(buffer.bytes) == "-12.50")
        var zero = CellBytes(capacity: 16)
        NumericBinary.write(unscaled: 0, scale: 2, into: &zero)
        #expect(NumericBinary.text(zero.bytes) == "0.00")
    }

    @Test("intervals and doubles as PostgreSQL writes them")
    func values() {
        #expect(
            IntervalText.postgres(Interval(months: 14, days: 3, micros: 14_706_500_000))
                == "1 year 2 mons 3 days 04:05:06.5")
        #expect(IntervalText.postgres(Interval(days: -1, micros: 7_200_000_000)) == "-1 days +02:00:00")
        #expect(IntervalText.postgres(Interval()) == "00:00:00")
        #expect(IntervalText.postgres(Interval(months: 1)) == "1 mon")
        #expect(RowEncoder.text(1.0) == "1")
        #expect(RowEncoder.text(1.5) == "1.5")
        #expect(RowEncoder.text(-.infinity) == "-Infinity")
        #expect(RowEncoder.text(.nan) == "NaN")
    }

    @Test("text cells written digit by digit agree with the String formatting")
    func textCells() {
        var random = SplitMix64(seed: 22)
        for _ in 0..<2_000 {
            let value = Int64(bitPattern: random.next())
            let days = value % 3_000_000
            let micros = value % 250_000_000_000_000_000
            var cells = CellBytes(capacity: 64)
            cells.appendInteger(value)
            cells.append(0x7C)
            cells.appendDate(days: days)
            cells.append(0x7C)
            cells.appendTimestamp(microseconds: micros)
            cells.append(0x7C)
            let scale = Int(value.magnitude % 19)
            cells.appendDecimal(value, scale: scale)
            let expected = [
                String(value), CalendarDate(daysSinceEpoch: days).description,
                TimestampFormatting.format(microseconds: micros),
                DecimalFormatting.format(unscaled: value, scale: scale),
            ].joined(separator: "|")
            #expect(String(decoding: cells.bytes, as: UTF8.self) == expected)
        }
        var edges = CellBytes(capacity: 64)
        edges.appendInteger(Int64.min)
        edges.append(0x7C)
        edges.appendDecimal(Int64.min, scale: 18)
        edges.append(0x7C)
        edges.appendTimestamp(microseconds: 1_500_000)
        #expect(
            String(decoding: edges.bytes, as: UTF8.self)
                == "-9223372036854775808|-9.223372036854775808|1970-01-01 00:00:01.5")
    }

    @Test("rows in text and binary, NULLs as -1")
    func rows() {
        let chunk = Chunk(
            columns: [
                Vector(type: .integer, values: [.integer(7), .null]),
                Vector(type: .varchar, values: [.string("a"), .string("bc")]),
                Vector(type: .date, values: [.integer(10_957), .integer(0)]),
            ], count: 2)
        var text = ByteBuffer()
        RowEncoder(types: [.integer, .varchar, .date], formats: [.text, .text, .text])
            .write(chunk, rows: 1..<2, into: &text)
        let expected: [UInt8] =
            [0x44, 0, 0, 0, 30, 0, 3, 255, 255, 255, 255, 0, 0, 0, 2, 0x62, 0x63, 0, 0, 0, 10]
            + Array("1970-01-01".utf8)
        #expect(text.readBytes(length: text.readableBytes) == expected)
        var binary = ByteBuffer()
        RowEncoder(types: [.integer, .varchar, .date], formats: [.binary, .binary, .binary])
            .write(chunk, rows: 0..<1, into: &binary)
        let binaryRow: [UInt8] =
            [0x44, 0, 0, 0, 27, 0, 3, 0, 0, 0, 4, 0, 0, 0, 7, 0, 0, 0, 1, 0x61, 0, 0, 0, 4, 0, 0, 0, 0]
        #expect(binary.readBytes(length: binary.readableBytes) == binaryRow)
    }

    @Test("session commands: transactions, SET and SHOW of client settings")
    func sessionCommands() {
        #expect(SessionCommand.parse("BEGIN") == .begin)
        #expect(SessionCommand.parse("start transaction isolation level read committed") == .begin)
        #expect(SessionCommand.parse("COMMIT") == .commit)
        #expect(SessionCommand.parse("end") == .commit)
        #expect(SessionCommand.parse(" ROLLBACK ") == .rollback)
        #expect(SessionCommand.parse("SAVEPOINT \"_pg3_1\"") == .savepoint)
        #expect(SessionCommand.parse("release savepoint s1") == .releaseSavepoint)
        #expect(SessionCommand.parse("RELEASE s1") == .releaseSavepoint)
        #expect(SessionCommand.parse("ROLLBACK TO \"_pg3_1\"") == .rollbackToSavepoint)
        #expect(SessionCommand.parse("ROLLBACK TO SAVEPOINT s1") == .rollbackToSavepoint)
        #expect(SessionCommand.parse("ROLLBACK TO") == nil)
        #expect(SessionCommand.parse("SAVEPOINT") == nil)
        #expect(
            SessionCommand.parse("show transaction isolation level")
                == .show(name: "transaction_isolation", spelling: "transaction_isolation"))
        #expect(SessionCommand.parse("SET DateStyle = 'ISO, MDY'") == .set(name: "datestyle", value: "ISO, MDY"))
        #expect(
            SessionCommand.parse("SET SESSION search_path TO main, public")
                == .set(name: "search_path", value: "main, public"))
        #expect(SessionCommand.parse("SET TIME ZONE 'UTC'") == .set(name: "timezone", value: "'UTC'"))
        #expect(SessionCommand.parse("SET threads = 2") == nil)
        #expect(
            SessionCommand.parse("SHOW server_version") == .show(name: "server_version", spelling: "server_version"))
        #expect(SessionCommand.parse("SHOW threads") == nil)
        #expect(SessionCommand.parse("SELECT 1") == nil)
        #expect((try? SessionCommand.accept("client_encoding", "utf-8").get()) == "UTF8")
        #expect((try? SessionCommand.accept("client_encoding", "LATIN1").get()) == nil)
        #expect((try? SessionCommand.accept("extra_float_digits", "3").get()) == "3")
        #expect((try? SessionCommand.accept("search_path", "other").get()) == nil)
        #expect((try? SessionCommand.accept("server_version", "9").get()) == nil)
        #expect((try? SessionCommand.accept("statement_timeout", "1500").get()) == "1500ms")
        #expect((try? SessionCommand.accept("statement_timeout", "2min").get()) == "120000ms")
        #expect((try? SessionCommand.accept("statement_timeout", "0").get()) == "0")
        #expect((try? SessionCommand.accept("statement_timeout", "-1").get()) == nil)
        #expect((try? SessionCommand.accept("statement_timeout", "5 parsecs").get()) == nil)
        #expect(SessionCommand.parse("SET statement_timeout = '5s'") == .set(name: "statement_timeout", value: "5s"))
    }

    @Test("errors: SQLSTATE by kind, positions in characters of the whole query")
    func errors() {
        #expect(ErrorMapping.sqlState(ofBindError: "table \"x\" does not exist") == "42P01")
        #expect(ErrorMapping.sqlState(ofBindError: "column \"x\" does not exist in table t") == "42703")
        #expect(ErrorMapping.sqlState(ofBindError: "BIGINT overflow in 1 + 2") == "22003")
        #expect(ErrorMapping.sqlState(ofBindError: "cannot compare DATE with BOOLEAN") == "42000")
        #expect(ErrorMapping.sqlState(of: QueryError(.cancelled, "cancelled")) == "57014")
        #expect(ErrorMapping.sqlState(of: QueryError(.memoryLimit, "over")) == "53200")
        #expect(ErrorMapping.position("é; SELECT x", byteOffset: 4) == 4)
        let (message, hint, place) = ErrorMapping.unrendered("line 2:3: boom\n  x\n  ^\n  hint: try")
        #expect(message == "boom" && hint == "try" && place?.line == 2 && place?.column == 3)
        #expect(ErrorMapping.position("SELECT 1;\nSELECT\n  x", offset: 9, line: 3, column: 3) == 20)
    }

    @Test("listen addresses and loopback")
    func addresses() {
        #expect((try? ServerConfiguration.listenAddress("127.0.0.1:6000").get())?.port == 6000)
        #expect((try? ServerConfiguration.listenAddress(":7000").get())?.host == "127.0.0.1")
        #expect((try? ServerConfiguration.listenAddress("[::1]:5433").get())?.host == "::1")
        #expect((try? ServerConfiguration.listenAddress("localhost:99999").get()) == nil)
        #expect(ServerConfiguration.isLoopback("127.0.0.2") && ServerConfiguration.isLoopback("localhost"))
        #expect(!ServerConfiguration.isLoopback("0.0.0.0") && !ServerConfiguration.isLoopback("10.0.0.1"))
    }
}
