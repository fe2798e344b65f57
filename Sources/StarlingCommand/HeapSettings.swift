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
///
/// The free heap kept was then raised from 64 to 512 MiB: a join's build side and an
/// aggregate's tables at TPC-H SF 10 free hundreds of megabytes at the end of a query, which
/// the next query faulted in again page by page (the kernel zeroing them took 10–13% of Q9's
/// and Q10's time). Measured at SF 10, two rounds each, medians of 3 runs: Q9 2,441–2,525 →
/// 2,004–2,158 ms, Q10 1,264–1,312 → 1,046–1,218 ms, Q18 1,783–1,854 → 1,566–1,678 ms, Q1
/// unchanged; peak resident memory 2–8% higher.
/// The thresholds themselves are set in one place, `CMalloc`'s `starling_tune_heap`, which the
/// kernel benchmarks call too.
enum HeapSettings {
    static func apply() {
        starling_tune_heap()
    }
}
