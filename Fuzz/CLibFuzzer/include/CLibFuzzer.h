#ifndef MODELGATE_CLIBFUZZER_H
#define MODELGATE_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver entry (compiler-rt, LLVM 11+): runs the fuzzing loop with `callback` as
/// the target, so one executable can host several targets and keep its own `main`.
/// Only linked when built with `-sanitize=fuzzer`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
