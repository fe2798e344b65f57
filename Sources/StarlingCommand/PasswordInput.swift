/// Reading a new user's password: from a terminal without echo, or from standard input.

import ArgumentParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads passwords for `starling user add`. The password is never echoed or printed.
enum PasswordInput {
    /// The most bytes a password may have.
    static let maximumLength = 1024

    /// The first line of standard input (its line feed, and a carriage return before it, dropped).
    static func fromStandardInput() throws -> String {
        try checked(try readLine())
    }

    /// One line of standard input, at most ``maximumLength`` bytes (its line feed, and a
    /// carriage return before it, dropped).
    private static func readLine() throws -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let byte = getchar()
            if byte == EOF || byte == 0x0A { break }
            bytes.append(UInt8(truncatingIfNeeded: byte))
            if bytes.count > maximumLength {
                throw fail("the password is longer than \(maximumLength) bytes", status: .usage)
            }
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        return bytes
    }

    /// Asks twice on the terminal, with echo off, and checks that both answers match.
    static func prompt(for user: String) throws -> String {
        guard isTerminal(0) else {
            throw fail(
                "standard input is not a terminal: pass --password-stdin to read the password from it", status: .usage)
        }
        let first = try readHidden("Password for \(user): ")
        let second = try readHidden("Repeat the password: ")
        guard first == second else { throw fail("the passwords do not match", status: .usage) }
        return try checked(first)
    }

    /// One line read from the terminal with its echo turned off (and back on after).
    static func readHidden(_ prompt: String) throws -> [UInt8] {
        StandardError.write(prompt)
        var saved = termios()
        let haveSettings = tcgetattr(0, &saved) == 0
        if haveSettings {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(0, TCSAFLUSH, &quiet)
        }
        defer {
            if haveSettings { _ = tcsetattr(0, TCSAFLUSH, &saved) }
            StandardError.write("\n")
        }
        return try readLine()
    }

    /// The password as text: not empty, UTF-8, no NUL (libpq cannot send one).
    static func checked(_ bytes: [UInt8]) throws -> String {
        guard !bytes.isEmpty else { throw fail("the password cannot be empty", status: .usage) }
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else {
            throw fail("the password must be UTF-8 text without NUL bytes", status: .usage)
        }
        return text
    }
}
