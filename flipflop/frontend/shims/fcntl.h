// flipflop shim: a host-only header (<fcntl.h>) that kernel files include for their host code; NVRTC compiles
// device code only, so it declares nothing here. Device code that uses it fails with the name it lacks.
#pragma once
