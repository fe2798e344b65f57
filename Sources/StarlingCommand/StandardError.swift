/// Writing diagnostics to standard error and results to standard output.

import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Diagnostics go to stderr.
enum StandardError {
    static func write(_ text: String) {
        writeAll(text, to: STDERR_FILENO)
    }

    /// Writes `starling: error: message`, control characters in the message (a NUL or an escape
    /// sequence quoted from an extract or a query) shown as `\x00`-style escapes rather than sent
    /// to the terminal; newlines and tabs stay (a statement's caret line uses them).
    static func error(_ message: String) {
        write("starling: error: \(printable(message))\n")
    }

    /// `text` with every control character but newline and tab as `\xHH`.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isEscaped) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isEscaped(scalar) {
                let digits = String(scalar.value, radix: 16, uppercase: true)
                result += "\\x" + (digits.count < 2 ? "0" + digits : digits)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || scalar.value == 0x7F
    }
}

/// Results go to stdout. The first failed write is kept: later writes are skipped, a streaming
/// query stops (``PrintingSink``), and the command exits 74 naming the reason (``StarlingMain``).
enum StandardOutput {
    static let failure = WriteFailure(name: "standard output")

    static func write(_ text: String) {
        failure.write(text, to: STDOUT_FILENO)
    }
}

/// The first error of writes to one destination, kept so that no lost output goes unreported.
final class WriteFailure: Sendable {
    /// The destination in messages ("standard output", a file's path).
    let name: String
    private let code = Mutex<Int32>(0)

    init(name: String) { self.name = name }

    /// Writes `text` unless an earlier write failed; a failure is kept.
    func write(_ text: String, to descriptor: Int32) {
        guard code.withLock({ $0 }) == 0 else { return }
        let result = writeAll(text, to: descriptor)
        if result != 0 { code.withLock { if $0 == 0 { $0 = result } } }
    }

    /// The failure's message, forgotten so that later writes are tried again (the shell, after
    /// reporting it); nil when every write succeeded.
    func take() -> String? {
        let text = message
        code.withLock { $0 = 0 }
        return text
    }

    /// "cannot write results to standard output: No space left on device", or nil when every
    /// write succeeded.
    var message: String? {
        let error = code.withLock { $0 }
        return error == 0 ? nil : "cannot write results to \(name): \(String(cString: strerror(error)))"
    }
}

/// Writes every byte of `text` to `descriptor`, retrying short writes and interrupts; returns 0,
/// or the `errno` of the write that failed.
@discardableResult
func writeAll(_ text: String, to descriptor: Int32) -> Int32 {
    var copy = text
    return copy.withUTF8 { buffer -> Int32 in
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let count = Glibc.write(descriptor, base + done, buffer.count - done)
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if count == 0 { return EIO }
            done += count
        }
        return 0
    }
}
