"""The calibration micro-benchmarks: CUDA sources and a table saying what each one exercises.

Each kernel isolates one unit or one level of the memory system. Work is written as inline
PTX (``asm volatile``, ``ld.volatile``) so neither NVRTC nor ptxas can fold, hoist or delete
it, and so the counted thread-instructions are exactly the PTX ones the front end counts.
No headers are included: the source compiles with any NVRTC (CuPy's on the device).

Counting conventions (those of the profiles): an *op* is one thread-instruction; an f16x2
FMA is one fp16 op; one ``mma.sync.m16n8k16`` executed by a warp is 32 tensor ops (one per
thread); bytes are the bytes the threads ask for (useful bytes), not sectors moved.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Independent dependency chains per thread in the unit loops: enough instruction-level
# parallelism that a few warps per scheduler saturate a pipe despite its latency.
CHAINS = 8

CUDA_SOURCE = r"""
#define CHAINS 8
#define REPEAT8(S) S(0) S(1) S(2) S(3) S(4) S(5) S(6) S(7)

extern "C" __global__ void empty_kernel() {}

// ---- functional units: CHAINS independent chains, `iters` rounds ----
extern "C" __global__ void fp32_fma(float* out, int iters) {
    float a[CHAINS];
    for (int j = 0; j < CHAINS; j++) a[j] = threadIdx.x + j;
    for (int i = 0; i < iters; i++) {
#define S(j) asm volatile("fma.rn.f32 %0, %0, %1, %2;" : "+f"(a[j]) : "f"(0.9999f), "f"(0.0001f));
        REPEAT8(S)
#undef S
    }
    float s = 0; for (int j = 0; j < CHAINS; j++) s += a[j];
    if (s == 12345.f) out[threadIdx.x] = s;
}

extern "C" __global__ void fp32_latency(float* out, int iters) {
    float a = threadIdx.x;
    for (int i = 0; i < iters; i++)
        asm volatile("fma.rn.f32 %0, %0, %1, %2;" : "+f"(a) : "f"(0.9999f), "f"(0.0001f));
    if (a == 12345.f) out[threadIdx.x] = a;
}

extern "C" __global__ void fp16_hfma2(float* out, int iters) {
    unsigned a[CHAINS];
    for (int j = 0; j < CHAINS; j++) a[j] = (threadIdx.x * 2654435761u + j) & 0x3bff3bffu;
    for (int i = 0; i < iters; i++) {
#define S(j) asm volatile("fma.rn.f16x2 %0, %0, %1, %2;" : "+r"(a[j]) : "r"(0x3bff3bffu), "r"(0x14001400u));
        REPEAT8(S)
#undef S
    }
    unsigned s = 0; for (int j = 0; j < CHAINS; j++) s ^= a[j];
    if (s == 12345u) out[threadIdx.x] = s;
}

extern "C" __global__ void bf16_hfma2(float* out, int iters) {
    unsigned a[CHAINS];
    for (int j = 0; j < CHAINS; j++) a[j] = (threadIdx.x * 2654435761u + j) & 0x3f7f3f7fu;
    for (int i = 0; i < iters; i++) {
#define S(j) asm volatile("fma.rn.bf16x2 %0, %0, %1, %2;" : "+r"(a[j]) : "r"(0x3f7f3f7fu), "r"(0x38d138d1u));
        REPEAT8(S)
#undef S
    }
    unsigned s = 0; for (int j = 0; j < CHAINS; j++) s ^= a[j];
    if (s == 12345u) out[threadIdx.x] = s;
}

extern "C" __global__ void fp64_dfma(float* out, int iters) {
    double a[CHAINS];
    for (int j = 0; j < CHAINS; j++) a[j] = threadIdx.x + j;
    for (int i = 0; i < iters; i++) {
#define S(j) asm volatile("fma.rn.f64 %0, %0, %1, %2;" : "+d"(a[j]) : "d"(0.9999), "d"(0.0001));
        REPEAT8(S)
#undef S
    }
    double s = 0; for (int j = 0; j < CHAINS; j++) s += a[j];
    if (s == 12345.0) out[threadIdx.x] = s;
}

