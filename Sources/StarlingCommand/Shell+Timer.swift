/// `.timer on`'s line after each statement: wall-clock and CPU time, as DuckDB's shell prints them,
/// and the rows of the statement's results.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The clocks at a statement's start; ``line(rows:)`` reads them again at its end.
struct RunTimer {
    private let startNanoseconds: UInt64
    private let startCPU: (user: Double, system: Double)

    /// Starts timing now.
    init() {
        startNanoseconds = DispatchClockNow()
        startCPU = Self.cpuSeconds()
    }

    /// `Run Time (s): real 0.012 user 0.010 sys 0.000, 1 row`: the seconds since ``init()`` on the
    /// monotonic clock, and the CPU seconds of all this process's threads (so `user` passes `real`
    /// when a query runs on several cores). `rows` is nil for a statement with no result (DDL).
    func line(rows: Int?) -> String {
        let real = Double(DispatchClockNow() &- startNanoseconds) / 1e9
        let cpu = Self.cpuSeconds()
        let user = max(0, cpu.user - startCPU.user)
        let system = max(0, cpu.system - startCPU.system)
        var text = "Run Time (s): real \(Self.threeDecimals(real)) user \(Self.threeDecimals(user))"
        text += " sys \(Self.threeDecimals(system))"
        if let rows { text += ", \(rows) row\(rows == 1 ? "" : "s")" }
        return text + "\n"
    }

    /// `0.012`: seconds with three decimals (milliseconds), never in exponent form.
    static func threeDecimals(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "0.000" }
        let milliseconds = min(Int((seconds * 1000).rounded()), Int(Int32.max))
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// User and system CPU seconds of this process so far (zeros when the system cannot say).
    private static func cpuSeconds() -> (user: Double, system: Double) {
        var usage = rusage()
        #if canImport(Darwin)
            guard getrusage(RUSAGE_SELF, &usage) == 0 else { return (0, 0) }
        #else
            guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return (0, 0) }
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return (seconds(usage.ru_utime), seconds(usage.ru_stime))
    }
}
