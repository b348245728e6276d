// Two stores of one address shape: the first only at the two ends of the array, the second
// everywhere else.
extern "C" __global__ void edge_copy(float *out, const float *in, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    if (i == 0 || i == n - 1) {
        out[i] = 0.0f;
    } else {
        out[i] = 2.0f * in[i];
    }
}
