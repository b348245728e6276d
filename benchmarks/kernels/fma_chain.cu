// Compute-bound: eight independent FMA chains per thread, `iterations` steps each.
extern "C" __global__ void __launch_bounds__(block_size_x)
fma_chain(float *out, const float *in, int n, int iterations)
{
    int i = blockIdx.x * block_size_x + threadIdx.x;
    if (i < n) {
        float a = in[i];
        float r0 = a, r1 = a + 1.0f, r2 = a + 2.0f, r3 = a + 3.0f;
        float r4 = a - 1.0f, r5 = a - 2.0f, r6 = a - 3.0f, r7 = a * 0.5f;
        for (int k = 0; k < iterations; k++) {
            r0 = fmaf(r0, 0.9999f, 0.0001f);
            r1 = fmaf(r1, 0.9999f, 0.0001f);
            r2 = fmaf(r2, 0.9999f, 0.0001f);
            r3 = fmaf(r3, 0.9999f, 0.0001f);
            r4 = fmaf(r4, 0.9999f, 0.0001f);
            r5 = fmaf(r5, 0.9999f, 0.0001f);
            r6 = fmaf(r6, 0.9999f, 0.0001f);
            r7 = fmaf(r7, 0.9999f, 0.0001f);
        }
        out[i] = r0 + r1 + r2 + r3 + r4 + r5 + r6 + r7;
    }
}
