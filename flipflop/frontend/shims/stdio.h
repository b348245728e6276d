// flipflop shim: NVRTC has no libc; printf is an NVRTC builtin (device printf).
#pragma once
#include "cstdio"
