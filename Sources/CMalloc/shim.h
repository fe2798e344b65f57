// glibc's allocator tuning (mallopt), for the starling executable's HeapSettings. Part of libc:
// nothing to link. Elsewhere (macOS) the call does nothing.
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
static inline int starling_heap_setting(int parameter, int value) { return mallopt(parameter, value); }
static const int starling_mmap_threshold = M_MMAP_THRESHOLD;
static const int starling_trim_threshold = M_TRIM_THRESHOLD;
#else
static inline int starling_heap_setting(int parameter, int value) { (void)parameter; (void)value; return 0; }
static const int starling_mmap_threshold = 0;
static const int starling_trim_threshold = 0;
#endif
