/// The shell's dot commands: `.help`, `.tables`, `.mode csv`, … parsed from one input line.

import StarlingColumns

/// One dot command with its arguments.
enum DotCommand: Equatable {
    case help
    case tables
    case schema(table: String?)
    case describe(table: String)
    case mode(ResultFormat)
    case timer(Bool)
    case explain(Bool)
    case read(file: String)
    /// `.output FILE`, or `.output` alone for stdout.
    case output(file: String?)
    /// `.load TABLE FILE… [options]`: the arguments of `starling load`.
    case load(arguments: [String])
    case history
    case quit

    /// The one-line summaries `.help` prints.
    static let helpText = """
        .help                      this list
        .tables                    the tables: kind, rows, partitions, segments, bytes
        .schema [TABLE]            CREATE TABLE statements of every table, or of one
        .describe TABLE            a table's columns, keys, references, partitioning and storage
        .mode MODE                 how results print: table, csv, tsv, json, ndjson, markdown, line
        .timer on|off              elapsed time, rows and rows/s after each statement
        .explain on|off            print each query's plan before its result
        .read FILE                 run the statements and dot commands of FILE
        .output [FILE]             send results to FILE; alone, back to stdout
        .load TABLE FILE [options] load extract files, as starling load (options: starling load --help)
        .history                   the lines entered, oldest first
        .quit                      leave the shell (also .exit, or Ctrl-D)
        Statements end with ; and may span lines. Ctrl-C cancels a running query or clears the line.

        """

    /// Parses a line starting with `.`.
    static func parse(_ line: String) throws(DotCommandError) -> DotCommand {
        let words = try split(line)
        guard let first = words.first, first.hasPrefix(".") else { throw DotCommandError("not a dot command: \(line)") }
        let name = String(first.dropFirst()).lowercased()
        let arguments = Array(words.dropFirst())
        func expect(_ range: ClosedRange<Int>, _ usage: String) throws(DotCommandError) {
            guard range.contains(arguments.count) else { throw DotCommandError("usage: \(usage)") }
        }
        func flag(_ usage: String) throws(DotCommandError) -> Bool {
            try expect(1...1, usage)
            switch arguments[0].lowercased() {
            case "on", "yes", "true", "1": return true
            case "off", "no", "false", "0": return false
            default: throw DotCommandError("usage: \(usage)")
            }
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
            try expect(1...1, ".mode table|csv|tsv|json|ndjson|markdown|line")
            guard let format = ResultFormat(rawValue: arguments[0].lowercased()) else {
                throw DotCommandError("unknown mode \"\(arguments[0])\"; use table, csv, tsv, json, ndjson, markdown or line")
            }
            return .mode(format)
        case "timer":
            return .timer(try flag(".timer on|off"))
        case "explain":
            return .explain(try flag(".explain on|off"))
        case "read":
            try expect(1...1, ".read FILE")
            return .read(file: arguments[0])
        case "output", "out", "once":
            try expect(0...1, ".output [FILE]")
            return .output(file: arguments.first)
        case "load":
            guard arguments.count >= 2 else { throw DotCommandError("usage: .load TABLE FILE… [options of starling load]") }
            return .load(arguments: arguments)
        case "history":
            try expect(0...0, ".history")
            return .history
        case "quit", "exit", "q":
            return .quit
        default:
            let names = ["help", "tables", "schema", "describe", "mode", "timer", "explain", "read", "output", "load", "history", "quit"]
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