extern "C" __global__ void int_imad(float* out, int iters) {
    unsigned a[CHAINS];
    for (int j = 0; j < CHAINS; j++) a[j] = threadIdx.x * 7u + j;
    for (int i = 0; i < iters; i++) {
#define S(j) asm volatile("mad.lo.u32 %0, %0, %1, %2;" : "+r"(a[j]) : "r"(1664525u), "r"(1013904223u));
        REPEAT8(S)
#undef S
    }
    unsigned s = 0; for (int j = 0; j < CHAINS; j++) s ^= a[j];
    if (s == 12345u) out[threadIdx.x] = s;
}

extern "C" __global__ void int_lop3(float* out, int iters) {
    unsigned a[CHAINS];
    for (int j = 0; j < CHAINS; j++) a[j] = threadIdx.x * 2654435761u + j;
    for (int i = 0; i < iters; i++) {
#define S(j) asm volatile("lop3.b32 %0, %0, %1, %2, 0x96;" : "+r"(a[j]) : "r"(0x9e3779b9u), "r"(0x7f4a7c15u + i));
        REPEAT8(S)
#undef S
    }
    unsigned s = 0; for (int j = 0; j < CHAINS; j++) s ^= a[j];
    if (s == 12345u) out[threadIdx.x] = s;
}

// x <- 2^(-x) stays in (0.5, 1): MUFU.EX2 with a negated operand, no range fix-ups (ftz).
extern "C" __global__ void sfu_ex2(float* out, int iters) {
    float a[CHAINS];
    for (int j = 0; j < CHAINS; j++) a[j] = (threadIdx.x + j) * 1e-3f;
    for (int i = 0; i < iters; i++) {
#define S(j) asm volatile("{ .reg .f32 t; neg.f32 t, %0; ex2.approx.ftz.f32 %0, t; }" : "+f"(a[j]));
        REPEAT8(S)
#undef S
    }
    float s = 0; for (int j = 0; j < CHAINS; j++) s += a[j];
    if (s == 12345.f) out[threadIdx.x] = s;
}

extern "C" __global__ void sfu_sin(float* out, int iters) {
    float a[CHAINS];
    for (int j = 0; j < CHAINS; j++) a[j] = 1.0f + (threadIdx.x + j) * 1e-3f;
    for (int i = 0; i < iters; i++) {
#define S(j) asm volatile("sin.approx.ftz.f32 %0, %0;" : "+f"(a[j]));
        REPEAT8(S)
#undef S
    }
    float s = 0; for (int j = 0; j < CHAINS; j++) s += a[j];
    if (s == 12345.f) out[threadIdx.x] = s;
}

// Two independent m16n8k16 f16 -> f32 chains per warp (a warp-wide instruction: 32 thread-ops).
extern "C" __global__ void tensor_mma(float* out, int iters) {
    unsigned a = (threadIdx.x * 2654435761u) & 0x3bff3bffu;
    float c[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < iters; i++) {
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
            : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]) : "r"(a), "r"(a), "r"(a), "r"(a), "r"(a), "r"(a));
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
            : "+f"(c[4]), "+f"(c[5]), "+f"(c[6]), "+f"(c[7]) : "r"(a), "r"(a), "r"(a), "r"(a), "r"(a), "r"(a));
    }
    float s = c[0] + c[1] + c[2] + c[3] + c[4] + c[5] + c[6] + c[7];
    if (s == 12345.f) out[threadIdx.x] = s;
}

// ---- shared memory: lane l touches word (l * stride) mod 1024 (+ j): conflict degree = stride ----
#define SHARED_WORDS (1024 + CHAINS)
extern "C" __global__ void shared_load(float* out, int iters, int stride) {
    __shared__ unsigned buf[SHARED_WORDS];
    for (int k = threadIdx.x; k < SHARED_WORDS; k += blockDim.x) buf[k] = k;
    __syncthreads();
    unsigned base = (unsigned)__cvta_generic_to_shared(buf) + (((threadIdx.x & 31) * stride) & 1023) * 4;
    unsigned v;  // volatile loads stay even though nothing reads v
    for (int i = 0; i < iters; i++) {
#define S(j) asm volatile("ld.volatile.shared.u32 %0, [%1];" : "=r"(v) : "r"(base + 4 * j));
        REPEAT8(S)
#undef S
    }
    if (iters < 0) out[threadIdx.x] = v;
}

