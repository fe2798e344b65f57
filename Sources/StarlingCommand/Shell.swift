/// The shell's loop: read lines (libedit on a terminal, plain lines otherwise), collect them into
/// statements, run statements and dot commands, and print results in the current mode.
/// Tab completion is in Shell+Completion.swift, `.timer`'s line in ``RunTimer``, `.shell` in ``SystemCommand``.

import ArgumentParser
import StarlingColumns
import StarlingEngine
import StarlingExecution
import StarlingFormat
import StarlingSQL
import StarlingStorage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class Shell {
    let engine: Engine
    /// The warehouse directory (for `.load`).
    let directory: String
    /// Reading from a terminal: prompts, line editing, errors do not stop the shell.
    let interactive: Bool
    let continueOnError: Bool
    var settings: ShellSettings
    var editor: LineEditor?
    /// The exit status of the first failure, if any.
    private(set) var firstFailure: ExitStatus?
    private var quitting = false
    private var readDepth = 0
    /// The lines of the statement being typed at the terminal, while it is unfinished: they go
    /// into the history as one entry when it ends (and Tab reads them for context).
    private(set) var statementLines: [String] = []
    /// After `.once FILE`: where output goes back to once the next statement or dot command ran.
    private var outputAfterOnce: ShellOutput?
    /// Set by `.once` itself, so that its own end does not end it.
    private var onceJustSet = false

    init(engine: Engine, directory: String, interactive: Bool, continueOnError: Bool, settings: ShellSettings) {
        self.engine = engine
        self.directory = directory
        self.interactive = interactive
        self.continueOnError = continueOnError
        self.settings = settings
    }

    /// Runs until `.quit`, Ctrl-D or the end of input; returns the exit status.
    func run() -> ExitStatus {
        if interactive {
            runInteractive()
            return .success
        }
        _ = runLines(source: nil) { readLine(strippingNewline: true) }
        return firstFailure ?? .success
    }

    // MARK: - Reading

    private func runInteractive() {
        ShellInterrupt.shared.install()
        do {
            editor = try LineEditor(program: "starling", historyPath: LineEditor.defaultHistoryPath)
            editor?.completer = { [unowned self] beforeCursor in self.completion(beforeCursor) }
        } catch {
            StandardError.write("starling: warning: \(error.description)\n")
        }
        // Two short lines: a long one wraps mid-word in an 80-column terminal.
        StandardError.write(
            "starling \(starlingVersion) shell on \(directory)\n"
                + "Statements end with ;  .help for help, .quit or Ctrl-D to leave.\n")
        var splitter = StatementSplitter()
        while !quitting {
            let prompt = splitter.isPending ? "      ...> " : "starling> "
            let input: LineEditorInput
            if let editor {
                input = editor.readLine(prompt: prompt)
            } else {
                StandardError.write(prompt)
                input = readLine(strippingNewline: true).map { .line($0) } ?? .end
            }
            switch input {
            case .end:
                // An unfinished statement is kept in the history, not run.
                editor?.remember(statementLines.joined(separator: "\n"))
                StandardError.write("\n")
                return
            case .interrupted:
                splitter.reset()
                statementLines = []
            case .line(let line):
                statementLines.append(line)
                _ = handle(line, splitter: &splitter, source: nil, lineNumber: 0)
                // A statement over several lines is one history entry, as in DuckDB's shell.
                if !splitter.isPending {
                    editor?.remember(statementLines.joined(separator: "\n"))
                    statementLines = []
                }
            }
        }
    }

    /// Runs the lines `next` gives as a script: stops at the first failure unless
    /// `--continue-on-error`, or at `.quit`. A statement left without `;` at the end runs too.
    /// Returns false when it stopped early.
    func runLines(source: String?, _ next: () -> String?) -> Bool {
        var splitter = StatementSplitter()
        var lineNumber = 0
        while !quitting, let line = next() {
            lineNumber += 1
            if !handle(line, splitter: &splitter, source: source, lineNumber: lineNumber), !continueOnError { return false }
        }
        if !quitting, let statement = splitter.finish() {
            if !execute(statement, source: source), !continueOnError { return false }
        }
        return !quitting
    }

    /// One input line: a dot command when no statement is pending, else part of a statement.
    /// Returns false when something failed.
    private func handle(_ line: String, splitter: inout StatementSplitter, source: String?, lineNumber: Int) -> Bool {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        if !splitter.isPending, trimmed.hasPrefix(".") {
            _ = splitter.add(line: "")  // keeps line numbers right
            // A `.once` before this command was for it (unless this is another `.once`).
            defer { if onceJustSet { onceJustSet = false } else { endOnce() } }
            return runDotCommand(String(trimmed), source: source, lineNumber: lineNumber)
        }
        var succeeded = true
        for statement in splitter.add(line: line) {
            guard succeeded || continueOnError else { break }
            if !execute(statement, source: source) {
                succeeded = false
                // Ctrl-C or an error in a terminal session drops the rest of the line.
                if interactive && source == nil { splitter.reset(); break }
            }
        }
        return succeeded
    }

    // MARK: - Statements

    /// Runs one statement and prints its results; returns false when it failed.
    func execute(_ statement: SplitStatement, source: String?) -> Bool {
        defer { endOnce() }
        let control = ShellInterrupt.shared.control
        control.reset()
        _ = ShellInterrupt.shared.takeInterrupt()
        let printer = settings.printer
        let output = settings.output
        var rows: Int?
        let progress = ProgressLine(control: control, enabled: isTerminal(2), cancellable: interactive)
        let timer = RunTimer()
        defer { progress.stop() }
        do {
            if settings.explain, Self.isQuery(statement.text) {
                // A query that cannot be planned fails below with its own positions.
                try? engine.run("EXPLAIN " + statement.text, onResult: { result in
                    var lines = ""
                    for row in 0..<result.rows.count { lines += result.rows.columns[0].value(at: row).formatted(as: .varchar) + "\n" }
                    output.write(lines)
                })
            }
            progress.start()
            let sink = PrintingSink(printer, failure: output.failure) { output.write($0) }
            sink.onFirstOutput = { progress.stop() }
            defer { rows = sink.columns.isEmpty ? nil : sink.totalRows }
            try engine.run(statement.text, into: sink, onOutcome: { outcome in
                if self.interactive { StandardError.write(outcome.tag + "\n") }
            })
        } catch {
            progress.stop()
            _ = output.takeFailure()
            report(error, statement: statement, source: source)
            return false
        }
        if settings.timer { StandardError.write(timer.line(rows: rows)) }
        return true
    }

    /// Whether `text` is one query (EXPLAIN can be put in front of it).
    static func isQuery(_ text: String) -> Bool {
        guard let statements = try? Parser.parse(text), statements.count == 1 else { return false }
        if case .query = statements[0].statement { return true }
        return false
    }

    /// Prints a failed statement's error; positions count from the start of the script or file.
    private func report(_ error: EngineError, statement: SplitStatement, source: String?) {
        var message: String
        switch error {
        case .sql(let sqlError, let script) where !interactive || source != nil:
            // Put the statement where it was in the input, so "line L:C" is the input's line.
            let padding = String(repeating: "\n", count: max(0, statement.line - 1)) + String(repeating: " ", count: max(0, statement.column - 1))
            let moved = SQLError(sqlError.message, at: SourcePosition(sqlError.position.offset + padding.utf8.count), hint: sqlError.hint)
            message = moved.rendered(in: padding + script)
        case .query(let queryError) where queryError.kind == .cancelled:
            message = "cancelled"
        default:
            message = error.description
        }
        if let source { message = "\(source): " + message }
        fail(message, status: error.exitStatus)
    }

    /// Prints `starling: error: message` and remembers the first failure's status.
    func fail(_ message: String, status: ExitStatus) {
        StandardError.error(message)
        if firstFailure == nil { firstFailure = status }
    }

    /// `0.8 ms`, `123.4 ms`, `2.35 s`, `73.1 s`.
    static func seconds(_ value: Double) -> String {
        if value < 1 { return "\(Double(Int(value * 10_000)) / 10) ms" }
        return value < 10 ? "\(Double(Int(value * 100)) / 100) s" : "\(Double(Int(value * 10)) / 10) s"
    }

    // MARK: - Dot commands

    private func runDotCommand(_ line: String, source: String?, lineNumber: Int) -> Bool {
        let place = source.map { "\($0): line \(lineNumber): " } ?? (interactive ? "" : "line \(lineNumber): ")
        do {
            let command = try DotCommand.parse(line)
            let succeeded = try run(command, place: place)
            // A dot command's own text (.tables, .schema) that could not be written.
            if let message = settings.output.takeFailure() {
                fail(place + message, status: .ioError)
                return false
            }
            return succeeded
        } catch let error as DotCommandError {
            fail(place + error.description, status: .failure)
        } catch let error as ShellError {
            fail(place + error.description, status: .failure)
        } catch let error as StorageError {
            fail(place + error.message, status: error.exitStatus)
        } catch {
            fail(place + "\(error)", status: .failure)
        }
        return false
    }

    /// Prints an on/off setting (`.timer` alone prints `timer: off`); true, as a dot command
    /// that succeeded.
    private func show(_ name: String, _ on: Bool) -> Bool {
        settings.output.write("\(name): \(on ? "on" : "off")\n")
        return true
    }

    /// Runs a parsed dot command; returns false when it failed (after printing why).
    func run(_ command: DotCommand, place: String) throws -> Bool {
        switch command {
        case .help:
            settings.output.write(DotCommand.helpText)
        case .quit:
            quitting = true
        case .tables:
            settings.output.write(TablesCommand.text(try engine.warehouse.catalog()))
        case .schema(let table):
            let catalog = try engine.warehouse.catalog()
            if let table, let view = catalog.view(named: Self.normalised(table)) {
                settings.output.write(view.createStatement + "\n")
                return true
            }
            let tables = try table.map { [try Self.table(named: $0, in: catalog)] } ?? catalog.tables
            let views = table == nil ? catalog.allViews : []
            let statements = tables.map(\.createStatement) + views.map(\.createStatement)
            settings.output.write(statements.map { $0 + "\n" }.joined())
        case .describe(let name):
            let catalog = try engine.warehouse.catalog()
            if let view = catalog.view(named: Self.normalised(name)) {
                let (columns, problem) = DescribeCommand.columns(of: view, engine: engine)
                settings.output.write(DescribeCommand.text(view, columns: columns, problem: problem))
                return true
            }
            let table = try Self.table(named: name, in: catalog)
            settings.output.write(DescribeCommand.text(table, kind: catalog.kind(of: table).rawValue))
        case .mode(let format):
            guard let format else {
                settings.output.write("current output mode: \(settings.format.rawValue)\n")
                return true
            }
            settings.format = format
        case .timer(let on):
            guard let on else { return show("timer", settings.timer) }
            settings.timer = on
        case .explain(let on):
            guard let on else { return show("explain", settings.explain) }
            settings.explain = on
        case .headers(let on):
            guard let on else { return show("headers", settings.header) }
            settings.header = on
        case .nullValue(let text):
            settings.nullValue = text
        case .maxRows(let count):
            guard let count else {
                settings.output.write(settings.maxRowsText)
                return true
            }
            settings.maxRows = count
        case .maxWidth(let count):
            guard let count else {
                settings.output.write(settings.maxWidthText)
                return true
            }
            settings.maxWidth = count
        case .once(let path):
            let previous = outputAfterOnce ?? settings.output
            do {
                settings.output = try ShellOutput.file(path)
            } catch {
                throw ShellError("\(error.description); results still go to \(settings.output.name)")
            }
            outputAfterOnce = previous
            onceJustSet = true
        case .shell(let command):
            let outcome = try SystemCommand.run(command, output: settings.output)
            if let failure = SystemCommand.failure(outcome, command: command) {
                fail(place + failure, status: .failure)
                return false
            }
        case .output(let path):
            outputAfterOnce = nil
            guard let path else { settings.output = .standardOutput; return true }
            do {
                settings.output = try ShellOutput.file(path)
            } catch {
                throw ShellError("\(error.description); results still go to \(settings.output.name)")
            }
        case .read(let path):
            return try read(path)
        case .load(let arguments):
            return load(arguments, place: place)
        case .history:
            settings.output.write(Self.historyText(editor?.entries() ?? []))
        }
        return true
    }

    /// Ends a `.once`: output goes back where it went before.
    private func endOnce() {
        guard let previous = outputAfterOnce else { return }
        if let message = settings.output.takeFailure() { fail(message, status: .ioError) }
        settings.output = previous
        outputAfterOnce = nil
    }

    /// `.history`: numbered entries, oldest first; a multi-line statement's later lines indented
    /// under its first.
    static func historyText(_ entries: [String]) -> String {
        entries.enumerated().map { index, entry in
            let number = "\(index + 1)  "
            let indent = "\n" + String(repeating: " ", count: number.count)
            let lines = entry.split(separator: "\n", omittingEmptySubsequences: false)
            return number + lines.joined(separator: indent) + "\n"
        }.joined()
    }

    /// A name as a user typed it, folded to lower case unless in double quotes.
    static func normalised(_ text: String) -> String {
        guard text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 else { return text.lowercased() }
        return String(text.dropFirst().dropLast())
    }

    /// A table by the name a user typed (folded to lower case unless in double quotes).
    static func table(named text: String, in catalog: Catalog) throws(ShellError) -> CatalogTable {
        let name = normalised(text)
        guard let table = catalog.table(named: name) else {
            let hint = closestName(name, catalog.relationNames).map { " (did you mean \($0)?)" } ?? ""
            throw ShellError("table \"\(name)\" does not exist\(hint); .tables lists the tables and views")
        }
        return table
    }

    /// `.read FILE`: its lines run as a script, positions given in the file.
    private func read(_ path: String) throws -> Bool {
        guard readDepth < 16 else { throw ShellError(".read is nested more than 16 deep (does \(path) read itself?)") }
        let text: String
        do {
            text = try FileBytes.read(path: path).decodedText()
        } catch {
            fail(error.description, status: error.isMissing ? .missingInput : .ioError)
            return false
        }
        readDepth += 1
        defer { readDepth -= 1 }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if lines.last == "" { lines.removeLast() }
        var iterator = lines.makeIterator()
        let before = firstFailure
        let completed = runLines(source: path) { iterator.next() }
        return completed || (quitting && firstFailure == before)
    }

    /// `.load TABLE FILE… [options]`: `starling load` on this warehouse.
    private func load(_ arguments: [String], place: String) -> Bool {
        var arguments = arguments
        if !arguments.contains(where: { $0 == "--warehouse" || $0.hasPrefix("--warehouse=") }) { arguments += ["--warehouse", directory] }
        if engine.waitForLock, !arguments.contains("--wait") { arguments.append("--wait") }
        do {
            let command = try LoadCommand.parse(arguments)
            try command.run()
            return true
        } catch let code as ExitCode {
            // `starling load` has printed the error.
            if firstFailure == nil { firstFailure = ExitStatus(rawValue: code.rawValue) ?? .failure }
        } catch {
            fail(place + LoadCommand.message(for: error) + " (see starling load --help)", status: .usage)
        }
        return false
    }
}

/// Monotonic nanoseconds.
func DispatchClockNow() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// The candidate nearest to `name`, for "did you mean".
func closestName(_ name: String, _ candidates: [String]) -> String? {
    closestMatch(to: name, in: candidates)
}
