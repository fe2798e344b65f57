/// The process's resident memory and its peak, per phase of a benchmark.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the resident set size (RSS) and its high-water mark, and on Linux starts a new peak
/// for the next phase (writing `5` to `/proc/self/clear_refs` resets `VmHWM` to the current RSS).
enum ResidentMemory {
    /// Starts measuring a new peak; returns whether the platform allowed it (when not, the
    /// peak is the process's since it started). First hands memory the previous phase freed
    /// back to the system (glibc keeps freed heap pages otherwise), so the new peak counts only
    /// what is still in use.
    @discardableResult
    static func resetPeak() -> Bool {
        #if canImport(Glibc)
        // glibc's malloc_trim, looked up at run time (the Glibc module does not declare it).
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            typealias MallocTrim = @convention(c) (Int) -> Int32
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        }
        #endif
        let descriptor = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return write(descriptor, "5", 1) == 1
    }

    /// The peak resident bytes since the last ``resetPeak()`` (or since the process started).
    static func peakBytes() -> Int {
        if let kilobytes = statusField("VmHWM:") { return kilobytes * 1024 }
        var usage = rusage()
        #if canImport(Darwin)
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss)
        #else
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
        #endif
    }

    /// A `… kB` line of `/proc/self/status`, in kilobytes.
    private static func statusField(_ name: String) -> Int? {
        let descriptor = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            return Int(line.dropFirst(name.count).filter(\.isNumber))
        }
        return nil
    }
}
