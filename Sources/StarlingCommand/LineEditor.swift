/// Line editing, Tab completion (LineEditor+Completion.swift) and persistent history for the
/// interactive shell: the one place libedit is called.

import CEditLine
import StarlingExecution
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of the line-editing library, in words.
enum LineEditorError: Error, CustomStringConvertible {
    case unavailable(String)

    var description: String {
        switch self {
        case .unavailable(let reason): return "line editing is not available (\(reason)); reading plain lines"
        }
    }
}

/// What one prompt gave.
enum LineEditorInput: Equatable {
    case line(String)
    /// Ctrl-C at the prompt.
    case interrupted
    /// Ctrl-D on an empty line, or the end of input.
    case end
}

/// libedit's editor (emacs keys, ~/.editrc, Tab through ``completer``) and history, saved to a
/// file after every entry and capped at ``historyLimit`` entries. An entry is a whole statement,
/// its lines joined with line breaks, so the up arrow brings a multi-line statement back at once.
/// Prompts and echo go to stderr, so stdout holds only results.
final class LineEditor {
    static let historyLimit = 2000

    let editLine: OpaquePointer
    private let history: OpaquePointer
    /// The choices Tab offers for the text before the cursor; nil: Tab does nothing.
    var completer: ((String) -> LineCompletion)?
    /// Where the last Tab left the line (a second Tab there lists the choices).
    var lastCompletion: CompletionPoint?
    private var event = HistEvent()
    let historyPath: String?
    private var warnedAboutHistory = false

