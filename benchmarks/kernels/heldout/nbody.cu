// All-pairs gravitational accelerations. Positions are float4 (x, y, z, mass). The bodies are
// streamed through shared memory in tiles of block_size_x; each thread accumulates the
// acceleration of one body. Bodies past n in the last tile are loaded with zero mass.
extern "C" __global__ void __launch_bounds__(block_size_x)
nbody_forces(float4 *accel, const float4 *pos, int n, float softening2)
{
    __shared__ float4 tile[block_size_x];
    int i = blockIdx.x * block_size_x + threadIdx.x;
    float4 me = i < n ? pos[i] : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    float ax = 0.0f, ay = 0.0f, az = 0.0f;
    for (int start = 0; start < n; start += block_size_x) {
        int j = start + threadIdx.x;
        tile[threadIdx.x] = j < n ? pos[j] : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        __syncthreads();
        #pragma unroll 8
        for (int k = 0; k < block_size_x; k++) {
            float4 other = tile[k];
            float dx = other.x - me.x;
            float dy = other.y - me.y;
            float dz = other.z - me.z;
            float r2 = dx * dx + dy * dy + dz * dz + softening2;
            float inv_r = rsqrtf(r2);
            float s = other.w * inv_r * inv_r * inv_r;
            ax += dx * s;
            ay += dy * s;
            az += dz * s;
        }
        __syncthreads();
    }
    if (i < n) {
        accel[i] = make_float4(ax, ay, az, 0.0f);
    }
}
