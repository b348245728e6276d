// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/haversine-cuda/distance.cu (+ the three macros of distance.h)
// Commit:   distance.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot the robustness sweep 3 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench); the folder's LICENSE: Apache-2.0, NVIDIA
// Kernel:   compute_haversine_distance (one thread a city pair: double4 in, fp64 sin/cos/asin/sqrt, double out; 256
//           threads upstream)
// Edits (nothing else changed):
//   - distance.h reduced to DEGREE_TO_RADIAN and EARTH_RADIUS_KM (and <math.h>)
//   - added extern "C" in front of the kernel
//   - the host code left out

#include <math.h>
#define DEGREE_TO_RADIAN  M_PI / 180.0
#define EARTH_RADIUS_KM   6371.0

extern "C" __global__ void compute_haversine_distance(
  const double4 *__restrict__ p,
        double*__restrict__ distance,
  const int n)
{
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    auto ay = p[i].x * DEGREE_TO_RADIAN;  // a_lat
    auto ax = p[i].y * DEGREE_TO_RADIAN;  // a_lon
    auto by = p[i].z * DEGREE_TO_RADIAN;  // b_lat
    auto bx = p[i].w * DEGREE_TO_RADIAN;  // b_lon

    // haversine formula
    auto x        = (bx - ax) / 2.0;
    auto y        = (by - ay) / 2.0;
    auto sinysqrd = sin(y) * sin(y);
    auto sinxsqrd = sin(x) * sin(x);
    auto scale    = cos(ay) * cos(by);
    distance[i] = 2.0 * EARTH_RADIUS_KM * asin(sqrt(sinysqrd + sinxsqrd * scale));
  }
}
