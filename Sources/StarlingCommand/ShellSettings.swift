/// What the shell's dot commands change: output mode, headers, NULL text, the table mode's limits,
/// timer, EXPLAIN, and where results go.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where results go: stdout, or a file opened by `.output FILE`.
final class ShellOutput: Sendable {
    let descriptor: Int32
    /// The file's path, nil for stdout.
    let path: String?

    static let standardOutput = ShellOutput(descriptor: STDOUT_FILENO, path: nil)

    private init(descriptor: Int32, path: String?) {
        self.descriptor = descriptor
        self.path = path
        failure = path.map { WriteFailure(name: $0) } ?? StandardOutput.failure
    }

    /// Creates or truncates `path`, or throws the reason in words.
    static func file(_ path: String) throws(ShellError) -> ShellOutput {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ShellError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return ShellOutput(descriptor: descriptor, path: path)
    }

    var name: String { path ?? "stdout" }
    var isTerminal: Bool { isatty(descriptor) != 0 }
    /// The first write that failed since the shell last reported one (stdout's is the process's).
    let failure: WriteFailure

    func write(_ text: String) {
        failure.write(text, to: descriptor)
    }

    /// The failure to report, if a write failed; the next write tries again.
    func takeFailure() -> String? {
        failure.take()
    }

    deinit {
        if path != nil { close(descriptor) }
    }
}

/// The shell's settings.
struct ShellSettings {
    /// Rows the table mode shows on a terminal until `.maxrows` says otherwise.
    static let defaultMaxRows = 40

    var format: ResultFormat = .table
    /// `.headers on|off`: column names (and the table mode's types) above the rows.
    var header = true
    /// `.nullvalue TEXT`: what a NULL prints as; nil for each mode's own (`NULL`, or nothing in
    /// CSV and TSV). JSON and NDJSON always print `null`.
    var nullValue: String?
    /// `.timer on`: elapsed and CPU time, and rows, after each statement (on stderr).
    var timer = false
    /// `.explain on`: each query's plan before its result.
    var explain = false
    var output = ShellOutput.standardOutput
    /// `.maxrows N`: rows the table mode shows (the first and last halves; 0: every row). Nil
    /// until set: ``defaultMaxRows`` on a terminal, every row into a pipe or a file.
    var maxRows: Int?
    /// `.maxwidth N`: the width the table mode fits in. Nil or 0: the terminal's width on a
    /// terminal, no limit into a pipe or a file.
    var maxWidth: Int?

    /// The printer for the current mode; on a terminal the table mode fits the screen.
    var printer: ResultPrinter {
        var printer = ResultPrinter(format: format, header: header)
        printer.nullText = nullValue
        guard format == .table else { return printer }
        let terminal = output.isTerminal
        let rows = maxRows ?? (terminal ? Self.defaultMaxRows : 0)
        printer.maxRows = rows > 0 ? rows : nil
        if let maxWidth, maxWidth > 0 {
            printer.maxWidth = maxWidth
        } else if terminal {
            printer.maxWidth = terminalColumns(output.descriptor)
        }
        return printer
    }

    /// `.maxrows` alone: `current max rows: 40 (on a terminal; every row into a pipe or file)`.
    var maxRowsText: String {
        guard let maxRows else {
            return "current max rows: \(Self.defaultMaxRows) on a terminal, every row into a pipe or file\n"
        }
        return "current max rows: \(maxRows)\(maxRows == 0 ? " (every row)" : "")\n"
    }

    /// `.maxwidth` alone: `current max width: 0 (the terminal's width, 120)`.
    var maxWidthText: String {
        if let maxWidth, maxWidth > 0 { return "current max width: \(maxWidth)\n" }
        let width = output.isTerminal ? "the terminal's width, \(terminalColumns(output.descriptor))" : "no limit"
        return "current max width: 0 (\(width))\n"
    }
}

/// An error the shell reports in one line (a bad dot command argument, an unwritable file).
struct ShellError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The width of the terminal on `descriptor` (TIOCGWINSZ), else $COLUMNS, else 80.
func terminalColumns(_ descriptor: Int32) -> Int {
    if let columns = TerminalWidth.columns(descriptor) { return columns }
    if let value = getenv("COLUMNS"), let columns = Int(String(cString: value)), columns > 0 { return columns }
    return 80
}
