// Multi-head attention forward pass, fp32: O = softmax(Q K^T * scale) V for every
// (batch, head), with Q, K, V, O laid out [batch * heads][seq_len][HEAD_DIM].
//
// The thread block is 2-D and its shape is the tuning knob:
//   threadIdx.y picks a query row: a block handles block_size_y queries of one head;
//   threadIdx.x splits the head dimension: each thread owns the dimensions
//   d = threadIdx.x + k * block_size_x, so a row's loads of K and V are coalesced.
// Each row streams over all keys with an online (running-max) softmax. The dot product
// q . k_j is summed across the block_size_x threads of a row with warp shuffles when a
// row fits in a warp, and through shared memory (two barriers per key) when it does not.
// Launch: grid = (ceil(seq_len / block_size_y), batch * heads).
#ifndef HEAD_DIM
#define HEAD_DIM 256
#endif
#define DIMS_PER_THREAD ((HEAD_DIM + block_size_x - 1) / block_size_x)
#define WARPS_PER_ROW ((block_size_x + 31) / 32)

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
attention(float *O, const float *Q, const float *K, const float *V, int seq_len, float scale)
{
    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const int head = blockIdx.y;
    const int query = blockIdx.x * block_size_y + ty;
    // Rows past the end still run the loop: every thread must reach the barriers.
    const int row = query < seq_len ? query : seq_len - 1;
    const size_t head_offset = (size_t)head * seq_len * HEAD_DIM;
    const float *q_row = Q + head_offset + (size_t)row * HEAD_DIM;
    const float *keys = K + head_offset;
    const float *values = V + head_offset;

    float q[DIMS_PER_THREAD];
    float acc[DIMS_PER_THREAD];
    #pragma unroll
    for (int k = 0; k < DIMS_PER_THREAD; k++) {
        int d = tx + k * block_size_x;
        q[k] = d < HEAD_DIM ? q_row[d] * scale : 0.0f;
        acc[k] = 0.0f;
    }
#if block_size_x > 32
    __shared__ float partial[block_size_y][WARPS_PER_ROW];
#endif
    float running_max = -1.0e30f;  // finite, so the first correction is exp(-huge) = 0, not NaN
    float running_sum = 0.0f;

    for (int j = 0; j < seq_len; j++) {
        const float *key = keys + (size_t)j * HEAD_DIM;
        float s = 0.0f;
        #pragma unroll
        for (int k = 0; k < DIMS_PER_THREAD; k++) {
            int d = tx + k * block_size_x;
            if (d < HEAD_DIM) {
                s += q[k] * key[d];
            }
        }
#if block_size_x > 1
        // Sum across the row's threads inside a warp (rows of <= 32 threads sit in one warp).
        #pragma unroll
        for (int offset = (block_size_x < 32 ? block_size_x : 32) / 2; offset > 0; offset /= 2) {
            s += __shfl_xor_sync(0xffffffff, s, offset);
        }
#endif
#if block_size_x > 32
        if (tx % 32 == 0) {
            partial[ty][tx / 32] = s;
        }
        __syncthreads();
        s = 0.0f;
        #pragma unroll
        for (int w = 0; w < WARPS_PER_ROW; w++) {
            s += partial[ty][w];
        }
        __syncthreads();
#endif
        float new_max = fmaxf(running_max, s);
        float correction = __expf(running_max - new_max);
        float p = __expf(s - new_max);
        running_sum = running_sum * correction + p;
        running_max = new_max;
        const float *value = values + (size_t)j * HEAD_DIM;
        #pragma unroll
        for (int k = 0; k < DIMS_PER_THREAD; k++) {
            int d = tx + k * block_size_x;
            if (d < HEAD_DIM) {
                acc[k] = acc[k] * correction + p * value[d];
            }
        }
    }
    if (query < seq_len) {
        float *o_row = O + head_offset + (size_t)query * HEAD_DIM;
        #pragma unroll
        for (int k = 0; k < DIMS_PER_THREAD; k++) {
            int d = tx + k * block_size_x;
            if (d < HEAD_DIM) {
                o_row[d] = acc[k] / running_sum;
            }
        }
    }
}
