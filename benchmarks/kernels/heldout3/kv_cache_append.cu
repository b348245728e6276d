// Appending new key and value rows to a paged KV cache (vLLM-style), out-of-place with respect
// to the new rows: the `tokens` rows of key/value ([tokens][row_size] fp32, row_size = heads *
// head_dim) belong to sequences of seq_len new tokens each, packed one after another; token t
// of sequence s lands at position context_lens[s] + t of that sequence, i.e. in slot
// position % BLOCK_TOKENS of the physical cache block block_table[s * max_blocks + position /
// BLOCK_TOKENS]. The caches are [blocks][BLOCK_TOKENS][row_size]. A 2-D block: x over a row's
// elements, y over tokens. Grid: (ceil(row_size / block_size_x), ceil(tokens / block_size_y)).
#define BLOCK_TOKENS 16

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
kv_cache_append(float *k_cache, float *v_cache, const float *key, const float *value, const int *block_table,
                const int *context_lens, int tokens, int seq_len, int max_blocks, int row_size)
{
    int col = blockIdx.x * block_size_x + threadIdx.x;
    int t = blockIdx.y * block_size_y + threadIdx.y;
    if (col >= row_size || t >= tokens) {
        return;
    }
    int seq = t / seq_len;
    int position = context_lens[seq] + (t - seq * seq_len);
    int logical = position / BLOCK_TOKENS;
    if (logical >= max_blocks) {
        return;
    }
    int physical = block_table[seq * max_blocks + logical];
    size_t dst = ((size_t)physical * BLOCK_TOKENS + position % BLOCK_TOKENS) * row_size + col;
    size_t src = (size_t)t * row_size + col;
    k_cache[dst] = key[src];
    v_cache[dst] = value[src];
}
