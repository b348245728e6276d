// Special-function heavy: iterations of expf / sinf / logf per element.
extern "C" __global__ void __launch_bounds__(block_size_x)
transcendental(float *out, const float *in, int n, int iterations)
{
    int i = blockIdx.x * block_size_x + threadIdx.x;
    if (i < n) {
        float x = in[i];
        for (int k = 0; k < iterations; k++) {
            x = sinf(x) + expf(-x * x) + 0.5f * logf(1.0f + x * x);
        }
        out[i] = x;
    }
}
