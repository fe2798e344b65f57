// glibc's allocator tuning (mallopt), for the starling executable's HeapSettings and the kernel
// benchmarks. Part of libc: nothing to link. Elsewhere (macOS) the call does nothing.
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

// Allocations under 64 MiB come from the heap rather than each from its own mmap, and up to
// 512 MiB of free heap is kept rather than given back at once (see HeapSettings.swift for why).
static inline void starling_tune_heap(void) {
#if defined(__GLIBC__) || defined(__linux__)
    (void)mallopt(M_MMAP_THRESHOLD, 64 << 20);
    (void)mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}
