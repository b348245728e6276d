// Depthwise 1-D convolution of width 7 with zero padding 3 ("same" length) over a batch of
// channels-last fp32 sequences x[batch][len][channels], out-of-place:
// out[b][t][c] = bias[c] + sum_k weight[k][c] * x[b][t + k - 3][c]. A 2-D block: x over
// channels, y over positions (neighbouring positions' inputs come from L1/L2); grid z is the
// batch index. Grid: (ceil(channels / block_size_x), ceil(len / block_size_y), batch).
#define TAPS 7
#define PAD 3

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
conv1d_depthwise(float *out, const float *x, const float *weight, const float *bias, int batch, int len,
                 int channels)
{
    int c = blockIdx.x * block_size_x + threadIdx.x;
    int t = blockIdx.y * block_size_y + threadIdx.y;
    int b = blockIdx.z;
    if (c >= channels || t >= len || b >= batch) {
        return;
    }
    const float *xb = x + (size_t)b * len * channels;
    float acc = bias[c];
    #pragma unroll
    for (int k = 0; k < TAPS; k++) {
        int s = t + k - PAD;
        if (s >= 0 && s < len) {
            acc += weight[k * channels + c] * xb[(size_t)s * channels + c];
        }
    }
    out[((size_t)b * len + t) * channels + c] = acc;
}
