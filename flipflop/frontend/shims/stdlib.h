// flipflop shim: NVRTC has no libc; malloc, free and abs are NVRTC builtins (device heap).
#pragma once
#include "cstdlib"
