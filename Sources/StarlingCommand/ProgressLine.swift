/// The shell's progress line: after about 2 s, the share of morsels (row groups) done, scanned
/// rows/s and elapsed time, redrawn on stderr until the statement ends.

import Dispatch
import StarlingExecution
import Synchronization

final class ProgressLine: Sendable {
    static let delay: UInt64 = 2_000_000_000
    let control: QueryControl
    let enabled: Bool
    /// Whether Ctrl-C cancels (the interactive shell), said on the line.
    let cancellable: Bool
    private let queue = DispatchQueue(label: "starling.progress")
    private let timer = Mutex<TimerBox?>(nil)
    private let shown = Atomic<Bool>(false)

    init(control: QueryControl, enabled: Bool, cancellable: Bool) {
        self.control = control
        self.enabled = enabled
        self.cancellable = cancellable
    }

    /// Starts the clock; the line appears after ``delay``.
    func start() {
        guard enabled else { return }
        let started = DispatchClockNow()
        let source = DispatchSource.makeTimerSource(queue: queue)
        source.schedule(deadline: .now() + .nanoseconds(Int(Self.delay)), repeating: .milliseconds(500))
        let cancellable = self.cancellable
        source.setEventHandler { [self] in
            let elapsed = Double(DispatchClockNow() - started) / 1e9
            let (planned, done, rows) = control.progress
            let share = planned > 0 ? "\(min(100, done * 100 / planned))% of row groups" : "planning"
            let rate = elapsed > 0 ? Double(rows) / elapsed : 0
            // Fitted to the terminal's width, read at every redraw: parts drop from the end.
            var parts = [share, Shell.seconds(elapsed), "\(Self.rate(rate)) rows/s scanned"]
            if cancellable { parts.append("Ctrl-C cancels") }
            StandardError.write("\r\u{1B}[K" + TerminalWidth.fitted(parts, width: TerminalWidth.columns(2)))
            shown.store(true, ordering: .relaxed)
        }
        let box = TimerBox(source)
        timer.withLock { $0 = box }
        source.resume()
    }

    /// Stops the clock and clears the line if it was shown. Safe to call more than once.
    func stop() {
        guard let source = timer.withLock({ current -> TimerBox? in
            defer { current = nil }
            return current
        })?.source else { return }
        source.cancel()
        queue.sync {}
        if shown.exchange(false, ordering: .relaxed) { StandardError.write("\r\u{1B}[K") }
    }

    /// `950`, `12.3 K`, `4.5 M`.
    static func rate(_ value: Double) -> String {
        if value >= 1e9 { return "\(Double(Int(value / 1e8)) / 10) G" }
        if value >= 1e6 { return "\(Double(Int(value / 1e5)) / 10) M" }
        if value >= 1e4 { return "\(Double(Int(value / 1e2)) / 10) K" }
        return "\(Int(value))"
    }
}

/// A dispatch timer handed between threads (it is itself thread-safe).
private final class TimerBox: @unchecked Sendable {
    let source: DispatchSourceTimer
    init(_ source: DispatchSourceTimer) { self.source = source }
}
