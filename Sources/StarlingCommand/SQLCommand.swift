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
              starling sql "CREATE TABLE dim_region (region_id INTEGER PRIMARY KEY, name VARCHAR)"
              starling sql -f examples/retail/schema.sql
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Read the statements from this file.", valueName: "file"))
    var file: String?

    @Argument(help: "The statements, when not read from --file.")
    var statements: String?

    func validate() throws {
        if (file == nil) == (statements == nil) {
            throw ValidationError("give the statements as one argument or with --file, not both or neither")
        }
    }

    func run() throws {
        let script: String
        if let file {
            do {
                let bytes = try FileBytes.read(path: file)
                script = String(decoding: bytes.bytes, as: UTF8.self)
            } catch {
                throw fail(error.description, status: error.isMissing ? .missingInput : .ioError)
            }
        } else {
            script = statements ?? ""
        }
        let engine = Engine(warehouse: try options.open(), waitForLock: options.wait)
        let verbose = isTerminal(2)
        do {
            try engine.run(script) { outcome in
                if verbose { StandardError.write(outcome.tag + "\n") }
            }
        } catch {
            let status: ExitStatus
            switch error {
            case .storage(let storage): status = storage.exitStatus
            case .load(let load): status = load.exitStatus
            case .sql: status = .failure
            }
            throw fail(error.description, status: status)
        }
    }
}
