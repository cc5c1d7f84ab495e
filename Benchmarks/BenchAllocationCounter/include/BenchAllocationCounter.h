#ifndef BENCH_ALLOCATION_COUNTER_H
#define BENCH_ALLOCATION_COUNTER_H

#include <stdint.h>

/// Heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) made by
/// the calling thread since it started. Counting is always on and costs one thread-local
/// increment per call. Stays 0 where the allocator is not interposed (not glibc).
uint64_t bench_thread_allocations(void);

/// Returns the allocator's free memory to the system (glibc `malloc_trim(0)`; a no-op elsewhere).
void bench_release_free_memory(void);

#endif
