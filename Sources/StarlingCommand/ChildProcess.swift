/// Running this executable again as a child process and collecting its standard output.

import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process of this same executable (`/proc/self/exe` on Linux), with standard input and
/// error inherited and standard output collected, for a benchmark phase that must run in a fresh
/// process.
enum ChildProcess {
    /// What the child printed and how it ended.
    struct Outcome {
        let output: [UInt8]
        /// The exit status, or 128 + the signal number when a signal ended it.
        let status: Int32
    }

    /// The path this process was started from.
    static var executablePath: String {
        #if os(Linux)
        return "/proc/self/exe"
        #else
        return CommandLine.arguments.first ?? "starling"
        #endif
    }

    /// Runs this executable with `arguments` (after the program name) and waits for it.
    static func runSelf(_ arguments: [String]) throws(ExitCode) -> Outcome {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw fail("cannot create a pipe: \(String(cString: strerror(errno)))", status: .ioError) }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        let path = executablePath
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, path, &actions, nil, argv, environ)
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw fail("cannot start \(path): \(String(cString: strerror(spawned)))", status: .ioError)
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count > 0 {
                output.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(readEnd)
        var waitStatus: Int32 = 0
        while waitpid(child, &waitStatus, 0) < 0 {
            guard errno == EINTR else { throw fail("cannot wait for \(path): \(String(cString: strerror(errno)))", status: .ioError) }
        }
        let exited = waitStatus & 0x7f == 0
        return Outcome(output: output, status: exited ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f))
    }
}
