// flipflop shim: NVRTC has no libc; the fixed-width integer types come from <cuda/std/cstdint>.
#pragma once
#include "cstdint"
