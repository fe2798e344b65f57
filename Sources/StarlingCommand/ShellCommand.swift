/// `starling shell`: an interactive SQL shell on a terminal, a script runner on a pipe.

import ArgumentParser
import StarlingEngine

struct ShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "An interactive SQL shell with line editing, history and dot commands; runs a script from a pipe.",
        discussion: """
            On a terminal: statements end with ; and may span lines (the prompt changes to ...>), \
            the arrow keys edit and recall statements (a statement over several lines comes back \
            whole; history in ~/.starling_history, or $STARLING_HISTORY), Tab completes keywords, \
            table and column names, dot commands and file names (twice: lists the choices), \
            Ctrl-C cancels a running query or clears the line, Ctrl-D leaves. Enter .help for the \
            dot commands (.tables, .schema, .describe, .mode, .headers, .nullvalue, .maxrows, \
            .maxwidth, .timer, .explain, .read, .output, .once, .load, .shell, .history, .quit).

            When stdin is not a terminal the shell runs it as a script with no prompts: results on \
            stdout, errors on stderr with their line in the input. The first error stops it with \
            that error's exit status (1 for a statement) unless --continue-on-error, which runs \
            everything and exits with the first error's status.

            Examples:
              starling shell --warehouse ./warehouse
              starling shell < report.sql > report.txt
              echo "SELECT count(*) FROM lineorder;" | starling shell --mode csv
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Option(name: .long, help: ArgumentHelp("How results print at first: table, csv, tsv, json, ndjson, markdown, line (default: table; .mode changes it).", valueName: "mode"))
    var mode: ResultFormat = .table

    @Flag(name: .long, help: "In a script, go on after a failing statement (exit with the first failure's status at the end).")
    var continueOnError = false

    @Option(name: .long, help: ArgumentHelp("Worker threads for queries (default: all cores).", valueName: "n"))
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Memory a query may use before it stops with an error, e.g. 4GB, 512MB (default: 50% of RAM).", valueName: "size"))
    var memoryLimit: String?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let memoryLimit, MemorySize.parse(memoryLimit) == nil {
            throw ValidationError("--memory-limit takes a size such as 4GB, 512MB or 80%, not \"\(memoryLimit)\"")
        }
    }

    func run() throws {
        let warehouse = try options.open()
        let engine = Engine(warehouse: warehouse, waitForLock: options.wait, threads: threads,
                            memoryLimit: memoryLimit.flatMap(MemorySize.parse), control: ShellInterrupt.shared.control)
        var settings = ShellSettings()
        settings.format = mode
        let shell = Shell(engine: engine, directory: options.directory, interactive: isTerminal(0),
                          continueOnError: continueOnError, settings: settings)
        let status = shell.run()
        if status != .success { throw status.code }
    }
}
