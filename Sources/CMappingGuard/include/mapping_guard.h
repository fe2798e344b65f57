// Guarding read-only file mappings against files truncated under them.
//
// Reading a page of a mapping whose file was truncated below it raises SIGBUS, which kills the
// process. Mappings registered here are guarded instead: the handler puts a page of zeros where
// the file's page was (so the read completes) and marks the mapping faulted; the reader checks
// `starling_guard_faulted` after reading and reports the file as truncated. A SIGBUS outside
// every registered mapping keeps its default action.
#ifndef STARLING_MAPPING_GUARD_H
#define STARLING_MAPPING_GUARD_H

#include <stddef.h>

/// Installs the SIGBUS handler (once; later calls do nothing).
void starling_guard_install(void);

/// Guards `length` bytes mapped at `start`: the slot to pass to the other calls, or -1 when all
/// slots are taken (the mapping is then not guarded).
int starling_guard_register(const void *start, size_t length);

/// Stops guarding slot `slot` (before its mapping is unmapped).
void starling_guard_unregister(int slot);

/// 1 when a read of slot `slot`'s mapping found its file truncated, else 0.
int starling_guard_faulted(int slot);

#endif