    init(program: String, historyPath: String?) throws(LineEditorError) {
        if let current = setlocale(LC_CTYPE, ""), !String(cString: current).uppercased().contains("UTF") {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        } else if setlocale(LC_CTYPE, nil) == nil {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
        guard let editLine = starling_el_init(program) else { throw .unavailable("el_init failed") }
        guard let history = history_init() else {
            el_end(editLine)
            throw .unavailable("history_init failed")
        }
        self.editLine = editLine
        self.history = history
        self.historyPath = historyPath
        _ = starling_history_set_size(history, &event, Int32(Self.historyLimit))
        _ = starling_history_set_unique(history, &event, 1)
        guard starling_el_set_editor(editLine, "emacs") == 0,
              starling_el_set_prompt(editLine, { _ in promptText.pointer }) == 0,
              starling_el_set_getc(editLine, { _, character in readCharacter(character) }) == 0,
              starling_el_set_history(editLine, history) == 0
        else {
            history_end(history)
            el_end(editLine)
            throw .unavailable("el_set failed")
        }
        if !installCompletion() { StandardError.write("starling: warning: Tab completion is not available\n") }
        _ = el_source(editLine, nil)  // ~/.editrc, when there is one (it may rebind Tab)
        if let historyPath { _ = starling_history_load(history, &event, historyPath) }
    }

    deinit {
        history_end(history)
        el_end(editLine)
    }

    /// Shows `prompt` and reads one line (without its line break).
    func readLine(prompt: String) -> LineEditorInput {
        promptText.set(prompt)
        lastCompletion = nil
        _ = ShellInterrupt.shared.takeInterrupt()
        var count: Int32 = 0
        let characters = el_wgets(editLine, &count)
        if ShellInterrupt.shared.takeInterrupt() {
            StandardError.write("^C\n")
            return .interrupted
        }
        guard let characters, count > 0 else { return .end }
        var line = ""
        for index in 0..<Int(count) {
            if let scalar = Unicode.Scalar(UInt32(bitPattern: Int32(characters[index]))) { line.unicodeScalars.append(scalar) }
        }
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Adds a non-blank entry (a line, or a statement's lines joined with line breaks) to the
    /// history and saves the history file.
    func remember(_ line: String) {
        guard line.contains(where: { !$0.isWhitespace }) else { return }
        _ = starling_history_enter(history, &event, line)
        guard let historyPath else { return }
        if starling_history_save(history, &event, historyPath) < 0, !warnedAboutHistory {
            warnedAboutHistory = true
            StandardError.write("starling: warning: cannot write the history file \(historyPath); set STARLING_HISTORY to another path\n")
        }
    }

    /// The history entries, oldest first (a multi-line statement is one entry with line breaks).
    func entries() -> [String] {
        var lines: [String] = []
        var status = starling_history_last(history, &event)
        while status >= 0, let text = event.str {
            var line = String(cString: text)
            if line.hasSuffix("\n") { line.removeLast() }
            lines.append(line)
            status = starling_history_previous(history, &event)
        }
        return lines
    }

    /// `$STARLING_HISTORY`, else `~/.starling_history`; nil when neither can be found.
    static var defaultHistoryPath: String? {
        if let value = getenv("STARLING_HISTORY") {
            let path = String(cString: value)
            return path.isEmpty ? nil : path
        }
        guard let home = getenv("HOME") else { return nil }
        return String(cString: home) + "/.starling_history"
    }
}

/// The prompt libedit asks for through a C callback, in memory that outlives each call.
private final class PromptText: @unchecked Sendable {
    private static let capacity = 256
    let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)

    init() { pointer.initialize(to: 0) }

    func set(_ text: String) {
        let bytes = Array(text.utf8.prefix(Self.capacity - 1))
        for (index, byte) in bytes.enumerated() { pointer[index] = CChar(bitPattern: byte) }
        pointer[bytes.count] = 0
    }
}

private let promptText = PromptText()

/// libedit's character reader: one UTF-8 character from stdin. A Ctrl-C (the signal handler has
/// set the flag and interrupted `read`) ends the line with an error, which ``LineEditor/readLine(prompt:)``
/// reports as `.interrupted`; other interrupted reads are retried.
private func readCharacter(_ character: UnsafeMutablePointer<wchar_t>?) -> Int32 {
    func byte() -> Int {
        var value: UInt8 = 0
        while true {
            let count = read(STDIN_FILENO, &value, 1)
            if count == 1 { return Int(value) }
            if count == 0 { return -2 }
            if errno == EINTR {
                if ShellInterrupt.shared.isInterrupted { return -1 }
                continue
            }
            return -1
        }
    }
    let first = byte()
    if first == -2 { return 0 }
    if first < 0 { return -1 }
    var scalar = UInt32(first)
    let extra = first < 0x80 ? 0 : first >= 0xF0 ? 3 : first >= 0xE0 ? 2 : first >= 0xC0 ? 1 : -1
    if extra < 0 {
        scalar = 0xFFFD
    } else if extra > 0 {
        scalar &= UInt32(0x3F >> extra)
        for _ in 0..<extra {
            let next = byte()
            if next < 0 { return next == -2 ? 0 : -1 }
            guard next & 0xC0 == 0x80 else { scalar = 0xFFFD; break }
            scalar = scalar << 6 | UInt32(next & 0x3F)
        }
    }
    if Unicode.Scalar(scalar) == nil { scalar = 0xFFFD }
    character?.pointee = wchar_t(bitPattern: scalar)
    return 1
}

/// Ctrl-C: a SIGINT handler that cancels the running statement (through ``control``) and, at
/// the prompt, interrupts the read so the line is cleared.
final class ShellInterrupt: Sendable {
    static let shared = ShellInterrupt()
    /// Handed to the engine; cancelled by every Ctrl-C, reset before each statement.
    let control = QueryControl()
    private let interrupted = Atomic<Bool>(false)

    /// Installs the handler (without SA_RESTART, so a blocked read returns EINTR) and unblocks
    /// SIGINT on this thread.
    func install() {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in ShellInterrupt.shared.fire() }
        #else
        action.__sigaction_u.__sa_handler = { _ in ShellInterrupt.shared.fire() }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        // A parent may have left SIGINT blocked (a test runner does): Ctrl-C must get through.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
    }

    /// Called from the signal handler: only atomic stores.
    func fire() {
        interrupted.store(true, ordering: .relaxed)
        control.cancel()
    }

    var isInterrupted: Bool { interrupted.load(ordering: .relaxed) }

    /// Whether Ctrl-C was pressed since the last call; clears the flag.
    func takeInterrupt() -> Bool {
        interrupted.exchange(false, ordering: .relaxed)
    }
}
