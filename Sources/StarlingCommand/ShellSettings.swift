/// What the shell's dot commands change: output mode, timer, EXPLAIN, and where results go.

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
    var format: ResultFormat = .table
    var header = true
    /// `.timer on`: elapsed time, rows and rows/s after each statement (on stderr).
    var timer = false
    /// `.explain on`: each query's plan before its result.
    var explain = false
    var output = ShellOutput.standardOutput
    /// Rows the table mode shows on a terminal (first and last halves).
    var maxRows = 40

    /// The printer for the current mode; on a terminal the table mode fits the screen.
    var printer: ResultPrinter {
        var printer = ResultPrinter(format: format, header: header)
        if format == .table, output.isTerminal {
            printer.maxRows = maxRows
            printer.maxWidth = terminalColumns(output.descriptor)
        }
        return printer
    }
}

/// An error the shell reports in one line (a bad dot command argument, an unwritable file).
struct ShellError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The width of the terminal on `descriptor` (TIOCGWINSZ), else $COLUMNS, else 80.
func terminalColumns(_ descriptor: Int32) -> Int {
    var size = winsize()
    if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let value = getenv("COLUMNS"), let columns = Int(String(cString: value)), columns > 0 { return columns }
    return 80
}
