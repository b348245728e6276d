"""The unseen set: thirteen third-party kernels (cuda-samples, HeCBench, Rodinia) collected for the
robustness round 2 review and never used to develop, fit or choose anything in flipflop, one size each.

Same conventions as the held-out sets (`heldout.py`, `heldout2.py`, `heldout3.py`): Kernel Tuner's
block_size_x/y #defines, seeded random arguments (never zeros) in kernel order, family "unseen" and
size_index 0 for every case. Unlike the held-out sets these kernels are not ours: their bodies are
copied verbatim (`unseen/*.cu`, each with a header naming its upstream repository, path, commit,
licence and edits), so each case's tune_params are the block sizes the original program allows
(`TUNE`: 4-10 configurations, 2-D only where the original launch is 2-D) instead of the whole
power-of-two space, the grid is the original program's (fixed grids through grid_div [] and the
grid as problem size), and dynamic shared memory comes from `smem_args` as in Kernel Tuner.

`--cases unseen` in benchmarks/ground_truth/collect.py (and unseen_collect.py, which runs it) selects
them all. Sizes are chosen so that a launch at a good
block shape takes roughly 0.05-5 ms on an H100 and a case needs well under 1 GB of GPU memory
(`ESTIMATES`); `unseen_cases(small=True)` gives the same kernels at tiny sizes, for tests and for
the on-GPU output check (`REFERENCES`: numpy outputs of one launch on fresh copies of the arguments).

Left out of the 19 collected kernels (see /tmp/robust2/REPORT.md): simplePrintf and simpleAssert
(printf / assert only), simpleTexture and FunctionPointers' SobelShared (texture objects; SobelShared
also device function pointers), cdpSimpleQuicksort (both variants: dynamic parallelism), Rodinia nw's
needle_cuda_shared_1 (one wavefront launch whose cells depend on the tile size: the configurations
would not compute the same thing) and fp16ScalarProduct (the sample's shared reduction is written for
exactly 128 threads and 128 blocks: one configuration).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.kernels.heldout import _floats, _label, _rng
from benchmarks.kernels.suite import KERNEL_DIR, Case

UNSEEN_DIR = KERNEL_DIR / "unseen"
FAMILY = "unseen"
POW2 = [32, 64, 128, 256, 512, 1024]

# cuda-samples histogram64: every thread submits at most 255 bytes to its byte-wide shared counters,
# so the program launches ceil(bytes / (block * 252)) blocks (iSnapDown(255, sizeof(uint4)) = 252).
HIST64_BYTES_PER_THREAD = 252
# threadFenceReduction: the sample's fixed 64 blocks (maxBlocks); babelstream's DOT_NUM_BLOCKS;
# HeCBench histogram's run_smem_atomics grid (16 x 16) and parts per block.
THREADFENCE_BLOCKS = 64
DOT_BLOCKS = 256
HIST_SMEM_GRID = (16, 16)
HIST_SMEM_PARTS = 1024
HIST_SMEM_BINS = 256
HIST_SMEM_CHANNELS = 3
# bitonicSortShared sorts independent arrays of this length (<= SHARED_SIZE_LIMIT = 2 * block for
# every block size, so every configuration does the same work); dir 1: ascending.
BITONIC_ARRAY_LENGTH = 64
# HeCBench bincount's first bin count (768 ... 768 * 32) and its input, normal(5, 2).
BINCOUNT_BINS = 768
# geglu: DIM_LAST 5120, 8 elements a vector, 2 vectors a thread (the template arguments).
GEGLU_DIM = 5120
GEGLU_VEC = 8
GEGLU_LOOP = 2
# lavaMD: 100 particles a box (NUMBER_PAR_PER_BOX), alpha 0.5 (the program's par_cpu.alpha).
LAVAMD_PARTICLES = 100
LAVAMD_ALPHA = 0.5

# Full sizes (measured) and small ones (tests and the output check). Each: the kernel's size parameters.
SIZES = {
    "histogram64": {"full": (128 << 20,), "small": (1 << 16,)},                 # bytes of input
    "threadfence_reduction": {"full": (1 << 24,), "small": (1 << 14,)},        # floats (a power of two)
    "shfl_scan": {"full": (1 << 26,), "small": (1 << 12,)},                    # ints (a multiple of 1024)
    "bitonic_sort_shared": {"full": (1 << 25,), "small": (1 << 12,)},          # keys (a multiple of 2048)
    "histogram_smem_atomics": {"full": (4096, 4096), "small": (100, 70)},     # width, height (uchar4 pixels)
    "babelstream_dot": {"full": (1 << 26,), "small": (10_000,)},              # floats
    "bincount_shared": {"full": (1 << 24,), "small": (10_000,)},              # floats
    "bincount_global": {"full": (1 << 24,), "small": (10_000,)},              # floats
    "rowwise_moments": {"full": (2048, 16384), "small": (7, 1000)},           # rows, row length
    "geglu_float": {"full": (8192,), "small": (4,)},                          # rows of 5120
    "geglu_half": {"full": (8192,), "small": (4,)},                           # rows of 5120
    "silu_forward2": {"full": (1 << 26,), "small": (10_000,)},                # floats (a multiple of 4)
    "lavamd": {"full": (12,), "small": (2,)},                                 # boxes per dimension
}

# Block sizes the original programs allow (each kernel's file header says where the limit comes from).
TUNE = {
    "histogram64": {"block_size_x": [64, 128, 256, 512]},   # power of two, multiple of 64, <= 512 (shared 64 B a thread)
    "threadfence_reduction": {"block_size_x": POW2},         # a power of two (template blockSize)
    "shfl_scan": {"block_size_x": POW2},                     # block / 32 must be a power of two (shfl width)
    "bitonic_sort_shared": {"block_size_x": POW2},           # SHARED_SIZE_LIMIT = 2 * block, a power of two
    "histogram_smem_atomics": {"block_size_x": [32, 64, 128, 256], "block_size_y": [1, 2, 4, 8]},
    "babelstream_dot": {"block_size_x": POW2},               # the tree reduction halves blockDim.x
    "bincount_shared": {"block_size_x": POW2},
    "bincount_global": {"block_size_x": POW2},
    "rowwise_moments": {"block_size_x": POW2},               # whole warps, at most 32 of them
    "geglu_float": {"block_size_x": [32, 64, 128, 160, 320, 640]},  # 5120 % (block * 8) == 0
    "geglu_half": {"block_size_x": [32, 64, 128, 160, 320, 640]},
    "silu_forward2": {"block_size_x": [32, 64, 96, 128, 256, 384, 512, 1024]},
    "lavamd": {"block_size_x": [32, 64, 96, 128, 160, 192, 256]},  # any; 100 particles a box
}
RESTRICTIONS = {"histogram_smem_atomics": ["128 <= block_size_x * block_size_y <= 512"]}

# Rough time per launch at a good block shape on an H100 (about 3 TB/s, 60 TFLOP/s fp32, 30 fp64),
# from bytes moved / instructions, and the GPU memory a case's arguments take. Not measured.
ESTIMATES = {
    "histogram64": "~0.1-0.2 ms: 128 MiB of uint4 read, 4 byte-wide shared increments per word "
                   "(shared-memory bound); 130 MiB",
    "threadfence_reduction": "~0.05 ms at 1024 threads to ~2 ms at 32 (64 fixed blocks: 2048-65536 threads "
                             "stream 64 MiB); 64 MiB",
    "shfl_scan": "~0.2 ms: 256 MiB read + 256 MiB written in place, 5 + 5 shuffles a thread; 264 MiB",
    "bitonic_sort_shared": "~0.2 ms: 256 MiB read + 256 MiB written, 21 shared compare-exchange steps; 512 MiB",
    "histogram_smem_atomics": "~0.2-0.5 ms: 64 MiB of uchar4 read by 256 fixed blocks, 3 shared atomics a pixel; "
                              "65 MiB",
    "babelstream_dot": "~0.2 ms: 512 MiB read by 256 fixed blocks; 512 MiB",
    "bincount_shared": "~0.05-0.1 ms: 64 MiB read, one shared atomic a value, 768 global atomics a block; 64 MiB",
    "bincount_global": "~0.5-5 ms: 64 MiB read, 16 M global atomics on 768 bins (normal(5, 2): hot middle "
                       "bins); 64 MiB",
    "rowwise_moments": "~0.1 ms: 128 MiB read, one Welford update a value (a division), one block a row; 128 MiB",
    "geglu_float": "~0.2 ms: 320 MiB read + 160 MiB written, one erff a value; 480 MiB",
    "geglu_half": "~0.1 ms: 160 MiB read + 80 MiB written, one erff a value in fp32; 240 MiB",
    "silu_forward2": "~0.2 ms: 256 MiB read + 256 MiB written (float4), one expf a value; 512 MiB",
    "lavamd": "~1-3 ms: 1728 boxes x 100 particles x up to 2700 neighbours, ~30 fp64 operations and one exp "
              "each; 2 MiB",
}


# ---------------------------------------------------------------- arguments ------------------------


def _uints(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.integers(1, 2**32 - 1, count, dtype=np.uint32)


def _histogram64(nbytes: int) -> Callable[[], list]:
    def build() -> list:  # d_PartialHistograms (room for the most blocks: 64 threads), d_Data (uint4), dataCount
        rng = _rng(401)
        most_blocks = -(-nbytes // (64 * HIST64_BYTES_PER_THREAD))
        return [_uints(rng, most_blocks * 64), _uints(rng, nbytes // 4), np.uint32(nbytes // 16)]
    return build


def _threadfence(n: int) -> Callable[[], list]:
    def build() -> list:  # g_idata, g_odata (one partial sum a block), n
        rng = _rng(402)
        return [_floats(rng, n, 0.0, 1.0), _floats(rng, THREADFENCE_BLOCKS), np.uint32(n)]
    return build


def _shfl_scan(n: int) -> Callable[[], list]:
    def build() -> list:  # data (scanned in place), width (warpSize, as the sample), partial_sums (one a block)
        rng = _rng(403)
        return [rng.integers(1, 16, n, dtype=np.int32), np.int32(32), rng.integers(1, 16, n // 32, dtype=np.int32)]
    return build


def _bitonic(n: int) -> Callable[[], list]:
    def build() -> list:  # d_DstKey, d_DstVal, d_SrcKey, d_SrcVal, arrayLength, dir
        rng = _rng(404)
        keys = rng.permutation(n).astype(np.uint32) + 1  # distinct: the values' order is then unique too
        return [_uints(rng, n), _uints(rng, n), keys, np.arange(1, n + 1, dtype=np.uint32),
                np.uint32(BITONIC_ARRAY_LENGTH), np.uint32(1)]
    return build


def _hist_smem(width: int, height: int) -> Callable[[], list]:
    def build() -> list:  # in (uchar4 pixels), width, height, out (one 1024-part slice a block)
        rng = _rng(405)
        blocks = HIST_SMEM_GRID[0] * HIST_SMEM_GRID[1]
        return [rng.integers(0, 256, 4 * width * height, dtype=np.uint8), np.int32(width), np.int32(height),
                _uints(rng, blocks * HIST_SMEM_PARTS)]
    return build


def _dot(n: int) -> Callable[[], list]:
    def build() -> list:  # a, b, sum (one a block), array_size
        rng = _rng(406)
        return [_floats(rng, n), _floats(rng, n), _floats(rng, DOT_BLOCKS), np.int32(n)]
    return build


def _bincount(n: int, seed: int) -> Callable[[], list]:
    def build() -> list:  # output, input, nbins, minvalue, maxvalue, input_size, output_size
        rng = _rng(seed)
        values = rng.normal(5.0, 2.0, n).astype(np.float32)
        return [rng.integers(1, 100, BINCOUNT_BINS, dtype=np.int32), values, np.int32(BINCOUNT_BINS),
                values.min(), values.max(), np.int32(n), np.int32(BINCOUNT_BINS)]
    return build


def _rowwise(rows: int, length: int) -> Callable[[], list]:
    def build() -> list:  # N (int64), eps, X, mean, rstd
        rng = _rng(409)
        return [np.int64(length), np.float32(1e-5), _floats(rng, rows * length, -2.0, 3.0),
                _floats(rng, rows), _floats(rng, rows)]
    return build


def _geglu(rows: int, dtype: Any, seed: int) -> Callable[[], list]:
    def build() -> list:  # out (rows x 5120), x_and_gate (rows x 2 x 5120: x then gate)
        rng = _rng(seed)
        return [_floats(rng, rows * GEGLU_DIM).astype(dtype, copy=False),
                _floats(rng, 2 * rows * GEGLU_DIM, -3.0, 3.0).astype(dtype, copy=False)]
    return build


def _silu(n: int) -> Callable[[], list]:
    def build() -> list:  # x, out, N (uint64)
        rng = _rng(412)
        return [_floats(rng, n, -6.0, 6.0), _floats(rng, n), np.uint64(n)]
    return build


# lavaMD's structures (cuda/lavaMD/main.h), laid out as the C compiler does (align=True).
LAVAMD_DIM = np.dtype([("cur_arg", "i4"), ("arch_arg", "i4"), ("cores_arg", "i4"), ("boxes1d_arg", "i4"),
                       ("number_boxes", "i8"), ("box_mem", "i8"), ("space_elem", "i8"), ("space_mem", "i8"),
                       ("space_mem2", "i8")], align=True)
LAVAMD_NEI = np.dtype([("x", "i4"), ("y", "i4"), ("z", "i4"), ("number", "i4"), ("offset", "i8")], align=True)
LAVAMD_BOX = np.dtype([("x", "i4"), ("y", "i4"), ("z", "i4"), ("number", "i4"), ("offset", "i8"), ("nn", "i4"),
                       ("nei", LAVAMD_NEI, (26,))], align=True)


def lavamd_boxes(boxes1d: int) -> np.ndarray:
    """The box list lavaMD's main.c builds: box (x=k, y=j, z=i) numbered z-major, each with its up
    to 26 in-range neighbours."""
    count = boxes1d ** 3
    boxes = np.zeros(count, LAVAMD_BOX)
    nh = 0
    for i in range(boxes1d):
        for j in range(boxes1d):
            for k in range(boxes1d):
                box = boxes[nh]
                box["x"], box["y"], box["z"], box["number"] = k, j, i, nh
                box["offset"] = nh * LAVAMD_PARTICLES
                nn = 0
                for dl in (-1, 0, 1):
                    for dm in (-1, 0, 1):
                        for dn in (-1, 0, 1):
                            z, y, x = i + dl, j + dm, k + dn
                            if (dl, dm, dn) == (0, 0, 0) or not (0 <= z < boxes1d and 0 <= y < boxes1d
                                                                 and 0 <= x < boxes1d):
                                continue
                            number = z * boxes1d * boxes1d + y * boxes1d + x
                            box["nei"][nn] = (x, y, z, number, number * LAVAMD_PARTICLES)
                            nn += 1
                box["nn"] = nn
                nh += 1
    return boxes


def _lavamd(boxes1d: int) -> Callable[[], list]:
    def build() -> list:  # d_par_gpu (par_str: one double), d_dim_gpu (dim_str), d_box_gpu, d_rv_gpu, d_qv_gpu, d_fv_gpu
        rng = _rng(413)
        count = boxes1d ** 3
        elements = count * LAVAMD_PARTICLES
        dim = np.zeros((), LAVAMD_DIM)
        dim["boxes1d_arg"], dim["number_boxes"] = boxes1d, count
        dim["box_mem"] = count * LAVAMD_BOX.itemsize
        dim["space_elem"], dim["space_mem"], dim["space_mem2"] = elements, elements * 32, elements * 8
        # FOUR_VECTOR arrays (v, x, y, z doubles) as elements x 4 float64: the same bytes.
        rv = rng.integers(1, 11, (elements, 4)) / 10.0  # main.c: (rand() % 10 + 1) / 10.0
        fv = rng.uniform(0.1, 1.0, (elements, 4))
        return [np.float64(LAVAMD_ALPHA), dim[()], lavamd_boxes(boxes1d), rv, rng.integers(1, 11, elements) / 10.0,
                fv]
    return build


# ---------------------------------------------------------------- cases ----------------------------


def unseen_cases(small: bool = False) -> list[Case]:
    """The unseen set at its measured sizes, or (small=True) the same kernels tiny."""
    which = "small" if small else "full"
    s = {name: entry[which] for name, entry in SIZES.items()}
    cases: list[Case] = []

    def add(name, kernel_name, file, problem_size, arguments, grid_div_x=None, grid_div_y=None, smem=None):
        cases.append(Case(
            name=f"unseen_{name}@{_label(s[name])}", kernel_name=kernel_name, source_path=UNSEEN_DIR / file,
            problem_size=problem_size, arguments=arguments, tune_params=TUNE[name], grid_div_x=grid_div_x,
            grid_div_y=grid_div_y, restrictions=RESTRICTIONS.get(name, []), family=FAMILY, size_index=0,
            smem_args=None if smem is None else {"size": smem}))

    (nbytes,) = s["histogram64"]
    # One thread per 252 input bytes: grid = ceil(bytes / (252 * block)), as histogram64() launches it.
    add("histogram64", "histogram64Kernel", "histogram64.cu", (-(-nbytes // HIST64_BYTES_PER_THREAD),),
        _histogram64(nbytes))
    (n,) = s["threadfence_reduction"]
    add("threadfence_reduction", "reduceSinglePass<block_size_x, true>", "threadfence_reduction.cu",
        (THREADFENCE_BLOCKS,), _threadfence(n), grid_div_x=[], smem="block_size_x * 4")
    (n,) = s["shfl_scan"]
    add("shfl_scan", "shfl_scan_test", "shfl_scan.cu", (n,), _shfl_scan(n), smem="block_size_x // 32 * 4")
    (n,) = s["bitonic_sort_shared"]
    # Each block sorts 2 * block keys (SHARED_SIZE_LIMIT): grid = n / (2 * block).
    add("bitonic_sort_shared", "bitonicSortShared", "bitonic_sort_shared.cu", (n // 2,), _bitonic(n))
    width, height = s["histogram_smem_atomics"]
    add("histogram_smem_atomics", "histogram_smem_atomics<1024, 3, 256, uchar4>", "histogram_smem_atomics.cu",
        HIST_SMEM_GRID, _hist_smem(width, height), grid_div_x=[], grid_div_y=[])
    (n,) = s["babelstream_dot"]
    add("babelstream_dot", "dot_kernel<float>", "babelstream_dot.cu", (DOT_BLOCKS,), _dot(n), grid_div_x=[])
    (n,) = s["bincount_shared"]
    add("bincount_shared", "bincount<int, float, int, DeviceMemoryType::SHARED>", "bincount.cu", (n,),
        _bincount(n, 407), smem=BINCOUNT_BINS * 4)
    (n,) = s["bincount_global"]
    add("bincount_global", "bincount<int, float, int, DeviceMemoryType::GLOBAL>", "bincount.cu", (n,),
        _bincount(n, 408))
    rows, length = s["rowwise_moments"]
    add("rowwise_moments", "RowwiseMomentsKernel<float>", "rowwise_moments.cu", (rows,), _rowwise(rows, length),
        grid_div_x=[])
    for name, scalar, dtype, seed in (("geglu_float", "float", np.float32, 410), ("geglu_half", "__half", np.float16, 411)):
        (rows,) = s[name]
        # grid = rows * 5120 / (block * 8 * 2): problem size in threads of 16 elements.
        add(name, f"geglu_kernel<{scalar}, float, block_size_x, {GEGLU_DIM}, {GEGLU_VEC}, {GEGLU_LOOP}>", "geglu.cu",
            (rows * GEGLU_DIM // (GEGLU_VEC * GEGLU_LOOP),), _geglu(rows, dtype, seed))
    (n,) = s["silu_forward2"]
    add("silu_forward2", "silu_forward_kernel2", "silu_forward2.cu", (n // 4,), _silu(n))
    (boxes1d,) = s["lavamd"]
    add("lavamd", "kernel_gpu_cuda", "lavamd.cu", (boxes1d ** 3,), _lavamd(boxes1d), grid_div_x=[])
    return cases


UNSEEN_CASES: list[Case] = unseen_cases()


def short_name(case: Case) -> str:
    """"unseen_geglu_half@8192" -> "geglu_half" (the key of SIZES, TUNE and REFERENCES)."""
    return case.name.split("@")[0].removeprefix("unseen_")


# ---------------------------------------------------------------- references -----------------------
# Each reference takes the arguments of one launch (fresh copies) and the configuration's tune params
# and grid, and returns {argument index: expected contents after the launch}. Outputs that depend on
# the grid (per-block partial results) are compared through `COMBINE`: a function of (array, grid)
# giving the grid-independent quantity (a sum over blocks) that the reference describes.


def _ref_histogram64(args, params, grid):
    data = args[1].view(np.uint8)
    return {0: np.bincount(data >> 2, minlength=64).astype(np.uint64)}


def _ref_threadfence(args, params, grid):
    return {1: np.array([args[0].astype(np.float64).sum()])}


def _ref_shfl_scan(args, params, grid):
    block = params["block_size_x"]
    data = args[0].astype(np.int64).reshape(-1, block)
    scanned = np.cumsum(data, axis=1)
    return {0: scanned.ravel().astype(np.int32), 2: scanned[:, -1].astype(np.int32)}


def _ref_bitonic(args, params, grid):
    keys, values, length = args[2], args[3], int(args[4])
    order = np.argsort(keys.reshape(-1, length), axis=1, kind="stable")
    return {0: np.take_along_axis(keys.reshape(-1, length), order, 1).ravel(),
            1: np.take_along_axis(values.reshape(-1, length), order, 1).ravel()}


def _ref_hist_smem(args, params, grid):
    pixels = args[0].reshape(-1, 4)
    counts = np.zeros(HIST_SMEM_CHANNELS * HIST_SMEM_BINS, np.uint64)  # parts 768..1023 are never written
    for channel in range(HIST_SMEM_CHANNELS):
        counts[channel * HIST_SMEM_BINS:(channel + 1) * HIST_SMEM_BINS] = np.bincount(
            pixels[:, channel], minlength=HIST_SMEM_BINS)
    return {3: counts}


def _ref_dot(args, params, grid):
    return {2: np.array([np.dot(args[0].astype(np.float64), args[1].astype(np.float64))])}


def bincount_bins(values: np.ndarray, minvalue: np.float32, maxvalue: np.float32, nbins: int) -> np.ndarray:
    """getBin in the kernel's types: (v - min) * nbins / (max - min) in float32, truncated; bin nbins -> nbins - 1."""
    bins = ((values - minvalue) * np.float32(nbins) / (maxvalue - minvalue)).astype(np.int32)
    bins[bins == nbins] -= 1
    return bins


