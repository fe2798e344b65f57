/// The C allocator's settings for a process that runs queries.

import CMalloc

/// Vectors of a 16,384-row chunk are 128 KiB, glibc's default threshold for serving an
/// allocation with its own `mmap`: each one then costs page faults when first written and an
/// `munmap` when freed, and freed heap space is given back to the system as soon as 128 KiB
/// sit free at its top, to be faulted in again by the next chunk. Measured on TPC-H SF 1 (22
/// queries, 3 runs, 2 threads): system time 1.0–1.7 s with the defaults, 0.3–0.45 s with
/// allocations under 64 MiB served from the heap and up to 64 MiB of free heap kept at its top,
/// and the total of query medians 10–15% lower. The process's peak resident memory grows by
/// about a tenth (what the heap keeps instead of returning).
/// The thresholds themselves are set in one place, `CMalloc`'s `starling_tune_heap`, which the
/// kernel benchmarks call too.
enum HeapSettings {
    static func apply() {
        starling_tune_heap()
    }
}
