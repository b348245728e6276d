"""The HeCBench part of the third-party corpus (issue 10): kernels copied verbatim from
zjin-lcf/HeCBench (`src/<bench>-cuda/`, commit f27000a5188f8ac79bd43fc95a1b3f890c18823d), one
file each in `hecbench/<bench>_<kernel>.cu` whose header names the upstream path, the commit,
the licence and the only edits made (`extern "C"`, and a hard-coded block-size macro turned
into `block_size_x`/`block_size_y`).

Each kernel is launched with its own program's geometry in Kernel Tuner terms and tuned over
the block sizes that program allows. Sizes: a launch at a good block size takes roughly
0.1-3 ms on an H200 and the arguments need < 3 GB (estimates in `ESTIMATES`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks.kernels.corpus import CorpusKernel
from benchmarks.kernels.suite import KERNEL_DIR, TUNE_1D, Case

HECBENCH_DIR = KERNEL_DIR / "corpus" / "hecbench"
COMMIT = "f27000a5188f8ac79bd43fc95a1b3f890c18823d"
FAMILY = "corpus"
POW2_1D = {"block_size_x": [32, 64, 128, 256, 512, 1024]}


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _f32(rng, n, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, n).astype(np.float32)


def _f16(rng, n, lo=-1.0, hi=1.0):
    x = rng.uniform(lo, hi, n)
    x[np.abs(x) < 1e-3] = 0.5
    return x.astype(np.float16)


def _i32(rng, n, lo=1, hi=10):
    return rng.integers(lo, hi, n, dtype=np.int32)


def _label(sizes) -> str:
    return "x".join(str(s) for s in sizes)


def _allclose_prefix(index: int, rtol: float = 0.0, atol: float = 0.0):
    """Compare only the part of output `index` the reference gives (the kernel also writes
    a padding tail whose extent depends on the block size)."""
    def compare(a: dict, b: dict) -> str | None:
        x, y = np.asarray(a[index]), np.asarray(b[index])
        n = min(x.size, y.size)
        if np.allclose(x[:n].astype(np.float64), y[:n].astype(np.float64), rtol=rtol, atol=atol):
            return None
        bad = int(np.argmax(~np.isclose(x[:n].astype(np.float64), y[:n].astype(np.float64), rtol=rtol, atol=atol)))
        return f"argument {index} differs first at {bad}: {x[bad]} vs {y[bad]}"
    return compare


# ----------------------------------------------------------------------------------------------
# Argument builders (kernel order) and references, one pair per kernel.

# stencil1d: RADIUS 7; no length argument, so the arrays carry a tail of 1024 (+ RADIUS) slack
# elements for the last, partly outside block (the program itself needs length % BLOCK_SIZE == 0).
STENCIL_RADIUS = 7
STENCIL_SLACK = 1024


def _stencil1d(length):
    def build():
        rng = _rng(1001)
        inp = rng.integers(-1000, 1000, length + STENCIL_RADIUS + STENCIL_SLACK, dtype=np.int32)
        inp[inp == 0] = 1
        return [inp, rng.integers(1, 1000, length + STENCIL_SLACK, dtype=np.int32)]
    return build, (length,)


def _stencil1d_ref(length):
    def ref(args):
        inp = args[0].astype(np.int64)
        padded = np.concatenate([np.zeros(STENCIL_RADIUS, np.int64), inp])
        out = np.zeros(length, np.int64)
        for o in range(2 * STENCIL_RADIUS + 1):
            out += padded[o:o + length]
        return {1: out.astype(np.int32)}
    return ref


def _rotate(n):
    def build():
        rng = _rng(1002)
        return [_f32(rng, n * n), np.int32(n)]
    return build, (n // 2,)


def _rotate_ref(args):
    m, n = args[0], int(args[1])
    return {0: np.rot90(m.reshape(n, n), -1).reshape(-1).copy()}


def _softmax(slices, size):
    def build():
        rng = _rng(1003)
        return [np.int32(slices), np.int32(size), _f32(rng, slices * size, -5.0, 5.0),
                _f32(rng, slices * size)]
    return build


def _softmax_ref(args):
    slices, size, src = int(args[0]), int(args[1]), args[2].astype(np.float64).reshape(-1, int(args[1]))
    e = np.exp(src - src.max(axis=1, keepdims=True))
    return {3: (e / e.sum(axis=1, keepdims=True)).reshape(-1).astype(np.float32)}


def _laplace3d(nx, ny, nz):
    def build():
        rng = _rng(1004)
        return [np.int32(nx), np.int32(ny), np.int32(nz), np.int32(nx), _f32(rng, nx * ny * nz),
                _f32(rng, nx * ny * nz)]
    return build


def _laplace3d_ref(args):
    nx, ny, nz = int(args[0]), int(args[1]), int(args[2])
    u1 = args[4].reshape(nz, ny, nx)
    u2 = u1.copy()
    s = (u1[1:-1, 1:-1, :-2] + u1[1:-1, 1:-1, 2:] + u1[1:-1, :-2, 1:-1] + u1[1:-1, 2:, 1:-1]
         + u1[:-2, 1:-1, 1:-1] + u1[2:, 1:-1, 1:-1])
    u2[1:-1, 1:-1, 1:-1] = s * np.float32(1.0 / 6.0)
    return {5: u2.reshape(-1)}


def _atomic_reduction(n):
    def build():
        rng = _rng(1005)
        return [_i32(rng, n, 1, 10), rng.integers(1, 1000, 1, dtype=np.int32), np.int32(n)]
    return build


def _atomic_reduction_ref(args):
    total = (int(args[1][0]) + int(args[0].astype(np.int64).sum())) & 0xFFFFFFFF
    return {1: np.array([total], np.uint32).view(np.int32)}


def _relu_grad(count):
    def build():
        rng = _rng(1006)
        return [_f16(rng, count), _f16(rng, count), _f16(rng, count), np.int32(count)]
    return build


def _relu_grad_ref(args):
    gradient, feature = args[0], args[1]
    return {2: np.where(feature > 0, gradient, np.float16(0)).astype(np.float16)}


def _relu_int(count):
    def build():
        rng = _rng(1007)
        x = rng.integers(-2**31, 2**31 - 1, count, dtype=np.int64).astype(np.int32)
        x[x == 0] = 1
        return [np.int32(count), x, _i32(rng, count, 1, 1000)]
    return build


def _relu_int_ref(args):
    b = args[1].view(np.int8).copy()
    b[b < 0] = 0
    return {2: b.view(np.int32)}


def _gelu(batch, seq, hidden):
    def build():
        rng = _rng(1008)
        return [_f16(rng, batch * seq * hidden, -3.0, 3.0), _f16(rng, hidden), np.int32(hidden), np.int32(seq)]
    return build


def _gelu_ref(args):
    src, bias, width = args[0], args[1], int(args[2])
    v = (src.astype(np.float64).reshape(-1, width) + bias.astype(np.float64)).astype(np.float16).astype(np.float64)
    t = 0.5 * v * (1.0 + np.tanh(0.79788456 * (v + 0.044715 * v * v * v)))
    return {0: t.astype(np.float16).reshape(-1)}


def _rmsnorm(rows, cols):
    def build():
        rng = _rng(1009)
        return [_f32(rng, rows * cols), _f32(rng, cols), _f32(rng, rows * cols), np.int64(cols), np.float32(1e-5)]
    return build


def _rmsnorm_ref(args):
    x, gamma, cols, eps = args[0].astype(np.float64), args[1].astype(np.float64), int(args[3]), float(args[4])
    x = x.reshape(-1, cols)
    s = 1.0 / np.sqrt((x * x).mean(axis=1, keepdims=True) + eps)
    return {2: (x * s * gamma).reshape(-1).astype(np.float32)}


def _layernorm(rows, cols):
    def build():  # out, mean, rstd, inp, weight, bias, N, C
        rng = _rng(1010)
        return [_f32(rng, rows * cols), _f32(rng, rows), _f32(rng, rows), _f32(rng, rows * cols), _f32(rng, cols),
                _f32(rng, cols), np.int32(rows), np.int32(cols)]
    return build


def _layernorm_ref(args):
    cols = int(args[7])
    x, w, b = args[3].astype(np.float64).reshape(-1, cols), args[4].astype(np.float64), args[5].astype(np.float64)
    m = x.mean(axis=1)
    s = 1.0 / np.sqrt(((x - m[:, None]) ** 2).mean(axis=1) + 1e-5)
    out = (x - m[:, None]) * s[:, None] * w + b
    return {0: out.reshape(-1).astype(np.float32), 1: m.astype(np.float32), 2: s.astype(np.float32)}


# histogram_gmem_atomics<NUM_PARTS 1024, 3 channels, 256 bins, uchar4>, grid 16 x 16 (run_gmem_atomics).
HIST_PARTS, HIST_CHANNELS, HIST_BINS, HIST_GRID = 1024, 3, 256, (16, 16)


def _histogram(width, height):
    def build():  # in (uchar4 pixels as 4 bytes), width, height, out (one NUM_PARTS slice per block)
        rng = _rng(1011)
        blocks = HIST_GRID[0] * HIST_GRID[1]
        return [rng.integers(1, 256, 4 * width * height, dtype=np.uint8), np.int32(width), np.int32(height),
                rng.integers(1, 1000, blocks * HIST_PARTS, dtype=np.uint32)]
    return build


def _histogram_ref(args):
    pixels = args[0].reshape(-1, 4)
    hist = np.zeros(HIST_PARTS, np.uint32)
    for ch in range(HIST_CHANNELS):
        hist[ch * HIST_BINS:(ch + 1) * HIST_BINS] = np.bincount(pixels[:, ch], minlength=HIST_BINS)
    return {3: hist}


def _histogram_compare(a: dict, b: dict) -> str | None:
    """Each block bins its own pixels (which ones depends on the block shape) into its slice of
    `out`; the sum of the slices over the blocks is the image's histogram."""
    x, y = np.asarray(a[3]), np.asarray(b[3])
    per_block, total = (x, y) if x.size > y.size else (y, x)
    got = per_block.reshape(-1, HIST_PARTS)[:, :HIST_CHANNELS * HIST_BINS].astype(np.int64).sum(axis=0)
    want = total[:HIST_CHANNELS * HIST_BINS].astype(np.int64)
    if np.array_equal(got, want):
        return None
    bad = int(np.argmax(got != want))
    return f"histogram bin {bad}: {got[bad]} summed over the blocks vs {want[bad]}"


