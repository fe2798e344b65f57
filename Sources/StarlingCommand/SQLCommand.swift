/// `starling sql "…"` and `starling sql -f FILE.sql`: run SQL statements.

import ArgumentParser
import StarlingEngine
import StarlingFormat
import StarlingStorage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run SQL statements (separated by ;) against the warehouse.",
        discussion: """
            Each statement that changes the warehouse is its own atomic commit. The first error \
            stops the script (earlier statements stay committed) and is printed with its line, \
            column and a caret; the exit status is then 1.

            Examples:
              starling sql "CREATE TABLE region (id INTEGER PRIMARY KEY, name VARCHAR)"
              starling sql -f examples/retail/schema.sql
              starling sql --format csv "SELECT d_year, count(*) FROM dates GROUP BY 1"
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Read the statements from this file (- for standard input).", valueName: "file"))
    var file: String?

    @Argument(help: "The statements, when not read from --file or piped in on standard input.")
    var statements: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "How to print query results: table, csv, tsv, json, ndjson, markdown, line "
                + "(default: table on a terminal, csv otherwise).",
            valueName: "format"))
    var format: ResultFormat?

    @Flag(name: .long, help: "Leave out the header row (csv, tsv, table).")
    var noHeader = false

    @Option(name: .long, help: ArgumentHelp("Worker threads for queries (default: all cores).", valueName: "n"))
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Memory a query may use before it stops with an error, e.g. 4GB, 512MB (default: 50% of RAM).", valueName: "size"))
    var memoryLimit: String?

    func validate() throws {
        if file != nil && statements != nil {
            throw ValidationError("give the statements as one argument or with --file, not both")
        }
        if file == nil && statements == nil && isTerminal(0) {
            throw ValidationError(
                "give the statements as one argument, with --file, or on standard input "
                    + "(for an interactive session: starling shell)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let memoryLimit, MemorySize.parse(memoryLimit) == nil {
            throw ValidationError("--memory-limit takes a size such as 4GB, 512MB or 80%, not \"\(memoryLimit)\"")
        }
    }

    /// Every byte of standard input, as text (a pipe or a redirected file: `echo "SELECT 1" |
    /// starling sql`); nil with the error number when a read fails.
    static func standardInput() -> (text: String?, error: Int32) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: buffer[0..<count])
            } else if count == 0 {
                return (String(decoding: bytes, as: UTF8.self), 0)
            } else if errno != EINTR {
                return (nil, errno)
            }
        }
    }

    func run() throws {
        let script: String
        if file == "-" || (file == nil && statements == nil) {
            let input = Self.standardInput()
            guard let text = input.text else {
                throw fail("cannot read standard input: \(String(cString: strerror(input.error)))", status: .ioError)
            }
            script = text
        } else if let file {
            do {
                let bytes = try FileBytes.read(path: file)
                script = bytes.decodedText()
            } catch {
                throw fail(error.description, status: error.isMissing ? .missingInput : .ioError)
            }
        } else {
            script = statements ?? ""
        }
        let limit = memoryLimit.flatMap(MemorySize.parse)
        let engine = Engine(warehouse: try options.open(), waitForLock: options.wait, threads: threads, memoryLimit: limit)
        let verbose = isTerminal(2)
        let printer = ResultPrinter(format: format ?? (isTerminal(1) ? .table : .csv), header: !noHeader)
        do {
            try engine.run(script, into: PrintingSink(printer, failure: StandardOutput.failure, emit: StandardOutput.write), onOutcome: { outcome in
                if verbose { StandardError.write(outcome.tag + "\n") }
            })
        } catch {
            // A script from a file names it, as psql does: `report.sql:5:8: …`.
            if case .sql(let sqlError, let text) = error, let file {
                throw fail(sqlError.rendered(in: text, source: file), status: error.exitStatus)
            }
            throw fail(error.description, status: error.exitStatus)
        }
    }
}
