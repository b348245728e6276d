// flipflop shim: glibc's <sys/types.h> (which <stdlib.h> includes) gives kernel files int64_t and the other
// fixed-width types without <stdint.h> (HeCBench unfold's `int64_t` with only <cstdlib> included).
#pragma once
#include "../cstdint"
#include "../cstddef"
