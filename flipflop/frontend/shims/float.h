// flipflop shim: NVRTC has no libc; FLT_MAX, DBL_EPSILON etc. come from "cfloat".
#pragma once
#include "cfloat"
