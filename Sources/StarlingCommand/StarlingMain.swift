/// The `starling` executable: one command with subcommands.

import ArgumentParser
import StarlingColumns
import StarlingEngine
import StarlingFormat

/// The version printed by `starling --version`.
let starlingVersion = Engine.version

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
              starling --generate-completion-script bash \\
                > ~/.local/share/bash-completion/completions/starling
            """,
        version: starlingVersion,
        subcommands: [
            InitCommand.self, SQLCommand.self, ShellCommand.self, LoadCommand.self, LoadsCommand.self, TablesCommand.self, DescribeCommand.self,
            HistoryCommand.self, RollbackCommand.self, VacuumCommand.self, CompactCommand.self, ExportCommand.self, GenerateCommand.self, BenchCommand.self, InspectCommand.self,
            ServeCommand.self, UserCommand.self,
        ]
    )

    /// Sets the allocator up (``HeapSettings``), then parses the arguments and runs the command.
    /// A command that succeeded but could not write all of its output (a full disk, `>
    /// /dev/full`) exits 74 with the reason, never 0.
    static func main() {
        HeapSettings.apply()
        let arguments = CommandLineArguments.forParsing(Array(CommandLine.arguments.dropFirst()))
        if let unknown = unknownCommand(arguments) {
            exit(withError: fail(unknown, status: .usage))
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exitReporting(error)
        }
        if let message = StandardOutput.failure.message {
            exit(withError: fail(message, status: .ioError))
        }
    }

    /// Exits for `error`: help and `--version` as ArgumentParser prints them, a usage error as
    /// `starling: error: message` with the command's usage line after it (status 64), and any
    /// other error with the status it carries (its message already written).
    static func exitReporting(_ error: Error) -> Never {
        let code = exitCode(for: error)
        guard code != .success, !(error is ExitCode) else { exit(withError: error) }
        var message = self.message(for: error)
        if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
        let full = fullMessage(for: error)
        let usage = full.split(separator: "\n").drop { !$0.hasPrefix("Usage:") }.joined(separator: "\n")
        StandardError.error(message + (usage.isEmpty ? "" : "\n" + usage))
        exit(withError: ExitCode(code.rawValue))
    }

    /// `starling: error: …` text for an argument that names no subcommand where one is expected
    /// (`starling laod`, `starling gen date`, `starling help nosuch`), with the nearest one when it
    /// looks like a misspelling; nil when every command word is known or an option comes first.
    static func unknownCommand(_ arguments: [String]) -> String? {
        var rest = arguments[...]
        if rest.first == "help" { rest = rest.dropFirst() }
        var command: ParsableCommand.Type = StarlingMain.self
        var path = "starling"
        while let word = rest.first, !word.hasPrefix("-") {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, command.configuration.defaultSubcommand == nil else { return nil }
            let named = subcommands.first { $0._commandName == word || $0.configuration.aliases.contains(word) }
            if let next = named {
                command = next
                path += " " + next._commandName
                rest = rest.dropFirst()
                continue
            }
            var names = subcommands.map { $0._commandName } + subcommands.flatMap { $0.configuration.aliases }
            if command == StarlingMain.self { names.append("help") }
            var suggestion = closestMatch(to: word, in: names).map { " (did you mean \($0)?)" } ?? ""
            if command == StarlingMain.self, word == "version" { suggestion = " (did you mean --version?)" }
            return "unknown command \"\(word)\"\(suggestion)\n  Run '\(path) --help' for the list of commands."
        }
        return nil
    }
}
