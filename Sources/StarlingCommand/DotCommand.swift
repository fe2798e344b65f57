/// The shell's dot commands: `.help`, `.tables`, `.mode csv`, … parsed from one input line.

import StarlingColumns

/// One dot command with its arguments.
enum DotCommand: Equatable {
    case help
    case tables
    case schema(table: String?)
    case describe(table: String)
    /// `.mode MODE`, or `.mode` alone to show the current mode.
    case mode(ResultFormat?)
    /// `.timer on|off`, or `.timer` alone to show the setting.
    case timer(Bool?)
    /// `.explain on|off`, or `.explain` alone to show the setting.
    case explain(Bool?)
    /// `.headers on|off`: column names (and the table mode's types) above the rows; alone, the
    /// setting.
    case headers(Bool?)
    /// `.nullvalue TEXT`: what a NULL prints as.
    case nullValue(String)
    /// `.maxrows N` (0: every row), or `.maxrows` alone to show the limit.
    case maxRows(Int?)
    /// `.maxwidth N` (0: the terminal's width), or `.maxwidth` alone to show it.
    case maxWidth(Int?)
    case read(file: String)
    /// `.output FILE`, or `.output` alone for stdout.
    case output(file: String?)
    /// `.once FILE`: the next statement's (or dot command's) output only goes to FILE.
    case once(file: String)
    /// `.shell CMD` (`.system CMD`): CMD as `/bin/sh -c` runs it, the rest of the line as typed.
    case shell(command: String)
    /// `.load TABLE FILE… [options]`: the arguments of `starling load`.
    case load(arguments: [String])
    case history
    case quit

    /// The one-line summaries `.help` prints.
    static let helpText = """
        .help                      this list
        .tables                    the tables (kind, rows, partitions, segments, bytes) and views
        .schema [TABLE]            CREATE TABLE and CREATE VIEW statements of every table and view, or one
        .describe TABLE            a table's columns, keys, references, partitions, storage; a view's query
        .mode [MODE]               how results print: table, csv, tsv, json, ndjson, markdown, line;
                                   alone, the current mode
        .headers [on|off]          column names (and types, in table mode) above the rows
        .nullvalue TEXT            print NULL as TEXT (not in json and ndjson)
        .maxrows [N]               rows the table mode shows, first and last halves (0: all; default
                                   40 on a terminal, all into a pipe or file)
        .maxwidth [N]              characters the table mode fits in (0: the terminal's width)
        .timer [on|off]            after each statement, on stderr: Run Time (s): real … user … sys …
        .explain [on|off]          print each query's plan before its result
        .read FILE                 run the statements and dot commands of FILE
        .output [FILE]             send results to FILE; alone, back to stdout
        .once FILE                 send only the next statement's results to FILE
        .load TABLE FILE [options] load extract files, as starling load (options: starling load --help)
        .shell CMD                 run CMD with /bin/sh (also .system); a failing CMD is an error
        .history                   the statements entered, oldest first
        .quit                      leave the shell (also .exit, or Ctrl-D)
        Statements end with ; and may span lines. Tab completes keywords, tables, columns and dot
        commands (twice: lists the choices). Ctrl-C cancels a running query or clears the line.

        """

    /// The command names, without the dot, for "did you mean" and Tab completion (`.exit` and
    /// `.system` are in: DuckDB's users type them).
    static let names = [
        "help", "tables", "schema", "describe", "mode", "headers", "nullvalue", "maxrows", "maxwidth", "timer",
        "explain", "read", "output", "once", "load", "shell", "system", "history", "quit", "exit",
    ]

    /// The words `.timer`, `.explain` and `.headers` take for on and off.
    static let flagWords = ["on", "off"]

