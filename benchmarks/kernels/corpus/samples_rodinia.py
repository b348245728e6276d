"""The cuda-samples and Rodinia part of the third-party corpus (issue 10).

Kernels copied verbatim from NVIDIA/cuda-samples (BSD-3-Clause) into `cuda_samples/` and from
Rodinia 3.1's CUDA code (the yuhc/gpu-rodinia mirror, Rodinia's BSD-style licence) into
`rodinia/`; each file's header names the upstream path, commit, licence and the only edits
(`extern "C"`, and a block-size macro turned into `block_size_x`/`block_size_y`).

Each kernel is launched with its own program's geometry: the grid the program computes (a
fixed grid where the program fixes one: `grid_div_x=[]`, problem size = the grid), tuned over the
block sizes the program allows. Arguments are seeded random data in kernel order with the
kernel's own parameter types (`long` is np.int64, `bool*` an np.bool_ array, `unsigned int`
np.uint32); where a kernel reads indices (bfs's graph, srad's neighbour tables) they are valid.
Sizes: a launch at a good block size takes roughly 0.1-3 ms on an H200, and a case's arguments
stay under 2 GB. `small` is the same kernel and tune space on tiny data; `reference` computes
in numpy what one launch writes, from the small case's arguments.

Outputs that depend on the block size (per-block partial sums and histograms) are checked
through `compare`, which gets the `reference` dict and the launched kernel's outputs (either
order: the reference entry is the short one) and compares what the block size does not change:
the sum of the partials, or the histogram summed over the partial histograms.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks.kernels.corpus import CorpusKernel
from benchmarks.kernels.suite import POWERS_OF_TWO, RESTRICT_2D, TUNE_1D, TUNE_2D, Case

from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent
CUDA_SAMPLES_DIR = CORPUS_DIR / "cuda_samples"
RODINIA_DIR = CORPUS_DIR / "rodinia"

CS_ORIGIN = "NVIDIA/cuda-samples @ c94ff366aed18c797b8a85dfaac7817b0228b420, {path}, BSD-3-Clause"
RO_ORIGIN = ("yuhc/gpu-rodinia (Rodinia 3.1 mirror) @ 9c10d3ea16ddba2ba057cc3951a9efc4c2cc18a4, {path}, "
             "Rodinia licence (BSD-style, University of Virginia)")

POW2_1D = {"block_size_x": [32, 64, 128, 256, 512, 1024]}


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _f(rng, n, low=-1.0, high=1.0) -> np.ndarray:
    return rng.uniform(low, high, n).astype(np.float32)


def _label(*dims) -> str:
    return "x".join(str(d) for d in dims)


def _pair(source, name, kernel_name, file, full, small, tune, *, grid_div_x=None, grid_div_y=None,
          restrictions=(), smem_args=None):
    """(case, small case): full and small are (label, problem_size, arguments builder)."""
    directory = CUDA_SAMPLES_DIR if source == "cuda-samples" else RODINIA_DIR
    cases = []
    for label, problem_size, arguments in (full, small):
        cases.append(Case(name=f"{source}/{name}@{label}", kernel_name=kernel_name, source_path=directory / file,
                          problem_size=tuple(problem_size), arguments=arguments, tune_params=tune,
                          grid_div_x=grid_div_x, grid_div_y=grid_div_y, restrictions=list(restrictions),
                          family="corpus", size_index=0, smem_args=smem_args))
    return cases[0], cases[1]


def _split(expected: dict, actual: dict, index: int) -> tuple[np.ndarray, np.ndarray]:
    """The reference entry and the kernel's output for `index`, whichever order they came in
    (the reference's entry is the shorter array)."""
    a, b = np.asarray(expected[index]), np.asarray(actual[index])
    return (a, b) if a.size <= b.size else (b, a)


def _partial_sum_compare(index: int, grid_sizes: list[int] | None, rtol: float):
    """The kernel writes one partial sum per block to argument `index`; their sum must equal the
    reference's single total. grid_sizes: the block counts the tune space can give (the kernel
    writes only the first `grid` entries); None: every entry is written."""
    def compare(expected, actual):
        reference, output = _split(expected, actual, index)
        total = float(reference.ravel()[0])
        candidates = [output.size] if grid_sizes is None else grid_sizes
        sums = [float(np.sum(output.ravel()[:g], dtype=np.float64)) for g in candidates]
        if any(abs(s - total) <= rtol * max(1.0, abs(total)) for s in sums):
            return None
        return f"partial sums add up to {sums} (for grids {candidates}), expected {total}"
    return compare


def _histogram_compare(index: int, bins: int):
    def compare(expected, actual):
        reference, output = _split(expected, actual, index)
        merged = output.reshape(-1, bins).sum(axis=0, dtype=np.int64)
        if np.array_equal(merged, reference.astype(np.int64)):
            return None
        bad = np.flatnonzero(merged != reference)
        return f"{bad.size} bins differ, e.g. bin {bad[0]}: {merged[bad[0]]} vs {reference[bad[0]]}"
    return compare


# =============================================================================================
# cuda-samples
# =============================================================================================

def _vector_add(n):
    def build():  # A, B, C, numElements
        rng = _rng(1001)
        return [_f(rng, n), _f(rng, n), _f(rng, n), np.int32(n)]
    return build


def _transpose_args(width, height, seed):
    def build():  # odata, idata, width, height
        rng = _rng(seed)
        return [_f(rng, width * height), _f(rng, width * height), np.int32(width), np.int32(height)]
    return build


def _reduction_args(n, out, seed):
    def build():  # g_idata, g_odata, n
        rng = _rng(seed)
        return [_f(rng, n, 0.0, 1.0), _f(rng, out, 0.5, 1.0), np.uint32(n)]
    return build


def _scalar_prod(vector_n, element_n):
    def build():  # d_C, d_A, d_B, vectorN, elementN
        rng = _rng(1004)
        count = vector_n * element_n
        return [_f(rng, vector_n), _f(rng, count), _f(rng, count), np.int32(vector_n), np.int32(element_n)]
    return build


HISTOGRAM_BLOCKS = 240  # PARTIAL_HISTOGRAM256_COUNT


def _histogram(words):
    def build():  # d_PartialHistograms, d_Data, dataCount
        rng = _rng(1005)
        return [rng.integers(1, 1000, HISTOGRAM_BLOCKS * 256, dtype=np.uint32),
                rng.integers(1, 2**32, words, dtype=np.uint32), np.uint32(words)]
    return build


def _black_scholes(opt_n):
    def build():  # call, put, stock price, strike, years, Riskfree, Volatility, optN
        rng = _rng(1006)
        return [_f(rng, opt_n), _f(rng, opt_n), _f(rng, opt_n, 5.0, 30.0), _f(rng, opt_n, 1.0, 100.0),
                _f(rng, opt_n, 0.25, 10.0), np.float32(0.02), np.float32(0.30), np.int32(opt_n)]
    return build


def _fwt2(n):
    def build():  # d_Output, d_Input, stride (the first pass: N / 4)
        rng = _rng(1007)
        return [_f(rng, n), _f(rng, n), np.int32(n // 4)]
    return build


def _modulate(n):
    def build():  # d_A, d_B, N
        rng = _rng(1008)
        return [_f(rng, n), _f(rng, n), np.int32(n)]
    return build


def _matrix_mul(h_a, w_a, w_b):
    def build():  # C, A, B, wA, wB
        rng = _rng(1009)
        return [_f(rng, h_a * w_b), _f(rng, h_a * w_a), _f(rng, w_a * w_b), np.int32(w_a), np.int32(w_b)]
    return build


def _ref_vector_add(args):
    return {2: args[0] + args[1] + np.float32(0.0)}


def _ref_transpose(args):
    width, height = int(args[2]), int(args[3])
    return {0: args[1].reshape(height, width).T.ravel().copy()}


def _ref_copy(args):
    return {0: args[1].copy()}


def _ref_sum(args):
    return {1: np.array([np.sum(args[0][: int(args[2])], dtype=np.float64)])}


def _ref_scalar_prod(args):
    vector_n, element_n = int(args[3]), int(args[4])
    products = args[1].astype(np.float64) * args[2].astype(np.float64)
    return {0: products.reshape(vector_n, element_n).sum(axis=1)}


def _ref_histogram(args):
    data = args[1][: int(args[2])]
    return {0: np.bincount(data.view(np.uint8), minlength=256).astype(np.uint32)}


def _cnd(d):
    a1, a2, a3, a4, a5 = 0.31938153, -0.356563782, 1.781477937, -1.821255978, 1.330274429
    k = 1.0 / (1.0 + 0.2316419 * np.abs(d))
    cnd = 0.39894228040143267793994605993438 * np.exp(-0.5 * d * d) * (k * (a1 + k * (a2 + k * (a3 + k * (a4 + k * a5)))))
    return np.where(d > 0, 1.0 - cnd, cnd)


def _ref_black_scholes(args):
    s, x, t = (a.astype(np.float64) for a in args[2:5])
    r, v = float(args[5]), float(args[6])
    sqrt_t = np.sqrt(t)
    d1 = (np.log(s / x) + (r + 0.5 * v * v) * t) / (v * sqrt_t)
    d2 = d1 - v * sqrt_t
    cnd1, cnd2 = _cnd(d1), _cnd(d2)
    exp_rt = np.exp(-r * t)
    call = s * cnd1 - x * exp_rt * cnd2
    put = x * exp_rt * (1.0 - cnd2) - s * (1.0 - cnd1)
    return {0: call, 1: put}


def _ref_fwt2(args):
    data, stride = args[1], int(args[2])
    d0, d1, d2, d3 = (data[k * stride:(k + 1) * stride] for k in range(4))
    e0, e2, e1, e3 = d0 + d2, d0 - d2, d1 + d3, d1 - d3
    return {0: np.concatenate([e0 + e1, e0 - e1, e2 + e3, e2 - e3])}


def _ref_modulate(args):
    rcp = np.float32(1.0) / np.float32(int(args[2]))
    return {0: args[0] * (args[1] * rcp)}


def _ref_matrix_mul(args):
    w_a, w_b = int(args[3]), int(args[4])
    h_a = args[1].size // w_a
    a = args[1].reshape(h_a, w_a).astype(np.float64)
    b = args[2].reshape(w_a, w_b).astype(np.float64)
    return {0: (a @ b).ravel()}


def _cuda_samples() -> list[CorpusKernel]:
    kernels = []

    def add(pair, reference, path, idioms, rtol=1e-4, atol=1e-5, compare=None):
        case, small = pair
        kernels.append(CorpusKernel(case=case, small=small, reference=reference, source="cuda-samples",
                                    origin=CS_ORIGIN.format(path=path), idioms=tuple(idioms), rtol=rtol, atol=atol,
                                    compare=compare))

    n, sn = 1 << 26, 5000
    add(_pair("cuda-samples", "vectorAdd_vectorAdd", "vectorAdd", "vectorAdd_vectorAdd.cu",
              (str(n), (n,), _vector_add(n)), (str(sn), (sn,), _vector_add(sn)), TUNE_1D),
        _ref_vector_add, "Samples/0_Introduction/vectorAdd/vectorAdd.cu", ("early-exit bounds check",), 1e-6, 1e-7)
    # The same kernel on 24 MB, which stays in the H200's 50 MB L2 between back-to-back launches.
    n = 1 << 21
    add(_pair("cuda-samples", "vectorAdd_vectorAdd", "vectorAdd", "vectorAdd_vectorAdd.cu",
              (str(n), (n,), _vector_add(n)), (str(sn), (sn,), _vector_add(sn)), TUNE_1D),
        _ref_vector_add, "Samples/0_Introduction/vectorAdd/vectorAdd.cu",
        ("early-exit bounds check", "L2-resident working set"), 1e-6, 1e-7)

    # transpose: a TILE_DIM x BLOCK_ROWS block per TILE_DIM x TILE_DIM tile (TILE_DIM a multiple of BLOCK_ROWS;
    # the sample's 32 x 16). Static shared tiles of up to 64 x 65 floats.
    tile_tune = {"block_size_x": [8, 16, 32, 64], "block_size_y": [1, 2, 4, 8, 16, 32, 64]}
    # copy and transposeNaive keep no shared tile, so a 128-wide tile fits too (the others' static
    # TILE_DIM x (TILE_DIM + 1) floats would pass 48 KiB).
    wide_tune = {"block_size_x": [8, 16, 32, 64, 128], "block_size_y": [1, 2, 4, 8, 16, 32, 64]}
    tile_rules = ["block_size_x % block_size_y == 0", "block_size_x * block_size_y <= 1024"]
    w = h = 8192
    for seed, (kname, reference, idioms) in enumerate([
            ("copy", _ref_copy, ("tile loop", "no bounds check")),
            ("copySharedMem", _ref_copy, ("shared-memory tile", "cooperative groups sync", "masks")),
            ("transposeNaive", _ref_transpose, ("strided writes (uncoalesced)",)),
            ("transposeCoalesced", _ref_transpose, ("shared-memory tile", "bank conflicts", "cooperative groups sync")),
            ("transposeNoBankConflicts", _ref_transpose, ("shared-memory tile padded +1", "cooperative groups sync")),
            ("transposeDiagonal", _ref_transpose,
             ("diagonal block reordering (%, gridDim)", "shared-memory tile padded +1", "cooperative groups sync"))]):
        # copySharedMem's output mask assumes a square matrix; transposeDiagonal has a square-only path
        sw, sh = (256, 256) if kname in ("copySharedMem", "transposeDiagonal") else (384, 256)
        add(_pair("cuda-samples", f"transpose_{kname}", kname, f"transpose_{kname}.cu",
                  (_label(w, h), (w, h), _transpose_args(w, h, 1100 + seed)),
                  (_label(sw, sh), (sw, sh), _transpose_args(sw, sh, 1100 + seed)),
                  wide_tune if kname in ("copy", "transposeNaive") else tile_tune,
                  grid_div_x="block_size_x", grid_div_y="block_size_x", restrictions=tile_rules),
            reference, "Samples/6_Performance/transpose/transpose.cu", idioms, 0.0, 0.0)

    # reduction: reduce4 one block per 2 * blockSize elements; reduce6 the sample's fixed 64 blocks, a
    # grid-stride loop. Dynamic shared memory: blockSize floats, at least 64 (the sample's smemSize).
    smem = {"size": "max(block_size_x, 64) * 4"}
    n, sn = 1 << 27, 5000
    # reduce1..3: one (reduce3: two) elements a thread, blockDim floats of dynamic shared memory.
    for kname, per_thread, idioms in [
            ("reduce1", 1, ("interleaved addressing (bank conflicts)",)),
            ("reduce2", 1, ("sequential addressing",)),
            ("reduce3", 2, ("first add during the global load",))]:
        grid_div = "block_size_x" if per_thread == 1 else "block_size_x*2"
        out = n // (32 * per_thread)
        add(_pair("cuda-samples", f"reduction_{kname}", f"{kname}<float>", f"reduction_{kname}.cu",
                  (str(n), (n,), _reduction_args(n, out, 1203)),
                  (str(sn), (sn,), _reduction_args(sn, -(-sn // (32 * per_thread)), 1203)),
                  POW2_1D, grid_div_x=grid_div, smem_args={"size": "block_size_x * 4"}),
            _ref_sum, "Samples/2_Concepts_and_Techniques/reduction/reduction_kernel.cu",
            ("template kernel (element type)", "shared-memory tree reduction", "cooperative groups sync",
             "extern __shared__ sized from the block", "per-block partial sums") + idioms,
            compare=_partial_sum_compare(1, sorted({-(-sn // (per_thread * b)) for b in POW2_1D["block_size_x"]}), 1e-4))
    add(_pair("cuda-samples", "reduction_reduce4", "reduce4<float, block_size_x>", "reduction_reduce4.cu",
              (str(n), (n,), _reduction_args(n, n // 64, 1201)), (str(sn), (sn,), _reduction_args(sn, -(-sn // 64), 1201)),
              POW2_1D, grid_div_x="block_size_x*2", smem_args=smem),
        _ref_sum, "Samples/2_Concepts_and_Techniques/reduction/reduction_kernel.cu",
        ("template kernel (blockSize)", "cooperative groups tiled_partition", "warp shuffle (shfl_down)",
         "extern __shared__ sized from the block", "per-block partial sums"),
        compare=_partial_sum_compare(1, sorted({-(-sn // (2 * b)) for b in POW2_1D["block_size_x"]}), 1e-4))
    n, sn, blocks = 1 << 26, 4096, 64
    add(_pair("cuda-samples", "reduction_reduce6", "reduce6<float, block_size_x, true>", "reduction_reduce6.cu",
              (str(n), (blocks,), _reduction_args(n, blocks, 1202)), (str(sn), (blocks,), _reduction_args(sn, blocks, 1202)),
              POW2_1D, grid_div_x=[], smem_args=smem),
        _ref_sum, "Samples/2_Concepts_and_Techniques/reduction/reduction_kernel.cu",
        ("template kernel (blockSize, nIsPow2)", "grid-stride loop over a fixed grid", "cooperative groups tiled_partition",
         "warp shuffle (shfl_down)", "extern __shared__ sized from the block", "per-block partial sums"),
        compare=_partial_sum_compare(1, None, 1e-4))

    vn, en = 1024, 32768
    add(_pair("cuda-samples", "scalarProd_scalarProdGPU", "scalarProdGPU", "scalarProd_scalarProdGPU.cu",
              (_label(vn, en), (128,), _scalar_prod(vn, en)), (_label(16, 2048), (128,), _scalar_prod(16, 2048)),
              TUNE_1D, grid_div_x=[]),
        _ref_scalar_prod, "Samples/2_Concepts_and_Techniques/scalarProd/scalarProd_kernel.cuh",
        ("block-stride loops over a fixed grid (128 blocks)", "__mul24", "shared-memory tree reduction",
         "cooperative groups sync"), 1e-3, 1e-3)

    words, swords = 1 << 26, 3000
    add(_pair("cuda-samples", "histogram_histogram256Kernel", "histogram256Kernel", "histogram_histogram256Kernel.cu",
              (str(words), (HISTOGRAM_BLOCKS,), _histogram(words)), (str(swords), (HISTOGRAM_BLOCKS,), _histogram(swords)),
              TUNE_1D, grid_div_x=[]),
        _ref_histogram, "Samples/2_Concepts_and_Techniques/histogram/histogram256.cu",
        ("shared-memory atomics", "per-warp sub-histograms", "grid-stride loop over a fixed grid (240 blocks)",
         "per-block partial histograms"), compare=_histogram_compare(0, 256))

    opt, sopt = 1 << 26, 4000
    add(_pair("cuda-samples", "BlackScholes_BlackScholesGPU", "BlackScholesGPU", "BlackScholes_BlackScholesGPU.cu",
              (str(opt), (opt // 2,), _black_scholes(opt)), (str(sopt), (sopt // 2,), _black_scholes(sopt)),
              {"block_size_x": [32, 64, 96, 128]}),  # __launch_bounds__(128): at most 128 threads
        _ref_black_scholes, "Samples/5_Domain_Specific/BlackScholes/BlackScholes_kernel.cuh",
        ("__launch_bounds__", "float2 vector loads", "fast math intrinsics (__expf, __logf, __fdividef)",
         "two elements a thread (ILP)"), 1e-3, 2e-3)

    n, sn = 1 << 26, 8192
    add(_pair("cuda-samples", "fastWalshTransform_fwtBatch2Kernel", "fwtBatch2Kernel",
              "fastWalshTransform_fwtBatch2Kernel.cu", (str(n), (n // 4,), _fwt2(n)), (str(sn), (sn // 4,), _fwt2(sn)),
              POW2_1D),  # N = blockDim.x * gridDim.x * 4: the block must divide N / 4
        _ref_fwt2, "Samples/5_Domain_Specific/fastWalshTransform/fastWalshTransform_kernel.cuh",
        ("radix-4 butterfly", "gridDim-derived length", "bit masks on the index"), 1e-6, 1e-6)
    n, sn = 1 << 24, 5000
    add(_pair("cuda-samples", "fastWalshTransform_modulateKernel", "modulateKernel",
              "fastWalshTransform_modulateKernel.cu", (str(n), (128,), _modulate(n)), (str(sn), (128,), _modulate(sn)),
              TUNE_1D, grid_div_x=[]),
        _ref_modulate, "Samples/5_Domain_Specific/fastWalshTransform/fastWalshTransform_kernel.cuh",
        ("grid-stride loop over a fixed grid (128 blocks)",), 1e-6, 1e-7)
    n = 1 << 22  # 32 MB: L2-resident between launches
    add(_pair("cuda-samples", "fastWalshTransform_modulateKernel", "modulateKernel",
              "fastWalshTransform_modulateKernel.cu", (str(n), (128,), _modulate(n)), (str(sn), (128,), _modulate(sn)),
              TUNE_1D, grid_div_x=[]),
        _ref_modulate, "Samples/5_Domain_Specific/fastWalshTransform/fastWalshTransform_kernel.cuh",
        ("grid-stride loop over a fixed grid (128 blocks)", "L2-resident working set"), 1e-6, 1e-7)

    # matrixMul: BLOCK_SIZE x BLOCK_SIZE blocks, BLOCK_SIZE a template parameter; the sizes divide 2016 and 96.
    size = 2016
    sizes = [4, 6, 8, 12, 16, 24, 32]
    add(_pair("cuda-samples", "matrixMul_MatrixMulCUDA", "MatrixMulCUDA<block_size_x>", "matrixMul_MatrixMulCUDA.cu",
              (_label(size, size, size), (size, size), _matrix_mul(size, size, size)),
              (_label(96, 192, 96), (96, 96), _matrix_mul(96, 192, 96)),
              {"block_size_x": sizes, "block_size_y": sizes}, restrictions=["block_size_x == block_size_y"]),
        _ref_matrix_mul, "Samples/0_Introduction/matrixMul/matrixMul.cu",
        ("template kernel (BLOCK_SIZE)", "shared-memory tiles", "#pragma unroll"), 1e-4, 1e-4)
    return kernels


# =============================================================================================
# Rodinia
# =============================================================================================

def _bfs_graph(nodes, seed):
    rng = _rng(seed)
    degree = rng.integers(1, 12, nodes, dtype=np.int32)
    starting = np.zeros(nodes, np.int32)
    starting[1:] = np.cumsum(degree[:-1], dtype=np.int64).astype(np.int32)
    edges = rng.integers(0, nodes, int(degree.sum()), dtype=np.int32)
    node_array = np.empty(2 * nodes, np.int32)  # struct Node {int starting; int no_of_edges;}
    node_array[0::2], node_array[1::2] = starting, degree
    return rng, node_array, edges


BFS_LEVEL = 3


def _bfs_kernel(nodes):
    def build():  # g_graph_nodes, g_graph_edges, g_graph_mask, g_updating_graph_mask, g_graph_visited, g_cost, n
        rng, node_array, edges = _bfs_graph(nodes, 2001)
        frontier = rng.random(nodes) < 0.1  # the current level: visited, cost BFS_LEVEL
        visited = frontier | (rng.random(nodes) < 0.3)
        cost = np.where(visited, rng.integers(0, BFS_LEVEL, nodes), -1).astype(np.int32)
        cost[frontier] = BFS_LEVEL
        updating = np.zeros(nodes, np.bool_)  # Kernel2 of the previous level cleared it
        return [node_array, edges, frontier, updating, visited, cost, np.int32(nodes)]
    return build


def _ref_bfs_kernel(args):
    node_array, edges, mask, updating, visited, cost, nodes = args
    starting, degree = node_array[0::2], node_array[1::2]
    frontier = np.flatnonzero(mask)
    counts = degree[frontier]
    owners = np.repeat(frontier, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    neighbours = edges[starting[owners] + offsets]
    reached = neighbours[~visited[neighbours]]
    new_cost, new_updating = cost.copy(), updating.copy()
    new_cost[reached] = cost[frontier[0]] + 1 if frontier.size else 0
    new_updating[reached] = True
    return {2: np.zeros_like(mask), 3: new_updating, 5: new_cost}


def _bfs_kernel2(nodes):
    def build():  # g_graph_mask, g_updating_graph_mask, g_graph_visited, g_over, n
        rng = _rng(2002)
        visited = rng.random(nodes) < 0.4
        updating = (~visited) & (rng.random(nodes) < 0.2)
        mask = np.zeros(nodes, np.bool_)  # Kernel cleared the frontier
        return [mask, updating, visited, np.zeros(1, np.bool_), np.int32(nodes)]
    return build


def _ref_bfs_kernel2(args):
    mask, updating, visited, over, _ = args
    return {0: mask | updating, 1: np.zeros_like(updating), 2: visited | updating,
            3: np.array([bool(updating.any())])}


HOTSPOT_PYRAMID = 2  # iterations a launch (the pyramid height; Rodinia's run script uses 2)


def _hotspot_params(rows, cols):
    """Cap, Rx, Ry, Rz, step as hotspot.cu's compute_tran_temp computes them (float)."""
    t_chip, chip_height, chip_width = np.float32(0.0005), np.float32(0.016), np.float32(0.016)
    grid_height, grid_width = chip_height / np.float32(rows), chip_width / np.float32(cols)
    cap = np.float32(0.5 * 1.75e6 * float(t_chip) * float(grid_width) * float(grid_height))
    rx = np.float32(float(grid_width) / (2.0 * 100 * float(t_chip) * float(grid_height)))
    ry = np.float32(float(grid_height) / (2.0 * 100 * float(t_chip) * float(grid_width)))
    rz = np.float32(float(t_chip) / (100 * float(grid_height) * float(grid_width)))
    max_slope = np.float32(3.0e6 / (0.5 * float(t_chip) * 1.75e6))
    step = np.float32(0.001 / float(max_slope))
    return cap, rx, ry, rz, step


def _hotspot(rows, cols):
    def build():  # iteration, power, temp_src, temp_dst, cols, rows, border_cols, border_rows, Cap, Rx, Ry, Rz, step, time_elapsed
        rng = _rng(2003)
        cap, rx, ry, rz, step = _hotspot_params(rows, cols)
        border = HOTSPOT_PYRAMID  # pyramid_height * EXPAND_RATE / 2
        return [np.int32(HOTSPOT_PYRAMID), _f(rng, rows * cols, 0.0, 0.005), _f(rng, rows * cols, 323.0, 325.0),
                _f(rng, rows * cols, 323.0, 325.0), np.int32(cols), np.int32(rows), np.int32(border), np.int32(border),
                cap, rx, ry, rz, step, np.float32(0.001)]
    return build


def _ref_hotspot(args):
    iterations, power, temp = int(args[0]), args[1].astype(np.float64), args[2]
    cols, rows = int(args[4]), int(args[5])
    cap, rx, ry, rz, step = args[8:13]
    step_div_cap = float(np.float32(step / cap))
    rx1, ry1, rz1 = (float(np.float32(1) / r) for r in (rx, ry, rz))
    p = power.reshape(rows, cols)
    t = temp.reshape(rows, cols).astype(np.float32)
    for _ in range(iterations):
        c = t.astype(np.float64)
        pad = np.pad(c, 1, mode="edge")
        north, south, west, east = pad[:-2, 1:-1], pad[2:, 1:-1], pad[1:-1, :-2], pad[1:-1, 2:]
        t = (c + step_div_cap * (p + (south + north - 2.0 * c) * ry1 + (east + west - 2.0 * c) * rx1
                                 + (80.0 - c) * rz1)).astype(np.float32)
    return {3: t.ravel()}


PATHFINDER_PYRAMID = 20  # rows a launch (Rodinia's run script: pyramid_height 20)


def _pathfinder(cols):
    def build():  # iteration, gpuWall, gpuSrc, gpuResults, cols, rows, startStep, border
        rng = _rng(2004)
        rows = PATHFINDER_PYRAMID + 1
        return [np.int32(PATHFINDER_PYRAMID), rng.integers(0, 10, PATHFINDER_PYRAMID * cols, dtype=np.int32),
                rng.integers(0, 10, cols, dtype=np.int32), rng.integers(1, 100, cols, dtype=np.int32),
                np.int32(cols), np.int32(rows), np.int32(0), np.int32(PATHFINDER_PYRAMID)]
    return build


def _ref_pathfinder(args):
    iterations, wall, prev, cols = int(args[0]), args[1], args[2].astype(np.int64), int(args[4])
    for i in range(iterations):
        pad = np.pad(prev, 1, mode="edge")
        prev = np.minimum(np.minimum(pad[:-2], pad[1:-1]), pad[2:]) + wall[i * cols:(i + 1) * cols]
    return {3: prev.astype(np.int32)}


def _gaussian_fan2(size):
    def build():  # m, a, b, Size, j1, t
        rng = _rng(2005)
        a = _f(rng, size * size, -1.0, 1.0).reshape(size, size)
        a[np.arange(size), np.arange(size)] += np.float32(size)  # diagonally dominant, as create_matrix's
        m = _f(rng, size * size).reshape(size, size)
        m[1:, 0] = a[1:, 0] / a[0, 0]  # Fan1's multipliers for t = 0
        return [m.ravel(), a.ravel(), _f(rng, size), np.int32(size), np.int32(size), np.int32(0)]
    return build


def _ref_gaussian_fan2(args):
    m, a, b, size, t = args[0], args[1], args[2], int(args[3]), int(args[5])
    m2, a2 = m.reshape(size, size), a.reshape(size, size).copy()
    a2[t + 1:, t:] = a2[t + 1:, t:] - m2[t + 1:, t:t + 1] * a2[t:t + 1, t:]
    b2 = b.copy()
    b2[t + 1:] = b[t + 1:] - m2[t + 1:, t] * b[t]
    return {1: a2.ravel(), 2: b2}


def _nn(n):
    def build():  # d_locations (LatLong), d_distances, numRecords, lat, lng
        rng = _rng(2006)
        locations = np.empty(2 * n, np.float32)
        locations[0::2], locations[1::2] = _f(rng, n, -90.0, 90.0), _f(rng, n, -180.0, 180.0)
        return [locations, _f(rng, n), np.int32(n), np.float32(30.0), np.float32(90.0)]
    return build


def _ref_nn(args):
    loc, lat, lng = args[0], args[3], args[4]
    return {1: np.sqrt((lat - loc[0::2]) ** 2 + (lng - loc[1::2]) ** 2).astype(np.float32)}


BACKPROP_HID = 16  # hidden units = WIDTH (backprop's 16)
BACKPROP_UNIT = 20160  # 2^6 * 3^2 * 5 * 7: every HEIGHT in the tune space divides the input count
# HEIGHT from the program's 16 up to 64 (16 x 64 = 1024 threads): the grid is (1, in / HEIGHT) and its y
# must stay <= 65535, so in = 52 * 20160 (about 16 times Rodinia's 65536 inputs) needs HEIGHT >= 16.
BACKPROP_HEIGHTS = [d for d in range(16, 65) if BACKPROP_UNIT % d == 0]


def _backprop_adjust(n_in):
    def build():  # delta, hid, ly, in, w, oldw
        rng = _rng(2007)
        cells = (n_in + 1) * (BACKPROP_HID + 1)
        return [_f(rng, BACKPROP_HID + 1, -0.1, 0.1), np.int32(BACKPROP_HID), _f(rng, n_in + 1, 0.0, 1.0),
                np.int32(n_in), _f(rng, cells, -0.5, 0.5), _f(rng, cells, -0.05, 0.05)]
    return build


def _ref_backprop_adjust(args):
    delta, hid, ly, n_in, w, oldw = args
    hid, n_in = int(hid), int(n_in)
    w2 = w.reshape(n_in + 1, hid + 1).astype(np.float64)
    o2 = oldw.reshape(n_in + 1, hid + 1).astype(np.float64)
    d, y = delta.astype(np.float64), ly.astype(np.float64)
    new_w, new_o = w2.copy(), o2.copy()
    step = 0.3 * d[None, 1:] * y[1:, None] + 0.3 * o2[1:, 1:]
    new_w[1:, 1:] = w2[1:, 1:] + step
    new_o[1:, 1:] = step
    step0 = 0.3 * d[1:] + 0.3 * o2[0, 1:]
    new_w[0, 1:] = w2[0, 1:] + step0
    new_o[0, 1:] = step0
    return {4: new_w.astype(np.float32).ravel(), 5: new_o.astype(np.float32).ravel()}


KMEANS_FEATURES = 34  # the kdd_cup input's features


def _kmeans_invert(points):
    def build():  # input, output, npoints, nfeatures
        rng = _rng(2008)
        count = points * KMEANS_FEATURES
        return [_f(rng, count, 0.0, 1.0), _f(rng, count), np.int32(points), np.int32(KMEANS_FEATURES)]
    return build


def _ref_kmeans_invert(args):
    points, features = int(args[2]), int(args[3])
    return {1: args[0].reshape(points, features).T.ravel().copy()}


def _hotspot3d(nx, ny, nz):
    def build():  # p, tIn, tOut, sdc, nx, ny, nz, ce, cw, cn, cs, ct, cb, cc
        rng = _rng(2009)
        t_chip, chip_height, chip_width = 0.0005, 0.016, 0.016
        dx, dy, dz = np.float32(chip_height / ny), np.float32(chip_width / nx), np.float32(t_chip / nz)
        cap = np.float32(0.5 * 1.75e6 * t_chip * dx * dy)
        rx = np.float32(dy / (2.0 * 100 * t_chip * dx))
        ry = np.float32(dx / (2.0 * 100 * t_chip * dy))
        rz = np.float32(dz / (100 * dx * dy))
        max_slope = np.float32(3.0e6 / (0.5 * t_chip * 1.75e6))
        dt = np.float32(0.001 / max_slope)
        sdc = np.float32(dt / cap)
        ce = cw = np.float32(sdc / rx)
        cn = cs = np.float32(sdc / ry)
        ct = cb = np.float32(sdc / rz)
        cc = np.float32(1.0 - (2.0 * ce + 2.0 * cn + 3.0 * ct))
        count = nx * ny * nz
        return [_f(rng, count, 0.0, 0.005), _f(rng, count, 320.0, 345.0), _f(rng, count, 320.0, 345.0), sdc,
                np.int32(nx), np.int32(ny), np.int32(nz), ce, cw, cn, cs, ct, cb, cc]
    return build


def _ref_hotspot3d(args):
    p, t_in = args[0], args[1]
    sdc, nx, ny, nz = float(args[3]), int(args[4]), int(args[5]), int(args[6])
    ce, cw, cn, cs, ct, cb, cc = (float(v) for v in args[7:14])
    t = t_in.reshape(nz, ny, nx).astype(np.float64)
    pad = np.pad(t, 1, mode="edge")
    centre = t
    west, east = pad[1:-1, 1:-1, :-2], pad[1:-1, 1:-1, 2:]
    north, south = pad[1:-1, :-2, 1:-1], pad[1:-1, 2:, 1:-1]
    below, above = pad[:-2, 1:-1, 1:-1], pad[2:, 1:-1, 1:-1]
    out = (cc * centre + cw * west + ce * east + cs * south + cn * north + cb * below + ct * above
           + sdc * p.reshape(nz, ny, nx) + ct * 80.0)
    return {2: out.astype(np.float32).ravel()}


CFD_NVAR = 5
CFD_UNIT = 32 * 3360  # 3360 = 2^5 * 3 * 5 * 7: every block size in CFD_TUNE divides nelr (no bounds check)
CFD_TUNE = {"block_size_x": [32 * m for m in range(1, 33) if 3360 % m == 0]}
CFD_RK_STEP = 1  # j of the RK loop


def _cfd_variables(rng, nelr):
    density = _f(rng, nelr, 0.5, 1.5)
    momentum = [_f(rng, nelr, -0.5, 0.5) for _ in range(3)]
    pressure = _f(rng, nelr, 0.5, 1.5)
    speed_sqd = sum((m / density) ** 2 for m in momentum)
    energy = (0.5 * density * speed_sqd + pressure / np.float32(0.4)).astype(np.float32)
    return np.concatenate([density] + momentum + [energy])


def _cfd_step_factor(nelr):
    def build():  # nelr, variables, areas, step_factors
        rng = _rng(2010)
        return [np.int32(nelr), _cfd_variables(rng, nelr), _f(rng, nelr, 0.1, 1.0), _f(rng, nelr)]
    return build


def _ref_cfd_step_factor(args):
    nelr, variables, areas = int(args[0]), args[1].astype(np.float64), args[2].astype(np.float64)
    v = variables.reshape(CFD_NVAR, nelr)
    density, momentum, energy = v[0], v[1:4], v[4]
    speed_sqd = ((momentum / density) ** 2).sum(axis=0)
    pressure = 0.4 * (energy - 0.5 * density * speed_sqd)
    sound = np.sqrt(1.4 * pressure / density)
    return {3: 0.5 / (np.sqrt(areas) * (np.sqrt(speed_sqd) + sound))}


def _cfd_time_step(nelr):
    def build():  # j, nelr, old_variables, variables, step_factors, fluxes
        rng = _rng(2011)
        return [np.int32(CFD_RK_STEP), np.int32(nelr), _cfd_variables(rng, nelr), _f(rng, CFD_NVAR * nelr),
                _f(rng, nelr, 1e-3, 1e-2), _f(rng, CFD_NVAR * nelr)]
    return build


def _ref_cfd_time_step(args):
    j, nelr, old, _, factors, fluxes = args
    factor = factors / np.float32(3 + 1 - int(j))
    return {3: (old.reshape(CFD_NVAR, -1) + factor[None, :] * fluxes.reshape(CFD_NVAR, -1)).ravel()}


SRAD_LAMBDA = np.float32(0.5)
SRAD_Q0SQR = np.float32(0.05)


def _srad_neighbours(rows, cols):
    """main.cu's iN, iS, jE, jW: the row above/below and the column right/left, clamped."""
    i_n = np.arange(rows, dtype=np.int32) - 1
    i_s = np.arange(rows, dtype=np.int32) + 1
    j_w = np.arange(cols, dtype=np.int32) - 1
    j_e = np.arange(cols, dtype=np.int32) + 1
    i_n[0], i_s[-1], j_w[0], j_e[-1] = 0, rows - 1, 0, cols - 1
    return i_n, i_s, j_e, j_w


def _srad_image(rng, count):
    return np.exp(rng.uniform(0.0, 255.0, count) / 255.0).astype(np.float32)  # extract's output range (1, e)


def _srad_extract(rows, cols):
    def build():  # d_Ne, d_I
        return [np.int64(rows * cols), _f(_rng(2012), rows * cols, 1.0, 255.0)]
    return build


def _srad_prepare(rows, cols):
    def build():  # d_Ne, d_I, d_sums, d_sums2
        rng = _rng(2013)
        count = rows * cols
        return [np.int64(count), _srad_image(rng, count), _f(rng, count), _f(rng, count)]
    return build


def _srad_compress(rows, cols):
    def build():  # d_Ne, d_I
        return [np.int64(rows * cols), _srad_image(_rng(2014), rows * cols)]
    return build


def _srad_srad(rows, cols):
    def build():  # lambda, Nr, Nc, Ne, iN, iS, jE, jW, dN, dS, dE, dW, q0sqr, c, I
        rng = _rng(2015)
        count = rows * cols
        return [SRAD_LAMBDA, np.int32(rows), np.int32(cols), np.int64(count), *_srad_neighbours(rows, cols),
                _f(rng, count), _f(rng, count), _f(rng, count), _f(rng, count), SRAD_Q0SQR, _f(rng, count),
                _srad_image(rng, count)]
    return build


def _srad_srad2(rows, cols):
    def build():  # lambda, Nr, Nc, Ne, iN, iS, jE, jW, dN, dS, dE, dW, c, I
        rng = _rng(2016)
        count = rows * cols
        return [SRAD_LAMBDA, np.int32(rows), np.int32(cols), np.int64(count), *_srad_neighbours(rows, cols),
                _f(rng, count, -0.2, 0.2), _f(rng, count, -0.2, 0.2), _f(rng, count, -0.2, 0.2),
                _f(rng, count, -0.2, 0.2), _f(rng, count, 0.0, 1.0), _srad_image(rng, count)]
    return build


def _ref_srad_extract(args):
    return {1: np.exp(args[1] / np.float32(255)).astype(np.float32)}


def _ref_srad_prepare(args):
    return {2: args[1].copy(), 3: args[1] * args[1]}


def _ref_srad_compress(args):
    return {1: (np.log(args[1]) * np.float32(255)).astype(np.float32)}


def _srad_grid(args):
    rows, cols = int(args[1]), int(args[2])
    i_n, i_s, j_e, j_w = args[4:8]
    return rows, cols, i_n, i_s, j_e, j_w


def _ref_srad_srad(args):
    rows, cols, i_n, i_s, j_e, j_w = _srad_grid(args)
    q0sqr = np.float32(args[12])
    image = args[14].reshape(cols, rows)  # column-major: element row + Nr * col
    jc = image
    d_n = image[:, i_n] - jc
    d_s = image[:, i_s] - jc
    d_w = image[j_w, :] - jc
    d_e = image[j_e, :] - jc
    g2 = ((d_n * d_n + d_s * d_s + d_w * d_w + d_e * d_e) / (jc * jc)).astype(np.float32)
    lap = ((d_n + d_s + d_w + d_e) / jc).astype(np.float32)
    num = (0.5 * g2.astype(np.float64) - (1.0 / 16.0) * (lap * lap).astype(np.float64)).astype(np.float32)
    den = (1 + 0.25 * lap.astype(np.float64)).astype(np.float32)
    qsqr = (num / (den * den)).astype(np.float32)
    den = ((qsqr - q0sqr) / (q0sqr * (np.float32(1) + q0sqr))).astype(np.float32)
    c = np.clip((1.0 / (1.0 + den.astype(np.float64))).astype(np.float32), 0, 1)
    return {8: d_n.ravel(), 9: d_s.ravel(), 10: d_e.ravel(), 11: d_w.ravel(), 13: c.ravel()}


def _ref_srad_srad2(args):
    rows, cols, i_n, i_s, j_e, j_w = _srad_grid(args)
    lam = float(args[0])
    d_n, d_s, d_e, d_w, c, image = (a.reshape(cols, rows) for a in args[8:14])
    c_s = c[:, i_s]
    c_e = c[j_e, :]
    div = (c * d_n + c_s * d_s + c * d_w + c_e * d_e).astype(np.float32)
    return {13: (image.astype(np.float64) + 0.25 * lam * div.astype(np.float64)).astype(np.float32).ravel()}


def _rodinia() -> list[CorpusKernel]:
    kernels = []

    def add(pair, reference, path, idioms, rtol=1e-4, atol=1e-5, compare=None):
        case, small = pair
        kernels.append(CorpusKernel(case=case, small=small, reference=reference, source="rodinia",
                                    origin=RO_ORIGIN.format(path=path), idioms=tuple(idioms), rtol=rtol, atol=atol,
                                    compare=compare))

    nodes, snodes = 1 << 24, 3000
    add(_pair("rodinia", "bfs_Kernel", "Kernel", "bfs_Kernel.cu", (str(nodes), (nodes,), _bfs_kernel(nodes)),
              (str(snodes), (snodes,), _bfs_kernel(snodes)), TUNE_1D),
        _ref_bfs_kernel, "cuda/bfs/kernel.cu",
        ("graph traversal: data-dependent loop bounds", "indirect (gather) loads", "early exit on a mask",
         "bool arrays", "array of structs"), 0.0, 0.0)
    nodes2 = 1 << 27
    add(_pair("rodinia", "bfs_Kernel2", "Kernel2", "bfs_Kernel2.cu", (str(nodes2), (nodes2,), _bfs_kernel2(nodes2)),
              (str(snodes), (snodes,), _bfs_kernel2(snodes)), TUNE_1D),
        _ref_bfs_kernel2, "cuda/bfs/kernel2.cu", ("early exit on a mask", "bool arrays", "one shared flag written by many"),
        0.0, 0.0)

    n, sn = 8192, 77
    hot_sizes = list(range(2 * HOTSPOT_PYRAMID + 1, 33))  # at least one computed cell a block
    add(_pair("rodinia", "hotspot_calculate_temp", "calculate_temp", "hotspot_calculate_temp.cu",
              (_label(n, n), (n, n), _hotspot(n, n)), (_label(sn, 61), (61, sn), _hotspot(sn, 61)),
              {"block_size_x": hot_sizes, "block_size_y": hot_sizes}, grid_div_x=f"block_size_x-{2 * HOTSPOT_PYRAMID}",
              grid_div_y=f"block_size_x-{2 * HOTSPOT_PYRAMID}", restrictions=["block_size_x == block_size_y"]),
        _ref_hotspot, "cuda/hotspot/hotspot.cu",
        ("ghost-zone pyramid (overlapping tiles)", "shared-memory stencil", "masks", "square tile from a macro"),
        1e-5, 1e-3)

    cols, scols = 1 << 23, 3000
    add(_pair("rodinia", "pathfinder_dynproc_kernel", "dynproc_kernel", "pathfinder_dynproc_kernel.cu",
              (str(cols), (cols,), _pathfinder(cols)), (str(scols), (scols,), _pathfinder(scols)),
              {"block_size_x": list(range(64, 1025, 32))}, grid_div_x=f"block_size_x-{2 * PATHFINDER_PYRAMID}"),
        _ref_pathfinder, "cuda/pathfinder/pathfinder.cu",
        ("ghost-zone pyramid (overlapping tiles)", "shared-memory dynamic programming", "int min", "masks"), 0.0, 0.0)

    size, ssize = 8192, 70
    add(_pair("rodinia", "gaussian_Fan2", "Fan2", "gaussian_Fan2.cu", (str(size), (size, size), _gaussian_fan2(size)),
              (str(ssize), (ssize, ssize), _gaussian_fan2(ssize)), TUNE_2D, restrictions=RESTRICT_2D),
        _ref_gaussian_fan2, "cuda/gaussian/gaussian.cu",
        ("early exits", "x over rows (strided accesses)", "one row of threads also updates a vector"), 1e-5, 1e-5)

    n, sn = 1 << 26, 5000
    add(_pair("rodinia", "nn_euclid", "euclid", "nn_euclid.cu", (str(n), (n,), _nn(n)), (str(sn), (sn,), _nn(sn)),
              TUNE_1D),
        _ref_nn, "cuda/nn/nn_cuda.cu", ("array of structs (float pairs)", "early-exit bounds check", "sqrt"), 1e-5, 1e-5)

    n_in, sn_in = BACKPROP_UNIT * 52, BACKPROP_UNIT
    add(_pair("rodinia", "backprop_bpnn_adjust_weights_cuda", "bpnn_adjust_weights_cuda",
              "backprop_bpnn_adjust_weights_cuda.cu", (str(n_in), (BACKPROP_HID, n_in), _backprop_adjust(n_in)),
              (str(sn_in), (BACKPROP_HID, sn_in), _backprop_adjust(sn_in)),
              {"block_size_x": [BACKPROP_HID], "block_size_y": BACKPROP_HEIGHTS}),
        _ref_backprop_adjust, "cuda/backprop/backprop_cuda_kernel.cu",
        ("2-D block over a (hid+1)-wide matrix", "double-precision constants", "block-0 extra row"), 1e-5, 1e-6)

    points, spoints = 1 << 22, 3000
    add(_pair("rodinia", "kmeans_invert_mapping", "invert_mapping", "kmeans_invert_mapping.cu",
              (str(points), (points,), _kmeans_invert(points)), (str(spoints), (spoints,), _kmeans_invert(spoints)),
              TUNE_1D),
        _ref_kmeans_invert, "cuda/kmeans/kmeans_cuda_kernel.cu",
        ("strided (AoS to SoA) reads", "per-thread loop over features", "early-exit bounds check"), 0.0, 0.0)

    nx, nz = 1024, 128
    add(_pair("rodinia", "hotspot3D_hotspotOpt1", "hotspotOpt1", "hotspot3D_hotspotOpt1.cu",
              (_label(nx, nx, nz), (nx, nx), _hotspot3d(nx, nx, nz)), (_label(nx, nx, 2), (nx, nx), _hotspot3d(nx, nx, 2)),
              TUNE_2D, restrictions=RESTRICT_2D),  # no bounds check: every power-of-two block divides 1024
        _ref_hotspot3d, "cuda/hotspot3D/opt1.cu",
        ("2.5-D stencil: a z loop in registers", "clamped neighbours", "no bounds check"), 1e-5, 1e-3)

    nelr, snelr = CFD_UNIT * 256, CFD_UNIT
    add(_pair("rodinia", "cfd_cuda_compute_step_factor", "cuda_compute_step_factor", "cfd_cuda_compute_step_factor.cu",
              (str(nelr), (nelr,), _cfd_step_factor(nelr)), (str(snelr), (snelr,), _cfd_step_factor(snelr)), CFD_TUNE),
        _ref_cfd_step_factor, "cuda/cfd/euler3d.cu",
        ("structure-of-arrays loads", "float3", "sqrtf and divisions", "no bounds check (padded nelr)"), 1e-5, 1e-6)
    nelr = CFD_UNIT * 128
    add(_pair("rodinia", "cfd_cuda_time_step", "cuda_time_step", "cfd_cuda_time_step.cu",
              (str(nelr), (nelr,), _cfd_time_step(nelr)), (str(snelr), (snelr,), _cfd_time_step(snelr)), CFD_TUNE),
        _ref_cfd_time_step, "cuda/cfd/euler3d.cu",
        ("structure-of-arrays streams", "no bounds check (padded nelr)"), 1e-6, 1e-6)

    rows, srows, scols = 8192, 50, 60
    for kname, builder, reference, idioms, rtol, atol in [
            ("extract", _srad_extract, _ref_srad_extract, ("64-bit (long) element count", "exp", "in place"), 1e-5, 1e-6),
            ("prepare", _srad_prepare, _ref_srad_prepare, ("64-bit (long) element count", "two output streams"), 1e-6, 0.0),
            ("compress", _srad_compress, _ref_srad_compress, ("64-bit (long) element count", "log", "in place"), 1e-5, 1e-4),
            ("srad", _srad_srad, _ref_srad_srad,
             ("64-bit (long) element count", "indirect neighbour indices", "column-major index arithmetic (% and /)",
              "double-precision constants", "saturation branches"), 1e-4, 1e-5),
            ("srad2", _srad_srad2, _ref_srad_srad2,
             ("64-bit (long) element count", "indirect neighbour indices", "column-major index arithmetic (% and /)"),
             1e-5, 1e-5)]:
        add(_pair("rodinia", f"srad_v1_{kname}", kname, f"srad_v1_{kname}.cu",
                  (_label(rows, rows), (rows * rows,), builder(rows, rows)),
                  (_label(srows, scols), (srows * scols,), builder(srows, scols)), TUNE_1D),
            reference, f"cuda/srad/srad_v1/{kname}_kernel.cu", idioms, rtol, atol)
    return kernels


CUDA_SAMPLES: list[CorpusKernel] = _cuda_samples()
RODINIA: list[CorpusKernel] = _rodinia()
