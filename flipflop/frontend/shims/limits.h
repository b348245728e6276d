// flipflop shim: NVRTC has no libc; INT_MAX etc. come from <cuda/std/climits>.
#pragma once
#include "climits"