def _ref_bincount(args, params, grid):
    output, values, nbins, minvalue, maxvalue = args[0], args[1], int(args[2]), args[3], args[4]
    inside = (values >= minvalue) & (values <= maxvalue)
    counts = np.bincount(bincount_bins(values[inside], minvalue, maxvalue, nbins), minlength=nbins)
    return {0: (output.astype(np.int64) + counts).astype(np.int32)}


def _ref_rowwise(args, params, grid):
    length, eps, x = int(args[0]), args[1], args[2].astype(np.float64).reshape(-1, int(args[0]))
    return {3: x.mean(axis=1), 4: 1.0 / np.sqrt(x.var(axis=1) + float(eps))}


def _ref_geglu(args, params, grid):
    from math import erf
    x_and_gate = args[1].astype(np.float64).reshape(-1, 2, GEGLU_DIM)
    x, gate = x_and_gate[:, 0], x_and_gate[:, 1]
    gelu = gate * 0.5 * (1.0 + np.vectorize(erf)(gate / np.sqrt(2.0)))
    return {0: (x * gelu).ravel()}


def _ref_silu(args, params, grid):
    x = args[0].astype(np.float64)
    return {1: x / (1.0 + np.exp(-x))}


def _ref_lavamd(args, params, grid):
    alpha, boxes, rv, qv, fv = float(args[0]), args[2], args[3], args[4], args[5]
    a2 = 2.0 * alpha * alpha
    out = fv.astype(np.float64).copy()
    pos = rv
    for box in boxes:
        home = slice(int(box["offset"]), int(box["offset"]) + LAVAMD_PARTICLES)
        a = pos[home]
        for k in range(1 + int(box["nn"])):
            first = int(box["offset"]) if k == 0 else int(box["nei"][k - 1]["offset"])
            b, q = pos[first:first + LAVAMD_PARTICLES], qv[first:first + LAVAMD_PARTICLES]
            r2 = a[:, None, 0] + b[None, :, 0] - (a[:, None, 1:] * b[None, :, 1:]).sum(axis=2)
            vij = np.exp(-a2 * r2)
            d = a[:, None, 1:] - b[None, :, 1:]
            out[home, 0] += (q[None, :] * vij).sum(axis=1)
            out[home, 1:] += (q[None, :, None] * 2 * vij[:, :, None] * d).sum(axis=1)
    return {5: out}


