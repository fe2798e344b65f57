/// The process's anonymous resident memory: what a query really holds, beyond its estimates.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads how much of the process's resident memory is anonymous (heap, thread stacks, decoded
/// data): `/proc/self/statm`'s resident pages minus its shared (file-backed) ones, so the pages
/// of memory-mapped segment files, which the kernel can drop and read again, do not count.
enum AnonymousMemory {
    /// The bytes, or nil where `/proc/self/statm` cannot be read.
    static func residentBytes() -> Int? {
        let descriptor = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        return withUnsafeMutableBytes(of: &buffer) { bytes -> Int? in
            let count = read(descriptor, bytes.baseAddress, bytes.count)
            guard count > 0 else { return nil }
            // "size resident shared text lib data dt", in pages.
            var fields: [Int] = []
            var value = 0
            var inNumber = false
            for byte in bytes.prefix(count) {
                if byte >= 0x30 && byte <= 0x39 {
                    value = value &* 10 &+ Int(byte - 0x30)
                    inNumber = true
                } else if inNumber {
                    fields.append(value)
                    value = 0
                    inNumber = false
                    if fields.count == 3 { break }
                }
            }
            guard fields.count == 3, fields[1] >= fields[2] else { return nil }
            return (fields[1] - fields[2]) * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
    }
}