    /// Parses a line starting with `.`.
    static func parse(_ line: String) throws(DotCommandError) -> DotCommand {
        // `.shell` takes the rest of the line as typed: quotes and all are the shell's.
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        let head = trimmed.prefix { !$0.isWhitespace }
        if head.hasPrefix("."), ["shell", "system"].contains(head.dropFirst().lowercased()) {
            let command = trimmed.dropFirst(head.count).trimmed(where: \.isWhitespace)
            guard !command.isEmpty else { throw DotCommandError("usage: .\(head.dropFirst().lowercased()) CMD") }
            return .shell(command: command)
        }
        let words = try split(line)
        guard let first = words.first, first.hasPrefix(".") else { throw DotCommandError("not a dot command: \(line)") }
        let name = String(first.dropFirst()).lowercased()
        let arguments = Array(words.dropFirst())
        func expect(_ range: ClosedRange<Int>, _ usage: String) throws(DotCommandError) {
            guard range.contains(arguments.count) else { throw DotCommandError("usage: \(usage)") }
        }
        func flag(_ usage: String) throws(DotCommandError) -> Bool? {
            try expect(0...1, usage)
            guard !arguments.isEmpty else { return nil }
            switch arguments[0].lowercased() {
            case "on", "yes", "true", "1": return true
            case "off", "no", "false", "0": return false
            default: throw DotCommandError("usage: \(usage)")
            }
        }
        /// The optional count of `.maxrows` and `.maxwidth`: a whole number from 0 to 2^31 - 1.
        func count(_ usage: String) throws(DotCommandError) -> Int? {
            try expect(0...1, usage)
            guard let text = arguments.first else { return nil }
            guard let value = Int(text), (0...Int(Int32.max)).contains(value) else {
                throw DotCommandError("usage: \(usage) (N is a whole number from 0 to \(Int32.max), not \"\(text)\")")
            }
            return value
        }
        switch name {
        case "help", "h", "?":
            return .help
        case "tables":
            try expect(0...0, ".tables")
            return .tables
        case "schema":
            try expect(0...1, ".schema [TABLE]")
            return .schema(table: arguments.first)
        case "describe":
            try expect(1...1, ".describe TABLE")
            return .describe(table: arguments[0])
        case "mode":
            try expect(0...1, ".mode [table|csv|tsv|json|ndjson|markdown|line]")
            guard let argument = arguments.first else { return .mode(nil) }
            guard let format = ResultFormat(rawValue: argument.lowercased()) else {
                let hint = closestMatch(to: argument.lowercased(), in: ResultFormat.allCases.map(\.rawValue))
                throw DotCommandError(
                    "unknown mode \"\(argument)\"\(hint.map { " (did you mean \($0)?)" } ?? ""); "
                        + "use table, csv, tsv, json, ndjson, markdown or line")
            }
            return .mode(format)
        case "timer":
            return .timer(try flag(".timer [on|off]"))
        case "explain":
            return .explain(try flag(".explain [on|off]"))
        case "headers", "header":
            return .headers(try flag(".headers [on|off]"))
        case "nullvalue":
            try expect(1...1, ".nullvalue TEXT (quote TEXT to include blanks, '' for nothing)")
            return .nullValue(arguments[0])
        case "maxrows":
            return .maxRows(try count(".maxrows [N]"))
        case "maxwidth":
            return .maxWidth(try count(".maxwidth [N]"))
        case "read":
            try expect(1...1, ".read FILE")
            return .read(file: arguments[0])
        case "output", "out":
            try expect(0...1, ".output [FILE]")
            return .output(file: arguments.first)
        case "once":
            try expect(1...1, ".once FILE")
            return .once(file: arguments[0])
        case "load":
            guard arguments.count >= 2 else { throw DotCommandError("usage: .load TABLE FILE… [options of starling load]") }
            return .load(arguments: arguments)
        case "history":
            try expect(0...0, ".history")
            return .history
        case "quit", "exit", "q":
            return .quit
        default:
            let hint = closestMatch(to: name, in: names).map { " (did you mean .\($0)?)" } ?? ""
            throw DotCommandError("unknown command .\(name)\(hint); .help lists the commands")
        }
    }

    /// Words separated by blanks; '…' and "…" group words and are removed.
    static func split(_ line: String) throws(DotCommandError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" || character == "\r" || character == "\n" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(character)
                inWord = true
            }
        }
        if quote != nil { throw DotCommandError("unterminated quote in: \(line)") }
        if inWord { words.append(current) }
        return words
    }
}

/// A dot command that cannot be parsed: a usage line or what is unknown.
struct DotCommandError: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