REFERENCES: dict[str, Callable[[list, dict, tuple], dict[int, np.ndarray]]] = {
    "histogram64": _ref_histogram64, "threadfence_reduction": _ref_threadfence, "shfl_scan": _ref_shfl_scan,
    "bitonic_sort_shared": _ref_bitonic, "histogram_smem_atomics": _ref_hist_smem, "babelstream_dot": _ref_dot,
    "bincount_shared": _ref_bincount, "bincount_global": _ref_bincount, "rowwise_moments": _ref_rowwise,
    "geglu_float": _ref_geglu, "geglu_half": _ref_geglu, "silu_forward2": _ref_silu, "lavamd": _ref_lavamd,
}


def _sum_blocks(width: int) -> Callable[[np.ndarray, tuple], np.ndarray]:
    def combine(array: np.ndarray, grid: tuple) -> np.ndarray:
        blocks = grid[0] * grid[1] * grid[2]
        return array[:blocks * width].reshape(blocks, width).astype(np.float64).sum(axis=0)
    return combine


def _first(array: np.ndarray, grid: tuple) -> np.ndarray:
    return array[:1].astype(np.float64)


# Outputs written per block: reduced over the launch's blocks before the comparison.
COMBINE = {
    ("histogram64", 0): _sum_blocks(64),
    ("threadfence_reduction", 1): _first,       # the last block writes the total to g_odata[0]
    ("histogram_smem_atomics", 3): lambda array, grid: _sum_blocks(HIST_SMEM_PARTS)(array, grid)[
        :HIST_SMEM_CHANNELS * HIST_SMEM_BINS],
    ("babelstream_dot", 2): lambda array, grid: np.array([array[:grid[0]].astype(np.float64).sum()]),
    ("shfl_scan", 2): lambda array, grid: array[:grid[0]],
}
# Tolerances (rtol, atol): fp16 outputs and fp32 sums of many terms need more than the default.
TOLERANCE = {"geglu_half": (2e-2, 2e-2), "threadfence_reduction": (1e-4, 1e-3), "babelstream_dot": (1e-4, 1e-3),
             "rowwise_moments": (1e-4, 1e-5), "geglu_float": (1e-5, 1e-6), "silu_forward2": (1e-5, 1e-6),
             "lavamd": (1e-9, 1e-9)}


