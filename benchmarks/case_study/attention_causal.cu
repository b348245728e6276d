// A copy of flipflop/examples/attention.cu for the CodeLlama case study, with two additions a
// decoder needs (everything else, including the block-shape mapping, is unchanged):
//   * separate query and key/value lengths (seq_len and kv_len), so a decode step with a KV
//     cache (one query, kv_len keys) runs through the same kernel as the prefill;
//   * a causal mask behind `#ifdef CAUSAL`: query i sees keys j <= i + (kv_len - seq_len),
//     i.e. queries are the last seq_len positions of the kv_len-long sequence.
// Q, O are [batch * heads][seq_len][HEAD_DIM]; K, V are [batch * heads][kv_len][HEAD_DIM].
// Launch: grid = (ceil(seq_len / block_size_y), batch * heads).
//
// Under CAUSAL every row of a block runs the same number of key iterations (up to the last
// key any row of the block may see), because rows share warps (shuffles) and barriers; a row
// merely skips the softmax update for the keys it must not see.
#ifndef HEAD_DIM
#define HEAD_DIM 256
#endif
#define DIMS_PER_THREAD ((HEAD_DIM + block_size_x - 1) / block_size_x)
#define WARPS_PER_ROW ((block_size_x + 31) / 32)

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
attention(float *O, const float *Q, const float *K, const float *V, int seq_len, int kv_len, float scale)
{
    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const int head = blockIdx.y;
    const int query = blockIdx.x * block_size_y + ty;
    // Rows past the end still run the loop: every thread must reach the barriers.
    const int row = query < seq_len ? query : seq_len - 1;
#ifdef CAUSAL
    const int past = kv_len - seq_len;  // keys before the first query position
    const int block_last_row = min(blockIdx.x * block_size_y + block_size_y - 1, seq_len - 1);
    const int loop_end = min(kv_len, block_last_row + past + 1);
    const int row_end = row + past + 1;
#else
    const int loop_end = kv_len;
    const int row_end = kv_len;
#endif
    const float *q_row = Q + (size_t)head * seq_len * HEAD_DIM + (size_t)row * HEAD_DIM;
    const float *keys = K + (size_t)head * kv_len * HEAD_DIM;
    const float *values = V + (size_t)head * kv_len * HEAD_DIM;

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

    for (int j = 0; j < loop_end; j++) {
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
        if (j < row_end) {
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
    }
    if (query < seq_len) {
        float *o_row = O + (size_t)head * seq_len * HEAD_DIM + (size_t)query * HEAD_DIM;
        #pragma unroll
        for (int k = 0; k < DIMS_PER_THREAD; k++) {
            int d = tx + k * block_size_x;
            if (d < HEAD_DIM) {
                o_row[d] = acc[k] / running_sum;
            }
        }
    }
}