// 16 B per thread, conflict-free: the same instruction count as shared_load moving 4x the
// bytes, which separates the energy of a load instruction from that of a shared byte.
extern "C" __global__ void shared_load_v4(float* out, int iters) {
    __shared__ unsigned buf[32 * 4 * CHAINS];
    for (int k = threadIdx.x; k < 32 * 4 * CHAINS; k += blockDim.x) buf[k] = k;
    __syncthreads();
    unsigned base = (unsigned)__cvta_generic_to_shared(buf) + (threadIdx.x & 31) * 16;
    unsigned v0, v1, v2, v3;
    for (int i = 0; i < iters; i++) {
#define S(j) asm volatile("ld.volatile.shared.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(v0), "=r"(v1), "=r"(v2), "=r"(v3) : "r"(base + 512 * j));
        REPEAT8(S)
#undef S
    }
    if (iters < 0) out[threadIdx.x] = v0 + v1 + v2 + v3;
}

extern "C" __global__ void shared_store(float* out, int iters, int stride) {
    __shared__ unsigned buf[SHARED_WORDS];
    unsigned base = (unsigned)__cvta_generic_to_shared(buf) + (((threadIdx.x & 31) * stride) & 1023) * 4;
    for (int i = 0; i < iters; i++) {
#define S(j) asm volatile("st.volatile.shared.u32 [%0], %1;" :: "r"(base + 4 * j), "r"(i));
        REPEAT8(S)
#undef S
    }
    __syncthreads();
    if (buf[threadIdx.x & 1023] == 12345u) out[threadIdx.x] = 1;
}

// ---- global memory ----
// L2-resident reads: 16 B per thread per load, bypassing L1 (.cg), over a buffer L2 holds.
extern "C" __global__ void l2_read(const float4* buf, unsigned mask, int iters, float* out) {
    unsigned i0 = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned step = gridDim.x * blockDim.x;
    float s = 0;
    for (int i = 0; i < iters; i++) {
        float4 v;
        asm volatile("ld.global.cg.v4.f32 {%0,%1,%2,%3}, [%4];" : "=f"(v.x), "=f"(v.y), "=f"(v.z), "=f"(v.w)
                     : "l"(buf + ((i0 + (unsigned)i * step) & mask)));
        s += v.x;
    }
    if (s == 12345.f) out[i0] = s;
}

// L1-resident reads: each block re-reads its own 16 KB slice (.ca: cached in L1), 16 B per
// thread per load; a full SM's slices (8 blocks) fit its L1.
extern "C" __global__ void l1_read(const float4* buf, int iters, float* out) {
    const float4* slice = buf + blockIdx.x * 1024;
    float s = 0;
    for (int i = 0; i < iters; i++) {
        float4 v;
        asm volatile("ld.global.ca.v4.f32 {%0,%1,%2,%3}, [%4];" : "=f"(v.x), "=f"(v.y), "=f"(v.z), "=f"(v.w)
                     : "l"(slice + ((threadIdx.x + (unsigned)i * blockDim.x) & 1023)));
        s += v.x;
    }
    if (s == 12345.f) out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}

// DRAM streaming: one pass over n float4 per launch, grid-stride, four loads in flight per
// thread so the stream is limited by DRAM bandwidth rather than by latency.
#define LD_CS(v, p) asm volatile("ld.global.cs.v4.f32 {%0,%1,%2,%3}, [%4];" : "=f"(v.x), "=f"(v.y), "=f"(v.z), "=f"(v.w) : "l"(p))
extern "C" __global__ void dram_read(const float4* buf, unsigned long long n, float* out) {
    unsigned long long step = (unsigned long long)gridDim.x * blockDim.x, k = blockIdx.x * blockDim.x + threadIdx.x;
    float s = 0;
    float4 a, b, c, d;
    for (; k + 3 * step < n; k += 4 * step) {
        LD_CS(a, buf + k); LD_CS(b, buf + k + step); LD_CS(c, buf + k + 2 * step); LD_CS(d, buf + k + 3 * step);
        s += a.x + b.x + c.x + d.x;
    }
    for (; k < n; k += step) { LD_CS(a, buf + k); s += a.x; }
    if (s == 12345.f) out[threadIdx.x] = s;
}

