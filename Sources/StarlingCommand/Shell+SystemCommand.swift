/// `.shell CMD` (`.system CMD`): a command line run by `/bin/sh`, as DuckDB's and sqlite's shells do.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a command line with `/bin/sh -c`: standard input and error are the shell's, standard
/// output is where results go (the terminal, or the `.output` file), so what it prints lands
/// among the results. The shell waits for it; Ctrl-C reaches it as it reaches any foreground
/// program.
enum SystemCommand {
    /// How the command ended.
    enum Outcome: Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// Runs `command` with its standard output on `output`, or throws why it could not start.
    static func run(_ command: String, output: ShellOutput) throws(ShellError) -> Outcome {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if output.descriptor != STDOUT_FILENO { posix_spawn_file_actions_adddup2(&actions, output.descriptor, 1) }
        // Default signal handling and no blocked signals, whatever this process inherited or set.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let path = "/bin/sh"
        let arguments: [String] = ["sh", "-c", command]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, path, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw ShellError("cannot start \(path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 {
            guard errno == EINTR else {
                throw ShellError("cannot wait for \(path): \(String(cString: strerror(errno)))")
            }
        }
        // Ctrl-C while it ran was the command's; the next statement must not see it.
        _ = ShellInterrupt.shared.takeInterrupt()
        ShellInterrupt.shared.control.reset()
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// Why an outcome is a failure, or nil when the command exited with 0.
    static func failure(_ outcome: Outcome, command: String) -> String? {
        switch outcome {
        case .exited(0):
            return nil
        case .exited(let code):
            return ".shell: the command exited with status \(code): \(command)"
        case .signalled(let signal):
            let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
            return ".shell: the command was stopped by signal \(signal) (\(name)): \(command)"
        }
    }
}
