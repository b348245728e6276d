// GELU (tanh approximation) over an fp16 tensor, two values at a time as __half2, in a
// grid-stride loop; the arithmetic is done in fp32. n2 is the number of __half2 pairs.
#include <cuda_fp16.h>

extern "C" __global__ void __launch_bounds__(block_size_x)
gelu_half2(__half2 *out, const __half2 *in, int n2)
{
    const float k0 = 0.7978845608f;  // sqrt(2 / pi)
    const float k1 = 0.044715f;
    for (int i = blockIdx.x * block_size_x + threadIdx.x; i < n2; i += gridDim.x * block_size_x) {
        float2 v = __half22float2(in[i]);
        float gx = 0.5f * v.x * (1.0f + tanhf(k0 * (v.x + k1 * v.x * v.x * v.x)));
        float gy = 0.5f * v.y * (1.0f + tanhf(k0 * (v.y + k1 * v.y * v.y * v.y)));
        out[i] = __floats2half2_rn(gx, gy);
    }
}
