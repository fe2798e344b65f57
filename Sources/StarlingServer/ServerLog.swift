/// The server's log: one line per connection and per statement on standard error.

import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes whole lines to standard error, one writer at a time, each stamped with the UTC time.
/// Statement text is cut to ``maximumStatementLength`` characters and kept on one line; passwords
/// are never part of what is logged (the server asks for none yet).
public final class ServerLog: Sendable {
    static let maximumStatementLength = 200
    private let lock = NIOLock()

    public init() {}

    /// Writes `message` as one line.
    public func write(_ message: String) {
        let line = Self.timestamp() + " " + message.replacing("\n", with: " ") + "\n"
        lock.withLock {
            var bytes = Array(line.utf8)
            var written = 0
            while written < bytes.count {
                let count = bytes.withUnsafeMutableBytes { raw in
                    systemWrite(2, raw.baseAddress.map { $0 + written }, raw.count - written)
                }
                if count <= 0 { break }
                written += count
            }
            bytes.removeAll()
        }
    }

    /// A statement's text for the log: spaces collapsed, cut to the maximum length.
    static func excerpt(_ text: String) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard words.count > maximumStatementLength else { return words }
        return String(words.prefix(maximumStatementLength)) + "…"
    }

    /// A duration in milliseconds with one decimal.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let tenths = (seconds * 10_000 + attoseconds / 100_000_000_000_000)
        return "\(tenths / 10).\(tenths % 10) ms"
    }

    /// `2026-12-07T10:00:00Z`.
    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    private let systemWrite = Darwin.write
#endif
