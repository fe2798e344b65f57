/// The number of cores this process may use.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Online processors, as `sysconf` reports them.
enum ProcessInfoCores {
    static var active: Int {
        Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }
}
