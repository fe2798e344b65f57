/// A runner for sqllogictest-style files (the DuckDB subset) in `SQL/*.test`, next to this file.
///
/// Each file runs in a fresh temporary warehouse, its records in order. A record is one of
///
///     statement ok
///     CREATE TABLE t (a INTEGER, b VARCHAR)
///
///     statement error
///     SELECT nosuch FROM t
///     ----
///     column "nosuch" does not exist
///
///     query IT rowsort
///     SELECT a, b FROM t
///     ----
///     1	x
///     2	NULL
///
/// Records are separated by blank lines; lines starting with `#` between records are comments.
/// `statement error` gives, after `----`, text the error message must contain. `query` takes
/// one type letter per column (I integer, R double or decimal, T text, B boolean, D date; only
/// their number is checked) and optionally `rowsort` (compare the rows sorted as strings) or
/// `nosort` (the default). Expected rows are tab-separated; NULL is `NULL`, the empty string
/// `(empty)`. `halt` stops the file. A mismatch is reported at the record's line in the `.test`
/// file, and the runner carries on with the next record. `SQLLOGIC_THREADS=N` sets the engine's
/// worker threads (default: every core).
///
/// The expected answers come from DuckDB, not from Starling: `tools/sqllogic-expected.py`
/// runs every record in DuckDB and writes its answers into the files.

import Foundation
import StarlingColumns
import StarlingEngine
import StarlingExecution
import StarlingStorage
import Testing

/// The `.test` files, found relative to this source file.
enum SQLLogicFiles {
    static let directory: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("SQL").path
    }()

    /// The files' names; empty when the folder cannot be read, which ``SQLLogicFolderTests``
    /// reports (the parameterised test alone would then run no case and pass).
    static let names: [String] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.filter { $0.hasSuffix(".test") }.sorted()
    }()
}

@Suite("SQL logic folder")
struct SQLLogicFolderTests {
    @Test("the SQL logic folder is there and holds the test files")
    func folderHoldsFiles() throws {
        _ = try FileManager.default.contentsOfDirectory(atPath: SQLLogicFiles.directory)
        #expect(SQLLogicFiles.names.count >= 25, "found \(SQLLogicFiles.names) in \(SQLLogicFiles.directory)")
        #expect(SQLLogicFiles.names.contains("tpch.test"))
    }
}

/// One record of a `.test` file.
struct SQLLogicRecord {
    enum Kind {
        case statementOK
        case statementError(expected: String)
        case query(columns: Int, rowSort: Bool, expected: [String])
    }

    let kind: Kind
    var sql: String
    /// 1-based line of the record's header.
    let line: Int
}

/// Splits a `.test` file into records; malformed headers are returned as problems.
enum SQLLogicParser {
    static func parse(_ text: String) -> (records: [SQLLogicRecord], problems: [(line: Int, message: String)]) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        var records: [SQLLogicRecord] = []
        var problems: [(line: Int, message: String)] = []
        var index = 0
        func isBlank(_ line: String) -> Bool { line.allSatisfy { $0 == " " || $0 == "\t" } }

        while index < lines.count {
            let header = lines[index]
            if isBlank(header) || header.hasPrefix("#") {
                index += 1
                continue
            }
            let headerLine = index + 1
            let words = header.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            index += 1
            if words == ["halt"] { break }

            // The SQL: up to "----" or a blank line.
            var sqlLines: [String] = []
            while index < lines.count, !isBlank(lines[index]), lines[index] != "----" {
                sqlLines.append(lines[index])
                index += 1
            }
            var expected: [String]? = nil
            if index < lines.count, lines[index] == "----" {
                index += 1
                var block: [String] = []
                while index < lines.count, !isBlank(lines[index]) {
                    block.append(lines[index])
                    index += 1
                }
                expected = block
            }
            let sql = sqlLines.joined(separator: "\n")
            if sql.isEmpty {
                problems.append((headerLine, "record \"\(header)\" has no SQL"))
                continue
            }

            switch words.first {
            case "statement" where words.count == 2 && words[1] == "ok":
                if expected != nil { problems.append((headerLine, "statement ok takes no ---- section")) }
                records.append(SQLLogicRecord(kind: .statementOK, sql: sql, line: headerLine))
            case "statement" where words.count == 2 && words[1] == "error":
                // An error record names the error it expects: one that accepts any error passes
                // whatever goes wrong.
                guard let message = expected.map({ $0.joined(separator: "\n") }), !message.isEmpty else {
                    problems.append(
                        (headerLine, "statement error needs, after ----, text the error message must contain"))
                    continue
                }
                records.append(SQLLogicRecord(kind: .statementError(expected: message), sql: sql, line: headerLine))
            case "query" where words.count >= 2 && words.count <= 3:
                let sort = words.count == 3 ? words[2] : "nosort"
                guard sort == "rowsort" || sort == "nosort" else {
                    problems.append((headerLine, "unknown sort mode \"\(sort)\" (rowsort or nosort)"))
                    continue
                }
                records.append(
                    SQLLogicRecord(
                        kind: .query(columns: words[1].count, rowSort: sort == "rowsort", expected: expected ?? []),
                        sql: sql, line: headerLine))
            default:
                problems.append((headerLine, "unknown record header \"\(header)\""))
            }
        }
        return (records, problems)
    }
}

