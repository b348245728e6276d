// flipflop shim: NVRTC has no libc; the math functions are NVRTC builtins, INFINITY, NAN, M_PI etc. come from "cmath".
#pragma once
#include "cmath"