extern "C" __global__ void dram_copy(const float4* __restrict__ src, float4* __restrict__ dst, unsigned long long n) {
    unsigned long long step = (unsigned long long)gridDim.x * blockDim.x, k = blockIdx.x * blockDim.x + threadIdx.x;
    for (; k + 3 * step < n; k += 4 * step) {
        float4 a = src[k], b = src[k + step], c = src[k + 2 * step], d = src[k + 3 * step];
        dst[k] = a; dst[k + step] = b; dst[k + 2 * step] = c; dst[k + 3 * step] = d;
    }
    for (; k < n; k += step) dst[k] = src[k];
}

// Scattered reads: each warp request touches `sectors` 32-byte sectors, each in its own
// 128-byte line of a pseudo-random 4 KB region; which lines and which sector of each line
// rotate with the round, so the requests sweep the whole buffer (far larger than L2).
extern "C" __global__ void scattered_read(const float* buf, unsigned region_mask, int sectors, int iters, float* out) {
    unsigned lane = threadIdx.x & 31;
    unsigned warp = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    unsigned line = lane * sectors / 32;  // the lane's sector, one per line
    float s = 0;
    for (int i = 0; i < iters; i++) {
        unsigned hash = warp * 2654435761u + (unsigned)i * 2246822519u;
        unsigned region = hash & region_mask;
        unsigned offset = ((line + (hash >> 27)) & 31) * 32 + ((hash >> 25) & 3) * 8 + (lane & 7);  // words
        float v;
        asm volatile("ld.global.cg.f32 %0, [%1];" : "=f"(v) : "l"(buf + (unsigned long long)region * 1024 + offset));
        s += v;
    }
    if (s == 12345.f) out[threadIdx.x] = s;
}

// ---- synchronisation and residency ----
extern "C" __global__ void barrier_loop(float* out, int iters) {
    for (int i = 0; i < iters; i++) __syncthreads();
    if (iters < 0) out[threadIdx.x] = 0;
}

// Warps that stay resident while issuing almost nothing: the power of presence alone.
extern "C" __global__ void resident_sleep(float* out, int iters) {
    for (int i = 0; i < iters; i++) asm volatile("nanosleep.u32 200;");
    if (iters < 0) out[threadIdx.x] = 0;
}

// ---- latency: one thread follows a pointer chain ----
extern "C" __global__ void chase_global(const unsigned* next, int steps, unsigned* out) {
    unsigned j = 0;
    for (int i = 0; i < steps; i++) asm volatile("ld.global.cg.u32 %0, [%1];" : "=r"(j) : "l"(next + j));
    out[0] = j;
}