/// A temporary warehouse for one `.test` file.
final class SQLLogicWarehouse {
    let directory: String
    /// A scratch directory beside the warehouse for the files a test writes and reads
    /// (`${TEST_DIR}` in a test file).
    let files: String
    let engine: Engine

    init() throws {
        directory = NSTemporaryDirectory() + "starling-sqllogic-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        // SQLLOGIC_THREADS=N runs the queries with N worker threads (default: every core).
        let threads = ProcessInfo.processInfo.environment["SQLLOGIC_THREADS"].flatMap { Int($0) }
        engine = Engine(warehouse: try Warehouse.create(at: directory), threads: threads)
        files = directory + "-files"
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: files)
    }
}

@Suite("SQL logic tests")
struct SQLLogicTests {
    @Test("SQL logic file", arguments: SQLLogicFiles.names)
    func run(file: String) throws {
        let path = SQLLogicFiles.directory + "/" + file
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let (records, problems) = SQLLogicParser.parse(text)
        func report(_ line: Int, _ message: String) {
            Issue.record(
                Comment(rawValue: "\(file):\(line): \(message)"),
                sourceLocation: SourceLocation(
                    fileID: "StarlingEngineTests/\(file)", filePath: path, line: line, column: 1)
            )
        }
        for problem in problems { report(problem.line, "malformed test file: \(problem.message)") }
        #expect(!records.isEmpty, "\(file) has no records")

        // ${TPCH_DATA}: the directory of TPC-H .tbl files tools/test makes (tpchgen-cli -s 0.01).
        var substitutions: [String: String] = [:]
        if text.contains("${TPCH_DATA}") {
            let directory = ProcessInfo.processInfo.environment["STARLING_TPCH_DATA"] ?? ""
            guard !directory.isEmpty, FileManager.default.fileExists(atPath: directory + "/lineitem.tbl") else {
                report(
                    1,
                    "\(file) needs TPC-H data: run tools/test, or set STARLING_TPCH_DATA to a directory made by tpchgen-cli -s 0.01"
                )
                return
            }
            substitutions["${TPCH_DATA}"] = directory
        }
        let warehouse = try SQLLogicWarehouse()
        substitutions["${TEST_DIR}"] = warehouse.files
        for var record in records {
            for (name, value) in substitutions { record.sql = record.sql.replacingOccurrences(of: name, with: value) }
            run(record, in: warehouse.engine, report: report)
        }
    }

    /// Runs one record, reporting a mismatch through `report`.
    private func run(_ record: SQLLogicRecord, in engine: Engine, report: (Int, String) -> Void) {
        var results: [QueryResult] = []
        var failure: String? = nil
        do {
            try engine.run(record.sql, onResult: { results.append($0) })
        } catch {
            failure = error.description
        }

        switch record.kind {
        case .statementOK:
            if let failure {
                report(record.line, "statement failed\nSQL:\n\(record.sql)\nerror:\n\(failure)")
            }

        case .statementError(let expected):
            guard let failure else {
                report(
                    record.line,
                    "statement succeeded but an error was expected containing \"\(expected)\"\nSQL:\n\(record.sql)")
                return
            }
            if !failure.contains(expected) {
                report(
                    record.line,
                    "wrong error message\nSQL:\n\(record.sql)\nexpected the message to contain:\n\(expected)\nactual:\n\(failure)"
                )
            }

        case .query(let columns, let rowSort, let expected):
            if let failure {
                report(
                    record.line,
                    "query failed\nSQL:\n\(record.sql)\nerror:\n\(failure)\nexpected:\n\(Self.show(expected))")
                return
            }
            guard let result = results.last else {
                report(record.line, "the statement returned no result\nSQL:\n\(record.sql)")
                return
            }
            var actual = Self.rows(of: result)
            var wanted = expected
            if rowSort {
                actual.sort()
                wanted.sort()
            }
            var complaints: [String] = []
            if result.columns.count != columns {
                complaints.append(
                    "expected \(columns) column\(columns == 1 ? "" : "s") (from the type letters), got \(result.columns.count)"
                )
            }
            if actual != wanted {
                complaints.append("wrong result")
            }
            if !complaints.isEmpty {
                let types = result.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
                report(
                    record.line,
                    complaints.joined(separator: "; ")
                        + "\nSQL:\n\(record.sql)\nexpected:\n\(Self.show(wanted))\nactual (\(types)):\n\(Self.show(actual))"
                )
            }
        }
    }

    /// The result's rows as the files write them: tab-separated, `NULL`, `(empty)`.
    static func rows(of result: QueryResult) -> [String] {
        var rows: [String] = []
        rows.reserveCapacity(result.rows.count)
        for row in 0..<result.rows.count {
            var fields: [String] = []
            for (index, column) in result.columns.enumerated() {
                let value = result.rows.columns[index].value(at: row)
                if case .string(let text) = value, text.isEmpty {
                    fields.append("(empty)")
                } else {
                    fields.append(value.formatted(as: column.type))
                }
            }
            rows.append(fields.joined(separator: "\t"))
        }
        return rows
    }

    /// Rows for a message; an empty result shows as "(no rows)".
    static func show(_ rows: [String]) -> String {
        rows.isEmpty ? "(no rows)" : rows.joined(separator: "\n")
    }
}
