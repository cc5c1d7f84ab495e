#ifndef BENCH_ALLOCATION_COUNTER_H
#define BENCH_ALLOCATION_COUNTER_H

#include <stdint.h>

/// Heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) made by
/// the calling thread since it started. Counting is always on and costs one thread-local
/// increment per call. Stays 0 where the allocator is not interposed (not glibc).
uint64_t bench_thread_allocations(void);

#endif
