/// The width of the terminal a status line is drawn on, and fitting a line into it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Columns of the terminal behind a file descriptor, read afresh each time (so a resized window,
/// which the kernel reports through SIGWINCH, is seen at the next redraw).
enum TerminalWidth {
    /// The terminal's columns, or nil when `descriptor` is no terminal or it reports none.
    static func columns(_ descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// As many of `parts` (most important first) as fit in `width - 1` characters joined by
    /// `separator`, so a status line never wraps (a wrapped line leaves a copy behind at every
    /// redraw); the first part alone is cut to fit when even it is too long.
    static func fitted(_ parts: [String], separator: String = ", ", width: Int?) -> String {
        guard let width else { return parts.joined(separator: separator) }
        let room = max(1, width - 1)
        var line = ""
        for part in parts {
            let candidate = line.isEmpty ? part : line + separator + part
            if candidate.count > room {
                if line.isEmpty { return String(part.prefix(room)) }
                break
            }
            line = candidate
        }
        return line
    }
}
