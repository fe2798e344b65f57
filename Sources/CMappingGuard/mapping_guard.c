// The SIGBUS handler of mapping_guard.h. Written by hand: no library offers it. The handler only
// reads and writes the slot table with atomics and calls mmap (a plain system call on Linux).
#define _GNU_SOURCE
#include "mapping_guard.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

// At most this many mappings are guarded at once (a warehouse's open segment files).
#define SLOT_COUNT 8192

struct slot {
    _Atomic(int) used;         // claimed by a registration
    _Atomic(uintptr_t) start;  // 0 until the slot is filled in
    _Atomic(size_t) length;
    _Atomic(int) faulted;
};

static struct slot slots[SLOT_COUNT];
static pthread_once_t installed = PTHREAD_ONCE_INIT;
// The action before ours (the Swift runtime's backtracer, or the default), for other faults.
static struct sigaction previous;

static void handle_bus_error(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    uintptr_t address = (uintptr_t)info->si_addr;
    for (int index = 0; index < SLOT_COUNT; index++) {
        uintptr_t start = atomic_load(&slots[index].start);
        if (start == 0 || address < start || address - start >= atomic_load(&slots[index].length)) continue;
        uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
        void *base = (void *)(address & ~(page - 1));
        if (mmap(base, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
            atomic_store(&slots[index].faulted, 1);
            return;  // the read runs again and finds zeros
        }
        break;
    }
    // Not a guarded mapping (or the page could not be replaced): the action before ours, which
    // the faulting read meets when it runs again.
    sigaction(signal_number, &previous, NULL);
}

static void install_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handle_bus_error;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, &previous);
}

void starling_guard_install(void) {
    pthread_once(&installed, install_handler);
}

int starling_guard_register(const void *start, size_t length) {
    if (start == NULL || length == 0) return -1;
    starling_guard_install();
    for (int index = 0; index < SLOT_COUNT; index++) {
        int expected = 0;
        if (atomic_load(&slots[index].used) != 0) continue;
        if (!atomic_compare_exchange_strong(&slots[index].used, &expected, 1)) continue;
        atomic_store(&slots[index].length, length);
        atomic_store(&slots[index].faulted, 0);
        atomic_store(&slots[index].start, (uintptr_t)start);
        return index;
    }
    return -1;
}

void starling_guard_unregister(int slot) {
    if (slot < 0 || slot >= SLOT_COUNT) return;
    atomic_store(&slots[slot].start, 0);
    atomic_store(&slots[slot].used, 0);
}

int starling_guard_faulted(int slot) {
    if (slot < 0 || slot >= SLOT_COUNT) return 0;
    return atomic_load(&slots[slot].faulted);
}
