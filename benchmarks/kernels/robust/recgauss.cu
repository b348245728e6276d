// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: NVIDIA/cuda-samples (github.com/NVIDIA/cuda-samples)
// Path:     Samples/5_Domain_Specific/recursiveGaussian/recursiveGaussian_kernel.cuh (+ the float4 operators of
//           helper_math.h it uses)
// Commit:   recursiveGaussian_kernel.cuh as stored at c94ff366aed18c797b8a85dfaac7817b0228b420 (the snapshot the robustness sweep 3 copied)
// Licence:  BSD-3-Clause (LICENSE of NVIDIA/cuda-samples, Copyright (c) 2022 NVIDIA CORPORATION)
// Kernel:   d_recursiveGaussian_rgba (a column a thread: forward and reverse serial passes over the height; 64
//           threads upstream)
// Edits (nothing else changed):
//   - CLAMP_TO_EDGE 0 as upstream; uint typedef'd
//   - added extern "C" in front of the kernel
//   - d_transpose, d_simpleRecursive_rgba left out

typedef unsigned int uint;
#define CLAMP_TO_EDGE 0
inline __device__ float4 make_float4(float s) { return make_float4(s, s, s, s); }
inline __device__ float4 operator+(float4 a, float4 b) { return make_float4(a.x + b.x, a.y + b.y, a.z + b.z, a.w + b.w); }
inline __device__ float4 operator-(float4 a, float4 b) { return make_float4(a.x - b.x, a.y - b.y, a.z - b.z, a.w - b.w); }
inline __device__ float4 operator*(float b, float4 a) { return make_float4(b * a.x, b * a.y, b * a.z, b * a.w); }
inline __device__ float4 operator*(float4 a, float b) { return make_float4(b * a.x, b * a.y, b * a.z, b * a.w); }
// convert floating point rgba color to 32-bit integer
__device__ uint rgbaFloatToInt(float4 rgba)
{
    rgba.x = __saturatef(rgba.x); // clamp to [0.0, 1.0]
    rgba.y = __saturatef(rgba.y);
    rgba.z = __saturatef(rgba.z);
    rgba.w = __saturatef(rgba.w);
    return (uint(rgba.w * 255) << 24) | (uint(rgba.z * 255) << 16) | (uint(rgba.y * 255) << 8) | uint(rgba.x * 255);
}

// convert from 32-bit int to float4
__device__ float4 rgbaIntToFloat(uint c)
{
    float4 rgba;
    rgba.x = (c & 0xff) / 255.0f;
    rgba.y = ((c >> 8) & 0xff) / 255.0f;
    rgba.z = ((c >> 16) & 0xff) / 255.0f;
    rgba.w = ((c >> 24) & 0xff) / 255.0f;
    return rgba;
}
extern "C"
__global__ void d_recursiveGaussian_rgba(uint *id,
                                         uint *od,
                                         int   w,
                                         int   h,
                                         float a0,
                                         float a1,
                                         float a2,
                                         float a3,
                                         float b1,
                                         float b2,
                                         float coefp,
                                         float coefn)
{
    unsigned int x = blockIdx.x * blockDim.x + threadIdx.x;

    if (x >= w)
        return;

    id += x; // advance pointers to correct column
    od += x;

    // forward pass
    float4 xp = make_float4(0.0f); // previous input
    float4 yp = make_float4(0.0f); // previous output
    float4 yb = make_float4(0.0f); // previous output by 2
#if CLAMP_TO_EDGE
    xp = rgbaIntToFloat(*id);
    yb = coefp * xp;
    yp = yb;
#endif

    for (int y = 0; y < h; y++) {
        float4 xc = rgbaIntToFloat(*id);
        float4 yc = a0 * xc + a1 * xp - b1 * yp - b2 * yb;
        *od       = rgbaFloatToInt(yc);
        id += w;
        od += w; // move to next row
        xp = xc;
        yb = yp;
        yp = yc;
    }

    // reset pointers to point to last element in column
    id -= w;
    od -= w;

    // reverse pass
    // ensures response is symmetrical
    float4 xn = make_float4(0.0f);
    float4 xa = make_float4(0.0f);
    float4 yn = make_float4(0.0f);
    float4 ya = make_float4(0.0f);
#if CLAMP_TO_EDGE
    xn = xa = rgbaIntToFloat(*id);
    yn      = coefn * xn;
    ya      = yn;
#endif

    for (int y = h - 1; y >= 0; y--) {
        float4 xc = rgbaIntToFloat(*id);
        float4 yc = a2 * xn + a3 * xa - b1 * yn - b2 * ya;
        xa        = xn;
        xn        = xc;
        ya        = yn;
        yn        = yc;
        *od       = rgbaFloatToInt(rgbaIntToFloat(*od) + yc);
        id -= w;
        od -= w; // move to previous row
    }
}
