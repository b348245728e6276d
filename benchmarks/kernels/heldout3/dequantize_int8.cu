// Dequantisation of a rows x cols int8 weight matrix (row-major, symmetric per-row
// quantisation) to fp32, out-of-place: out[r][c] = scales[r] * w[r][c]. Each thread converts
// four consecutive weights of a row (one char4 load, one float4 store; cols is a multiple of
// 4). A 2-D block: x over the groups of four of a row (cols / 4 of them), y over rows.
// Grid: (ceil(cols / 4 / block_size_x), ceil(rows / block_size_y)).
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
dequantize_int8(float *out, const signed char *w, const float *scales, int rows, int cols)
{
    int group = blockIdx.x * block_size_x + threadIdx.x;
    int row = blockIdx.y * block_size_y + threadIdx.y;
    int groups = cols / 4;
    if (group >= groups || row >= rows) {
        return;
    }
    float s = scales[row];
    size_t i = (size_t)row * groups + group;
    char4 q = reinterpret_cast<const char4 *>(w)[i];
    reinterpret_cast<float4 *>(out)[i] = make_float4(s * q.x, s * q.y, s * q.z, s * q.w);
}