extern "C" __global__ void chase_shared(const unsigned* next, int words, int steps, unsigned* out) {
    __shared__ unsigned buf[4096];
    for (int k = threadIdx.x; k < words; k += blockDim.x) buf[k] = next[k];
    __syncthreads();
    if (threadIdx.x != 0) return;
    unsigned base = (unsigned)__cvta_generic_to_shared(buf), j = 0;
    for (int i = 0; i < steps; i++) asm volatile("ld.volatile.shared.u32 %0, [%1];" : "=r"(j) : "r"(base + 4 * j));
    out[0] = j;
}
"""

Kind = Literal["unit", "shared", "l1", "l2", "dram", "scattered", "barrier", "residency", "launch", "latency"]


@dataclass(frozen=True)
class Microbenchmark:
    """One measurement: which kernel, what it exercises, and how much work one round does.

    ``ops_per_iter`` counts thread-instructions of ``unit`` per thread per loop round;
    ``bytes_per_iter`` the bytes each thread asks for per round (memory kernels).
    ``power`` says whether steady power is measured (latency probes only time).
    """

    name: str
    kernel: str
    kind: Kind
    unit: str = ""               # profile unit class the ops belong to
    ops_per_iter: float = 0.0
    bytes_per_iter: float = 0.0
    power: bool = True
    param: int = 0               # stride (shared), sectors per request (scattered), chain steps
                                 # (latency), launches timed together (launch)


# The ops a round performs per thread: CHAINS instructions, except the MMA loop (2 chains).
UNIT_BENCHMARKS: tuple[Microbenchmark, ...] = (
    Microbenchmark("fp32_fma", "fp32_fma", "unit", "fp32", CHAINS),
    Microbenchmark("fp16_hfma2", "fp16_hfma2", "unit", "fp16", CHAINS),
    Microbenchmark("bf16_hfma2", "bf16_hfma2", "unit", "fp16", CHAINS),
    Microbenchmark("fp64_dfma", "fp64_dfma", "unit", "fp64", CHAINS),
    Microbenchmark("int_imad", "int_imad", "unit", "int", CHAINS),
    Microbenchmark("int_lop3", "int_lop3", "unit", "int", CHAINS),
    Microbenchmark("sfu_ex2", "sfu_ex2", "unit", "sfu", CHAINS),
    Microbenchmark("sfu_sin", "sfu_sin", "unit", "sfu", CHAINS),
    Microbenchmark("tensor_mma", "tensor_mma", "unit", "tensor", 2),
)

# Shared-memory strides = bank-conflict degrees (32 banks of 4 bytes).
SHARED_CONFLICT_DEGREES = (1, 2, 4, 8, 16, 32)
# Degrees whose power is measured too (the others are timed only, for the slowdown curve).
SHARED_POWER_DEGREES = (1, 32)
SHARED_BENCHMARKS: tuple[Microbenchmark, ...] = tuple(
    Microbenchmark(f"shared_{op}_conflict{d}", f"shared_{op}", "shared", "ldst", CHAINS, 4.0 * CHAINS,
                   power=d in SHARED_POWER_DEGREES, param=d)
    for op in ("load", "store") for d in SHARED_CONFLICT_DEGREES
) + (Microbenchmark("shared_load_v4", "shared_load_v4", "shared", "ldst", CHAINS, 16.0 * CHAINS, param=1),)

SCATTER_SECTORS = (1, 2, 4, 8, 16, 32)
SCATTERED_BENCHMARKS: tuple[Microbenchmark, ...] = tuple(
    Microbenchmark(f"scattered_{s}_sectors", "scattered_read", "scattered", "ldst", 1, 4.0, param=s)
    for s in SCATTER_SECTORS
)

MEMORY_BENCHMARKS: tuple[Microbenchmark, ...] = (
    Microbenchmark("l1_read", "l1_read", "l1", "ldst", 1, 16.0),
    Microbenchmark("l2_read", "l2_read", "l2", "ldst", 1, 16.0),
    Microbenchmark("dram_read", "dram_read", "dram", "ldst", 1, 16.0),
    Microbenchmark("dram_copy", "dram_copy", "dram", "ldst", 2, 32.0),  # 16 B read + 16 B written
)

OTHER_BENCHMARKS: tuple[Microbenchmark, ...] = (
    Microbenchmark("barrier", "barrier_loop", "barrier", "barrier", 1),
    Microbenchmark("fp32_latency", "fp32_latency", "latency", "fp32", 1, power=False),
    # back-to-back empty launches queued behind a blocker kernel: the GPU-side cost per launch
    Microbenchmark("launch_overhead", "empty_kernel", "launch", power=False, param=1000),
    # one empty launch between two events, issued from Python: the host's launch latency
    Microbenchmark("launch_latency_host", "empty_kernel", "launch", power=False, param=1),
    Microbenchmark("latency_dram", "chase_global", "latency", power=False, param=20_000),
    Microbenchmark("latency_l2", "chase_global", "latency", power=False, param=50_000),
    Microbenchmark("latency_shared", "chase_shared", "latency", power=False, param=200_000),
)

# Power scaling: active SMs (one sleeping block per SM) and resident warps per SM (all SMs).
SCALING_SM_COUNTS_FRACTIONS = (1 / 16, 1 / 8, 1 / 4, 1 / 2, 3 / 4, 1.0)
SCALING_WARPS_PER_SM = (1, 2, 4, 8, 16, 32, 64)
# The FP32 loop on k SMs (one 1024-thread block each), a cross-check of the linear SM model
# against the read-only probe of DESIGN.md.
FMA_SCALING_FRACTIONS = (1 / 16, 1 / 4, 1 / 2, 1.0)


def all_benchmarks() -> tuple[Microbenchmark, ...]:
    """Every fixed-geometry micro-benchmark, in the order the runner measures them."""
    return UNIT_BENCHMARKS + SHARED_BENCHMARKS + MEMORY_BENCHMARKS + SCATTERED_BENCHMARKS + OTHER_BENCHMARKS
