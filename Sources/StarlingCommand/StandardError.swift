/// Writing diagnostics to standard error and results to standard output.

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
}

/// Results go to stdout.
enum StandardOutput {
    static func write(_ text: String) {
        writeAll(text, to: STDOUT_FILENO)
    }
}

/// Writes every byte of `text` to `descriptor`, retrying short writes and interrupts.
func writeAll(_ text: String, to descriptor: Int32) {
    var copy = text
    copy.withUTF8 { buffer in
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let count = Glibc.write(descriptor, base + done, buffer.count - done)
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            done += count
        }
    }
}
