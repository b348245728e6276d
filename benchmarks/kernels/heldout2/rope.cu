// Rotary position embedding (GPT-NeoX "rotate half" layout) applied to the queries and keys of
// shape [tokens][heads][head_dim] (fp32, head_dim even), out-of-place. Element d < head_dim / 2
// of a head is rotated together with element d + head_dim / 2 by the angle
// positions[token] * base^(-2d / head_dim), computed in the kernel with sincosf.
// A 2-D block: x over the (head, d) pairs of a token (heads * head_dim / 2 of them), y over
// tokens. Grid: (ceil(heads * head_dim / 2 / block_size_x), ceil(tokens / block_size_y)).
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
rope_qk(float *q_out, float *k_out, const float *q, const float *k, const int *positions,
        int tokens, int heads, int head_dim, float log2_base)
{
    int pair = blockIdx.x * block_size_x + threadIdx.x;
    int token = blockIdx.y * block_size_y + threadIdx.y;
    int half = head_dim / 2;
    if (pair >= heads * half || token >= tokens) {
        return;
    }
    int head = pair / half;
    int d = pair - head * half;
    float inv_freq = exp2f(-(2.0f * d / head_dim) * log2_base);
    float s, c;
    sincosf(positions[token] * inv_freq, &s, &c);
    size_t i = ((size_t)token * heads + head) * head_dim + d;
    float q0 = q[i], q1 = q[i + half];
    float k0 = k[i], k1 = k[i + half];
    q_out[i] = q0 * c - q1 * s;
    q_out[i + half] = q1 * c + q0 * s;
    k_out[i] = k0 * c - k1 * s;
    k_out[i + half] = k1 * c + k0 * s;
}
