// A cache-line prefetch hint, which Swift has no spelling for: the executor's hash tables issue
// it for the slots a batch of keys will probe, so their cache misses overlap instead of each
// stalling in turn. A hint only: it never faults, whatever the address.
static inline void starling_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 0, 3);
#endif
}