PARTICLE_FLOATS = 10  # pos[3], vel[3], acc[3], mass


def _nbody(n):
    def build():  # p (Particle[n]), n, kSofteningSquared, kG
        rng = _rng(1012)
        p = np.empty((n, PARTICLE_FLOATS), np.float32)
        p[:, 0:3] = rng.uniform(0.0, 1.0, (n, 3))
        p[:, 3:6] = rng.uniform(-1.0, 1.0, (n, 3))
        p[:, 6:9] = rng.uniform(-1e-3, 1e-3, (n, 3))
        p[:, 9] = rng.uniform(0.5, 1.0, n) / n
        return [p.reshape(-1), np.int32(n), np.float32(1e-2), np.float32(1.0)]
    return build


def _nbody_ref(args):
    p = args[0].reshape(-1, PARTICLE_FLOATS).astype(np.float64)
    soft, k_g = float(args[2]), float(args[3])
    pos, mass = p[:, 0:3], p[:, 9]
    acc = p[:, 6:9].copy()
    for start in range(0, len(p), 512):
        d = pos[None, :, :] - pos[start:start + 512, None, :]          # (i, j, 3): pj - pi
        inv = 1.0 / np.sqrt((d * d).sum(axis=2) + soft)
        strength = k_g * mass[None, :] * inv ** 3
        acc[start:start + 512] += (d * strength[:, :, None]).sum(axis=1)
    out = p.copy()
    out[:, 6:9] = acc
    return {0: out.reshape(-1).astype(np.float32)}


