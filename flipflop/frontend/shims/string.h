// flipflop shim: NVRTC has no libc; memcpy and memset are NVRTC builtins, memcmp/memmove/memchr from "cstring".
#pragma once
#include "cstring"
