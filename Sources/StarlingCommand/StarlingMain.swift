/// The `starling` executable: one command with subcommands.

import ArgumentParser
import StarlingFormat

/// The version printed by `starling --version`.
let starlingVersion = "0.1.0"

@main
struct StarlingMain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "starling",
        abstract: "A columnar star-schema warehouse in one binary.",
        discussion: """
            Exit statuses: 0 success, 1 error in a statement or load, 64 usage, 65 bad input data, \
            66 missing input file or warehouse, 74 I/O error, 75 a file vacuumed away under a \
            running query (run it again).

            Completion scripts for bash, zsh and fish: starling --generate-completion-script SHELL.

            Examples:
              starling init --warehouse ./warehouse
              starling sql --warehouse ./warehouse -f schema.sql
              starling tables --warehouse ./warehouse
              starling shell --warehouse ./warehouse
              starling --generate-completion-script bash > ~/.local/share/bash-completion/completions/starling
            """,
        version: starlingVersion,
        subcommands: [
            InitCommand.self, SQLCommand.self, ShellCommand.self, LoadCommand.self, LoadsCommand.self, TablesCommand.self, DescribeCommand.self,
            HistoryCommand.self, RollbackCommand.self, VacuumCommand.self, GenerateCommand.self, BenchCommand.self, InspectCommand.self,
        ]
    )

    /// Sets the allocator up (``HeapSettings``), then parses the arguments and runs the command.
    /// A command that succeeded but could not write all of its output (a full disk, `>
    /// /dev/full`) exits 74 with the reason, never 0.
    static func main() {
        HeapSettings.apply()
        do {
            let arguments = CommandLineArguments.forParsing(Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exit(withError: error)
        }
        if let message = StandardOutput.failure.message {
            exit(withError: fail(message, status: .ioError))
        }
    }
}