def _bf16_bits(x) -> np.ndarray:
    """float → bf16 bits (round to nearest even), as the device's __float2bfloat16_rn."""
    u = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def _bf16_value(bits) -> np.ndarray:
    return (np.asarray(bits, np.uint16).astype(np.uint32) << 16).view(np.float32)


def _fma_grid(num_ops, channels):
    return num_ops * (channels // 8) + (num_ops if channels % 8 else 0)


def _fma(na, nc, channels, num_ops):
    def build():  # a, b, c (bf16 bits), in_indices, out_indices, num_ops, C, N_A, N_C
        # Small integers as upstream (a = rand() % 5, b = rand() % 3 - 1), here never zero: every product and
        # sum is exact in bf16, so whether ptxas contracts the mul.bf16 + add.bf16 into an fma cannot matter.
        rng = _rng(1013)
        ints = lambda lo, hi, n: _bf16_bits(rng.choice([v for v in range(lo, hi + 1) if v], n))  # noqa: E731
        out_idx = rng.permutation(nc)[:num_ops].astype(np.int32)  # unique rows (the kernel writes without atomics)
        return [ints(1, 4, na * channels), ints(-1, 1, channels), ints(-20, 20, nc * channels),
                rng.integers(0, na, num_ops, dtype=np.int32),
                out_idx, np.int32(num_ops), np.int32(channels), np.int32(na), np.int32(nc)]
    return build


def _fma_ref(args):
    a, b, c = (_bf16_value(x).astype(np.float64) for x in args[:3])
    in_idx, out_idx, channels = args[3], args[4], int(args[6])
    a, c = a.reshape(-1, channels), c.reshape(-1, channels).copy()
    product = _bf16_value(_bf16_bits(a[in_idx] * b)).astype(np.float64)   # __hmul: rounded to bf16
    c[out_idx] = _bf16_value(_bf16_bits(c[out_idx] + product))            # __hadd: rounded to bf16
    return {2: _bf16_bits(c.reshape(-1))}


def _fma_compare(a: dict, b: dict) -> str | None:
    x, y = _bf16_value(a[2]).astype(np.float64), _bf16_value(b[2]).astype(np.float64)
    if np.allclose(x, y, rtol=8e-3, atol=1e-3):
        return None
    bad = int(np.argmax(~np.isclose(x, y, rtol=8e-3, atol=1e-3)))
    return f"c[{bad}]: {x[bad]} vs {y[bad]} (bf16)"


def _bitrev(lg):
    def build():  # d_out, d_in (fr_t = long), lg_domain_size
        rng = _rng(1014)
        n = 1 << lg
        return [rng.integers(1, 2**62, n, dtype=np.int64), rng.integers(1, 2**62, n, dtype=np.int64), np.uint32(lg)]
    return build


def _bitrev_ref(args):
    lg = int(args[2])
    i = np.arange(1 << lg, dtype=np.int64)
    rev = np.zeros_like(i)
    for bit in range(lg):
        rev |= ((i >> bit) & 1) << (lg - 1 - bit)
    return {0: args[1][rev]}


def _softmax_rows(rows, cols):
    def build():  # out, inp, N, C
        rng = _rng(1015)
        return [_f32(rng, rows * cols), _f32(rng, rows * cols, -8.0, 8.0), np.int32(rows), np.int32(cols)]
    return build


def _softmax_rows_ref(args):
    cols = int(args[3])
    x = args[1].astype(np.float64).reshape(-1, cols)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return {0: (e / e.sum(axis=1, keepdims=True)).reshape(-1).astype(np.float32)}


# ----------------------------------------------------------------------------------------------
# The kernels: bench_kernel → (sizes full/small, a function of the sizes giving the Case fields).

LAPLACE_TUNE = {"block_size_x": [8, 16, 24, 32, 48, 64, 96, 128, 256],
                "block_size_y": [2, 4, 6, 8, 12, 16, 32, 64]}
# Every halo node needs its own thread: 2*(BLOCK_X+BLOCK_Y+2) <= BLOCK_X*BLOCK_Y (kernel.h's note 2).
HIST_TUNE = {"block_size_x": [8, 16, 32, 64, 128, 256, 512, 1024], "block_size_y": [1, 2, 4, 8, 16, 32]}
HIST_RESTRICT = ["32 <= block_size_x * block_size_y <= 1024"]
LAPLACE_RESTRICT = ["block_size_x*block_size_y<=1024", "block_size_x*block_size_y>=32",
                    "block_size_x*block_size_y>=2*(block_size_x+block_size_y+2)"]

ESTIMATES = {
    "stencil1d_stencil_1d": "2^27 ints in and out (1.07 GB), ~0.25 ms",
    "matrix-rotate_rotate_matrix_parallel": "2048^2 floats in place (16 MiB, L2 resident), 1024 threads each "
                                            "walking one layer with 4 strided loads a step: ~1-3 ms",
    "softmax_softMax": "65536 rows x 512 (128 MiB in, 128 MiB out), one thread per row, uncoalesced: ~0.5-3 ms",
    "softmax_softMax2": "131072 rows x 1024 (512 MiB in, 512 MiB out), one warp per row: ~0.25 ms",
    "laplace3d_laplace3d": "512x512x512 floats in and out (1.07 GB), ~0.25-0.4 ms",
    "atomicReduction_atomic_reduction": "209715200 ints (839 MB) read by 2048 blocks: ~0.2 ms",
    "atomicReduction_atomic_reduction_v4": "209715200 ints (839 MB) read by 512 blocks: ~0.2 ms",
    "relu_ReluGrad_impl1": "2^28 halves x 3 arrays (1.6 GB), ~0.35 ms",
    "relu_ReluGrad_impl2": "2^28 halves x 3 arrays (1.6 GB), ~0.35 ms",
    "relu_Relu_impl2": "2^27 ints in and out (1.07 GB), ~0.25 ms",
    "gelu_gelu_bias_loop": "32 x 2048 x 4096 halves in place (537 MB, read + write), ~0.25 ms",
    "rmsnorm_rmsnorm_fwd_two_scan_kernel": "16384 rows x 8192 (512 MiB in, 512 MiB out; the second pass re-reads the "
                                           "row from L2): ~0.25-0.4 ms",
    "layernorm_layernorm_forward_kernel0": "32768 rows x 4096 (512 MiB in, 512 MiB out): ~0.25-0.4 ms",
    "layernorm_layernorm_forward_kernel2": "32768 rows x 4096 (512 MiB in, 512 MiB out): ~0.25-0.4 ms",
    "histogram_histogram_gmem_atomics": "8192 x 4096 uchar4 pixels (128 MiB), 101 M global atomics on 256 "
                                        "privatised histograms: ~1-3 ms",
    "nbody_accelerate_particles": "45056 bodies: 2.0 G interactions of ~20 flops + one rsqrtf: ~1-2 ms",
    "fma_implicit_fma_kernel_bf16": "2^20 gathered rows of 256 bf16 (512 MiB of a read, 512 MiB of c read and "
                                    "written): ~0.3-0.5 ms",
    "softmax-online_softmax_forward_online_kernel": "4096 rows x 50257 (823 MB in, 823 MB out, the row read "
                                                    "twice): ~0.4-0.8 ms",
    "softmax-online_softmax_forward_online_kernel2": "4096 rows x 50257 (823 MB in, 823 MB out): ~0.4-0.8 ms",
    "softmax-online_softmax_forward_online_kernel3": "4096 rows x 50257 (823 MB in, 823 MB out), a block a row: "
                                                     "~0.4-0.8 ms",
    "bitpermute_bit_rev_permutation": "2^26 int64 (512 MiB in, 512 MiB out), half the accesses scattered: ~0.5-1.5 ms",
}


def _spec(name: str, size: tuple) -> dict:
    """Case fields and the reference of kernel `name` at `size`."""
    if name == "stencil1d_stencil_1d":
        (length,) = size
        build, ps = _stencil1d(length)
        return dict(kernel="stencil_1d", ps=ps, args=build, tune=TUNE_1D, ref=_stencil1d_ref(length),
                    compare=_allclose_prefix(1), idioms=("shared-memory tile", "static shared memory sized by the block",
                                                         "stencil", "halo"))
    if name == "matrix-rotate_rotate_matrix_parallel":
        (n,) = size
        build, ps = _rotate(n)
        return dict(kernel="rotate_matrix_parallel", ps=ps, args=build, tune=TUNE_1D, ref=_rotate_ref,
                    idioms=("early exit", "in place", "strided access", "per-thread loop"))
    if name == "softmax_softMax":
        slices, width = size
        return dict(kernel="softMax", ps=(slices,), args=_softmax(slices, width), tune=TUNE_1D, ref=_softmax_ref,
                    idioms=("early exit", "one thread per row", "expf"))
    if name == "softmax_softMax2":
        slices, width = size
        return dict(kernel="softMax2", ps=(slices,), args=_softmax(slices, width), tune=TUNE_1D, ref=_softmax_ref,
                    grid_div_x="block_size_x/32",
                    idioms=("cooperative groups", "cg::thread_block", "tiled_partition", "cg::reduce",
                            "warp per row", "early exit", "warpSize"))
    if name == "laplace3d_laplace3d":
        nx, ny, nz = size
        return dict(kernel="laplace3d", ps=(nx, ny), args=_laplace3d(nx, ny, nz), tune=LAPLACE_TUNE,
                    restrictions=LAPLACE_RESTRICT, ref=_laplace3d_ref,
                    idioms=("2-D", "stencil", "shared-memory tile", "static shared memory sized by the block",
                            "halo", "masks", "k-marching"))
    if name in ("atomicReduction_atomic_reduction", "atomicReduction_atomic_reduction_v4"):
        n, blocks = size
        kernel = name.split("_", 1)[1]
        return dict(kernel=kernel, ps=(blocks,), args=_atomic_reduction(n), tune=TUNE_1D, grid_div_x=[],
                    ref=_atomic_reduction_ref, idioms=("atomicAdd", "grid-stride", "fixed grid", "reduction"))
    if name == "relu_ReluGrad_impl1":
        (count,) = size
        return dict(kernel="ReluGrad_impl1", ps=((count + 1) // 2,), args=_relu_grad(count), tune=TUNE_1D,
                    ref=_relu_grad_ref, idioms=("fp16", "__half2", "grid-stride", "odd tail"))
    if name == "relu_ReluGrad_impl2":
        (count,) = size
        return dict(kernel="ReluGrad_impl2", ps=(-(-count // 8),), args=_relu_grad(count), tune=TUNE_1D,
                    ref=_relu_grad_ref, idioms=("fp16", "float4", "ld.global.v4", "__half2", "masks"))
    if name == "relu_Relu_impl2":
        (count,) = size
        return dict(kernel="Relu_impl2", ps=(count,), args=_relu_int(count), tune=TUNE_1D, ref=_relu_int_ref,
                    idioms=("SIMD intrinsics (__vmaxs4)", "masks", "int8x4"))
    if name == "gelu_gelu_bias_loop":
        batch, seq, hidden = size
        return dict(kernel="gelu_bias_loop", ps=(seq, batch), args=_gelu(batch, seq, hidden), tune=TUNE_1D,
                    grid_div_x=[], grid_div_y=[], ref=_gelu_ref, rtol=1e-2, atol=2e-3,
                    idioms=("fp16", "__half2", "block-stride loop", "fixed grid", "tanhf", "2-D grid"))
    if name == "rmsnorm_rmsnorm_fwd_two_scan_kernel":
        rows, cols = size
        return dict(kernel="rmsnorm_fwd_two_scan_kernel<float, 4>", ps=(rows,), args=_rmsnorm(rows, cols), tune=TUNE_1D,
                    grid_div_x=[], ref=_rmsnorm_ref,
                    idioms=("template kernel", "64-bit indexing",
                            "warp shuffles (__shfl_xor_sync)", "block reduction in shared memory", "uint4 vector loads",
                            "ld.global.v4", "fixed grid"))
    if name == "layernorm_layernorm_forward_kernel0":
        rows, cols = size
        return dict(kernel="layernorm_forward_kernel0<4>", ps=(rows,), args=_layernorm(rows, cols), tune=TUNE_1D,
                    grid_div_x=[], ref=_layernorm_ref,
                    idioms=("template kernel", "__stcs", "warp shuffles (__shfl_xor_sync)", "block reduction in shared memory",
                            "uint4 vector loads", "ld.global.v4", "64-bit indexing", "fixed grid"))
    if name == "layernorm_layernorm_forward_kernel2":
        rows, cols = size
        return dict(kernel="layernorm_forward_kernel2", ps=(rows * 32,), args=_layernorm(rows, cols), tune=TUNE_1D,
                    ref=_layernorm_ref,
                    idioms=("cooperative groups", "cg::thread_block", "tiled_partition", "cg::reduce", "__ldcs", "__stcs",
                            "warp per row", "early exit"))
    if name == "histogram_histogram_gmem_atomics":
        width, height = size
        return dict(kernel="histogram_gmem_atomics<1024, 3, 256, uchar4>", ps=HIST_GRID, args=_histogram(width, height),
                    tune=HIST_TUNE, restrictions=HIST_RESTRICT, grid_div_x=[], grid_div_y=[], ref=_histogram_ref,
                    compare=_histogram_compare,
                    idioms=("atomicAdd", "histogram", "template kernel", "2-D", "grid-stride", "fixed grid",
                            "uchar4 loads", "privatised per-block histograms"))
    if name == "nbody_accelerate_particles":
        (n,) = size
        return dict(kernel="accelerate_particles", ps=(n,), args=_nbody(n), tune=TUNE_1D, ref=_nbody_ref,
                    rtol=1e-3, atol=1e-4,
                    idioms=("compute-bound", "n-body", "rsqrtf", "early exit", "struct loads (AoS)", "broadcast loads"))
    if name == "fma_implicit_fma_kernel_bf16":
        na, nc, channels, num_ops = size
        return dict(kernel="implicit_fma_kernel<__nv_bfloat16>", ps=(_fma_grid(num_ops, channels),),
                    args=_fma(na, nc, channels, num_ops), tune=TUNE_1D, smem={"size": channels * 2},
                    ref=_fma_ref, compare=_fma_compare, rtol=8e-3, atol=1e-3,
                    idioms=("bf16", "__nv_bfloat16", "dynamic shared memory (extern __shared__)", "uint4 vector loads",
                            "ld.global.v4", "gather-scatter", "template kernel", "early exit", "masks"))
    if name == "bitpermute_bit_rev_permutation":
        (lg,) = size
        return dict(kernel="bit_rev_permutation", ps=(1 << lg,), args=_bitrev(lg), tune=TUNE_1D, ref=_bitrev_ref,
                    idioms=("bit reversal (__brev)", "scattered 64-bit loads/stores", "masks", "int64 data"))
    if name.startswith("softmax-online_"):
        rows, cols = size
        kernel = name.split("_", 1)[1]
        if kernel == "softmax_forward_online_kernel3":  # one block a row, a shared-memory tree reduction
            return dict(kernel=kernel, ps=(rows,), args=_softmax_rows(rows, cols), tune=POW2_1D, grid_div_x=[],
                        ref=_softmax_rows_ref, atol=1e-7,
                        idioms=("tree reduction in shared memory", "power-of-two block sizes", "block per row",
                                "online softmax", "expf", "fixed grid"))
        idioms = (("cooperative groups", "cg::thread_block", "tiled_partition", "cg::reduce with a struct",
                   "online softmax", "warp per row", "early exit") if kernel == "softmax_forward_online_kernel" else
                  ("warpSize", "__shfl_down_sync", "__shfl_sync", "__syncwarp", "online softmax", "warp per row",
                   "early exit"))
        return dict(kernel=kernel, ps=(rows * 32,), args=_softmax_rows(rows, cols), tune=TUNE_1D,
                    ref=_softmax_rows_ref, atol=1e-7, idioms=idioms)
    raise KeyError(name)


# bench_kernel → (full size, small size).
SIZES: dict[str, tuple[tuple, tuple]] = {
    "stencil1d_stencil_1d": ((1 << 27,), (5000,)),
    "matrix-rotate_rotate_matrix_parallel": ((2048,), (63,)),
    "softmax_softMax": ((65536, 512), (300, 40)),
    "softmax_softMax2": ((131072, 1024), (300, 40)),
    "laplace3d_laplace3d": ((512, 512, 512), (40, 30, 6)),
    "atomicReduction_atomic_reduction": ((209715200, 2048), (5000, 16)),
    "atomicReduction_atomic_reduction_v4": ((209715200, 512), (5000, 4)),
    "relu_ReluGrad_impl1": ((1 << 28,), (5001,)),
    "relu_ReluGrad_impl2": ((1 << 28,), (5003,)),
    "relu_Relu_impl2": ((1 << 27,), (5000,)),
    "gelu_gelu_bias_loop": ((32, 2048, 4096), (2, 5, 96)),
    "rmsnorm_rmsnorm_fwd_two_scan_kernel": ((16384, 8192), (37, 200)),
    "layernorm_layernorm_forward_kernel0": ((32768, 4096), (37, 200)),
    "layernorm_layernorm_forward_kernel2": ((32768, 4096), (37, 200)),
    "histogram_histogram_gmem_atomics": ((8192, 4096), (70, 45)),
    "nbody_accelerate_particles": ((45056,), (1000,)),
    "fma_implicit_fma_kernel_bf16": ((1 << 20, 1 << 20, 256, 1 << 20), (300, 200, 76, 150)),
    "bitpermute_bit_rev_permutation": ((26,), (12,)),
    # The program's B*T = 8192 rows of V = 50257 (GPT-2's vocabulary); half the rows here (1.6 GB).
    # Small: C >= 1024, since kernel2 returns threads with tid >= C before its full-mask shuffles.
    "softmax-online_softmax_forward_online_kernel": ((4096, 50257), (37, 1100)),
    "softmax-online_softmax_forward_online_kernel2": ((4096, 50257), (37, 1100)),
    "softmax-online_softmax_forward_online_kernel3": ((4096, 50257), (37, 1100)),
}


def _case(name: str, size: tuple, spec: dict) -> Case:
    return Case(name=f"hecbench/{name}@{_label(size)}", kernel_name=spec["kernel"],
                source_path=HECBENCH_DIR / f"{name}.cu", problem_size=spec["ps"], arguments=spec["args"],
                tune_params=spec["tune"], grid_div_x=spec.get("grid_div_x"), grid_div_y=spec.get("grid_div_y"),
                restrictions=list(spec.get("restrictions", [])), family=FAMILY, size_index=0,
                smem_args=spec.get("smem"))


def _kernel(name: str) -> CorpusKernel:
    full, small = SIZES[name]
    f, s = _spec(name, full), _spec(name, small)
    bench = name.split("_", 1)[0]
    return CorpusKernel(case=_case(name, full, f), small=_case(name, small, s), reference=s["ref"],
                        source="hecbench",
                        origin=f"github.com/zjin-lcf/HeCBench src/{bench}-cuda @ {COMMIT[:12]} "
                               f"(licence in the file header)",
                        idioms=tuple(s["idioms"]), rtol=s.get("rtol", 1e-4), atol=s.get("atol", 1e-5),
                        compare=s.get("compare"))


HECBENCH: list[CorpusKernel] = [_kernel(name) for name in SIZES]
