/// `starling sql "…"` and `starling sql -f FILE.sql`: run SQL statements.

import ArgumentParser
import StarlingEngine
import StarlingFormat
import StarlingStorage

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

    @Option(name: .shortAndLong, help: ArgumentHelp("Read the statements from this file.", valueName: "file"))
    var file: String?

    @Argument(help: "The statements, when not read from --file.")
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
        if (file == nil) == (statements == nil) {
            throw ValidationError("give the statements as one argument or with --file, not both or neither")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let memoryLimit, MemorySize.parse(memoryLimit) == nil {
            throw ValidationError("--memory-limit takes a size such as 4GB, 512MB or 80%, not \"\(memoryLimit)\"")
        }
    }

    func run() throws {
        let script: String
        if let file {
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
            throw fail(error.description, status: error.exitStatus)
        }
    }
}
