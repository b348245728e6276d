// flipflop shim: NVRTC has no libc; size_t, ptrdiff_t and NULL are NVRTC builtins.
#pragma once
#include "cstddef"