def check_outputs(expected_outputs: dict[int, np.ndarray], after: list, grid: tuple,
                  combine: dict[int, Callable[[np.ndarray, tuple], np.ndarray]], tolerance: tuple[float, float],
                  mismatch_fraction: float = 0.0) -> tuple[bool, float]:
    """Whether one launch's outputs (`after`, host copies, each reduced over the blocks by its
    `combine` entry where it has one) match `expected_outputs` (argument index → reference) within
    `tolerance` (rtol, atol) in all but `mismatch_fraction` of the elements; returns (passed, max
    abs error). Both unseen sets' `compare` use it."""
    rtol, atol = tolerance
    worst = 0.0
    passed = True
    for index, expected in expected_outputs.items():
        got = after[index]
        got = combine[index](got, grid) if index in combine else got
        got = np.asarray(got, dtype=np.float64).ravel()
        expected = np.asarray(expected, dtype=np.float64).ravel()
        if got.shape != expected.shape:
            return False, float("inf")
        worst = max(worst, float(np.max(np.abs(got - expected))) if got.size else 0.0)
        close = np.isclose(got, expected, rtol=rtol, atol=atol)
        passed &= bool(np.mean(~close) <= mismatch_fraction) if got.size else True
    return passed, worst


def compare(case: Case, before: list, after: list, params: dict, grid: tuple) -> tuple[bool, float]:
    """Whether one launch's outputs (`after`, host copies) match the reference computed from the
    arguments before it; returns (passed, max abs error)."""
    name = short_name(case)
    combine = {index: f for (kernel, index), f in COMBINE.items() if kernel == name}
    return check_outputs(REFERENCES[name](before, params, grid), after, grid, combine,
                         TOLERANCE.get(name, (0.0, 0.0)))
