"""The robustness set: 137 third-party kernels (75 HeCBench, 37 cuda-samples, 25 Rodinia) that thirteen helper
sweeps ran through flipflop's public API to find crashes, unclear errors and unphysical numbers (CPU only,
no measurement): 33 from the first two, 30 more (15 HeCBench; 8 cuda-samples, 7 Rodinia) from sweep 3, 12 more
(6 HeCBench, 3 cuda-samples, 3 Rodinia) from sweep 5, 8 more (4 HeCBench, 3 cuda-samples, 1 Rodinia) from
sweep 6 (inline PTX, cub::WarpReduce, texture objects, structs by value, recursion, namespaces, bf16/fp8), 7 more
(6 HeCBench, 1 cuda-samples, 0 Rodinia) from sweep 7 (ML/HPC pieces: attention scores, cross-entropy backward,
int8 quantisation parameters, MX-FP4 quantise-dequantise, scatter with atomics, CSR SpMM, Monte Carlo; three
more it brought, Rodinia's hotspot3D and backprop weight update and cuda-samples' transposeNoBankConflicts,
repeated corpus kernels and were dropped), 10 more (6 HeCBench, 2 cuda-samples, 2 Rodinia) from sweep 8 (graph
kernels and pointer jumping: ECL-CC hooking, Wyllie list ranking, Jaccard row sums with sub-warp shuffles, a dense
PageRank scatter; in-place updates: torch.nonzero's index pass, lud's diagonal tile, SRAD's tree reduction; half2
adds; cooperative-groups tiles with shared double atomics and a libcu++ arrive-wait barrier), 8 more (5 HeCBench,
2 cuda-samples, 1 Rodinia) from sweep 9 (LLM and HPC pieces: a fast Hadamard transform whose only argument is a
struct holding its data pointers, GPTQ's 3-bit dequantising GEMV with a half2 table in shared memory, an SGLang-style
KV-cache store by 32-byte vectors, a vector CSR SpMV templated on the threads a row, a double 3-D anisotropic stencil
with shared planes, a multi-warp cg::reduce over block_tile_memory, DEM particle collisions with __constant__ struct
parameters, dwt2d's byte-to-float RGB split), 7 more (2 HeCBench, 4 cuda-samples, 1 Rodinia) from sweep 10 (idioms
the set lacked: a binary search's data-dependent while loop, a backtracking search with an int8_t stack in shared
memory and 64-bit atomics, eleven kinds of int atomics on one word each, a device-side assert, FP64 tensor-core
wmma, surface stores, myocyte's ~1300 lines of single-thread straight-line float code), 8 more (4 HeCBench,
2 cuda-samples, 2 Rodinia) from sweep 11 (vLLM's MoE alignment with a shared-memory histogram, cub::BlockScan and a
nullptr argument, CUB block load/scan/store templated on the block size, a LoRA shrink with float4 half loads and
cub::BlockReduce (both through <cub/cub.cuh>), t-SNE's bisection with an early break, TF32 wmma, static kernels
with extern __shared__ sized by the block and loops over blockDim (a clock()-timed reduction, huffman's Blelloch
scan), leukocyte's convergence loop over matrices reached through float ** pointer arrays), 8 more (4 HeCBench,
2 cuda-samples, 2 Rodinia) from sweep 12 (the headers and C++ features real kernel files bring: the cuRAND device API
(a Gibbs sampler's gamma rejection loop of curand_normal/curand_uniform on 48-byte XORWOW states, PyTorch's dropout
with an in-kernel Philox curand_init, curand_uniform4 and a std::pair by value, a Monte Carlo pi estimate with
overloaded getPoint), a kernel templated on non-type parameters and on the functor (upstream an extended __device__
lambda) it calls, SHOC's 512-point FFT with double2 compound literals and radix-8 butterfly macros, a whole
conjugate-gradient solve in one cooperative launch with cg::this_grid() barriers and a convergence loop, particle
filter resampling's linear CDF search with a data-dependent break and a single thread's serial prefix sum), 6 more
(6 HeCBench) from sweep 13 (LLM-training and inference pieces as their upstream libraries write them: a 4-bit AdamW
with dynamic-map quantisation tables in `static __device__ __const__` arrays and cub::BlockReduce, PyTorch's rotary
embedding through function_traits, thrust::tuple results and unannotated constexpr helpers, PyTorch's multinomial
sampling over a fixed grid, vLLM's dynamic int8 quantisation with zero point over bf16 rows, bitsandbytes'
blockwise quantiser with its binary search of the code table, word2vec CBOW with its embedding gather and scatter).
`benchmarks/robustness.py` predicts every case and checks each row's physics.

Same conventions as the unseen sets (`unseen2.py`): bodies copied verbatim (`robust/*.cu`, each with a
header naming its upstream repository, path, the commit of the stored snapshot, licence and edits), Kernel
Tuner's block_size_x/y/z #defines, seeded realistic arguments in kernel order, family "robust" and
size_index 0 for every case, block sizes the original program allows (`TUNE`, the upstream choice in the
comment), the original program's grid (fixed grids through grid_div [] and the grid as problem size) and
dynamic shared memory from `smem_args`. Inputs of several GB whose values no branch or address reads are
lazily mapped zeros (`_lazy`), so the full sizes cost no memory on the CPU. `robust_cases(small=True)` gives the same kernels at tiny sizes,
for the CPU tests (tests/test_robust_kernels.py).

suite.Case has no field for three things some of these kernels need, so `RobustCase` (a Case) adds them
rather than suite.py changing:
  - `cmem_args`: `__constant__` data (conv1d's mask<float>, binomial's option array, fdtd3d's stencil,
    nbody's softening, cfd's far-field values, convolutionRows' taps), built like the arguments;
  - `block_arguments`: kernel arguments the original program derives from the block size (nbody's
    numTiles, dwtHaar1D's dlevels and bdim, mergeSort's arrayLength, needle's i and block_width). Kernel
    Tuner's arguments are one list for every configuration, so such a case is predicted one
    configuration at a time (`predict_calls`), each call with its own arguments;
  - the physics the benchmark checks: `write_bytes`, the bytes its stores must write, and `read_bytes`,
    the bytes it must read once (both worked out by hand from the source: the helpers' figures, numbers
    or functions of the configuration), `footprint_bytes`, the distinct bytes it touches where reads and
    writes share an array (default read + write), and `dram_note`, why DRAM traffic may exceed a few
    times read + write (addresses that depend on data), where it may.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from benchmarks.kernels.suite import KERNEL_DIR, Case, configurations

ROBUST_DIR = KERNEL_DIR / "robust"
FAMILY = "robust"
POW2 = [32, 64, 128, 256, 512, 1024]

Bytes = float | Callable[[dict], float]


@dataclass(frozen=True)
class RobustCase(Case):
    """A Case with its `__constant__` data, its block-size-dependent arguments and its hand-worked bytes."""

    cmem_args: Callable[[], dict] | None = field(default=None, repr=False)
    # (arguments, configuration) -> that configuration's arguments; None: one list for all.
    block_arguments: Callable[[list, dict], list] | None = field(default=None, repr=False)
    write_bytes: Bytes = field(default=0.0, repr=False)
    read_bytes: Bytes = field(default=0.0, repr=False)
    footprint_bytes: Bytes | None = field(default=None, repr=False)
    dram_note: str = ""
    upstream: str = ""

    def bytes_at(self, params: dict) -> tuple[float, float, float]:
        """(write, read once, footprint) bytes at one configuration."""
        at = lambda value: float(value(params) if callable(value) else value)  # noqa: E731
        write, read = at(self.write_bytes), at(self.read_bytes)
        footprint = write + read if self.footprint_bytes is None else at(self.footprint_bytes)
        return write, read, footprint


def predict_calls(case: RobustCase, arguments: list) -> list[tuple[dict, list]]:
    """The (tune_params, arguments) of each predict call `case` takes: one for every configuration, or
    one a configuration where the original program derives arguments from the block size."""
    if case.block_arguments is None:
        return [(case.tune_params, arguments)]
    return [({name: [value] for name, value in params.items()}, case.block_arguments(arguments, params))
            for params in configurations(case)]


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _f32(rng: np.random.Generator, count: int, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    return rng.uniform(low, high, count).astype(np.float32)


def _bf16(rng: np.random.Generator, count: int) -> np.ndarray:
    """bf16 bit patterns (numpy has no bfloat16): the top halves of random float32s."""
    return (rng.uniform(-1, 1, count).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)


# Sizes: the helpers' (full) and tiny ones for the tests (small). Fixed-grid kernels keep their grids'
# shape. Each entry: the kernel's size parameters.
SIZES = {
    "lombscargle": {"full": (1000, 100_000), "small": (100, 1000)},          # x samples, frequencies
    "murmurhash3": {"full": (20_000,), "small": (100,)},                     # keys (lengths rand() % 10000)
    "bscan": {"full": (12 * 7 * 8 * 9 * 10,), "small": (64,)},              # blocks (the program's grid)
    "f16max": {"full": (1 << 24,), "small": (4096,)},                       # half2 elements
    "hausdorff": {"full": (100_000, 20_000), "small": (1000, 200)},         # points in A, in B
    "atomiccas": {"full": (1024 * 256,), "small": (4096,)},                 # threads (NUM_BLOCKS x BLOCK_SIZE)
    "linearprobing": {"full": (32 << 20,), "small": (1000,)},               # key/value pairs inserted
    "conv1d": {"full": (1 << 25,), "small": (4096,)},                       # input width
    "groupnorm": {"full": (8, 256, 128, 128, 32), "small": (2, 64, 8, 8, 8)},  # B, C, H, W, G
    "score": {"full": (16, 1000, 4096), "small": (2, 8, 512)},              # batch, classes, priors
    "conversion": {"full": (1 << 25,), "small": (4096,)},                   # elements
    "hypterm": {"full": (192,), "small": (24,)},                            # L = M = N
    "abrln": {"full": (16384, 4096), "small": (64, 1024)},                  # rows m, columns n
    "vangenuchten": {"full": (256 ** 3,), "small": (4096,)},                # cells
    "clenergy": {"full": (768, 4000), "small": (512, 100)},                 # volume side, atoms
    "atomicagg": {"full": (65536 * 256, 32), "small": (64 * 256, 32)},      # threads, counters
    "channelshuffle": {"full": (8, 4, 64, 16384), "small": (2, 2, 4, 256)},  # N, G, K, H x W
    "haversine": {"full": ((1 << 21) * 6,), "small": (4096,)},             # city pairs (2^21 cities x 6)
    "michalewicz": {"full": (100_000_000, 5), "small": (4096, 5)},          # vectors, dimensions
    "wedford": {"full": (512, 512, 8192), "small": (4, 8, 64)},             # batch bs, spatial ss, features fs
    "randomAccess": {"full": (1 << 26,), "small": (1 << 12,)},              # table size (NUPDATE = 4 x it)
    "f16sp": {"full": (1 << 27, 65536), "small": (4096, 64)},               # half2 elements, the program's blocks
    "dp4a": {"full": (1 << 28,), "small": (1 << 14,)},                      # uints in a and b
    "vol2col": {"full": (4, 3, 255, 255, 9), "small": (1, 2, 7, 7, 3)},     # channels, depth, height, width, kernel
    "moe_sum": {"full": (256, 8192), "small": (4, 256)},                    # tokens, hidden
    "scatterAdd": {"full": (10_000_000, 32, 64), "small": (20_000, 8, 16)},  # batch, output rows, vector_dim
    "matern": {"full": (300 ** 3,), "small": (4096,)},                      # targets (50 sources)
    "entropy": {"full": (8192, 8192), "small": (64, 64)},                   # width, height
    "channelSum": {"full": (64, 512, 224 * 224), "small": (2, 8, 64)},      # N, C, H x W
    "rodrigues": {"full": (1 << 24,), "small": (4096,)},                    # float3 points
    "f16atomic": {"full": (1 << 25,), "small": (4096,)},                    # threads (one atomic each)
    "logprob": {"full": (1024, 8, 50257), "small": (16, 2, 1000)},          # max length, batch, vocabulary
    "dwt_haar1d": {"full": (1 << 24,), "small": (1 << 12,)},                # signal length
    "binomial": {"full": (1024,), "small": (16,)},                          # options (one block each)
    "sobol": {"full": (1 << 20, 64), "small": (1 << 12, 4)},                # vectors, dimensions
    "fdtd3d": {"full": (256,), "small": (32,)},                             # dimx = dimy = dimz
    "nbody": {"full": (32768,), "small": (1024,)},                          # bodies
    "scan": {"full": (1 << 25,), "small": (1 << 16,)},                      # uints
    "mergesort": {"full": (1 << 24,), "small": (1 << 12,)},                 # keys
    "wmma_gemm": {"full": (4096,), "small": (256,)},                        # M = N = K
    "warpagg_filter": {"full": (1 << 25,), "small": (4096,)},               # elements
    "jacobi": {"full": (4096, 4096), "small": (128, 128)},                  # width, height
    "conv_rows": {"full": (3072,), "small": (512,)},                        # imageW = imageH
    "dct8x8_2d": {"full": (4096,), "small": (256,)},                        # image side
    "recgauss": {"full": (4096,), "small": (256,)},                         # image side
    "boxfilter_y": {"full": (4096, 14), "small": (256, 14)},                # image side, radius
    "fp16dot": {"full": (1 << 24,), "small": (1 << 14,)},                   # half2 elements
    "reduce_mbcg": {"full": (1 << 25, 264), "small": (1 << 16, 264)},       # floats, the cooperative grid
    "particles_reorder": {"full": (1 << 22, 1 << 24), "small": (4096, 16384)},  # particles, cells
    "async_matmul": {"full": (4096,), "small": (256,)},                     # M = N = K
    "lud_internal": {"full": (8192,), "small": (256,)},                     # matrix side
    "nw_shared1": {"full": (8192,), "small": (256,)},                       # sequence length (cols - 1)
    "btree_findk": {"full": (65536, 8000, 1 << 20), "small": (1024, 100, 4096)},  # queries, knodes, records
    "gaussian_fan1": {"full": (8192,), "small": (256,)},                    # Size
    "cfd_flux_fp64": {"full": (1 << 20,), "small": (4096,)},                # elements
    "pf_likelihood": {"full": (1 << 20, 128, 128, 10), "small": (4096, 16, 16, 4)},  # particles, X, Y, frames
    "backprop_layerforward": {"full": (983040,), "small": (4096,)},          # input units (hid 16)
    "srad_v2_1": {"full": (4096,), "small": (256,)},                        # rows = cols
    "lud_perimeter": {"full": (8192,), "small": (256,)},                    # matrix side
    "hist1024": {"full": (1 << 24,), "small": (1 << 14,)},                  # floats
    "vlc_huffman": {"full": (1 << 24,), "small": (1 << 14,)},               # words (4 symbols each)
    "histo_huffman": {"full": (100 << 20,), "small": (1 << 16,)},           # bytes
    "needle_shared2": {"full": (8192,), "small": (256,)},                   # sequence length (cols - 1)
    # sweep 5
    "softmax_fused": {"full": (16, 12, 1024, 1024), "small": (1, 2, 64, 1024)},  # batches, heads, query, key length
    "nlll": {"full": (1 << 20, 1000), "small": (2048, 100)},                # frames, classes
    "stddev": {"full": (65536, 16384), "small": (64, 256)},                 # columns D, rows N
    "attn_merge": {"full": (8192, 32, 128), "small": (64, 4, 128)},         # tokens, heads, head size
    "qkv": {"full": (4096, 768, 2304), "small": (256, 64, 256)},            # B x T, C, OC (3 x C)
    "reverse2D": {"full": (8192, 8192), "small": (64, 64)},                 # rows, columns
    "binary_partition": {"full": (1 << 26,), "small": (102_400,)},          # ints (1024 x 100 upstream)
    "intimage_rows": {"full": (32 * 1080,), "small": (1080,)},              # 1920-byte scanlines
    "oddeven_sort": {"full": (1 << 24,), "small": (1 << 12,)},              # keys
    "bucketsort": {"full": (1 << 24,), "small": (1 << 14,)},                # floats (1 << 22 upstream)
    "pack2": {"full": (1 << 24,), "small": (1 << 18,)},                     # encoded words (1024 a VLC block)
    "srad_v2_2": {"full": (4096,), "small": (256,)},                        # rows = cols
    # sweep 6
    "aqlm": {"full": (12288, 4096), "small": (384, 1024)},                  # rows prob_m, columns prob_k (3 codebooks)
    "optflow_deriv": {"full": (4096, 4096), "small": (256, 256)},           # width, height
    "softmax_warpreduce": {"full": (32768, 4096), "small": (64, 256)},      # rows N, columns C
    "fp8qkv": {"full": (8192, 768, 12), "small": (64, 768, 12)},            # tokens, hidden units, heads
    "inlineptx": {"full": (1 << 26,), "small": (4096,)},                    # ints
    "interval": {"full": (65536,), "small": (4096,)},                       # threads (GRID_SIZE x BLOCK_SIZE upstream)
    "bf16gemm": {"full": (8192,), "small": (8192,)},                        # M = N = K (the program's #defines)
    "dwt53": {"full": (8192, 8192), "small": (256, 256)},                   # image width, height
    # sweep 7
    "attn_scores": {"full": (65536, 128), "small": (256, 128)},             # keys n, head size d
    "ce_bwd": {"full": (128,), "small": (2,)},                              # batch rows bs (W 81, H 8732 fixed)
    "zeropoint": {"full": (1 << 24,), "small": (4096,)},                    # channels (min/max pairs)
    "mxfp4": {"full": (1 << 26,), "small": (4096,)},                        # halves
    "scatter_sum": {"full": (1 << 25,), "small": (4096,)},                  # source elements (out num / 2)
    "spmm_csr": {"full": (262144, 256), "small": (1024, 256)},              # sparse rows (= columns), dense columns
    "mc_piq": {"full": (10_000_000,), "small": (65536,)},                   # numSims (2 x numSims Sobol floats)
    # sweep 8
    "cc_compute1": {"full": (2048,), "small": (32,)},                       # side of the triangulated lattice (nodes side^2)
    "wyllie": {"full": (8_000_000,), "small": (4096,)},                     # list elements (a random list, as upstream)
    "nonzero": {"full": (4096, 4096), "small": (64, 64)},                   # rows, columns (values -1, 0, 1)
    "jaccard_rowsum": {"full": (16384, 1024), "small": (64, 64)},           # rows, columns (90 % nonzero, rand() % 10)
    "vadd_half2": {"full": (16384 * 8192,), "small": (1 << 14,)},           # halves (M x N, 16384 x 8192 upstream)
    "pagerank_map": {"full": (8192,), "small": (256,)},                     # pages n (an n x n link matrix)
    "jacobi_cg": {"full": (512,), "small": (512,)},                         # N_ROWS (the program's #define)
    "awbarrier": {"full": (10_000_000,), "small": (65536,)},                # floats in each vector (10^7 upstream)
    "lud_diagonal": {"full": (8192,), "small": (256,)},                     # matrix side
    "srad_reduce": {"full": (5000, 4999), "small": (100, 73)},              # image rows, columns (Ne = rows x columns)
    # sweep 9
    "hadamard": {"full": (16384, 4096), "small": (64, 4096)},               # rows (tokens), dim (kLogN 12)
    "quant3": {"full": (4608, 12288), "small": (96, 512)},                  # packed rows (m / 1024 x 96), columns
    "stencil3d_sigma": {"full": (262,), "small": (34,)},                    # nx = ny = nz
    "spmv_vector": {"full": (131072, 64), "small": (1024, 16)},             # rows (= columns), nonzeros a row on average
    "kvcache_store": {"full": (16384, 262144, 128), "small": (64, 256, 128)},  # tokens, cache slots, item_size (8 layers)
    "mwcg_reduce": {"full": (1 << 24,), "small": (1 << 17,)},               # floats (64 blocks at every block size)
    "collide": {"full": (1 << 21, 128), "small": (4096, 16)},               # particles, grid side (cells side^3)
    "rgb_components": {"full": (4096 * 4096,), "small": (4096,)},           # RGB pixels
    # sweep 10
    "bsearch": {"full": (8_388_608,), "small": (4096,)},                    # aSize (the Makefile's; 2 x aSize queries)
    "langford": {"full": (15,), "small": (8,)},                             # n of PL(2, n) (15: the largest the program runs)
    "atomic_intrinsics": {"full": (64 * 256,), "small": (64 * 256,)},       # threads (numBlocks 64 x numThreads 256)
    "simple_assert": {"full": (64,), "small": (64,)},                       # threads (Nblocks 2 x Nthreads 32; N 60)
    "dmma_gemm": {"full": (8192, 8192, 4096), "small": (256, 256, 256)},    # M_GLOBAL, N_GLOBAL, K_GLOBAL
    "surface_write": {"full": (8192, 8192), "small": (64, 64)},             # image width, height (512 x 512 upstream)
    "myocyte": {"full": (2,), "small": (2,)},                               # blocks (ECC, CaM x 3)
    # sweep 11
    "moe_align": {"full": (8192, 128, 4), "small": (256, 128, 2)},          # tokens, experts, top-k (block_size 32)
    "cub_blockscan": {"full": (2227104,), "small": (64,)},                  # blocks (the Makefile's grid_size)
    "bgmv_shrink": {"full": (512, 4096, 16, 4), "small": (4, 512, 16, 4)},  # tokens, hidden, LoRA rank, LoRAs
    "tsne_sigmas": {"full": (10000, 50), "small": (256, 5)},                # points, perplexity (k = 4 x perplexity)
    "tf32_gemm": {"full": (8192, 8192, 4096), "small": (256, 256, 256)},    # M_GLOBAL, N_GLOBAL, K_GLOBAL
    "timed_reduction": {"full": (64,), "small": (64,)},                     # blocks (NUM_BLOCKS)
    "imgvf": {"full": (264, 41, 81), "small": (2, 11, 21)},                 # cells, rows m, columns n (41 x 81 at most)
    "huff_prescan": {"full": (1 << 24,), "small": (1 << 14,)},              # uints scanned
    # sweep 12
    "gibbs_theta": {"full": (1 << 20,), "small": (4096,)},                  # samples N (data.csv's lines upstream)
    "dropout": {"full": (16_777_216,), "small": (4096,)},                   # nelem (the Makefile's)
    "unfold": {"full": (10_000_000,), "small": (4096,)},                    # nelem (the Makefile's)
    "fft512": {"full": (256 << 20,), "small": (1 << 20,)},                  # bytes of double2 (problem size 3 / 0)
    "pi_inline": {"full": (10_000_000,), "small": (4096,)},                 # numSims (k_sims_max / small)
    "cg_multiblock": {"full": (1_048_576,), "small": (4096,)},              # N rows (tridiagonal, nz 3N - 2)
    "pf_find_index": {"full": (100_000,), "small": (1024,)},                # Nparticles (1000 in the run script)
    "pf_normalize": {"full": (100_000,), "small": (1024,)},                 # Nparticles (1000 in the run script)
    # sweep 13
    "adamw_4bit": {"full": (1 << 26,), "small": (4096,)},                   # vector elements (two parameters each)
    "rotary": {"full": (1 << 24,), "small": (4096,)},                       # numel (block_work_size() x 10000 upstream)
    "multinomial": {"full": (256, 128_256), "small": (64, 256)},            # distributions (batch), categories (vocab)
    "int8_azp_quant": {"full": (4096, 5137), "small": (16, 512)},           # tokens, hidden (the Makefile's)
    "bnb_quantize": {"full": (1 << 24,), "small": (4096,)},                 # elements n (the Makefile's)
    "cbow": {"full": (71_291, 6), "small": (1000, 2)},                      # vocab (text8, min-count 5), sentences
}

TUNE = {
    "lombscargle": {"block_size_x": POW2},                      # any (256 upstream)
    "murmurhash3": {"block_size_x": POW2},                      # any (BLOCK_SIZE 256)
    "bscan": {"block_size_x": POW2},                            # the program's bscan<32> ... bscan<1024>
    "f16max": {"block_size_x": POW2},                           # any (NUM_OF_THREADS 256)
    "hausdorff": {"block_size_x": POW2},                        # any (256 upstream)
    "atomiccas": {"block_size_x": POW2},                        # any (BLOCK_SIZE 256)
    "linearprobing": {"block_size_x": POW2},                    # any (threadblocksize 256)
    "conv1d": {"block_size_x": POW2},                           # any up to MAX_BLOCK_SIZE (the program loops 32-1024)
    "groupnorm": {"block_size_x": POW2},                        # up to TPB 1024, a multiple of 32
    "score": {"block_size_x": POW2},                            # BLOCK_SIZE divides BINS 2048
    "conversion": {"block_size_x": POW2},                       # any (256 upstream)
    "hypterm": {"block_size_x": [16, 32, 64], "block_size_y": [1, 2, 4, 8], "block_size_z": [1, 2, 4]},  # 16 x 4 x 4
    "abrln": {"block_size_x": POW2},                            # a multiple of 32 (min(n, 256) upstream)
    "vangenuchten": {"block_size_x": POW2},                     # any (256 upstream)
    "clenergy": {"block_size_x": [8, 16, 32, 64], "block_size_y": [1, 2, 4, 8, 16]},  # 8 x 8 upstream
    "atomicagg": {"block_size_x": POW2},                        # any (256 upstream)
    "channelshuffle": {"block_size_x": POW2},                   # NUM_THREADS (256 upstream)
    "haversine": {"block_size_x": POW2},                        # any (256 upstream)
    "michalewicz": {"block_size_x": POW2},                      # any (256 upstream)
    "wedford": {"block_size_x": [32, 64, 128, 256, 512], "block_size_y": [1, 2, 4, 8, 16, 32]},  # 32 x 16 upstream
    "randomAccess": {"block_size_x": POW2},                     # the update streams (K2_BLOCKSIZE 128)
    "f16sp": {"block_size_x": POW2},                            # NUM_OF_THREADS, a power of two (128 upstream)
    "dp4a": {"block_size_x": POW2},                             # the BlockReduce's threads (1024 upstream)
    "vol2col": {"block_size_x": POW2},                          # any (512 upstream)
    "moe_sum": {"block_size_x": POW2},                          # min(hidden / 4, 1024) upstream
    "scatterAdd": {"block_size_x": [32], "block_size_y": [1, 2, 4, 8, 16, 32]},  # (warpSize, <= 512 / 32) upstream
    "matern": {"block_size_x": [1, 2, 4, 8, 16], "block_size_y": [50, 64, 128]},  # (SX 16, 64): blockDim.y >= SY 50
    "entropy": {"block_size_x": [8, 16, 32, 64, 128], "block_size_y": [1, 2, 4, 8, 16, 32]},  # any (16 x 16 upstream)
    "channelSum": {"block_size_x": [1, 2, 4, 8, 16], "block_size_y": [16, 32, 64, 128, 256, 512]},  # (1-8, 128-16) upstream
    "rodrigues": {"block_size_x": POW2},                        # any (256 upstream)
    "f16atomic": {"block_size_x": POW2},                        # BLOCK_SIZE (256 upstream)
    "logprob": {"block_size_x": POW2},                          # min(1024, vocab) upstream, a multiple of 32
    "dwt_haar1d": {"block_size_x": [64, 128, 256, 512, 1024]},  # a power of two, 512 upstream
    "binomial": {"block_size_x": POW2},                         # THREADBLOCK_SIZE divides NUM_STEPS (128 upstream)
    "sobol": {"block_size_x": POW2},                            # any (64 upstream)
    "fdtd3d": {"block_size_x": [16, 32, 64], "block_size_y": [4, 8, 16]},  # k_blockDimX x 4-16 (32 upstream)
    "nbody": {"block_size_x": POW2},                            # divides the bodies (256 upstream)
    "scan": {"block_size_x": [64, 128, 256, 512, 1024]},        # 4 x THREADBLOCK_SIZE >= the 256-uint segments
    "mergesort": {"block_size_x": POW2},                        # SHARED_SIZE_LIMIT / 2 (512 upstream)
    "wmma_gemm": {"block_size_x": [32, 64, 128, 256], "block_size_y": [1, 2, 4, 8]},  # 128 x 4 upstream
    "warpagg_filter": {"block_size_x": POW2},                   # any (NUM_THREADS_PER_BLOCK 512)
    "jacobi": {"block_size_x": [16, 32, 64], "block_size_y": [2, 4, 6, 8, 16]},  # template <bx, by>: 32 x 6
    "conv_rows": {"block_size_x": [8, 16, 32, 64], "block_size_y": [1, 2, 4, 8, 16]},  # ROWS_BLOCKDIM 16 x 4
    "dct8x8_2d": {"block_size_x": [8], "block_size_y": [1, 2, 4, 8, 16], "block_size_z": [1, 2, 4, 8]},  # 8 x 4 x 2
    "recgauss": {"block_size_x": POW2},                         # nthreads (64 upstream)
    "boxfilter_y": {"block_size_x": POW2},                      # nthreads (64 upstream)
    "fp16dot": {"block_size_x": [128], "num_blocks": [128, 264, 528, 1056]},  # the reduction's 128; NUM_OF_BLOCKS 128
    "reduce_mbcg": {"block_size_x": POW2},                      # a power of two (the program's occupancy choice)
    "particles_reorder": {"block_size_x": POW2},                # min(256, particles) upstream
    "async_matmul": {"block_size_x": [8, 16, 32], "block_size_y": [8, 16, 32]},  # square BLOCK_SIZE (16 upstream)
    "lud_internal": {"block_size_x": [8, 16, 32], "block_size_y": [8, 16, 32]},  # square BLOCK_SIZE (16)
    "nw_shared1": {"block_size_x": [16, 32, 64]},               # BLOCK_SIZE (16 upstream)
    "btree_findk": {"block_size_x": [256]},                     # the tree's order (256): one thread a key
    "gaussian_fan1": {"block_size_x": POW2},                    # MAXBLOCKSIZE 512 upstream
    "cfd_flux_fp64": {"block_size_x": [64, 128, 256, 512]},     # block_length (128 upstream)
    "pf_likelihood": {"block_size_x": [32, 64, 128, 256, 512]},  # up to the 512-double shared buffer
    "backprop_layerforward": {"block_size_x": [16], "block_size_y": [4, 8, 16, 32, 64]},  # (hid, HEIGHT 16)
    "srad_v2_1": {"block_size_x": [8, 16, 32], "block_size_y": [8, 16, 32]},  # square BLOCK_SIZE (16 upstream)
    "lud_perimeter": {"block_size_x": [16, 32, 64]},            # 2 x BLOCK_SIZE (16 upstream)
    "hist1024": {"block_size_x": [32, 64, 96, 128, 192, 256, 384]},  # WARP_N x 32 (3 warps upstream; 48 KB shared)
    "vlc_huffman": {"block_size_x": [32, 64, 128, 256]},        # num_block_threads (256 upstream, uchar scan indices)
    "histo_huffman": {"block_size_x": [256], "num_blocks": [132, 264, 528, 1056]},  # 256 bins; 2 x SMs upstream
    "needle_shared2": {"block_size_x": [16, 32, 64]},           # BLOCK_SIZE (16 upstream)
    "softmax_fused": {"block_size_x": [32], "block_size_y": [1, 2, 4, 8, 16, 32]},  # (WARP_SIZE, 128 / 32) upstream
    "nlll": {"block_size_x": [64, 128, 256, 512, 1024]},        # NLL_LOSS_THREADS: the program runs all five
    "stddev": {"block_size_x": POW2},                           # TPB >= ColsPerBlk 32 (256 upstream)
    "attn_merge": {"block_size_x": POW2},                       # NUM_THREADS (128 upstream)
    "qkv": {"block_size_x": [16], "block_size_y": [16]},        # 16 x 16: the code's 128-wide tiles assume it
    "reverse2D": {"block_size_x": POW2},                        # TPB (256 upstream)
    "binary_partition": {"block_size_x": POW2},                 # the occupancy API's choice
    "intimage_rows": {"block_size_x": [120]},                   # 120 uint4 a 1920-byte scanline
    "oddeven_sort": {"block_size_x": POW2},                     # SHARED_SIZE_LIMIT / 2 (512 upstream)
    "bucketsort": {"block_size_x": [32]},                       # BUCKET_THREAD_N: one warp (BUCKET_WARP_N 1)
    "pack2": {"block_size_x": [16, 32, 64, 128, 256]},          # 16 upstream
    "srad_v2_2": {"block_size_x": [8, 16, 32], "block_size_y": [8, 16, 32]},  # square BLOCK_SIZE (16 upstream)
    "aqlm": {"block_size_x": [32, 64, 128, 256, 512]},          # 32 x thread_m, thread_m <= THREAD_M 16 (by SMs upstream)
    "optflow_deriv": {"block_size_x": [16, 32, 64], "block_size_y": [2, 4, 6, 8, 16]},  # 32 x 6 upstream
    "softmax_warpreduce": {"block_size_x": POW2},               # block_size (the program loops 32 ... 1024)
    "fp8qkv": {"block_size_x": [16], "block_size_y": [12], "block_size_z": [3]},  # (size_per_head / 4, heads, 3)
    "inlineptx": {"block_size_x": POW2},                        # any (256 upstream)
    "interval": {"block_size_x": [64]},                         # BLOCK_SIZE 64: the thread id uses the constant
    "bf16gemm": {"block_size_x": [256]},                        # THREADS_PER_BLOCK (8 warps)
    "dwt53": {"block_size_x": [64, 128, 192]},                  # WIN_SX: the program's three by image width
    "attn_scores": {"block_size_x": POW2},                      # a multiple of 32 (256 upstream)
    "ce_bwd": {"block_size_x": POW2},                           # threadX (64 upstream; threadBS 1)
    "zeropoint": {"block_size_x": POW2},                        # any (256 upstream)
    "mxfp4": {"block_size_x": [32, 64, 128, 256, 512, 1024]},   # a multiple of 32 dividing numel (128 upstream)
    "scatter_sum": {"block_size_x": POW2},                      # THREADS (256 upstream)
    "spmm_csr": {"block_size_x": [32], "block_size_y": [1, 2, 4, 8, 16, 32]},  # (32, tile_row): 8 in the run script
    "mc_piq": {"block_size_x": POW2},                           # threadBlockSize 32-1024 (128 default)
    "cc_compute1": {"block_size_x": POW2},                      # ThreadsPerBlock (256 upstream)
    "wyllie": {"block_size_x": POW2},                           # any (256 upstream)
    "nonzero": {"block_size_x": POW2},                          # nthreads (256 upstream)
    "jaccard_rowsum": {"block_size_x": [4, 8, 16, 32], "block_size_y": [1, 2, 4, 8, 16, 32]},  # the shfl width <= 32: (16, 4)
    "vadd_half2": {"block_size_x": POW2},                       # TPB (256 upstream)
    "pagerank_map": {"block_size_x": POW2},                     # BLOCK_SIZE (256 upstream)
    "jacobi_cg": {"block_size_x": POW2},                        # nthreads (256 upstream): tiles of 32
    "awbarrier": {"block_size_x": [64, 128, 256, 512, 1024]},   # the occupancy API's block; a co-resident grid
    "lud_diagonal": {"block_size_x": [8, 16, 32, 64]},          # BLOCK_SIZE (16 upstream; the B x B float tile <= 48 KB)
    "srad_reduce": {"block_size_x": POW2},                      # NUMBER_THREADS, a power of two (512 upstream)
    "hadamard": {"block_size_x": [32, 64, 128, 256, 512]},      # kNThreads: the traits' static_asserts at kLogN 12 (256)
    "quant3": {"block_size_x": [256]},                          # BLOCKWIDTH 256: the code's tiles assume it
    "stencil3d_sigma": {"block_size_x": [8, 16, 32], "block_size_y": [8, 16, 32]},  # square BSIZE (16 upstream)
    "spmv_vector": {"block_size_x": [2, 4, 8, 16, 32], "block_size_y": [1, 2, 4, 8, 16, 32, 64, 128, 256]},  # (BS, bs / BS): 32 x 8
    "kvcache_store": {"block_size_x": POW2},                    # a multiple of 32 (256 upstream)
    "mwcg_reduce": {"block_size_x": [64, 128, 256, 512, 1024]},  # 64-1024 (256 upstream)
    "collide": {"block_size_x": POW2},                          # computeGridSize(n, 64) upstream
    "rgb_components": {"block_size_x": POW2},                   # THREADS (256 upstream)
    "bsearch": {"block_size_x": POW2},                          # any (256 upstream)
    "langford": {"block_size_x": [1, 2, 4, 8, 16, 32]},         # kThreadsPerBlock (4 upstream; ~1 KB of static shared a thread)
    "atomic_intrinsics": {"block_size_x": POW2},                # any (numThreads 256)
    "simple_assert": {"block_size_x": POW2},                    # any (Nthreads 32)
    "dmma_gemm": {"block_size_x": [32, 64, 128, 256], "block_size_y": [1, 2, 4, 8]},  # a multiple of 32 x any: 128 x 4
    "surface_write": {"block_size_x": [8, 16, 32, 64], "block_size_y": [1, 2, 4, 8, 16, 32]},  # 8 x 8 upstream
    "myocyte": {"block_size_x": POW2},                          # NUMBER_THREADS 32 (only thread 0 works)
    "moe_align": {"block_size_x": [1024]},                      # 1024: cub::BlockScan<int, 1024> assumes it
    "cub_blockscan": {"block_size_x": POW2},                    # BLOCK_THREADS x ITEMS_PER_THREAD = 1024: the six the program runs
    "bgmv_shrink": {"block_size_x": POW2},                      # the program's 32-1024
    "tsne_sigmas": {"block_size_x": POW2},                      # any (256 upstream)
    "tf32_gemm": {"block_size_x": [32, 64, 128, 256], "block_size_y": [1, 2, 4, 8]},  # a multiple of 32 x any: 128 x 4
    "timed_reduction": {"block_size_x": POW2},                  # NUM_THREADS (256 upstream; the input 2 x blockDim)
    "imgvf": {"block_size_x": [320]},                           # threads_per_block: the kernel uses the const
    "huff_prescan": {"block_size_x": POW2},                     # BLOCK_SIZE (256 upstream), a power of two
    "gibbs_theta": {"block_size_x": POW2},                      # THREADS_PER_BLOCK (256 upstream)
    "dropout": {"block_size_x": POW2},                          # block_size (256 upstream; the grid fixed at 512)
    "unfold": {"block_size_x": [64]},                           # n_threads 64: the template argument the kernel strides by
    "fft512": {"block_size_x": [64]},                           # 64: the code's 8 x 8 transposes assume it
    "pi_inline": {"block_size_x": POW2},                        # threadBlockSize k_bsize_min 32 ... 1024 (128 default)
    "cg_multiblock": {"block_size_x": POW2},                    # THREADS_PER_BLOCK (512 upstream); any multiple of 32
    "pf_find_index": {"block_size_x": POW2},                    # threads_per_block (512 upstream)
    "pf_normalize": {"block_size_x": POW2},                     # threads_per_block (512 upstream)
    "adamw_4bit": {"block_size_x": POW2},                       # the block_size template (64 upstream): one scale a block
    "rotary": {"block_size_x": POW2},                           # num_threads() (C10_WARP_SIZE x 4 = 128 upstream)
    "multinomial": {"block_size_x": POW2},                      # GPU_NUM_THREADS (256 upstream)
    "int8_azp_quant": {"block_size_x": POW2},                   # min(hidden, 1024) upstream: any up to 1024
    "bnb_quantize": {"block_size_x": POW2},                     # TH = BLOCK_SIZE (block_size 256 upstream)
    "cbow": {"block_size_x": [128, 256, 512, 1024]},            # BLOCK_SIZE, a multiple of THREADS_PER_WORD 128 (128)
}
RESTRICTIONS = {
    "hypterm": ["64 <= block_size_x * block_size_y * block_size_z <= 1024"],
    "fdtd3d": ["block_size_x * block_size_y >= 128"],           # k_blockSizeMin 128 upstream
    "wmma_gemm": ["block_size_x * block_size_y <= 1024"],
    "jacobi": ["block_size_x >= block_size_y", "block_size_x * block_size_y <= 1024"],
    "lud_internal": ["block_size_x == block_size_y"],
    "wedford": ["block_size_x * block_size_y <= 1024"],
    "matern": ["block_size_x * block_size_y <= 1024"],
    "entropy": ["32 <= block_size_x * block_size_y <= 1024"],
    "channelSum": ["64 <= block_size_x * block_size_y <= 1024"],
    "conv_rows": ["block_size_x * block_size_y <= 1024"],
    "dct8x8_2d": ["block_size_x * block_size_y * block_size_z <= 1024"],
    "async_matmul": ["block_size_x == block_size_y"],
    "srad_v2_1": ["block_size_x == block_size_y"],
    "srad_v2_2": ["block_size_x == block_size_y"],
    "optflow_deriv": ["block_size_x * block_size_y <= 1024"],
    "jaccard_rowsum": ["block_size_x * block_size_y >= 32"],    # full-mask shuffles: whole warps
    "stencil3d_sigma": ["block_size_x == block_size_y"],
    "spmv_vector": ["32 <= block_size_x * block_size_y <= 1024"],  # full-mask shuffles: whole warps
    "dmma_gemm": ["block_size_x * block_size_y <= 1024"],
    "surface_write": ["block_size_x * block_size_y <= 1024"],
    "tf32_gemm": ["block_size_x * block_size_y <= 1024"],
}
UPSTREAM = {
    **{name: "HeCBench" for name in ("lombscargle", "murmurhash3", "bscan", "f16max", "hausdorff", "atomiccas",
                                     "linearprobing", "conv1d", "groupnorm", "score", "conversion", "hypterm",
                                     "abrln", "vangenuchten", "clenergy", "atomicagg", "channelshuffle", "haversine",
                                     "michalewicz", "wedford", "randomAccess", "f16sp", "dp4a", "vol2col", "moe_sum",
                                     "scatterAdd", "matern", "entropy", "channelSum", "rodrigues", "f16atomic",
                                     "logprob")},
    **{name: "cuda-samples" for name in ("dwt_haar1d", "binomial", "sobol", "fdtd3d", "nbody", "scan", "mergesort",
                                         "wmma_gemm", "warpagg_filter", "jacobi", "conv_rows", "dct8x8_2d", "recgauss",
                                         "boxfilter_y", "fp16dot", "reduce_mbcg", "particles_reorder", "async_matmul")},
    **{name: "Rodinia" for name in ("lud_internal", "nw_shared1", "btree_findk", "gaussian_fan1", "cfd_flux_fp64",
                                    "pf_likelihood", "backprop_layerforward", "srad_v2_1", "lud_perimeter", "hist1024",
                                    "vlc_huffman", "histo_huffman", "needle_shared2")},
    # sweep 5
    **{name: "HeCBench" for name in ("softmax_fused", "nlll", "stddev", "attn_merge", "qkv", "reverse2D")},
    **{name: "cuda-samples" for name in ("binary_partition", "intimage_rows", "oddeven_sort")},
    **{name: "Rodinia" for name in ("bucketsort", "pack2", "srad_v2_2")},
    # sweep 6
    **{name: "HeCBench" for name in ("aqlm", "optflow_deriv", "softmax_warpreduce", "fp8qkv")},
    **{name: "cuda-samples" for name in ("inlineptx", "interval", "bf16gemm")},
    **{name: "Rodinia" for name in ("dwt53",)},
    # sweep 7
    **{name: "HeCBench" for name in ("attn_scores", "ce_bwd", "zeropoint", "mxfp4", "scatter_sum", "spmm_csr")},
    **{name: "cuda-samples" for name in ("mc_piq",)},
    # sweep 8
    **{name: "HeCBench" for name in ("cc_compute1", "wyllie", "nonzero", "jaccard_rowsum", "vadd_half2", "pagerank_map")},
    **{name: "cuda-samples" for name in ("jacobi_cg", "awbarrier")},
    **{name: "Rodinia" for name in ("lud_diagonal", "srad_reduce")},
    # sweep 9
    **{name: "HeCBench" for name in ("hadamard", "quant3", "stencil3d_sigma", "spmv_vector", "kvcache_store")},
    **{name: "cuda-samples" for name in ("mwcg_reduce", "collide")},
    **{name: "Rodinia" for name in ("rgb_components",)},
    # sweep 10
    **{name: "HeCBench" for name in ("bsearch", "langford")},
    **{name: "cuda-samples" for name in ("atomic_intrinsics", "simple_assert", "dmma_gemm", "surface_write")},
    **{name: "Rodinia" for name in ("myocyte",)},
    # sweep 11
    **{name: "HeCBench" for name in ("moe_align", "cub_blockscan", "bgmv_shrink", "tsne_sigmas")},
    **{name: "cuda-samples" for name in ("tf32_gemm", "timed_reduction")},
    **{name: "Rodinia" for name in ("imgvf", "huff_prescan")},
    # sweep 12
    **{name: "HeCBench" for name in ("gibbs_theta", "dropout", "unfold", "fft512")},
    **{name: "cuda-samples" for name in ("pi_inline", "cg_multiblock")},
    **{name: "Rodinia" for name in ("pf_find_index", "pf_normalize")},
    # sweep 13
    **{name: "HeCBench" for name in ("adamw_4bit", "rotary", "multinomial", "int8_azp_quant", "bnb_quantize", "cbow")},
}

# Program constants: lombscargle's signal, murmurhash3's key lengths, score's threshold and top K, conv1d's
# mask, dwtHaar1D's bank shift, scan's segment, needle's penalty, the b+tree's height, particlefilter's disk.
LOMB_Y_DOT = 2 / 1.5
MURMUR_MAX_LENGTH = 10_000
SCORE_THRESHOLD, SCORE_TOPK = 0.4, 10
CONV_MASK = 9
SCAN_SEGMENT = 256
NW_PENALTY = 10
BTREE_HEIGHT, BTREE_ORDER = 3, 256
PF_RADIUS = 5
SECTOR = 32

# Cases whose arguments hold the program's cudaMalloc'd addresses inside a struct, an array or a functor passed by
# value (stand-in addresses flipflop follows but no GPU can dereference): predicted, never launched.
ADDRESSES_BY_VALUE = frozenset({"fp8qkv", "scatter_sum", "hadamard", "imgvf", "unfold", "rotary"})
# Cases that need a context limit their program sets and the collector does not: cuda-samples interval's recursion
# outgrows CUDA's default 1 KB stack a thread (its program sets cudaLimitStackSize to 8192; run 48: illegal address).
NEEDS_PROGRAM_LIMITS = frozenset({"interval"})

DATA_DEPENDENT = {
    "scatter_sum": "a scatter by index: each element's atomicAdd lands on a random int of the n / 2-int output (64 MiB at "
                   "full size, past the L2), a 32-byte sector read and written for 4 bytes",
    "spmm_csr": "a gather by column index: each nonzero reads a 128-byte piece of a random B row, for each of the "
                "B_ncols / 32 column blocks (B, 256 MiB at full size, re-read from DRAM when evicted)",
    "linearprobing": "hashed slots: every insert's atomicCAS/atomicExch lands on a random 8-byte slot of a 512 MiB "
                     "table (a 32-byte sector read and written for 16 bytes of key/value), probing on when taken",
    "btree_findk": "pointer chasing: each level reads the knode (2068 bytes) its key search chose, ansD only on a hit",
    "randomAccess": "HPCC RandomAccess: each of the 4 x TableSize 64-bit atomicXor lands on a random slot of the 512 MiB "
                    "table (a 32-byte sector read and written for 8 bytes)",
    "particles_reorder": "a gather by the sorted particle index (a 16-byte float4 of random sectors, twice) and "
                         "cellStart/cellEnd stores at the particles' hashed cells",
    "bucketsort": "a scatter by bucket: each float stored at its bucket's offset plus its rank, a warp's 32 stores in "
                  "32 buckets (runs of about 4 floats a block and bucket, sectors shared by neighbouring blocks)",
    "cc_compute1": "pointer jumping: representative() follows nstat[curr] chains through the lattice (addresses from "
                   "the data) and rewrites nstat along them; atomicCAS hooks at the representatives",
    "wyllie": "pointer jumping over a random list: each round reads list[node >> 32], a random 8-byte word (a 32-byte "
              "sector), and rewrites every element, for about log2(n) rounds",
    "collide": "a neighbour search: each particle reads cellStart/cellEnd of its 27 cells (hashed from its position) and "
               "the sorted particles between them, and stores its new velocity at its unsorted (random) index",
    "langford": "a backtracking search: a thread stores a solution only when its search finds one (218 of 16,383 "
                "threads at n 15); the analysis does not follow the search's data and takes the store's branch half "
                "the time (its note), charging a sector to half the threads",
    "unfold": "pointers inside a functor passed by value: the fold bounds come from *idx_dim_ptr, which no argument "
              "array holds, so the analysis follows neither the fold loop nor grad_in's address (its notes) and "
              "charges a sector a thread with no array to bound it",
    "cbow": "an embedding gather and scatter by word id: each position reads and rewrites the 800-byte syn0 rows of "
            "its context words and the syn1neg rows of its word and 25 negatives an in-kernel LCG draws (random rows "
            "of the 64 MiB tables), and reads one random int of the 400 MB unigram table a negative (a 32-byte "
            "sector for 4 bytes)",
}


# ---------------------------------------------------------------- arguments ------------------------

def _lombscargle(nx: int, nf: int) -> Callable[[], list]:
    def build() -> list:  # x_shape, freqs_shape, x, y, freqs, pgram, y_dot (the program's signal)
        x = (0.01 + np.arange(nx) * (31.4 - 0.01) / nx).astype(np.float32)
        y = (2.0 * np.sin(x + 1.57)).astype(np.float32)
        f = (0.01 + np.arange(nf) * (10 - 0.01) / nf).astype(np.float32)
        return [np.int32(nx), np.int32(nf), x, y, f, _rng(1).random(nf, np.float32), np.float32(LOMB_Y_DOT)]
    return build


def _murmur_lengths(keys: int) -> np.ndarray:
    return _rng(2).integers(0, MURMUR_MAX_LENGTH, keys).astype(np.uint32)


def _murmurhash3(keys: int) -> Callable[[], list]:
    def build() -> list:  # d_keys (bytes), d_length (offsets), length, d_out (2 uint64 a key), numKeys
        rng = _rng(2)
        length = _murmur_lengths(keys)
        offsets = np.concatenate([[0], np.cumsum(length)]).astype(np.uint32)
        return [rng.integers(0, 256, int(offsets[-1]), dtype=np.uint8), offsets,
                np.concatenate([length, [0]]).astype(np.uint32), rng.integers(1, 2**63, 2 * keys, dtype=np.uint64),
                np.uint32(keys)]
    return build


def _bscan() -> list:  # g_odata, g_idata (N = blockDim values; 1024 covers every block size)
    rng = _rng(3)
    return [rng.integers(-512, 512, 1024).astype(np.int32), rng.integers(-5, 5, 1024).astype(np.int32)]


def _f16max(n: int) -> Callable[[], list]:
    def build() -> list:  # a, b, r (half2 each), size
        rng = _rng(4)
        a, b, r = (rng.uniform(0, 60000, 2 * n).astype(np.float16) for _ in range(3))
        return [a, b, r, np.uint64(n)]
    return build


def _hausdorff(na: int, nb: int) -> Callable[[], list]:
    def build() -> list:  # Apoints, Bpoints (float2), distance, numA, numB
        rng = _rng(5)
        return [rng.random((na, 2), np.float32), rng.random((nb, 2), np.float32), np.array([0.0], np.float32),
                np.int32(na), np.int32(nb)]
    return build


def _atomiccas() -> list:  # res (one double)
    return [np.array([1.5], np.float64)]


def _linearprobing(n: int) -> Callable[[], list]:
    def build() -> list:  # hashtable (kHashTableCapacity KeyValues, all kEmpty), kvs, numkvs
        capacity = 64 * 1024 * 1024
        table = np.broadcast_to(np.uint32(0xFFFFFFFF), (2 * capacity,))  # 512 MiB of kEmpty, never materialised
        return [table, _rng(7).integers(0, 0xFFFFFFFE, 2 * n, dtype=np.uint32), np.uint32(n)]
    return build


def _conv1d(n: int) -> Callable[[], list]:
    def build() -> list:  # in, out, input_width, mask_width
        rng = _rng(8)
        return [_f32(rng, n), _f32(rng, n), np.int32(n), np.int32(CONV_MASK)]
    return build


def _conv1d_mask() -> dict:
    return {"mask<float>": np.linspace(0.1, 0.9, 10).astype(np.float32)}  # MAX_MASK_WIDTH 10


def _groupnorm(b: int, c: int, h: int, w: int, g: int) -> Callable[[], list]:
    def build() -> list:  # x, weight, bias, out, mean, rstd, B, C, img_size, group_size, n_groups
        rng = _rng(9)
        n = b * c * h * w
        return [_f32(rng, n, -1, 1), _f32(rng, c, -1, 1), _f32(rng, c, -1, 1), _f32(rng, n, -1, 1),
                _f32(rng, b * g), _f32(rng, b * g), np.int32(b), np.int32(c), np.int32(h * w),
                np.int32(c // g), np.int32(g)]
    return build


def _score(batch: int, classes: int, priors: int) -> Callable[[], list]:
    def build() -> list:  # indices, count, scores, threshold, classwise_topK, num_classes, num_priors
        rng = _rng(10)
        return [rng.integers(0, 100, batch * classes * SCORE_TOPK).astype(np.int32),
                rng.integers(0, 100, batch * classes).astype(np.int32),
                rng.random(batch * classes * priors, np.float32), np.float32(SCORE_THRESHOLD),
                np.int32(SCORE_TOPK), np.uint64(classes), np.uint64(priors)]
    return build


def _conversion(n: int) -> Callable[[], list]:
    def build() -> list:  # dst (bf16 bits), src (double), nelems
        rng = _rng(11)
        return [rng.integers(1, 60000, n).astype(np.uint16), rng.uniform(-100, 100, n), np.int32(n)]
    return build


def _hypterm(side: int) -> Callable[[], list]:
    def build() -> list:  # flux_0..4, cons_1..4, q_1..4, dxinv0..2, L, M, N
        rng = _rng(12)
        arrays = [rng.uniform(0.5, 1.5, side ** 3) for _ in range(13)]
        return arrays + [np.float64(1 / side)] * 3 + [np.int32(side)] * 3
    return build


def _abrln(m: int, n: int) -> Callable[[], list]:
    def build() -> list:  # out, input, bias, gamma, beta (bf16), layernorm_eps, n
        rng = _rng(13)
        return [_bf16(rng, m * n), _bf16(rng, m * n), _bf16(rng, n), _bf16(rng, n), _bf16(rng, n),
                np.float32(1e-5), np.int32(n)]
    return build


def _vangenuchten(n: int) -> Callable[[], list]:
    def build() -> list:  # Ksat, psi (from -100 to 1: both branches), C, theta, K, size
        rng = _rng(14)
        psi = -100.0 + 101.0 * np.arange(n) / n
        return [rng.uniform(1e-6, 1e-5, n), psi, rng.random(n), rng.random(n), rng.random(n), np.int32(n)]
    return build


def _clenergy(side: int, atoms: int) -> Callable[[], list]:
    def build() -> list:  # numatoms, gridspacing, energygrid (side x side), atominfo (float4)
        rng = _rng(15)
        return [np.int32(atoms), np.float32(0.1), rng.random(side * side, np.float32),
                rng.random((atoms, 4), np.float32)]
    return build


def _atomicagg(counters: int) -> Callable[[], list]:
    def build() -> list:  # d, s
        return [_rng(16).integers(0, 10, counters).astype(np.int32), np.int32(counters)]
    return build


def _channelshuffle(n: int, g: int, k: int, hw: int) -> Callable[[], list]:
    def build() -> list:  # G, K, HxW, X, Y
        rng = _rng(17)
        size = n * g * k * hw
        return [np.int32(g), np.int32(k), np.int32(hw), rng.random(size, np.float32), rng.random(size, np.float32)]
    return build


def _dwt(n: int) -> Callable[[], list]:
    def build() -> list:  # id, od, approx_final (one a block), dlevels, slength_step_half, bdim
        rng = _rng(21)
        return [_f32(rng, n), _f32(rng, n), _f32(rng, n // 2 // 64), np.uint32(0), np.uint32(n // 2), np.int32(0)]
    return build


def _dwt_block(arguments: list, params: dict) -> list:
    """dwtHaar1D.cu's first pass: a block decomposes 2 x bdim values over log2(2 x bdim) levels."""
    bdim = params["block_size_x"]
    return arguments[:3] + [np.uint32(int(math.log2(bdim)) + 1), arguments[4], np.int32(bdim)]


OPTION = np.dtype([("S", "f4"), ("X", "f4"), ("vDt", "f4"), ("puByDf", "f4"), ("pdByDf", "f4")])


def _binomial_options() -> dict:
    """d_OptionData: MAX_OPTIONS (1024) preprocessed options, as binomialOptionsGPU fills them."""
    rng = _rng(22)
    options = np.zeros(1024, OPTION)
    options["S"] = rng.uniform(5, 30, 1024)
    options["X"] = rng.uniform(1, 100, 1024)
    options["vDt"] = rng.uniform(0.001, 0.01, 1024)
    options["puByDf"] = rng.uniform(0.49, 0.5, 1024)
    options["pdByDf"] = rng.uniform(0.49, 0.5, 1024)
    return {"d_OptionData": options}


def _sobol(vectors: int, dims: int) -> Callable[[], list]:
    def build() -> list:  # n_vectors, n_dimensions, d_directions (32 a dimension), d_output
        rng = _rng(23)
        return [np.uint32(vectors), np.uint32(dims), rng.integers(1, 2**32 - 1, dims * 32, dtype=np.uint32),
                _f32(rng, vectors * dims)]
    return build


def sobol_grid(vectors: int) -> int:
    """sobolGPU's dimGrid.x for 64 threads a block on 132 SMs: 4 x SMs, capped at vectors / 64, rounded up to a
    power of two."""
    target = min(4 * 132, vectors // 64)
    return 1 << max(0, math.ceil(math.log2(max(target, 1))))


def _fdtd3d(side: int) -> Callable[[], list]:
    def build() -> list:  # output, input (side + 2 x RADIUS per dimension), dimx, dimy, dimz
        rng = _rng(24)
        total = (side + 8) ** 3
        return [_f32(rng, total), _f32(rng, total), np.int32(side), np.int32(side), np.int32(side)]
    return build


def _fdtd3d_stencil() -> dict:
    return {"stencil": _f32(_rng(25), 5)}


def _nbody(n: int) -> Callable[[], list]:
    def build() -> list:  # newPos, oldPos, vel (double4), deviceOffset, deviceNumBodies, deltaTime, damping, numTiles
        rng = _rng(26)
        pos, new, vel = (rng.uniform(-1, 1, (n, 4)) for _ in range(3))
        return [new, pos, vel, np.uint32(0), np.uint32(n), np.float32(0.016), np.float32(1.0), np.int32(0)]
    return build


def _nbody_block(arguments: list, params: dict) -> list:
    """integrateNbodySystem: numTiles = (numBodies + blockSize - 1) / blockSize."""
    return arguments[:7] + [np.int32(-(-int(arguments[4]) // params["block_size_x"]))]


def _nbody_softening() -> dict:
    return {"softeningSquared_fp64": np.array([0.01]), "softeningSquared": np.array([0.01], np.float32)}


def _scan(n: int) -> Callable[[], list]:
    def build() -> list:  # d_Dst, d_Src (uint4), size (segment length)
        rng = _rng(27)
        return [rng.integers(0, 1024, n, dtype=np.uint32), rng.integers(0, 1024, n, dtype=np.uint32),
                np.uint32(SCAN_SEGMENT)]
    return build


def _mergesort(n: int) -> Callable[[], list]:
    def build() -> list:  # d_DstKey, d_DstVal, d_SrcKey, d_SrcVal, arrayLength
        rng = _rng(28)
        keys = [rng.integers(0, 2**32 - 1, n, dtype=np.uint32) for _ in range(2)]
        values = [rng.integers(0, n, n, dtype=np.uint32) for _ in range(2)]
        return [keys[0], values[0], keys[1], values[1], np.uint32(0)]
    return build


def _mergesort_block(arguments: list, params: dict) -> list:
    """mergeSortShared: arrayLength = SHARED_SIZE_LIMIT = 2 x the block."""
    return arguments[:4] + [np.uint32(2 * params["block_size_x"])]


def _wmma(m: int) -> Callable[[], list]:
    def build() -> list:  # a, b (half), c, d (float), m_ld, n_ld, k_ld, alpha, beta
        rng = _rng(29)
        a, b = (rng.uniform(-1, 1, m * m).astype(np.float16) for _ in range(2))
        return [a, b, _f32(rng, m * m), _f32(rng, m * m), np.int32(m), np.int32(m), np.int32(m), np.float32(1.1),
                np.float32(1.2)]
    return build


def _warpagg(n: int) -> Callable[[], list]:
    def build() -> list:  # dst, nres, src (rand() % 20: 95 % positive), n
        rng = _rng(30)
        return [rng.integers(0, 20, n, dtype=np.int32), np.zeros(1, np.int32), rng.integers(0, 20, n, dtype=np.int32),
                np.int32(n)]
    return build


def _jacobi(w: int, h: int) -> Callable[[], list]:
    def build() -> list:  # du0, dv0, Ix, Iy, Iz, w, h, s (stride), alpha, du1, dv1
        rng = _rng(31)
        arrays = [_f32(rng, w * h, -1, 1) for _ in range(7)]
        return arrays[:5] + [np.int32(w), np.int32(h), np.int32(w), np.float32(0.2)] + arrays[5:]
    return build


def _lud(side: int) -> Callable[[], list]:
    def build() -> list:  # m, matrix_dim, offset (the first step)
        return [_f32(_rng(32), side * side, 0.1, 1.0), np.int32(side), np.int32(0)]
    return build


def _nw(length: int) -> Callable[[], list]:
    def build() -> list:  # referrence, matrix_cuda, cols, penalty, i, block_width
        rng = _rng(33)
        cols = length + 1
        return [rng.integers(-10, 10, cols * cols, dtype=np.int32),
                rng.integers(-100, 100, cols * cols, dtype=np.int32), np.int32(cols), np.int32(NW_PENALTY),
                np.int32(0), np.int32(0)]
    return build


def _nw_block(arguments: list, params: dict) -> list:
    """needle's first half at its longest anti-diagonal: i = block_width = (cols - 1) / BLOCK_SIZE."""
    width = np.int32((int(arguments[2]) - 1) // params["block_size_x"])
    return arguments[:4] + [width, width]


KNODE = np.dtype([("location", "i4"), ("indices", "i4", BTREE_ORDER + 1), ("keys", "i4", BTREE_ORDER + 1),
                  ("is_leaf", "u1"), ("num_keys", "i4")], align=True)


def _btree(count: int, knodes: int, records: int) -> Callable[[], list]:
    def build() -> list:  # height, knodesD, knodes_elem, recordsD, currKnodeD, offsetD, keysD, ansD
        rng = _rng(34)
        nodes = np.zeros(knodes, KNODE)
        nodes["location"] = np.arange(knodes)
        nodes["indices"] = rng.integers(0, knodes, (knodes, BTREE_ORDER + 1))
        nodes["keys"] = np.sort(rng.integers(0, records, (knodes, BTREE_ORDER + 1)), axis=1)
        nodes["num_keys"] = BTREE_ORDER
        return [np.int64(BTREE_HEIGHT), nodes, np.int64(knodes), rng.integers(0, 1 << 30, records, dtype=np.int32),
                rng.integers(0, knodes, count, dtype=np.int64), rng.integers(0, knodes, count, dtype=np.int64),
                rng.integers(0, records, count, dtype=np.int32), rng.integers(0, 100, count, dtype=np.int32)]
    return build


def _fan1(size: int) -> Callable[[], list]:
    def build() -> list:  # m_cuda, a_cuda, Size, t (the first step)
        rng = _rng(35)
        return [_f32(rng, size * size), _f32(rng, size * size, 0.5, 1.5), np.int32(size), np.int32(0)]
    return build


def _cfd(n: int) -> Callable[[], list]:
    def build() -> list:  # nelr, elements_surrounding_elements (4 a cell), normals, variables, fluxes
        rng = _rng(36)
        neighbours = np.clip(np.arange(n)[None, :] + rng.integers(-64, 64, (4, n)), 0, n - 1).astype(np.int32)
        boundary = rng.random((4, n)) < 0.01
        neighbours[boundary] = rng.choice([-1, -2], int(boundary.sum()))  # wing and far-field faces
        variables = np.concatenate([rng.uniform(1.0, 1.5, n), rng.uniform(-0.5, 0.5, 3 * n), rng.uniform(2.0, 3.0, n)])
        return [np.int32(n), neighbours.ravel(), rng.uniform(-1, 1, 12 * n), variables, rng.uniform(0, 1, 5 * n)]
    return build


def _cfd_constants() -> dict:
    rng = _rng(37)
    return {"ff_variable": np.array([1.4, 1.2, 0.0, 0.0, 2.5]),
            **{f"ff_flux_contribution_{name}": rng.uniform(0, 1, 3)
               for name in ("momentum_x", "momentum_y", "momentum_z", "density_energy")}}


def pf_disk() -> np.ndarray:
    """objxy: the (y, x) offsets of the radius-5 disk, as strelDisk and the program build it (69 points)."""
    offsets = [(x - 4, y - 4) for x in range(9) for y in range(9) if math.hypot(x - 4, y - 4) < PF_RADIUS]
    return np.array([[y, x] for x, y in offsets], np.int32).ravel()


def _pf(n: int, x: int, y: int, frames: int) -> Callable[[], list]:
    def build() -> list:  # arrayX, arrayY, xj, yj, CDF, ind, objxy, likelihood, I, u, weights, Nparticles,
        rng = _rng(38)   # countOnes, max_size, k, IszY, Nfr, seed, partial_sums
        ones = len(pf_disk()) // 2
        return [rng.uniform(0, x, n), rng.uniform(0, y, n), rng.uniform(x / 2 - 4, x / 2 + 4, n),
                rng.uniform(y / 2 - 4, y / 2 + 4, n), rng.uniform(0, 1, n),
                rng.integers(0, x * y * frames, n * ones, dtype=np.int32), pf_disk(), rng.uniform(0, 1, n),
                rng.integers(0, 256, x * y * frames, dtype=np.uint8), rng.uniform(0, 1, n), rng.uniform(0, 1, n),
                np.int32(n), np.int32(ones), np.int32(x * y * frames), np.int32(frames // 2), np.int32(y),
                np.int32(frames), rng.integers(1, 2**31 - 1, n, dtype=np.int32), rng.uniform(0, 1, -(-n // 32))]
    return build


# Sweep 3's kernels (30 more, helpers /work/sweep3a and /work/sweep3b). Inputs of several GB whose values no branch
# or address depends on are `_lazy` zeros (mapped on first touch, so they cost no memory here: flipflop reads an
# array's dtype and shape, as linearprobing's table); everything else is seeded.
LAZY_BYTES = 256 << 20


def _lazy(rng: np.random.Generator, count: int, dtype, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """Seeded values, or zeros past LAZY_BYTES (inputs of GBs that no branch or address reads)."""
    dtype = np.dtype(dtype)
    if count * dtype.itemsize > LAZY_BYTES:
        return np.zeros(count, dtype)
    if dtype.kind in "iu":
        return rng.integers(int(low), int(high) + 1, count, dtype=dtype)
    return rng.uniform(low, high, count).astype(dtype)


def _haversine(n: int) -> Callable[[], list]:
    def build() -> list:  # p (double4: a_lat, a_lon, b_lat, b_lon in degrees), distance, n
        rng = _rng(40)
        return [rng.uniform(-90, 90, 4 * n), rng.uniform(0, 1, n), np.int32(n)]
    return build


def _michalewicz(vectors: int, dim: int) -> Callable[[], list]:
    def build() -> list:  # values (vectors x dim in [0, 4)), minima (one float), nVectors, dim
        rng = _rng(41)
        return [_lazy(rng, vectors * dim, np.float32, 0, 4), np.array([np.inf], np.float32), np.uint64(vectors),
                np.int32(dim)]
    return build


def _wedford(bs: int, ss: int, fs: int) -> Callable[[], list]:
    def build() -> list:  # input (bs x fs x ss), out_mean, out_var_biased (fs), bs, fs, ss
        rng = _rng(42)
        return [_lazy(rng, bs * ss * fs, np.float32, -1, 1), _f32(rng, fs), _f32(rng, fs), np.int32(bs), np.int32(fs),
                np.int32(ss)]
    return build


def _random_access(size: int) -> Callable[[], list]:
    def build() -> list:  # Table (u64, initTable's Table[i] = i), TableSize
        table = np.zeros(size, np.uint64) if 8 * size > LAZY_BYTES else np.arange(size, dtype=np.uint64)
        return [table, np.uint64(size)]
    return build


def _f16sp(n: int) -> Callable[[], list]:
    def build() -> list:  # a, b (half2), results (one float), size
        rng = _rng(43)
        a, b = (_lazy(rng, 2 * n, np.float16, -1, 1) for _ in range(2))
        return [a, b, np.zeros(1, np.float32), np.uint64(n)]
    return build


def _dp4a(n: int) -> Callable[[], list]:
    def build() -> list:  # a, b (packed char4), d (a partial a block), n (int4 groups)
        rng = _rng(44)
        a, b = (_lazy(rng, n, np.uint32, 0, 2**32 - 1) for _ in range(2))
        return [a, b, np.zeros(n // 4 // 32, np.uint32), np.uint64(n // 4)]
    return build


def vol2col_shape(ch: int, depth: int, height: int, width: int, k: int) -> tuple[int, int, int]:
    """(threads, vol floats, col floats) of vol2col's program: pad 1, stride 1, dilation 2, the column volume
    the input's, the arrays as the program allocates them."""
    return (ch * depth * height * width, ch * (2 + depth) * (2 + height) * (2 + width),
            (ch * k ** 3 + 1) * (depth + 1) * (height + 1) * (width + 1))


def _vol2col(ch: int, depth: int, height: int, width: int, k: int) -> Callable[[], list]:
    def build() -> list:  # range, data_vol, depth, height, width, ksize_t/h/w, pad_t/h/w, stride_t/h/w,
        rng = _rng(45)    # dilation_t/h/w, depth_col, height_col, width_col, data_col
        threads, vol, col = vol2col_shape(ch, depth, height, width, k)
        return [np.int64(threads), _f32(rng, vol), np.int32(depth), np.int32(height), np.int32(width),
                *[np.int32(k)] * 3, *[np.int32(1)] * 3, *[np.int32(2)] * 6, np.int32(depth), np.int32(height),
                np.int32(width), _lazy(rng, col, np.float32)]
    return build


def _moe_sum(tokens: int, hidden: int) -> Callable[[], list]:
    def build() -> list:  # out (tokens x hidden), input (tokens x 4 x hidden), d
        rng = _rng(46)
        return [_f32(rng, tokens * hidden), _f32(rng, tokens * 4 * hidden), np.int32(hidden)]
    return build


def _scatter_add(batch: int, rows: int, dim: int) -> Callable[[], list]:
    def build() -> list:  # indexes, source (batch x vector_dim), outputs (rows x vector_dim), sizes
        rng = _rng(47)
        return [rng.integers(0, rows, batch, dtype=np.int32), _lazy(rng, batch * dim, np.float32),
                np.zeros(rows * dim, np.float32), np.int32(batch), np.int32(rows), np.int32(dim)]
    return build


def _matern(targets: int) -> Callable[[], list]:
    def build() -> list:  # num_targets, l, sources (50 x 3), targets (x 3), weights (50), result
        rng = _rng(48)
        return [np.int32(targets), np.float32(0.1), _f32(rng, 150), _f32(rng, 3 * targets), _f32(rng, 50),
                _f32(rng, targets)]
    return build


def _entropy(width: int, height: int) -> Callable[[], list]:
    def build() -> list:  # d_entropy, d_val (chars 0-15), height, width
        rng = _rng(49)
        return [_f32(rng, width * height), rng.integers(0, 16, width * height, dtype=np.int8), np.int32(height),
                np.int32(width)]
    return build


def _channel_sum(n: int, c: int, hw: int) -> Callable[[], list]:
    def build() -> list:  # N, C, HxW, X, sum, sumsq
        rng = _rng(50)
        return [np.int32(n), np.int32(c), np.int32(hw), _lazy(rng, n * c * hw, np.int32, -10, 10),
                np.zeros(c, np.int32), np.zeros(c, np.int32)]
    return build


FLOAT3 = np.dtype([("x", np.float32), ("y", np.float32), ("z", np.float32)])


def _rodrigues(n: int) -> Callable[[], list]:
    def build() -> list:  # n, angle, w (float3 by value: the program's unit axis), d (float3 points)
        axis = np.array([(-0.4364, -0.8729, 0.2182)], FLOAT3)[0]
        return [np.int32(n), np.float32(0.5), axis, _f32(_rng(51), 3 * n, -1, 1)]
    return build


def _f16atomic(threads: int) -> Callable[[], list]:
    def build() -> list:  # result (256 bf162 slots, bit patterns), n
        return [np.zeros(2 * 256, np.uint16), np.int32(threads)]
    return build


def logprob_padded(vocab: int) -> int:
    return (vocab + 31) // 32 * 32


def _logprob(length: int, batch: int, vocab: int) -> Callable[[], list]:
    def build() -> list:  # log_probs, logits (length x batch x padded vocab), ids, lengths, sizes
        rng = _rng(52)
        padded = logprob_padded(vocab)
        return [_f32(rng, batch * (length - 1)), _lazy(rng, batch * length * padded, np.float32, -5, 5),
                rng.integers(0, vocab, length * batch, dtype=np.int32), np.full(batch, length, np.int32),
                np.int32(length), np.int32(batch), np.int32(vocab), np.int32(padded)]
    return build


def _image_pair(side: int, seed: int, extra: list) -> Callable[[], list]:
    def build() -> list:  # dst, src (side x side floats), then the kernel's scalars
        rng = _rng(seed)
        return [_f32(rng, side * side), _f32(rng, side * side)] + extra
    return build


def _conv_rows_taps() -> dict:
    return {"c_Kernel": _f32(_rng(54), 17)}  # KERNEL_LENGTH 2 x 8 + 1


def _rgba_pair(side: int, seed: int, extra: list) -> Callable[[], list]:
    def build() -> list:  # id, od (RGBA8 uints), w, h, then the kernel's scalars
        rng = _rng(seed)
        return [rng.integers(0, 2**32, side * side, dtype=np.uint32), rng.integers(0, 2**32, side * side, dtype=np.uint32),
                np.int32(side), np.int32(side)] + extra
    return build


FP16DOT_MAX_BLOCKS = 1056


def _fp16dot(n: int) -> Callable[[], list]:
    def build() -> list:  # a, b (half2), results (one a block), size
        rng = _rng(57)
        a, b = (_lazy(rng, 2 * n, np.float16, -1, 1) for _ in range(2))
        return [a, b, np.zeros(FP16DOT_MAX_BLOCKS, np.float32), np.uint64(n)]
    return build


def fp16dot_read(n: int, blocks: int) -> float:
    """Bytes fp16ScalarProduct reads: its start index threadIdx.x + blockDim.x + blockIdx.x (sic) puts every
    block's threads in the same 127 + blocks half2 of each 128 x blocks stride, in a and in b."""
    return 2 * 4 * (127 + blocks) * (n // (128 * blocks))


def _reduce_mbcg(n: int, grid: int) -> Callable[[], list]:
    def build() -> list:  # g_idata, g_odata (a partial a block), n
        rng = _rng(58)
        return [_f32(rng, n), np.zeros(grid, np.float32), np.uint32(n)]
    return build


def _particles(particles: int, cells: int) -> Callable[[], list]:
    def build() -> list:  # cellStart, cellEnd, sortedPos, sortedVel, gridParticleHash (sorted), gridParticleIndex
        rng = _rng(59)    # (a permutation), oldPos, oldVel (float4), numParticles
        return [np.full(cells, 0xFFFFFFFF, np.uint32), np.zeros(cells, np.uint32), _f32(rng, 4 * particles),
                _f32(rng, 4 * particles), np.sort(rng.integers(0, cells, particles, dtype=np.uint32)),
                rng.permutation(particles).astype(np.uint32), _f32(rng, 4 * particles, -1, 1),
                _f32(rng, 4 * particles, -1, 1), np.uint32(particles)]
    return build


def _async_matmul(m: int) -> Callable[[], list]:
    def build() -> list:  # C, A, B, wA, wB
        rng = _rng(60)
        return [_f32(rng, m * m), _f32(rng, m * m), _f32(rng, m * m), np.int32(m), np.int32(m)]
    return build


BACKPROP_HID = 16


def _backprop(units: int) -> Callable[[], list]:
    def build() -> list:  # input_cuda, output_hidden_cuda, input_hidden_cuda ((in + 1) x (hid + 1)),
        rng = _rng(61)    # hidden_partial_sum (in / HEIGHT x hid at HEIGHT 4, the most), in, hid
        hid = BACKPROP_HID
        return [_f32(rng, units + 1), _f32(rng, hid + 1), _f32(rng, (units + 1) * (hid + 1)),
                _f32(rng, units // 4 * hid), np.int32(units), np.int32(hid)]
    return build


def _srad(side: int) -> Callable[[], list]:
    def build() -> list:  # E_C, W_C, N_C, S_C, J_cuda, C_cuda, cols, rows, q0sqr
        rng = _rng(62)    # J has one row more: the last block row's south read (index_s) goes one row past
        arrays = [_f32(rng, side * side) for _ in range(4)]
        return arrays + [_f32(rng, side * side + side, 0.5, 1.5), _f32(rng, side * side), np.int32(side),
                         np.int32(side), np.float32(0.05)]
    return build


def _hist1024(n: int) -> Callable[[], list]:
    def build() -> list:  # d_Result (1024 bins), d_Data, minimum, maximum, dataN
        rng = _rng(63)
        return [np.zeros(1024, np.uint32), _f32(rng, n), np.float32(0.0), np.float32(1.0), np.int32(n)]
    return build


def _vlc(words: int) -> Callable[[], list]:
    def build() -> list:  # data, gm_codewords, gm_codewordlens (4-12 bits, 8 on average), out, out_idx
        rng = _rng(64)
        return [rng.integers(0, 2**32, words, dtype=np.uint32), rng.integers(0, 4096, 256, dtype=np.uint32),
                rng.integers(4, 13, 256).astype(np.uint32), np.zeros(words, np.uint32), np.zeros(words // 32, np.uint32)]
    return build


def _histo(n: int) -> Callable[[], list]:
    def build() -> list:  # buffer, size, histo
        return [_rng(65).integers(0, 256, n, dtype=np.uint8), np.int64(n), np.zeros(256, np.uint32)]
    return build


def _nw2_block(arguments: list, params: dict) -> list:
    """needle's second half at its longest anti-diagonal: i = block_width - 1, block_width = (cols - 1) / B."""
    width = (int(arguments[2]) - 1) // params["block_size_x"]
    return arguments[:4] + [np.int32(width - 1), np.int32(width)]


# Sweep 5's kernels (12 more: 6 HeCBench, 3 cuda-samples, 3 Rodinia).
def _softmax_fused(b: int, h: int, q: int, k: int) -> Callable[[], list]:
    def build() -> list:  # dst, src (half), mask (a row of 1s, rand() % (k / 2) long, then 0s; per batch and query),
        rng = _rng(70)    # scale, micro_batch_size, element_count, pad_batches (0: bert style)
        n = b * h * q * k
        ones = rng.integers(0, k // 2, b * q)
        mask = (np.arange(k)[None, :] < ones[:, None]).astype(np.uint8).ravel()
        return [_lazy(rng, n, np.float16, -1, 1), _lazy(rng, n, np.float16, -1, 1), mask, np.float32(1 / math.sqrt(k)),
                np.int32(b * h * q), np.int32(k), np.int32(0)]
    return build


def _nlll(frames: int, classes: int) -> Callable[[], list]:
    def build() -> list:  # output, total_weight, input (frames x classes), target, weights, size_average, nframe,
        rng = _rng(71)    # kdim, ignore_index (classes / 2)
        return [np.zeros(1, np.float32), np.zeros(1, np.float32), _lazy(rng, frames * classes, np.float32, -1, 1),
                rng.integers(0, classes, frames, dtype=np.int32), _f32(rng, frames, -1, 1), np.bool_(True),
                np.int64(frames), np.int64(classes), np.int64(classes // 2)]
    return build


def _stddev(d: int, n: int) -> Callable[[], list]:
    def build() -> list:  # std (D, zeroed for the atomics), data (N x D), D, N
        rng = _rng(72)
        return [np.zeros(d, np.float32), _lazy(rng, n * d, np.float32), np.int32(d), np.int32(n)]
    return build


def _attn_merge(tokens: int, heads: int, head: int) -> Callable[[], list]:
    def build() -> list:  # output, prefix_output, suffix_output (bf16), lse, prefix_lse, suffix_lse, sizes
        rng = _rng(73)
        e, th = tokens * heads * head, tokens * heads
        return [_bf16(rng, e), _bf16(rng, e), _bf16(rng, e), _f32(rng, th), _f32(rng, th, -1, 1), _f32(rng, th, -1, 1),
                np.uint32(tokens), np.uint32(heads), np.uint32(head)]
    return build


def _qkv(bt: int, c: int, oc: int) -> Callable[[], list]:
    def build() -> list:  # out (BT x OC), inp (BT x C), weight (OC x C), bias (OC), C, OC
        rng = _rng(74)
        return [_f32(rng, bt * oc), _f32(rng, bt * c, -1, 1), _f32(rng, oc * c, -1, 1), _f32(rng, oc, -1, 1),
                np.int32(c), np.int32(oc)]
    return build


def reverse2d_len(rows: int, cols: int) -> int:
    """reverseImpl's len for a row-major matrix reversed along its columns: rows x ceil(cols / 2)."""
    return rows * -(-cols // 2)


def _reverse2d(rows: int, cols: int) -> Callable[[], list]:
    def build() -> list:  # out, in, nrows, ncols, rowMajor, alongRows, len
        rng = _rng(75)
        return [_lazy(rng, rows * cols, np.float32), _lazy(rng, rows * cols, np.float32, 0, 255), np.int32(rows),
                np.int32(cols), np.bool_(True), np.bool_(False), np.int32(reverse2d_len(rows, cols))]
    return build


def _binary_partition(n: int) -> Callable[[], list]:
    def build() -> list:  # inputArr (rand() % 50), numOfOdds, sumOfOddAndEvens, size
        return [_rng(76).integers(0, 50, n, dtype=np.int32), np.zeros(1, np.int32), np.zeros(2, np.int32), np.uint32(n)]
    return build


def _intimage_rows(rows: int) -> Callable[[], list]:
    def build() -> list:  # img (1920 bytes a row, as uint4), integral_image (1920 uints a row, as uint4)
        rng = _rng(77)
        return [rng.integers(0, 2**32, rows * 480, dtype=np.uint32), np.zeros(rows * 1920, np.uint32)]
    return build


def _oddeven(n: int) -> Callable[[], list]:
    def build() -> list:  # d_DstKey, d_DstVal, d_SrcKey, d_SrcVal, arrayLength, dir
        rng = _rng(78)
        return [np.zeros(n, np.uint32), np.zeros(n, np.uint32), rng.integers(0, 2**32, n, dtype=np.uint32),
                np.arange(n, dtype=np.uint32), np.uint32(0), np.uint32(1)]
    return build


def _oddeven_block(arguments: list, params: dict) -> list:
    """oddEvenMergeSort: arrayLength = SHARED_SIZE_LIMIT = 2 x the block (the batch of 1024-key arrays)."""
    return arguments[:4] + [np.uint32(2 * params["block_size_x"]), arguments[5]]


BUCKET_DIVISIONS, BUCKET_THREADS, BUCKET_BAND = 1024, 32, 128


def bucketsort_blocks(n: int) -> int:
    return (n - 1) // (BUCKET_THREADS * BUCKET_BAND) + 1


def _bucketsort(n: int) -> Callable[[], list]:
    def build() -> list:  # input, indice (rank << 10 | bucket), output, size, d_prefixoffsets, l_offsets
        rng = _rng(79)    # as bucketcount and bucketprefixoffset leave them for uniform floats
        values = _f32(rng, n)
        bucket = np.minimum((values * BUCKET_DIVISIONS).astype(np.int64), BUCKET_DIVISIONS - 1)
        blocks = bucketsort_blocks(n)
        threads = blocks * BUCKET_THREADS
        block = (np.arange(n) % threads) // BUCKET_THREADS      # the grid-stride loop's block of each float
        key = block * BUCKET_DIVISIONS + bucket
        order = np.argsort(key, kind="stable")
        counts = np.bincount(key, minlength=blocks * BUCKET_DIVISIONS)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        rank = np.empty(n, np.int64)
        rank[order] = np.arange(n) - starts[key[order]]
        counts = counts.reshape(blocks, BUCKET_DIVISIONS)
        prefix = (np.cumsum(counts, axis=0) - counts).astype(np.uint32).ravel()     # over the blocks before
        totals = counts.sum(axis=0)
        offsets = np.concatenate([[0], np.cumsum(totals)[:-1]]).astype(np.uint32)  # the buckets' starts
        return [values, ((rank << 10) + bucket).astype(np.int32), np.zeros(n, np.float32), np.int32(n), prefix, offsets]
    return build


PACK_BLOCK_WORDS = 1024  # DPT 4 x 256 threads: the dwords of a VLC block


def _pack2_bits(words: int) -> np.ndarray:
    """The VLC blocks' bit sizes: 6-8 bits a symbol, 4 symbols a dword."""
    return _rng(80).integers(6 * 4 * PACK_BLOCK_WORDS, 8 * 4 * PACK_BLOCK_WORDS + 1, words // PACK_BLOCK_WORDS,
                             dtype=np.int64).astype(np.uint32)


def _pack2(words: int) -> Callable[[], list]:
    def build() -> list:  # srcData, cindex (bits a block), cindex2 (their exclusive scan), dstData, block elements
        bits = _pack2_bits(words)
        positions = np.concatenate([[0], np.cumsum(bits.astype(np.int64))[:-1]]).astype(np.uint32)
        return [_rng(81).integers(0, 2**32, words, dtype=np.uint32), bits, positions, np.zeros(words + 2, np.uint32),
                np.uint32(PACK_BLOCK_WORDS)]
    return build


def _srad2(side: int) -> Callable[[], list]:
    def build() -> list:  # E_C, W_C, N_C, S_C, J_cuda, C_cuda (a row more: the last block row's south read goes one
        rng = _rng(82)    # row past), cols, rows, lambda, q0sqr
        arrays = [_f32(rng, side * side, -0.1, 0.1) for _ in range(4)]
        return arrays + [_f32(rng, side * side, 0.5, 1.5), _f32(rng, side * side + side), np.int32(side),
                         np.int32(side), np.float32(0.5), np.float32(0.05)]
    return build


# Sweep 6's kernels (8 more: 4 HeCBench, 3 cuda-samples, 1 Rodinia).
AQLM_ENTRIES, AQLM_CODEBOOKS = 65536, 3  # 16-bit codes; a codebook entry is an int4 of 8 halves


def aqlm_codebook_touched(m: int, k: int) -> float:
    """The codebook bytes the gathers touch: each codebook's m / 3 rows x k / 8 uniform codes over its entries."""
    gathers = m // AQLM_CODEBOOKS * (k // 8)
    return AQLM_CODEBOOKS * 16 * AQLM_ENTRIES * (1 - math.exp(-gathers / AQLM_ENTRIES))


def _aqlm(m: int, k: int) -> Callable[[], list]:
    def build() -> list:  # A (codes, rand() % 65536 - 32768 as uint16), B (k halves), C (m halves), codebook (3 x
        rng = _rng(90)    # 65536 int4 entries of 8 halves), prob_m, prob_k, codebook_a_sizes (int4 by value), stride
        sizes = np.array((m // 3, 2 * m // 3, m, 122880), dtype=_INT4)[()]
        return [rng.integers(0, 65536, m * k // 8, dtype=np.uint16), rng.random(k).astype(np.float16),
                np.zeros(m, np.float16), (np.arange(AQLM_CODEBOOKS * AQLM_ENTRIES * 8) / (AQLM_CODEBOOKS * AQLM_ENTRIES * 8)
                                          ).astype(np.float16),
                np.int32(m), np.int32(k), sizes, np.int32(AQLM_ENTRIES * 8 * 2 // 16)]
    return build


_INT4 = np.dtype([("x", "<i4"), ("y", "<i4"), ("z", "<i4"), ("w", "<i4")], align=True)


def _optflow_deriv(w: int, h: int) -> Callable[[], list]:
    def build() -> list:  # width, height, stride (iAlignUp(width, 32)), Ix, Iy, Iz, texSource, texTarget (handles)
        rng = _rng(91)
        return [np.int32(w), np.int32(h), np.int32(w), _f32(rng, w * h), _f32(rng, w * h), _f32(rng, w * h),
                np.uint64(1), np.uint64(2)]
    return build


def _softmax_warpreduce(n: int, c: int) -> Callable[[], list]:
    def build() -> list:  # out, inp (N x C), N, C
        rng = _rng(92)
        return [_lazy(rng, n * c, np.float32), _lazy(rng, n * c, np.float32, -4, 4), np.int32(n), np.int32(c)]
    return build


_FP8QKV_PARAM = np.dtype([("qkv_tgt", "<u8"), ("qkv_src", "<u8"), ("qkv_bias", "<u8"), ("input_scale", "<u8"),
                          ("output_scale", "<u8"), ("valid_word_num", "<i4"), ("head_num", "<i4"),
                          ("size_per_head", "<i4"), ("hidden_unit", "<i4")], align=True)


def _fp8qkv(tokens: int, hidden: int, heads: int) -> Callable[[], list]:
    def build() -> list:  # param: FP8TrtAddQKVBiasParam by value (five device pointers, four ints); the pointers are
        base = 0x7F00_0000_0000  # the program's cudaMalloc addresses, not arrays flipflop can see
        param = np.array((base, base + 0x1000_0000, base + 0x2000_0000, base + 0x3000_0000, base + 0x3000_0100,
                          tokens, heads, hidden // heads, hidden), dtype=_FP8QKV_PARAM)[()]
        return [param]
    return build


def _inlineptx(n: int) -> Callable[[], list]:
    def build() -> list:  # d_ptr, length
        return [np.zeros(n, np.int32), np.int32(n)]
    return build


INTERVAL_THREADS, INTERVAL_DEPTH = 65536, 128  # THREADS (GRID_SIZE x BLOCK_SIZE) and DEPTH_RESULT
_INTERVAL = np.dtype([("low", "<f8"), ("high", "<f8")])


def _interval() -> list:  # buffer (DEPTH_RESULT x THREADS intervals), nresults, i = [0.01, 4] by value, choice 2
    return [np.zeros(2 * INTERVAL_DEPTH * INTERVAL_THREADS), np.zeros(INTERVAL_THREADS, np.int32),
            np.array((0.01, 4.0), dtype=_INTERVAL)[()], np.int32(2)]


BF16_SHMEM = max(2 * (8 * 16) * (8 * 16 + 16) * 2, 16 * 8 * 16 * 8 * 4)  # the program's SHMEM_SZ (CHUNK_K 8)


def _bf16gemm(n: int) -> Callable[[], list]:
    def build() -> list:  # A, B (bf16 bits), C, D (float), alpha, beta
        rng = _rng(93)
        return [_lazy(rng, n * n, np.uint16, 0, 0x4040), _lazy(rng, n * n, np.uint16, 0, 0x4040),
                _lazy(rng, n * n, np.float32), np.zeros(n * n, np.float32), np.float32(1.1), np.float32(1.2)]
    return build


def dwt53_steps(sy: int) -> int:
    """launchFDWT53Kernel's sliding-window steps: divRndUp(sy, 15 x WIN_SY)."""
    return -(-sy // (15 * 8))


def _dwt53(sx: int, sy: int) -> Callable[[], list]:
    def build() -> list:  # input (pixels in [-128, 127]), output, sizeX, sizeY, winSteps
        rng = _rng(94)
        return [_lazy(rng, sx * sy, np.int32, -128, 127), np.zeros(sx * sy, np.int32), np.int32(sx), np.int32(sy),
                np.int32(dwt53_steps(sy))]
    return build


# Sweep 7's kernels (7 more: 6 HeCBench, 1 cuda-samples, 0 Rodinia).
def _attn_scores(n: int, d: int) -> Callable[[], list]:
    def build() -> list:  # key (n x d), query (d), dot_product (n), exp_sum (one float), n, d
        rng = _rng(100)   # uniform(-0.01, 0.01) upstream
        return [_f32(rng, n * d, -0.01, 0.01), _f32(rng, d, -0.01, 0.01), np.zeros(n, np.float32),
                np.zeros(1, np.float32), np.int32(n), np.int32(d)]
    return build


CE_W, CE_H = 81, 8732  # crossEntropy's classes and anchors (constexpr in reference.h)


def _ce_bwd(bs: int) -> Callable[[], list]:
    def build() -> list:  # log_softmax (bs x W x H), grad_output, grad_output_neg (bs x H), target (int64 class
        rng = _rng(101)   # of each anchor), weight (bs x H), mask (int64 0/1), grad_predict (bs x W x H)
        t = bs * CE_H
        return [_lazy(rng, bs * CE_W * CE_H, np.float32, -5, 0), _f32(rng, t), _f32(rng, t),
                rng.integers(0, CE_W, t, dtype=np.int64), _f32(rng, t), rng.integers(0, 2, t, dtype=np.int64),
                np.zeros(bs * CE_W * CE_H, np.float32)]
    return build


def _zeropoint(n: int) -> Callable[[], list]:
    def build() -> list:  # x_min, x_max, qmin -127, qmax 127, size, preserve_sparsity true, scale, zero_point
        rng = _rng(102)
        return [_f32(rng, n, -1, 0), _f32(rng, n, 0, 1), np.int32(-127), np.int32(127), np.int32(n), np.bool_(True),
                np.zeros(n, np.float32), np.zeros(n, np.int32)]
    return build


def _mxfp4(n: int) -> Callable[[], list]:
    def build() -> list:  # inp, out (halves)
        rng = _rng(103)
        return [_lazy(rng, n, np.float16, -4, 4), np.zeros(n, np.float16)]
    return build


# TensorInfo<int64_t, int64_t>: the index array's device pointer, MAX_TENSORINFO_DIMS (25) sizes and strides, dims
_TENSORINFO = np.dtype([("data", "<u8"), ("sizes", "<i8", (25,)), ("strides", "<i8", (25,)), ("dims", "<i4")],
                       align=True)


def _scatter_sum(n: int) -> Callable[[], list]:
    def build() -> list:  # src (int32 +-1), index_info (by value: the int64 index array's pointer, its one size and
        rng = _rng(104)   # stride), out (n / 2 ints), E = n, K = 1, N = n / 2, numel = n
        sizes, strides = np.zeros(25, np.int64), np.zeros(25, np.int64)
        sizes[0], strides[0] = n, 1
        info = np.array((0x7F00_0000_0000, sizes, strides, 1), dtype=_TENSORINFO)[()]  # cudaMalloc'd d_idx: an address
        return [rng.choice(np.array([1, -1], np.int32), n), info, np.zeros(n // 2, np.int32), np.int32(n), np.int32(1),
                np.int32(n // 2), np.int32(n)]
    return build


def spmm_nnz(rows: int) -> np.ndarray:
    """GE-SpMM's sparse rows' lengths: 0-9 (4.5 on average, amazon0302's 4.7 of the run script)."""
    return _rng(105).integers(0, 10, rows)


def _spmm_csr(rows: int, cols: int) -> Callable[[], list]:
    def build() -> list:  # A_nrows, B_ncols, A_csrRowPtr, A_csrColInd, A_csrVal, B (rows x B_ncols), C
        rng = _rng(106)
        lengths = spmm_nnz(rows)
        ptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int32)
        nnz = int(ptr[-1])
        return [np.int32(rows), np.int32(cols), ptr, rng.integers(0, rows, nnz, dtype=np.int32), _f32(rng, nnz),
                _lazy(rng, rows * cols, np.float32), np.zeros(rows * cols, np.float32)]
    return build


MC_SMS = 132  # the H100/H200 SXM's multiprocessors: the estimator's grid limit is 2 x 10 of them


def mc_grid(sims: int, block: int) -> int:
    """PiEstimator's grid: (numSims + block - 1) / block, halved while above 2 x blocksPerSM (10) x SMs."""
    grid = (sims + block - 1) // block
    while grid > 2 * 10 * MC_SMS:
        grid >>= 1
    return grid


def _mc_piq(sims: int) -> Callable[[], list]:
    def build() -> list:  # results (a count a block), points (numSims x then numSims y in [0, 1)), numSims
        rng = _rng(108)
        return [np.zeros(sims // 32 + 1, np.uint32), _f32(rng, 2 * sims), np.uint32(sims)]
    return build


# Sweep 8's kernels (10 more: graph kernels, in-place updates, pointer jumping, sub-warp shuffles, half2, tiled
# partitions, an arrive-wait barrier, single-block and in-place tree reductions).

def cc_lattice(side: int) -> tuple[np.ndarray, np.ndarray]:
    """A triangulated side x side lattice (delaunay_n24's degree 6, its vertices in row-major order) as ECL's
    CSR: nidx (nodes + 1 offsets) and nlist (each vertex's neighbours, sorted)."""
    nodes = side * side
    v = np.arange(nodes, dtype=np.int64)
    r, c = v // side, v % side
    pairs = []
    for dr, dc in ((0, 1), (1, 0), (1, 1)):  # right, down, down-right: each edge once, then both ways
        ok = (r + dr < side) & (c + dc < side)
        a = v[ok]
        pairs.append((a, a + dr * side + dc))
    src = np.concatenate([p[0] for p in pairs] + [p[1] for p in pairs])
    dst = np.concatenate([p[1] for p in pairs] + [p[0] for p in pairs])
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    nidx = np.concatenate(([0], np.cumsum(np.bincount(src, minlength=nodes)))).astype(np.int32)
    return nidx, dst.astype(np.int32)


def _cc_compute1(side: int) -> Callable[[], list]:
    def build() -> list:  # nodes, nidx, nlist, nstat (as init leaves it), wl
        nidx, nlist = cc_lattice(side)
        nodes = side * side
        first = nlist[np.minimum(nidx[:-1], len(nlist) - 1)]  # init: the first (smallest) neighbour if smaller
        nstat = np.where((nidx[1:] > nidx[:-1]) & (first < np.arange(nodes)), first, np.arange(nodes)).astype(np.int32)
        return [np.int32(nodes), nidx, nlist, nstat, np.zeros(nodes, np.int32)]
    return build


def _wyllie(n: int) -> Callable[[], list]:
    def build() -> list:  # list (next << 32 | rank: a random list with head 0, as random_list), size
        order = np.concatenate(([0], 1 + _rng(110).permutation(n - 1)))
        nxt = np.empty(n, np.int64)
        nxt[order[:-1]] = order[1:]
        nxt[order[-1]] = -1  # NIL
        rank = np.where(nxt == -1, 0, 1).astype(np.int64)
        return [(nxt << 32) | rank, np.int32(n)]
    return build


def nonzero_count(rows: int, cols: int) -> int:
    return int(np.count_nonzero(_rng(111).integers(-1, 2, rows * cols)))


# TensorDims<int64_t>: MAX_DIMS (2) int64 sizes
_TENSORDIMS = np.dtype([("sizes", "<i8", (2,))])


def _nonzero(rows: int, cols: int) -> Callable[[], list]:
    def build() -> list:  # inp (DeviceSelect::Flagged's flat indices of the nonzeros, then room for the columns),
        flat = np.flatnonzero(_rng(111).integers(-1, 2, rows * cols))  # dims (by value), ndim 2, nzero
        nz = len(flat)
        inp = np.zeros(2 * nz, np.int64)
        inp[:nz] = flat
        return [inp, np.array(([rows, cols],), dtype=_TENSORDIMS)[()], np.int32(2), np.int64(nz)]
    return build


def jaccard_csr(rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """The program's matrix (rand() % 10: 90 % nonzero) as CSR row offsets and column indices."""
    dense = _rng(112).integers(0, 10, (rows, cols)) != 0
    ptr = np.concatenate(([0], np.cumsum(dense.sum(axis=1)))).astype(np.int32)
    return ptr, np.nonzero(dense)[1].astype(np.int32)


def _jaccard_rowsum(rows: int, cols: int) -> Callable[[], list]:
    def build() -> list:  # n, csrPtr, csrInd, w (d_weight_j as fill<true> leaves it: (j + 1) / e), work
        ptr, ind = jaccard_csr(rows, cols)
        e = len(ind)
        return [np.int32(rows), ptr, ind, ((np.arange(e) + 1) / e).astype(np.float32), np.zeros(rows, np.float32)]
    return build


def _vadd_half2(n: int) -> Callable[[], list]:
    def build() -> list:  # gA, gB (+-1 halves, as fill_values), gC, n
        rng = _rng(113)
        a, b = (_lazy(rng, n, np.float16, -1, 1) for _ in range(2))
        return [a, b, np.zeros(n, np.float16), np.uint64(n)]
    return build


def _pagerank_map(n: int) -> Callable[[], list]:
    def build() -> list:  # pages (n x n links, about half of them 1), page_ranks (1 / n), maps, noutlinks, n
        rng = _rng(114)
        return [_lazy(rng, n * n, np.int32, 0, 1), np.full(n, 1.0 / n, np.float32), np.zeros(n * n, np.float32),
                rng.integers(n // 2 - 50, n // 2 + 50, n).astype(np.uint32), np.int32(n)]
    return build


JACOBI_GRID = 512 // 8 + 2  # N_ROWS / ROWS_PER_CTA + 2 upstream


def _jacobi_cg(rows: int) -> Callable[[], list]:
    def build() -> list:  # A (diagonally dominant, as createLinearSystem), b, conv_threshold, x, x_new, sum
        rng = _rng(115)
        a = rng.uniform(0, 1, (rows, rows)).astype(np.float32)
        a[np.arange(rows), np.arange(rows)] = a.sum(axis=1) + rows
        return [a.ravel(), rng.uniform(2 * rows, 3 * rows, rows), np.float32(1e-4), np.zeros(rows), np.zeros(rows),
                np.zeros(1)]
    return build


AW_SMS = 132  # the H200's multiprocessors: the grid is SMs x the occupancy's blocks a SM (2048 / block)


def _awbarrier(n: int) -> Callable[[], list]:
    def build() -> list:  # vecA, vecB, partialResults (a double a block: at most 2048 / 64 x SMs), size
        rng = _rng(116)
        return [_f32(rng, n, 1, 3), _f32(rng, n, 1, 3), np.zeros(AW_SMS * 2048 // 64), np.int32(n)]
    return build


def _lud_diagonal(side: int) -> Callable[[], list]:
    def build() -> list:  # m (diagonally dominant: a stable factorisation), matrix_dim, offset (the first step)
        m = _f32(_rng(117), side * side, 0.1, 1.0)
        m[:: side + 1] += side
        return [m, np.int32(side), np.int32(0)]
    return build


def _srad_reduce(rows: int, cols: int) -> Callable[[], list]:
    def build() -> list:  # d_Ne, d_no (Ne: the first pass), d_mul 1, d_sums (I, as prepare writes), d_sums2 (I^2)
        ne = rows * cols
        img = _f32(_rng(118), ne, 0.0, 1.0)
        return [np.int64(ne), np.int32(ne), np.int32(1), img, img * img]
    return build



# Sweep 9's kernels (8 more: LLM and HPC pieces: a Hadamard rotation, a 3-bit GPTQ GEMV, a KV-cache store, a vector
# CSR SpMV, a 3-D anisotropic stencil, multi-warp cooperative-groups reduction, DEM collisions, RGB splitting).

# HadamardParamsBase: batch, dim, log_N, the int64 strides, scale and the two data pointers (void *__restrict__)
_HADAMARD = np.dtype([("batch", "<i4"), ("dim", "<i4"), ("log_N", "<i4"), ("x_batch_stride", "<i8"),
                      ("out_batch_stride", "<i8"), ("scale", "<f4"), ("x_ptr", "<u8"), ("out_ptr", "<u8")], align=True)
HADAMARD_X = 0x7F00_0000_0000  # cudaMalloc'd d_x and d_out: addresses


def _hadamard(rows: int, dim: int) -> Callable[[], list]:
    def build() -> list:  # params (by value: the rows x dim halves of x and out live behind its two pointers)
        out = HADAMARD_X + (2 * rows * dim + 255) // 256 * 256
        return [np.array((rows, dim, int(math.log2(dim)), dim, dim, 1 / math.sqrt(dim), HADAMARD_X, out),
                         dtype=_HADAMARD)[()]]
    return build


def _quant3(height: int, width: int) -> Callable[[], list]:
    def build() -> list:  # vec (m halves, as half2), mat (packed 3-bit weights), mul, scales, zeros, height, width
        rng = _rng(120)
        m = height // 24 * 256
        return [_f32(rng, m, -1, 1).astype(np.float16), _lazy(rng, height * width, np.int32, -2 ** 31, 2 ** 31 - 1),
                np.zeros(width, np.float32), _f32(rng, width, 0.001, 0.01), _f32(rng, width, -0.05, 0.05),
                np.int32(height), np.int32(width)]
    return build


def _stencil3d_sigma(n: int) -> Callable[[], list]:
    def build() -> list:  # d_psi (i % 19), d_npsi, sigma X, Y, Z (3 x vol each: d_sigma + 0, 3 vol, 6 vol), nx, ny, nz
        vol = n ** 3
        psi = (np.arange(vol) % 19).astype(np.float64)
        sigma = [(np.arange(3 * vol * k, 3 * vol * (k + 1)) % 19).astype(np.float64) if 9 * vol * 8 <= LAZY_BYTES
                 else np.zeros(3 * vol) for k in range(3)]
        return [psi, np.zeros(vol), *sigma, np.int32(n), np.int32(n), np.int32(n)]
    return build


@functools.lru_cache(maxsize=4)
def spmv_vector_csr(rows: int, per_row: int) -> tuple[np.ndarray, np.ndarray]:
    """init_matrix's random pattern (nnz = rows x per_row cells of the rows x rows matrix) as CSR (size_t);
    cached, and deduplicated by sorting (numpy's hashed unique takes 10 s on the 8 M cells)."""
    cells = np.sort(_rng(121).integers(0, rows * rows, rows * per_row, dtype=np.int64))
    cells = cells[np.concatenate(([True], cells[1:] != cells[:-1]))]
    ptr = np.concatenate(([0], np.cumsum(np.bincount(cells // rows, minlength=rows)))).astype(np.uint64)
    return ptr, (cells % rows).astype(np.uint64)


def _spmv_vector(rows: int, per_row: int) -> Callable[[], list]:
    def build() -> list:  # num_rows, row_indices, col_indices, values (drand48() + 1), x, y
        ptr, ind = spmv_vector_csr(rows, per_row)
        rng = _rng(122)
        return [np.uint64(rows), ptr, ind, _f32(rng, len(ind), 1, 2), _f32(rng, rows), np.zeros(rows, np.float32)]
    return build


KV_LAYERS = 8


def _kvcache_store(tokens: int, slots: int, item: int) -> Callable[[], list]:
    def build() -> list:  # k_cache, v_cache, out_loc (a random permutation's first tokens), batch_size, k, v, strides,
        rng = _rng(123)  # num_items (row bytes / (8 x 32 x 4))
        row = KV_LAYERS * item
        loc = rng.permutation(slots)[:tokens].astype(np.uint64)
        return [np.zeros(slots * row, np.uint64), np.zeros(slots * row, np.uint64), loc, np.uint64(tokens),
                _lazy(rng, tokens * row, np.uint64, 0, 1 << 20), _lazy(rng, tokens * row, np.uint64, 0, 1 << 20),
                np.uint64(row), np.uint64(row), np.uint64(row // (32 * 4))]
    return build


def _mwcg_reduce(n: int) -> Callable[[], list]:
    def build() -> list:  # g_idata (rand() & 0xFF as floats / 256), g_odata (a float a block), n
        return [(_rng(124).integers(0, 256, n) / 256).astype(np.float32), np.zeros(64, np.float32), np.uint32(n)]
    return build


# SimParams: float3/uint3 are 4-byte aligned, 104 bytes
_SIMPARAMS = np.dtype([("colliderPos", "<f4", (3,)), ("colliderRadius", "<f4"), ("gravity", "<f4", (3,)),
                       ("globalDamping", "<f4"), ("particleRadius", "<f4"), ("gridSize", "<u4", (3,)),
                       ("numCells", "<u4"), ("worldOrigin", "<f4", (3,)), ("cellSize", "<f4", (3,)),
                       ("numBodies", "<u4"), ("maxParticlesPerCell", "<u4"), ("spring", "<f4"), ("damping", "<f4"),
                       ("shear", "<f4"), ("attraction", "<f4"), ("boundaryDamping", "<f4")])
COLLIDE_RADIUS = 1 / 64  # particleSystem's particleRadius; cells of 2 radii


def _collide_params(n: int, side: int) -> Callable[[], dict]:
    def build() -> dict:  # the sample's defaults (spring 0.5, damping 0.02, shear 0.1, the collider at (-1.2, -0.8, 0.8))
        cell = 2 * COLLIDE_RADIUS
        p = np.array(((-1.2, -0.8, 0.8), 0.2, (0, -0.0003, 0), 1.0, COLLIDE_RADIUS, (side,) * 3, side ** 3, (-1,) * 3,
                      (cell,) * 3, n, 4, 0.5, 0.02, 0.1, 0.0, -0.5), dtype=_SIMPARAMS)
        return {"cudaParams": p}
    return build


def _collide(n: int, side: int) -> Callable[[], list]:
    def build() -> list:  # newVel, oldPos, oldVel (sorted by cell hash), gridParticleIndex, cellStart, cellEnd, n
        rng = _rng(125)
        cell = 2 * COLLIDE_RADIUS
        pos = rng.uniform(-1, -1 + side * cell, (n, 3)).astype(np.float32)
        g = np.floor((pos + 1) / cell).astype(np.int64) & (side - 1)
        h = (g[:, 2] * side + g[:, 1]) * side + g[:, 0]
        order = np.argsort(h, kind="stable")
        h = h[order]
        pos4 = np.zeros((n, 4), np.float32)
        pos4[:, :3] = pos[order]
        vel4 = np.zeros((n, 4), np.float32)
        vel4[:, :3] = rng.uniform(-0.01, 0.01, (n, 3))
        start = np.full(side ** 3, 0xFFFFFFFF, np.uint32)
        end = np.zeros(side ** 3, np.uint32)
        first = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
        start[h[first]] = first
        end[h[first]] = np.r_[first[1:], n]
        return [np.zeros(4 * n, np.float32), pos4.ravel(), vel4.ravel(), order.astype(np.uint32), start, end,
                np.uint32(n)]
    return build


def _rgb_components(pixels: int) -> Callable[[], list]:
    def build() -> list:  # d_r, d_g, d_b, d_src (interleaved RGB bytes), pixels
        rng = _rng(126)
        return [*(np.zeros(pixels, np.float32) for _ in range(3)), _lazy(rng, 3 * pixels, np.uint8, 0, 255),
                np.int32(pixels)]
    return build


# sweep 10
LANGFORD_LIMIT, LANGFORD_LOGICAL = 100_000_000, 16383  # kLimit (solutions the result buffer holds), kNumLogicalThreads
LANGFORD_FOUND = {8: 4, 11: 16, 15: 218}  # solutions dfs<n> finds, twins included (194 unique at 15; a host run of it)


def _bsearch(a_size: int) -> Callable[[], list]:
    def build() -> list:  # acc_a (0 .. aSize - 1, strictly ascending), acc_z (rand() % N), acc_r, zSize, n (N)
        rng = _rng(127)
        n = a_size - 1
        return [np.arange(a_size, dtype=np.float32), rng.integers(0, n, 2 * a_size).astype(np.float32),
                np.zeros(2 * a_size, np.uint64), np.uint64(2 * a_size), np.uint64(n)]
    return build


def _langford(n: int, full: bool) -> Callable[[], list]:
    def build() -> list:  # p_result: the counter, then kLimit x (n + 7) / 8 int64 (1.6 GB upstream, zeros)
        words = LANGFORD_LIMIT * ((n + 7) // 8) if full else 4096
        return [np.zeros(1 + words, np.int64)]
    return build


def _atomic_intrinsics() -> list:  # g_odata: 11 ints, 0 but [8] and [10] 0xff (the program's)
    data = np.zeros(11, np.int32)
    data[8] = data[10] = 0xFF
    return [data]


def _wmma_gemm(m: int, n: int, k: int, dtype: type, seed: int) -> Callable[[], list]:
    """cuda-samples' simple_wmma_gemm arguments (dmmaTensorCoreGemm in double, tf32TensorCoreGemm in float)."""
    def build() -> list:  # a (M x K, row major), b (K x N, column major), c, d (M x N), m_ld, n_ld, k_ld, alpha, beta
        rng = _rng(seed)
        return [_lazy(rng, m * k, dtype, -1, 1), _lazy(rng, k * n, dtype, -1, 1),
                _lazy(rng, m * n, dtype, -1, 1), _lazy(rng, m * n, dtype), np.int32(m), np.int32(n),
                np.int32(k), dtype(1.1), dtype(1.2)]
    return build


def _surface_write(w: int, h: int) -> Callable[[], list]:
    def build() -> list:  # gIData (the image's floats in [0, 1]), width, height, outputSurface (a handle)
        return [_f32(_rng(129), w * h), np.int32(w), np.int32(h), np.uint64(1)]
    return build


def _myocyte() -> list:  # timeinst, d_initvalu (EQUATIONS 91), d_finavalu (91), d_params (PARAMETERS 18), d_com (3)
    rng = _rng(130)
    initvalu = _f32(rng, 91, 0.0, 1.0)
    initvalu[39] = -85.0  # the membrane voltage (mV)
    params = _f32(rng, 18, 0.1, 10.0)
    params[15] = 1000.0   # cycleLength (ms)
    return [np.int32(0), initvalu, np.zeros(91, np.float32), params, np.zeros(3, np.float32)]



# ---------------------------------------------------------------- cases ----------------------------


# ---------------------------------------------------------------- sweep 11 ------------------------

MOE_BLOCK = 32  # the MoE GEMM's block_size (the program's block_sizes[])


def moe_padded(numel: int, experts: int) -> int:
    """max_num_tokens_padded: numel + E x (block_size - 1), rounded up to block_size (pad_sorted_ids)."""
    padded = -(-(numel + experts * (MOE_BLOCK - 1)) // MOE_BLOCK) * MOE_BLOCK
    return min(numel * MOE_BLOCK, padded) if numel < experts else padded


def _moe_align(tokens: int, experts: int, topk: int) -> Callable[[], list]:
    def build() -> list:  # topk_ids, sorted_token_ids, expert_ids, total_tokens_post_pad, expert_map (nullptr),
        numel = tokens * topk  # num_experts, padded_num_experts, experts_per_warp, block_size, numel, cumsum,
        padded = moe_padded(numel, experts)  # max_num_tokens_padded, topk_num
        rng = _rng(140)
        ids = np.stack([rng.permutation(experts)[:topk] for _ in range(tokens)]).astype(np.int32).ravel()
        return [ids, np.zeros(padded, np.int32), np.zeros(-(-padded // MOE_BLOCK), np.int32), np.zeros(1, np.int32),
                np.uint64(0), np.int32(experts), np.int32(-(-experts // 32) * 32), np.int32(32),
                np.int32(MOE_BLOCK), np.int32(numel), np.zeros(experts + 1, np.int32), np.int32(padded),
                np.int32(topk)]
    return build


def _cub_blockscan() -> list:  # d_in (the tile: i % 17), d_out (the tile and its aggregate)
    return [(np.arange(1024) % 17).astype(np.int32), np.zeros(1025, np.int32)]


def _bgmv_shrink(tokens: int, hidden: int, rank: int, loras: int) -> Callable[[], list]:
    def build() -> list:  # output (tokens x rank, zeroed), input (tokens x hidden halves), weights (loras x rank x
        rng = _rng(141)   # hidden halves), lora_indices, num_tokens, hidden_size, lora_rank, scaling
        return [np.zeros(tokens * rank, np.float32), rng.uniform(-1, 1, tokens * hidden).astype(np.float16),
                rng.uniform(-1, 1, loras * rank * hidden).astype(np.float16),
                rng.integers(0, loras, tokens).astype(np.int32), np.int32(tokens), np.int32(hidden), np.int32(rank),
                np.float32(1.0)]
    return build


def _tsne_sigmas(n: int, perplexity: int) -> Callable[[], list]:
    def build() -> list:  # distances, P (n x k), perplexity, desired_entropy, epochs, tol, n, k
        k = 4 * perplexity
        return [_f32(_rng(142), n * k), np.zeros(n * k, np.float32), np.float32(perplexity),
                np.float32(math.log(perplexity)), np.int32(100), np.float32(1e-8), np.int32(n), np.int32(k)]
    return build


def _timed_reduction(blocks: int) -> Callable[[], list]:
    def build() -> list:  # input (2 x NUM_THREADS floats: 2048 covers every block size), output (a block), timer
        return [np.arange(2 * 1024, dtype=np.float32), np.zeros(blocks, np.float32), np.zeros(2 * blocks, np.int64)]
    return build


IMGVF_BASE, I_BASE = 0x7F00_0000_0000, 0x7F40_0000_0000  # cudaMalloc'd device_IMGVF_all and device_I_all


def _imgvf(cells: int, m: int, n: int) -> Callable[[], list]:
    def build() -> list:  # IMGVF_array, I_array (a device pointer a cell into the two packed arrays), m_array,
        offsets = 4 * m * n * np.arange(cells, dtype=np.uint64)  # n_array, vx, vy, e, max_iterations, cutoff
        return [IMGVF_BASE + offsets, I_BASE + offsets, np.full(cells, m, np.int32), np.full(cells, n, np.int32),
                np.float32(1.0), np.float32(1.0), np.float32(1e-10), np.int32(500), np.float32(1e-5)]
    return build


def _huff_prescan(n: int) -> Callable[[], list]:
    def build() -> list:  # g_odata, g_idata, g_blockSums (one a block at the smallest block), n, blockIndex, baseIndex
        rng = _rng(144)
        return [np.zeros(n, np.uint32), rng.integers(0, 32, n).astype(np.uint32), np.zeros(n // 64, np.uint32),
                np.int32(512), np.int32(0), np.int32(0)]
    return build


def _huff_prescan_block(arguments: list, params: dict) -> list:
    """prescan's n: numThreads x 2 (the elements a block) when the array takes more than one block."""
    return arguments[:3] + [np.int32(2 * params["block_size_x"])] + arguments[4:]


# ---------------------------------------------------------------- sweep 12 ------------------------

CURAND_STATE = np.dtype([("d", "<u4"), ("v", "<u4", 5), ("boxmuller_flag", "<i4"), ("boxmuller_flag_double", "<i4"),
                         ("boxmuller_extra", "<f4"), ("boxmuller_extra_double", "<f8")], align=True)  # 48 bytes
SEEDS = np.dtype([("first", "<u8"), ("second", "<u8")])       # std::pair<uint64_t, uint64_t>
UNFOLD_LOOP = np.dtype([("grad_out_ptr", "<u8"), ("grad_in_ptr", "<u8"), ("idx_dim_ptr", "<u8"), ("size", "<i8"),
                        ("step", "<i8"), ("grad_in_dim_stride", "<i8"), ("grad_in_last_dim_stride", "<i8"),
                        ("grad_in_dim_size", "<i8"), ("grad_out_dim_stride", "<i8")])
UNFOLD_OUT, UNFOLD_IN, UNFOLD_IDX = 0x7F00_0000_0000, 0x7F10_0000_0000, 0x7F20_0000_0000  # cudaMalloc'd
PI_BLOCKS_PER_SM, SMS = 10, 132


def _curand_states(rng: np.random.Generator, count: int) -> np.ndarray:
    """XORWOW states as curand_init leaves them (random words; no cached normal)."""
    states = np.zeros(count, CURAND_STATE)
    states["d"] = rng.integers(0, 2**32, count, dtype=np.uint32)
    states["v"] = rng.integers(0, 2**32, (count, 5), dtype=np.uint32)
    return states


def _gibbs_theta(n: int) -> Callable[[], list]:
    def build() -> list:  # state (a curandState a sample), theta, y (counts), n (exposures), a, b, num_sample
        rng = _rng(150)
        return [_curand_states(rng, n), np.zeros(n, np.float32), rng.poisson(5, n).astype(np.int32),
                _f32(rng, n, 1, 10), np.float32(20), np.float32(1), np.int32(n)]
    return build


def _dropout(n: int) -> Callable[[], list]:
    def build() -> list:  # a, b, c (uint8 mask), totalElements, p (1 / repeat ... 1: 0.5 here), seeds (by value)
        return [_f32(_rng(151), n, -1, 1), np.zeros(n, np.float32), np.zeros(n, np.uint8), np.uint32(n),
                np.float32(0.5), np.array((12345678, 87654321), SEEDS)[()]]
    return build


def _unfold(n: int) -> Callable[[], list]:
    def build() -> list:  # total_n_elems, f (the functor by value: three device pointers and six int64)
        return [np.int32(n), np.array((UNFOLD_OUT, UNFOLD_IN, UNFOLD_IDX, 2, 1, 1, 1, n, 1), UNFOLD_LOOP)[()]]
    return build


def _fft512(nbytes: int) -> Callable[[], list]:
    def build() -> list:  # work (n_cmplx double2 as 2 x n_cmplx doubles, in place)
        return [_lazy(_rng(152), nbytes // 8, np.float64, -1, 1)]
    return build


def pi_grid(sims: int, block: int) -> int:
    """computeValue's grid: (numSims + block - 1) / block, halved while above 2 x blocksPerSM x SMs."""
    grid = -(-sims // block)
    while grid > 2 * PI_BLOCKS_PER_SM * SMS:
        grid >>= 1
    return grid


def pi_grid_expression(sims: int) -> str:
    """pi_grid as a Kernel Tuner expression of block_size_x (the program's grid, a fixed grid per block)."""
    expression = str(pi_grid(sims, POW2[-1]))
    for block in reversed(POW2[:-1]):
        expression = f"{pi_grid(sims, block)} if block_size_x == {block} else ({expression})"
    return expression


def _pi_inline(sims: int) -> Callable[[], list]:
    def build() -> list:  # results (one a block: 2640 at most), rngStates (one a thread of the largest grid), numSims
        rng = _rng(153)
        threads = max(pi_grid(sims, b) * b for b in POW2)
        return [np.zeros(2 * PI_BLOCKS_PER_SM * SMS, np.uint32), _curand_states(rng, threads), np.uint32(sims)]
    return build


def cg_grid(block: int) -> int:
    """gpuConjugateGradient's grid: SMs x the occupancy API's blocks an SM (2048 threads an SM)."""
    return SMS * min(32, 2048 // block)


def _cg_multiblock(n: int) -> Callable[[], list]:
    def build() -> list:  # I, J, val (CSR of a random tridiagonal SPD matrix), x, Ax, p, r, dot_result, nnz, N, tol
        rng = _rng(154)
        nz = (n - 2) * 3 + 4
        rows = np.arange(n)
        row_ptr = np.concatenate([[0], np.cumsum(np.where((rows == 0) | (rows == n - 1), 2, 3))]).astype(np.int32)
        cols = np.concatenate([[0, 1], (np.arange(1, n - 1)[:, None] + np.arange(-1, 2)).ravel(), [n - 2, n - 1]])
        val = _f32(rng, nz, 0, 1)
        val[row_ptr[:-1] + (rows > 0)] += 10.0  # the diagonal (genTridiag: rand() / RAND_MAX + 10)
        return [row_ptr, cols.astype(np.int32), val, np.zeros(n, np.float32), np.zeros(n, np.float32),
                np.zeros(n, np.float32), np.ones(n, np.float32), np.zeros(1, np.float64), np.int32(nz), np.int32(n),
                np.float32(1e-5)]
    return build


def _pf_find_index(n: int) -> Callable[[], list]:
    def build() -> list:  # arrayX, arrayY, CDF (of uniform weights), u (u1 + i / N), xj, yj, weights, Nparticles
        rng = _rng(155)
        cdf = np.arange(1, n + 1, dtype=np.float64) / n
        u = rng.uniform(0, 1 / n) + np.arange(n, dtype=np.float64) / n
        return [rng.uniform(0, 128, n), rng.uniform(0, 128, n), cdf, u, np.zeros(n), np.zeros(n), np.full(n, 1 / n),
                np.int32(n)]
    return build


def _pf_normalize(n: int) -> Callable[[], list]:
    def build() -> list:  # weights, Nparticles, partial_sums (the sum in [0]), CDF, u, seed (one int a particle)
        rng = _rng(156)
        weights = rng.uniform(0, 1, n)
        return [weights, np.int32(n), np.array([weights.sum()]), np.zeros(n), np.zeros(n),
                rng.integers(0, 2**31 - 1, n).astype(np.int32)]
    return build


# ---------------------------------------------------------------- sweep 13 ------------------------

ADAMW_BETA1, ADAMW_BETA2, ADAMW_LR, ADAMW_WD = 0.9, 0.999, 1e-3, 1e-2  # main.cu's default constants
DEV = 0x7F00_0000_0000                     # a cudaMalloc'd address (rotary's six tensors, 1 << 36 bytes apart)
EMPTY = np.dtype([("_", "u1")])            # an empty struct by value (a functor, an offset calculator): one byte
ROTARY_DATA = np.dtype([("data", "<u8", 6)])  # Array<char*, 6>
W2V_LAYER, W2V_ALIGNED, W2V_WINDOW, W2V_NEGATIVE = 200, 224, 8, 25  # the Makefile's -size 200 -window 8 -negative 25
W2V_SENTENCE, W2V_SENTENCES = 1024, 6      # MAX_SENTENCE_LENGTH, MAX_SENTENCE_NUM


def _adamw_4bit(n: int) -> Callable[[], list]:
    def build() -> list:  # p, g (2n floats), exp_qscale, sq_qscale (2n floats, as upstream), exp, sq (n packed int8),
        rng = _rng(160)   # beta1, beta2, lr, weight_decay, eps, step, total_size, correction1, correction2_sqrt,
        step = 1          # step_size, weight_decay_update, resid_beta1, resid_beta2 (the first step)
        correction1 = 1 - ADAMW_BETA1 ** step
        return [_lazy(rng, 2 * n, np.float32), _lazy(rng, 2 * n, np.float32), _lazy(rng, 2 * n, np.float32),
                _lazy(rng, 2 * n, np.float32), _lazy(rng, n, np.int8, -128, 127), _lazy(rng, n, np.int8, -128, 127),
                np.float32(ADAMW_BETA1), np.float32(ADAMW_BETA2), np.float32(ADAMW_LR), np.float32(ADAMW_WD),
                np.float32(1e-8), np.float32(step), np.int64(n), np.float32(correction1),
                np.float32(math.sqrt(1 - ADAMW_BETA2 ** step)), np.float32(ADAMW_LR / correction1),
                np.float32(1 - ADAMW_LR * ADAMW_WD), np.float32(1 - ADAMW_BETA1), np.float32(1 - ADAMW_BETA2)]
    return build


def _rotary(n: int) -> Callable[[], list]:
    def build() -> list:  # N, f (RotaryFunctor, empty), data (o1, o2, x1, x2, cos, sin: n floats each), ic, oc (empty)
        pointers = np.array([([DEV + i * (1 << 36) for i in range(6)],)], ROTARY_DATA)[0]
        return [np.int32(n), np.zeros((), EMPTY)[()], pointers, np.zeros((), EMPTY)[()], np.zeros((), EMPTY)[()]]
    return build


def _multinomial(dists: int, categories: int) -> Callable[[], list]:
    def build() -> list:  # dest, distributions, categories, sampled (uniform), dist (weights rand() % 100 + 1),
        rng = _rng(161)   # stride_dist, stride_categories
        return [np.zeros(dists, np.int32), np.int32(dists), np.int32(categories), _f32(rng, dists),
                rng.integers(1, 101, dists * categories).astype(np.float32), np.int32(categories), np.int32(1)]
    return build


def _int8_azp_quant(tokens: int, hidden: int) -> Callable[[], list]:
    def build() -> list:  # input (bf16: rand() % 1000 - 300), out (int8), scale, azp (a token each), hidden_size
        rng = _rng(162)
        values = rng.integers(-300, 700, tokens * hidden).astype(np.float32)
        return [(values.view(np.uint32) >> 16).astype(np.uint16), np.zeros(tokens * hidden, np.int8),
                np.zeros(tokens, np.float32), np.zeros(tokens, np.int32), np.int32(hidden)]
    return build


def _bnb_quantize(n: int) -> Callable[[], list]:
    def build() -> list:  # code (the 256-entry dynamic map, sorted in [-1, 1]), A (normal), out (uint8), n
        rng = _rng(163)
        code = np.sort(np.concatenate([-np.geomspace(1e-3, 0.993, 127), [0.0], np.geomspace(1e-3, 1.0, 128)]))
        return [code.astype(np.float32), rng.standard_normal(n).astype(np.float32), np.zeros(n, np.uint8),
                np.int32(n)]
    return build


def w2v_words(vocab: int, sentences: int) -> np.ndarray:
    """The sentences' word ids: Zipf-distributed, as text8's (frequent words have small ids)."""
    return np.minimum(_rng(164).zipf(1.3, sentences * W2V_SENTENCE) - 1, vocab - 1).astype(np.int32)


def w2v_rows(vocab: int, sentences: int) -> tuple[int, float, int]:
    """(distinct syn0 rows, expected distinct syn1neg rows, negative draws) one launch touches: every sentence word
    is some position's context (syn0) and target (syn1neg); the negatives (table zeros: next_random % (vocab - 1) +
    1, uniform) add rows of their own."""
    words = len(np.unique(w2v_words(vocab, sentences)))
    draws = sentences * W2V_SENTENCE * W2V_NEGATIVE
    return words, vocab - (vocab - words) * math.exp(-draws / vocab), draws


def _cbow(vocab: int, sentences: int, table: int) -> Callable[[], list]:
    def build() -> list:  # sentence_num, layer1_size, layer1_size_aligned, window, negative, table_size, vocab_size,
        rng = _rng(165)   # d_sen (words, then a float alpha a sentence), d_table (zeros), d_syn0, d_syn1neg, d_random
        sen = np.zeros(W2V_SENTENCES * W2V_SENTENCE + W2V_SENTENCES, np.int32)
        sen[:sentences * W2V_SENTENCE] = w2v_words(vocab, sentences)
        sen[W2V_SENTENCES * W2V_SENTENCE:] = np.full(W2V_SENTENCES, 0.05, np.float32).view(np.int32)
        return [np.int32(sentences), np.int32(W2V_LAYER), np.int32(W2V_ALIGNED), np.int32(W2V_WINDOW),
                np.int32(W2V_NEGATIVE), np.int32(table), np.int32(vocab), sen, np.zeros(table, np.int32),
                _f32(rng, vocab * W2V_ALIGNED, -0.0025, 0.0025), np.zeros(vocab * W2V_ALIGNED, np.float32),
                rng.integers(0, 2**31, W2V_SENTENCE).astype(np.uint32)]
    return build


def _cbow_expTable() -> dict:
    e = np.exp((np.arange(1000) / 1000 * 2 - 1) * 6)
    return {"expTable": (e / (e + 1)).astype(np.float32)}


def robust_cases(small: bool = False) -> list[RobustCase]:
    """The robustness set at the helpers' sizes, or (small=True) the same kernels tiny."""
    which = "small" if small else "full"
    s = {name: entry[which] for name, entry in SIZES.items()}
    cases: list[RobustCase] = []

    def add(name, kernel_name, problem_size, arguments, write, read, footprint=None, grid_div_x=None,
            grid_div_y=None, smem=None, cmem=None, block_arguments=None, restrictions=None):
        cases.append(RobustCase(
            name=f"robust_{name}@{'x'.join(str(v) for v in s[name])}", kernel_name=kernel_name,
            source_path=ROBUST_DIR / f"{name.removesuffix('_fp64')}.cu", problem_size=problem_size,
            arguments=arguments, tune_params=TUNE[name], grid_div_x=grid_div_x, grid_div_y=grid_div_y,
            restrictions=restrictions or RESTRICTIONS.get(name, []), family=FAMILY, size_index=0,
            smem_args=None if smem is None else {"size": smem}, cmem_args=cmem, block_arguments=block_arguments,
            write_bytes=write, read_bytes=read, footprint_bytes=footprint, dram_note=DATA_DEPENDENT.get(name, ""),
            upstream=UPSTREAM[name]))

    # --- HeCBench
    nx, nf = s["lombscargle"]
    # grid (F + 255) / 256 * 256 blocks whatever the block (the program's), a grid-stride loop over F.
    add("lombscargle", "lombscargle", ((nf + 255) // 256 * 256,), _lombscargle(nx, nf), 4 * nf, 4 * nf + 8 * nx,
        grid_div_x=[])
    (keys,) = s["murmurhash3"]
    add("murmurhash3", "MurmurHash3_x64_128_kernel", (keys,), _murmurhash3(keys), 16 * keys,
        float(_murmur_lengths(keys).sum()))
    (blocks,) = s["bscan"]
    # every block scans (and stores) the same blockDim ints
    add("bscan", "binary_scan", (blocks,), _bscan, lambda p: 4 * p["block_size_x"], lambda p: 4 * p["block_size_x"],
        grid_div_x=[])
    (n,) = s["f16max"]
    add("f16max", "hmax<half2>", (n,), _f16max(n), 4 * n, 8 * n)
    na, nb = s["hausdorff"]
    add("hausdorff", "computeDistance", (na,), _hausdorff(na, nb), 4, 8 * na + 8 * nb)
    (threads,) = s["atomiccas"]
    add("atomiccas", "atomicAddDerived<double>", (threads,), _atomiccas, 8, 8)
    (n,) = s["linearprobing"]
    add("linearprobing", "k_hashtable_insert", (n,), _linearprobing(n), 8 * n, 8 * n)
    (n,) = s["conv1d"]
    add("conv1d", "conv1d_tiled<float>", (n,), _conv1d(n), 4 * n, 4 * n, smem=f"(block_size_x + {CONV_MASK} - 1) * 4",
        cmem=_conv1d_mask)
    b, c, h, w, g = s["groupnorm"]
    # one block a (batch, group): a fixed grid of B x G blocks
    add("groupnorm", "groupnorm_forward_kernel", (b * g,), _groupnorm(b, c, h, w, g), 4 * b * c * h * w,
        4 * b * c * h * w, grid_div_x=[])
    batch, classes, priors = s["score"]
    # one block a (class, batch); every block stores its count (the top-K slots depend on the data)
    add("score", "findTopK<float, 2048, block_size_x>", (classes, batch), _score(batch, classes, priors),
        4 * batch * classes, 4 * batch * classes * priors, grid_div_x=[], grid_div_y=[])
    (n,) = s["conversion"]
    add("conversion", "cvt<__nv_bfloat16, double>", (n,), _conversion(n), 2 * n, 8 * n)
    (side,) = s["hypterm"]
    inner = (side - 8) ** 3  # the cells the boundary guard lets through
    add("hypterm", "hypterm_1", (side, side, side), _hypterm(side), 5 * 8 * inner, 6 * 8 * inner)
    m, n = s["abrln"]
    # one block a row; out is read and written in place
    add("abrln", "generalAddBiasResidualPostLayerNorm<__nv_bfloat16>", (m,), _abrln(m, n), 2 * m * n, 4 * m * n,
        footprint=4 * m * n, grid_div_x=[])
    (n,) = s["vangenuchten"]
    add("vangenuchten", "vanGenuchten", (n,), _vangenuchten(n), 24 * n, 16 * n)
    side, atoms = s["clenergy"]
    # grid (side / (bx x UNROLLX), side / by); the energy grid is read and written in place
    add("clenergy", "cenergy", (side, side), _clenergy(side, atoms), 4 * side * side, 4 * side * side + 16 * atoms,
        footprint=4 * side * side + 16 * atoms, grid_div_x=["block_size_x * 8"],
        restrictions=["block_size_x * block_size_y >= 32", f"{side} % (block_size_x * 8) == 0"])
    threads, counters = s["atomicagg"]
    add("atomicagg", "k", (threads,), _atomicagg(counters), 4 * counters, 0)
    n_, g, k, hw = s["channelshuffle"]
    # grid (H x W / NUM_THREADS, N, C)
    add("channelshuffle", "ChannelShuffleNCHWKernel<float, false>", (hw, n_, g * k), _channelshuffle(n_, g, k, hw),
        4 * n_ * g * k * hw, 4 * n_ * g * k * hw, grid_div_y=[])

    (n,) = s["haversine"]
    add("haversine", "compute_haversine_distance", (n,), _haversine(n), 8 * n, 32 * n)
    vectors, dim = s["michalewicz"]
    add("michalewicz", "eval", (vectors,), _michalewicz(vectors, dim), 4, 4 * vectors * dim)
    bs, ss, fs = s["wedford"]
    # one block a feature: a fixed grid of fs blocks
    add("wedford", "welford_kernel<float, float, float>", (fs,), _wedford(bs, ss, fs), 8 * fs, 4 * bs * ss * fs,
        grid_div_x=[])
    (size,) = s["randomAccess"]
    # one block; 4 x TableSize atomicXor, each a 32-byte sector read and written where L2 does not hold it
    # (L2 holds an eighth of the table: updates of one sector may merge there). What must be written is the
    # table; the dram_note allows the write-back a sector an update on top.
    add("randomAccess", "update", (1,), _random_access(size), 8 * size, 8 * size,
        footprint=8 * size, grid_div_x=[])
    n, blocks = s["f16sp"]
    # the program's fixed grid (65536 blocks) and a grid-stride loop
    add("f16sp", "scalarProductKernel_intrinsics", (blocks,), _f16sp(n), 4, 8 * n, grid_div_x=[])
    (n,) = s["dp4a"]
    # a thread an int4 group of a and b; one partial a block
    add("dp4a", "dot_product2<unsigned int, 1>", (n // 4,), _dp4a(n), lambda p, n=n: 4 * (n // 4) // p["block_size_x"],
        8 * n)
    ch, depth, height, width, k = s["vol2col"]
    threads, _, _ = vol2col_shape(ch, depth, height, width, k)
    # every thread stores its k^3 columns
    add("vol2col", "vol2col_kernel<float>", (threads,), _vol2col(ch, depth, height, width, k), 4 * threads * k ** 3,
        4 * threads)
    tokens, hidden = s["moe_sum"]
    # one block a token: a fixed grid
    add("moe_sum", "moe_sum_kernel_vec4<4>", (tokens,), _moe_sum(tokens, hidden), 4 * tokens * hidden,
        16 * tokens * hidden, grid_div_x=[])
    batch, rows, dim = s["scatterAdd"]
    # grid batch / WORK_SIZE + 1, dynamic shared: the rows x vector_dim accumulators and a float a thread
    add("scatterAdd", "scatterAdd2_kernel", (batch // 8192 + 1,), _scatter_add(batch, rows, dim), 4 * rows * dim,
        4 * batch * dim + 4 * batch, grid_div_x=[], smem=f"{4 * rows * dim} + 32 * block_size_y * 4")
    (targets,) = s["matern"]
    # grid (targets / SX, 1): row ty == 0 stores a result a target
    add("matern", "matern_kernel", (targets,), _matern(targets), 4 * targets, 12 * targets, grid_div_y=[])
    width, height = s["entropy"]
    add("entropy", "entropy", (width, height), _entropy(width, height), 4 * width * height, width * height)
    n, c, hw = s["channelSum"]
    # one block a channel: a fixed grid of C blocks
    add("channelSum", "ChannelSumNCHW<int, block_size_x, block_size_y>", (c,), _channel_sum(n, c, hw), 8 * c,
        4 * n * c * hw, grid_div_x=[])
    (n,) = s["rodrigues"]
    # the points rotated in place
    add("rodrigues", "rotate", (n,), _rodrigues(n), 12 * n, 12 * n, footprint=12 * n)
    (threads,) = s["f16atomic"]
    add("f16atomic", "f16AtomicOnGlobalMem", (threads,), _f16atomic(threads), 1024, 0, footprint=1024)
    length, batch, vocab = s["logprob"]
    # one block a (step, batch): a fixed (length - 1) x batch grid over the padded vocabulary rows
    add("logprob", "log_probs_kernel<float>", (length - 1, batch), _logprob(length, batch, vocab),
        4 * batch * (length - 1), 4 * batch * length * logprob_padded(vocab), grid_div_x=[], grid_div_y=[])

    # --- cuda-samples
    (n,) = s["dwt_haar1d"]
    # grid n / 2 / bdim, shared 2 x bdim floats plus one bank-offset pad a 16
    add("dwt_haar1d", "dwtHaar1D", (n // 2,), _dwt(n), 4 * n, 4 * n, footprint=8 * n,
        smem="(2 * block_size_x + 2 * block_size_x / 16) * 4", block_arguments=_dwt_block)
    (options,) = s["binomial"]
    add("binomial", "binomialOptionsKernel", (options,), lambda: [], 4 * options, 20 * options, grid_div_x=[],
        cmem=_binomial_options)
    vectors, dims = s["sobol"]
    add("sobol", "sobolGPU_kernel", (sobol_grid(vectors), dims), _sobol(vectors, dims), 4 * vectors * dims,
        4 * 32 * dims, grid_div_x=[], grid_div_y=[])
    (side,) = s["fdtd3d"]
    add("fdtd3d", "FiniteDifferencesKernel", (side, side), _fdtd3d(side), 4 * side ** 3, 4 * side ** 3,
        footprint=8 * (side + 8) ** 3, cmem=_fdtd3d_stencil)
    (n,) = s["nbody"]
    # newPos and vel written (double4), oldPos and vel read; vel in place
    add("nbody", "integrateBodies<double>", (n,), _nbody(n), 64 * n, 64 * n, footprint=96 * n,
        smem="block_size_x * 32", cmem=_nbody_softening, block_arguments=_nbody_block)
    (n,) = s["scan"]
    add("scan", "scanExclusiveShared", (n // 4,), _scan(n), 4 * n, 4 * n)
    (n,) = s["mergesort"]
    # grid n / SHARED_SIZE_LIMIT = n / 2 / block
    add("mergesort", "mergeSortSharedKernel<1U>", (n // 2,), _mergesort(n), 8 * n, 8 * n,
        block_arguments=_mergesort_block)
    (m,) = s["wmma_gemm"]
    # grid (M / (16 x bx / 32), N / (16 x by)): one 16 x 16 tile a warp
    add("wmma_gemm", "simple_wmma_gemm", (m, m), _wmma(m), 4 * m * m, 2 * 2 * m * m + 4 * m * m,
        grid_div_x=["block_size_x / 2"], grid_div_y=["block_size_y * 16"])
    (n,) = s["warpagg_filter"]
    # the positive 95 % are compacted (rand() % 20 > 0; 2 % off for the draw)
    add("warpagg_filter", "filter_arr", (n,), _warpagg(n), 0.98 * 0.95 * 4 * n, 4 * n)
    w, h = s["jacobi"]
    add("jacobi", "JacobiIteration<block_size_x, block_size_y>", (w, h), _jacobi(w, h), 2 * 4 * w * h, 5 * 4 * w * h)
    (side,) = s["conv_rows"]
    # grid (W / (8 x bx), H / by): ROWS_RESULT_STEPS 8 outputs a thread, the halo from the tile's neighbours
    add("conv_rows", "convolutionRowsKernel", (side, side), _image_pair(side, 53, [np.int32(side)] * 3),
        4 * side * side, 4 * side * side, grid_div_x=["8 * block_size_x"], cmem=_conv_rows_taps,
        restrictions=RESTRICTIONS["conv_rows"] + [f"{side} % (8 * block_size_x) == 0"])
    (side,) = s["dct8x8_2d"]
    # grid (side / KER2_BLOCK_WIDTH, side / KER2_BLOCK_HEIGHT): a thread a column of 8 pixels
    add("dct8x8_2d", "CUDAkernel2DCT", (side, side), _image_pair(side, 55, [np.int32(side)]), 4 * side * side,
        4 * side * side, grid_div_x=["8 * block_size_y"], grid_div_y=["8 * block_size_z"])
    (side,) = s["recgauss"]
    # a thread a column: grid iDivUp(width, nthreads)
    add("recgauss", "d_recursiveGaussian_rgba", (side,),
        _rgba_pair(side, 56, [np.float32(v) for v in (0.2, 0.1, -0.05, 0.02, -1.2, 0.4, 1.0, 1.0)]), 4 * side * side,
        4 * side * side)
    side, radius = s["boxfilter_y"]
    add("boxfilter_y", "d_boxfilter_rgba_y", (side,), _rgba_pair(side, 66, [np.int32(radius)]), 4 * side * side,
        4 * side * side)
    (n,) = s["fp16dot"]
    # the program's fixed grid (NUM_OF_BLOCKS) as num_blocks; results[blockIdx.x]
    add("fp16dot", "scalarProductKernel_intrinsics", ("num_blocks",), _fp16dot(n), lambda p: 4 * p["num_blocks"],
        lambda p, n=n: fp16dot_read(n, p["num_blocks"]), grid_div_x=[])
    n, grid = s["reduce_mbcg"]
    # the cooperative grid (2 blocks an SM on 132 SMs), dynamic shared a double a thread
    add("reduce_mbcg", "reduceSinglePassMultiBlockCG", (grid,), _reduce_mbcg(n, grid), 4 * grid, 4 * n,
        grid_div_x=[], smem="block_size_x * 8")
    particles, cells = s["particles_reorder"]
    # sortedPos and sortedVel stored (float4); hash, index, oldPos and oldVel read; cellStart/End on cell changes
    add("particles_reorder", "reorderDataAndFindCellStartD", (particles,), _particles(particles, cells),
        2 * 16 * particles, 8 * particles + 2 * 16 * particles, smem="(block_size_x + 1) * 4")
    (m,) = s["async_matmul"]
    add("async_matmul", "MatrixMulAsyncCopyMultiStage", (m, m), _async_matmul(m), 4 * m * m, 8 * m * m)

    # --- Rodinia
    (side,) = s["lud_internal"]
    # grid (side / B - 1)^2: the trailing matrix of the first step, updated in place
    add("lud_internal", "lud_internal", (f"{side} - block_size_x", f"{side} - block_size_y"), _lud(side),
        lambda p, side=side: 4 * (side - p["block_size_x"]) ** 2, lambda p, side=side: 4 * (side - p["block_size_x"]) ** 2,
        footprint=lambda p, side=side: 4 * (side - p["block_size_x"]) ** 2 + 8 * side * p["block_size_x"])
    (length,) = s["nw_shared1"]
    # the longest anti-diagonal: (cols - 1) / B blocks of B x B cells
    add("nw_shared1", "needle_cuda_shared_1", (length,), _nw(length), lambda p: 4 * length * p["block_size_x"],
        lambda p: 4 * length * p["block_size_x"], block_arguments=_nw_block)
    count, knodes, records = s["btree_findk"]
    # one block a query; thread 0 stores currKnodeD at every level
    add("btree_findk", "findK", (count,), _btree(count, knodes, records), 8 * count, (8 + 8 + 4) * count,
        grid_div_x=[])
    (size,) = s["gaussian_fan1"]
    # one thread a row reads the row's a[t] and writes its m[t]: a sector a row
    add("gaussian_fan1", "Fan1", (size,), _fan1(size), 4 * (size - 1), SECTOR * size + 4,
        footprint=2 * SECTOR * size)
    (n,) = s["cfd_flux_fp64"]
    # fluxes written; neighbour indices, normals and variables read (the neighbours' variables again, nearby)
    add("cfd_flux_fp64", "cuda_compute_flux", (n,), _cfd(n), 5 * 8 * n, (4 * 4 + 12 * 8 + 5 * 8) * n,
        cmem=_cfd_constants)
    n, x, y, frames = s["pf_likelihood"]
    ones = len(pf_disk()) // 2
    # stores: ind (a row of countOnes a particle), arrayX, arrayY, weights, likelihood, seed; reads xj, yj, seed
    add("pf_likelihood", "likelihood_kernel", (n,), _pf(n, x, y, frames), 4 * n * ones + 8 * n * 4 + 4 * n,
        8 * n * 2 + 4 * n)
    (units,) = s["backprop_layerforward"]
    hid = BACKPROP_HID
    # grid (1, in / HEIGHT); the weights (in x hid of them) read and written back in place, a partial sum a block
    # and hidden unit
    add("backprop_layerforward", "bpnn_layerforward_CUDA", (1, units), _backprop(units),
        lambda p, units=units: 4 * units * hid + 4 * units // p["block_size_y"] * hid, 4 * units * (hid + 1) + 4 * units,
        footprint=lambda p, units=units: 4 * (units + 1) * (hid + 1) + 4 * units + 4 * units // p["block_size_y"] * hid,
        grid_div_x=[])
    (rows,) = s["srad_v2_1"]
    # the four derivatives and the diffusion coefficient stored; J read (the halo from the neighbours' tiles)
    add("srad_v2_1", "srad_cuda_1", (rows, rows), _srad(rows), 5 * 4 * rows * rows, 4 * rows * rows)
    (dim,) = s["lud_perimeter"]
    # grid side / BLOCK_SIZE - 1 = 2 x side / block - 1; the perimeter row and column tiles of the first step,
    # updated in place (BLOCK_SIZE = block / 2)
    add("lud_perimeter", "lud_perimeter", (f"{2 * dim} - block_size_x",), _lud(dim),
        lambda p, dim=dim: 2 * 4 * (p["block_size_x"] // 2) * dim, lambda p, dim=dim: 2 * 4 * (p["block_size_x"] // 2) * dim,
        footprint=lambda p, dim=dim: 2 * 4 * (p["block_size_x"] // 2) * dim)
    (n,) = s["hist1024"]
    # BLOCK_N 64 blocks, a grid-stride loop; the 1024 bins merged with global atomics
    add("hist1024", "histogram1024Kernel", (64,), _hist1024(n), 4096, 4 * n, grid_div_x=[])
    (words,) = s["vlc_huffman"]
    # 8 bits a symbol on average: a 32-bit word out a word in, and a bit offset a block
    add("vlc_huffman", "vlc_encode_kernel_sm64huff", (words,), _vlc(words),
        lambda p, words=words: 4 * words + 4 * words // p["block_size_x"], 4 * words, smem="block_size_x * 4")
    (n,) = s["histo_huffman"]
    # the program's fixed grid (2 x SMs) as num_blocks
    add("histo_huffman", "histo_kernel", ("num_blocks",), _histo(n), 1024, n, grid_div_x=[])
    (seq,) = s["needle_shared2"]
    # the second half's longest anti-diagonal: block_width - 1 blocks of B x B cells
    add("needle_shared2", "needle_cuda_shared_2", (f"{seq} - block_size_x",), _nw(seq),
        lambda p, seq=seq: 4 * (seq // p["block_size_x"] - 1) * p["block_size_x"] ** 2,
        lambda p, seq=seq: 4 * (seq // p["block_size_x"] - 1) * p["block_size_x"] ** 2, block_arguments=_nw2_block)
    # --- sweep 5: HeCBench
    b, h, q, k = s["softmax_fused"]
    # grid (query / (warps a block), heads, batches): a warp a row; the mask a (batch, query) row, shared by the heads
    add("softmax_fused", "scaled_masked_softmax_warp_forward<__half, __half, float, 10>", (q, h, b),
        _softmax_fused(b, h, q, k), 2 * b * h * q * k, 2 * b * h * q * k + b * q * k, grid_div_x=["block_size_y"],
        grid_div_y=[])
    frames, classes = s["nlll"]
    # one block; a 32-byte sector of input a frame (one float of its row), its target, the weights of the classes
    add("nlll", "nll_loss_forward_reduce2d_kernel<float, float, int, block_size_x>", (1,), _nlll(frames, classes), 8,
        SECTOR * frames + 4 * frames + 4 * classes, grid_div_x=[])
    d, n = s["stddev"]
    # grid (N / (TPB / 8), D / 32): four rows a thread
    add("stddev", "sopKernel<float, int, block_size_x, 32>", (8 * n, d // 32), _stddev(d, n), 4 * d, 4 * n * d,
        grid_div_y=[])
    tokens, heads, head = s["attn_merge"]
    e, th = tokens * heads * head, tokens * heads
    # a thread a 16-byte pack of 8 bf16
    add("attn_merge", "merge_attn_states_kernel<__nv_bfloat16, block_size_x>", (e // 8,),
        _attn_merge(tokens, heads, head), 2 * e + 4 * th, 4 * e + 8 * th)
    bt, c, oc = s["qkv"]
    # grid (BT / 128, OC / 128)
    add("qkv", "matmul_forward_kernel4", (bt, oc), _qkv(bt, c, oc), 4 * bt * oc, 4 * (bt * c + oc * c + oc),
        grid_div_x=["8 * block_size_x"], grid_div_y=["8 * block_size_y"])
    rows, cols = s["reverse2D"]
    # a thread a float4 and its mirror: grid len / 4 / TPB
    add("reverse2D", "reverseKernel<float, 4>", (reverse2d_len(rows, cols) // 4,), _reverse2d(rows, cols),
        4 * rows * cols, 4 * rows * cols)

    # --- sweep 5: cuda-samples
    (n,) = s["binary_partition"]
    # the occupancy API's grid: 2048 threads on each of 132 SMs, a grid-stride loop over the ints
    add("binary_partition", "oddEvenCountAndSumCG", (132 * 2048,), _binary_partition(n), 12, 4 * n)
    (rows,) = s["intimage_rows"]
    # a block a scanline: 1920 bytes in, 1920 uints out
    add("intimage_rows", "shfl_intimage_rows", (rows,), _intimage_rows(rows), 4 * 1920 * rows, 1920 * rows,
        grid_div_x=[])
    (n,) = s["oddeven_sort"]
    # grid n / SHARED_SIZE_LIMIT = n / 2 / block
    add("oddeven_sort", "oddEvenMergeSortShared", (n // 2,), _oddeven(n), 8 * n, 8 * n, block_arguments=_oddeven_block)

    # --- sweep 5: Rodinia
    (n,) = s["bucketsort"]
    # grid (n - 1) / (32 x BUCKET_BAND) + 1 of one warp; input, indice, the blocks' 1024 prefix offsets and l_offsets read
    add("bucketsort", "bucketsort", (n // BUCKET_BAND,), _bucketsort(n), 4 * n,
        8 * n + 4 * BUCKET_DIVISIONS * bucketsort_blocks(n) + 4 * BUCKET_DIVISIONS)
    (words,) = s["pack2"]
    packed = float(_pack2_bits(words).astype(np.int64).sum()) / 8
    # a thread a VLC block (words / 1024 of them): its packed bits read from its 4 KB segment and written at its offset
    add("pack2", "pack2", (words // PACK_BLOCK_WORDS,), _pack2(words), packed, packed + 8 * (words // PACK_BLOCK_WORDS))
    (rows,) = s["srad_v2_2"]
    # J updated in place; the four derivatives, J and the coefficient read (the halo from the neighbours' tiles)
    add("srad_v2_2", "srad_cuda_2", (rows, rows), _srad2(rows), 4 * rows * rows, 6 * 4 * rows * rows,
        footprint=6 * 4 * rows * rows)

    # --- sweep 6: HeCBench
    m, k = s["aqlm"]
    # a warp a row: grid m / (block / 32); codes read once, the halves of B, the codebook entries the codes pick
    add("aqlm", "Code1x16MatVec", (32 * m,), _aqlm(m, k), 2 * m, 2 * m * k // 8 + 2 * k + aqlm_codebook_touched(m, k))
    w, h = s["optflow_deriv"]
    # Ix, Iy, Iz stored; the two images read through textures (13 fetches each a pixel, neighbours cached)
    add("optflow_deriv", "ComputeDerivativesKernel", (w, h), _optflow_deriv(w, h), 3 * 4 * w * h, 2 * 4 * w * h)
    n, c = s["softmax_warpreduce"]
    # grid N x 32 / block: a warp a row, the row read three times (twice from L1/L2), written once
    add("softmax_warpreduce", "softmax_forward_baseline_kernel", (32 * n,), _softmax_warpreduce(n, c), 4 * n * c,
        4 * n * c)
    tokens, hidden, heads = s["fp8qkv"]
    # a block a token: 3 x hidden fp8 bytes read and written, the bf16 bias and two float scales
    add("fp8qkv", "FP8TrtAddQKVBiasKernel", (tokens,), _fp8qkv(tokens, hidden, heads), 3 * hidden * tokens,
        3 * hidden * tokens + 2 * 3 * hidden + 8, grid_div_x=[])

    # --- sweep 6: cuda-samples
    (n,) = s["inlineptx"]
    add("inlineptx", "sequence_gpu", (n,), _inlineptx(n), 4 * n, 0)
    (threads,) = s["interval"]
    # the program's GRID_SIZE blocks (fewer for small); nresults and at least one 16-byte root a thread stored
    add("interval", "test_interval_newton<double>", (threads,), _interval, 20 * threads, 0)
    (n,) = s["bf16gemm"]
    # the persistent grid: 2 x 132 SMs blocks of 256 threads, SHMEM_SZ dynamic shared; D = alpha A B + beta C
    add("bf16gemm", "compute_bf16gemm_async_copy", (264,), _bf16gemm(n), 4 * n * n, 2 * 2 * n * n + 4 * n * n,
        grid_div_x=[], smem=BF16_SHMEM)

    # --- sweep 6: Rodinia
    sx, sy = s["dwt53"]
    # grid (sx / WIN_SX, sy / (8 x steps)); every pixel read once and its coefficient written once
    add("dwt53", "dwt_cuda::fdwt53Kernel<block_size_x, 8>", (sx, -(-sy // (8 * dwt53_steps(sy)))), _dwt53(sx, sy),
        4 * sx * sy, 4 * sx * sy, grid_div_y=[])
    # --- sweep 7: HeCBench
    n, d = s["attn_scores"]
    # grid (n + 7) / 8 at 256: a warp a key row; the query re-read from L1/L2; one float accumulated by atomics
    add("attn_scores", "attention_kernel1_warpReduce", (32 * n,), _attn_scores(n, d), 4 * n + 4, 4 * n * d + 4 * d)
    (bs,) = s["ce_bwd"]
    t, e = bs * CE_H, bs * CE_W * CE_H
    # grid (H / threadX, bs): every class of every anchor stored; log_softmax read (the target's row re-read from
    # L1/L2), five anchor arrays (two int64)
    add("ce_bwd", "loss_bwd<float, float>", (CE_H, bs), _ce_bwd(bs), 4 * e, 4 * e + 28 * t, grid_div_y=[])
    (n,) = s["zeropoint"]
    add("zeropoint", "zero_point", (n,), _zeropoint(n), 8 * n, 8 * n)
    (n,) = s["mxfp4"]
    add("mxfp4", "qdq_mxfp4_kernel<__half, 5, 10, 15, 256, 64512>", (n,), _mxfp4(n), 2 * n, 2 * n)
    (n,) = s["scatter_sum"]
    # src and the int64 indices (through the struct's pointer) read once; out (n / 2 ints) updated by atomics
    add("scatter_sum", "scatter_kernel<int32_t, SUM>", (n,), _scatter_sum(n), 4 * (n // 2), 12 * n,
        footprint=12 * n + 4 * (n // 2))
    rows, cols = s["spmm_csr"]
    nnz = int(spmm_nnz(rows).sum())
    touched = 4 * cols * rows * (1 - math.exp(-nnz / rows))  # the B rows some column index picks
    # grid (rows / tile_row, B_ncols / 32): C stored; the CSR arrays read (once a column block, from L2 after the
    # first) and the B rows the column indices pick
    add("spmm_csr", "spmm_test1<float>", (rows, cols // 32), _spmm_csr(rows, cols), 4 * rows * cols,
        4 * (rows + 1) + 8 * nnz + touched, grid_div_x=["block_size_y"], grid_div_y=[], smem="32 * block_size_y * 8")

    # --- sweep 7: cuda-samples
    (sims,) = s["mc_piq"]
    # the estimator's grid (2441 blocks at 10^7 sims, whatever the block; numSims / block at 65536); a count a block
    grids = {mc_grid(sims, block) for block in TUNE["mc_piq"]["block_size_x"]}
    if len(grids) == 1 and grids != {-(-sims // 32)}:  # 10^7: the halved grid, the same for every block
        add("mc_piq", "computeValue<float>", (grids.pop(),), _mc_piq(sims), lambda p, sims=sims: 4 * mc_grid(sims, 32),
            8 * sims, grid_div_x=[], smem="block_size_x * 4")
    else:                                              # 65536: numSims / block, never halved
        assert all(mc_grid(sims, b) == -(-sims // b) for b in TUNE["mc_piq"]["block_size_x"])
        add("mc_piq", "computeValue<float>", (sims,), _mc_piq(sims),
            lambda p, sims=sims: 4 * mc_grid(sims, p["block_size_x"]), 8 * sims, smem="block_size_x * 4")

    # --- sweep 8: HeCBench
    (side,) = s["cc_compute1"]
    nodes = side * side
    edges = 2 * (2 * side * (side - 1) + (side - 1) ** 2)
    # the fixed grid SMs x 2048 / ThreadsPerBlock (132 SMs); nidx, nlist and nstat read; nstat rewritten by the pointer
    # jumping (every vertex whose representative chain has two links: all but the first row and column)
    add("cc_compute1", "compute1", (132 * 2048,), _cc_compute1(side), 4 * (side - 1) ** 2,
        4 * (nodes + 1) + 4 * edges + 4 * nodes, footprint=4 * (nodes + 1) + 4 * edges + 4 * nodes)
    (n,) = s["wyllie"]
    # every element's word rewritten at least once (all but the tail's and its predecessor's) and read once
    add("wyllie", "wyllie", (n,), _wyllie(n), 8 * (n - 2), 8 * n, footprint=8 * n)
    rows, cols = s["nonzero"]
    nz = nonzero_count(rows, cols)
    # a thread a nonzero: its flat index read, the column and the row (over the flat index) stored: int64 each
    add("nonzero", "write_indices<int64_t>", (nz,), _nonzero(rows, cols), 16 * nz, 8 * nz, footprint=16 * nz)
    rows, cols = s["jaccard_rowsum"]
    e = len(jaccard_csr(rows, cols)[1])
    # grid (1, n / block_size_y); a row sum stored a row; the row offsets and column indices read, and w at the column
    # indices (all < cols: the first cols weights)
    add("jaccard_rowsum", "jaccard_row_sum<true, float>", (1, rows), _jaccard_rowsum(rows, cols), 4 * rows,
        4 * (rows + 1) + 4 * e + 4 * cols, grid_div_x=[])
    (n,) = s["vadd_half2"]
    # grid n / (TPB x vec_size): 8 halves a thread
    add("vadd_half2", "vectorized_elementwise_add_kernel", (n // 8,), _vadd_half2(n), 2 * n, 4 * n)
    (n,) = s["pagerank_map"]
    # a thread a row of the n x n matrices: maps written, pages read, a rank and an outlink count a page
    add("pagerank_map", "map", (n,), _pagerank_map(n), 4 * n * n, 4 * n * n + 8 * n)

    # --- sweep 8: cuda-samples
    (rows,) = s["jacobi_cg"]
    # N_ROWS / ROWS_PER_CTA + 2 blocks; A read once (x re-read by every block from L2), x_new and the sum stored
    add("jacobi_cg", "JacobiMethod", (JACOBI_GRID,), _jacobi_cg(rows), 8 * rows + 8, 4 * rows * rows + 16 * rows,
        grid_div_x=[])
    (n,) = s["awbarrier"]
    # grid SMs x 2048 / block (the occupancy API's, co-resident); both vectors read, normalised in place, and a partial
    # a block; (block / 32 + 1) doubles of dynamic shared memory
    add("awbarrier", "normVecByDotProductAWBarrier", (AW_SMS * 2048,), _awbarrier(n),
        lambda p, n=n: 8 * n + 8 * AW_SMS * 2048 // p["block_size_x"], 8 * n,
        footprint=lambda p, n=n: 8 * n + 8 * AW_SMS * 2048 // p["block_size_x"], smem="(block_size_x // 32 + 1) * 8")

    # --- sweep 8: Rodinia
    (side,) = s["lud_diagonal"]
    # one block: the B x B diagonal tile read, its rows 1 .. B - 1 written back
    add("lud_diagonal", "lud_diagonal", (1,), _lud_diagonal(side), lambda p: 4 * (p["block_size_x"] - 1) * p["block_size_x"],
        lambda p: 4 * p["block_size_x"] ** 2, footprint=lambda p: 4 * p["block_size_x"] ** 2, grid_div_x=[])
    rows, cols = s["srad_reduce"]
    ne = rows * cols
    # grid Ne / NUMBER_THREADS rounded up: both arrays read, a sum and a sum of squares stored a block (in place)
    add("srad_reduce", "reduce", (ne,), _srad_reduce(rows, cols), lambda p, ne=ne: 8 * -(-ne // p["block_size_x"]),
        8 * ne, footprint=8 * ne)

    # --- sweep 9: HeCBench
    rows, dim = s["hadamard"]
    # one block a row of dim halves (x and out behind the struct's pointers): every half read and written once
    add("hadamard", "fast_hadamard_transform_kernel<fast_hadamard_transform_kernel_traits<block_size_x, 12, __half>>",
        (rows,), _hadamard(rows, dim), 2 * rows * dim, 2 * rows * dim, grid_div_x=[], smem=4 * min(dim, 8192))
    height, width = s["quant3"]
    # grid (height / 24, width / 256): the packed weights read once, vec (m halves) and the column scales and zeros
    # (re-read by every block row from L2); a float a column accumulated by height / 24 atomics
    add("quant3", "VecQuant3MatMulKernelFaster", (height // 24, width // 256), _quant3(height, width), 4 * width,
        4 * height * width + 2 * (height // 24 * 256) + 8 * width, grid_div_x=[], grid_div_y=[])
    (n,) = s["stencil3d_sigma"]
    tiles = f"({n - 2} + block_size_x - 3) // (block_size_x - 2)"
    # grid ((n-2)/20, (n-2)/(B-2), (n-2)/(B-2)) rounded up; npsi stored at the interior; psi read (the tiles' halo
    # re-read from L2) and three of each sigma's components at the interior faces
    add("stencil3d_sigma", "stencil3d", (-(-(n - 2) // 20), tiles, tiles), _stencil3d_sigma(n), 8 * (n - 2) ** 3,
        8 * n ** 3 + 9 * 8 * (n - 2) ** 3, grid_div_x=[], grid_div_y=[])
    rows, per_row = s["spmv_vector"]
    nnz = len(spmv_vector_csr(rows, per_row)[1])
    # grid rows / rows_per_block: y stored; the size_t offsets and column indices, the values read once, x gathered
    add("spmv_vector", "vector_mv_csr<block_size_x>", (rows,), _spmv_vector(rows, per_row), 4 * rows,
        8 * (rows + 1) + 12 * nnz + 4 * rows, grid_div_x=["block_size_y"])
    tokens, slots, item = s["kvcache_store"]
    row = 8 * KV_LAYERS * item
    # a warp a token: its K and V rows (8 KB each) read and stored at the cache row out_loc picks
    add("kvcache_store", "store_kv_cache_256x1_v4<uint64_t>", (32 * tokens,), _kvcache_store(tokens, slots, item),
        2 * row * tokens, 2 * row * tokens + 8 * tokens)

    # --- sweep 9: cuda-samples
    (n,) = s["mwcg_reduce"]
    # min(64, n / (2 x threads)) = 64 blocks at every block size; two floats of dynamic shared (numOfMultiWarpGroups)
    add("mwcg_reduce", "multi_warp_cg_reduce<float, block_size_x, block_size_x / 2>", (64,), _mwcg_reduce(n), 4 * 64,
        4 * n, grid_div_x=[], smem=8)
    n, side = s["collide"]
    # newVel stored (scattered by the original index); pos, vel and the index read, the cells' start and end read
    add("collide", "collideD", (n,), _collide(n, side), 16 * n, 36 * n + 8 * side ** 3, cmem=_collide_params(n, side))

    # --- sweep 9: Rodinia
    (pixels,) = s["rgb_components"]
    # the RGB bytes read once, three float planes stored
    add("rgb_components", "c_CopySrcToComponents<float>", (pixels,), _rgb_components(pixels), 12 * pixels, 3 * pixels)

    # --- sweep 10: HeCBench
    (a_size,) = s["bsearch"]
    # a thread a query (zSize = 2 x aSize): the query read, its size_t index stored; a read once (its top levels
    # re-read by every query from L1/L2)
    add("bsearch", "kernel_BS<float>", (2 * a_size,), _bsearch(a_size), 8 * 2 * a_size, 4 * 2 * a_size + 4 * a_size)
    (n,) = s["langford"]
    found = LANGFORD_FOUND[n]
    # grid div_up(16383, kThreadsPerBlock); the counter read and incremented once a solution found (top-bottom twins
    # the dedup misses included), (n + 7) / 8 int64 stored a solution
    add("langford", f"dfs_gpu<{n}>", (LANGFORD_LOGICAL,), _langford(n, which == "full"),
        8 + 8 * ((n + 7) // 8) * found, 8)

    # --- sweep 10: cuda-samples
    (threads,) = s["atomic_intrinsics"]
    # the program's 16384 threads whatever the block: eleven ints updated by atomics
    add("atomic_intrinsics", "testKernel", (threads,), _atomic_intrinsics, 44, 44, footprint=44)
    (threads,) = s["simple_assert"]
    # no memory touched (footprint 1 byte: a case needs one)
    add("simple_assert", "testKernel", (threads,), lambda: [np.int32(60)], 0, 0, footprint=1)
    m, n, k = s["dmma_gemm"]
    # grid (M / (8 x bx / 32), N / (8 x by)): an 8 x 8 double tile a warp; A and B re-read by the tiles' rows and
    # columns (from L2)
    add("dmma_gemm", "simple_wmma_gemm", (m, n), _wmma_gemm(m, n, k, np.float64, 128), 8 * m * n,
        8 * (m * k + k * n + m * n), grid_div_x=["block_size_x / 4"], grid_div_y=["block_size_y * 8"])
    w, h = s["surface_write"]
    # grid (width / bx, height / by): every float read once and written once through the surface
    add("surface_write", "surfaceWriteKernel", (w, h), _surface_write(w, h), 4 * w * h, 4 * w * h)

    # --- sweep 10: Rodinia
    (blocks,) = s["myocyte"]
    # blocks.x 2: the 91 derivatives stored (d_finavalu[0-2] twice); the 91 initial values and 18 parameters read
    add("myocyte", "kernel", (blocks,), _myocyte, 4 * 91, 4 * 91 + 4 * 18, grid_div_x=[])

    # --- sweep 11: HeCBench
    tokens, experts, topk = s["moe_align"]
    numel, padded = tokens * topk, moe_padded(tokens * topk, experts)
    # two blocks: block 1 fills sorted_token_ids; block 0 reads topk_ids once and stores cumsum (E + 1), the total and
    # the expert id of every padded M block; padded_num_experts ints of dynamic shared memory
    add("moe_align", "moe_align_block_size_kernel<int>", (2,), _moe_align(tokens, experts, topk),
        4 * padded + 4 * -(-padded // MOE_BLOCK) + 4 * (experts + 1) + 4, 4 * numel, grid_div_x=[],
        smem=4 * (-(-experts // 32) * 32))
    (blocks,) = s["cub_blockscan"]
    # grid_size blocks that all load the same 1024-int tile and store its scan and aggregate
    add("cub_blockscan", "BlockPrefixSumKernel<block_size_x, 1024 / block_size_x, BLOCK_SCAN_WARP_SCANS>", (blocks,),
        _cub_blockscan, 4 * 1025, 4 * 1024, grid_div_x=[])
    tokens, hidden, rank, loras = s["bgmv_shrink"]
    # grid (tokens, rank): a float a (token, rank) read and written back (+=); the token's input row (re-read by the
    # rank blocks from L2), the LoRA weights (every LoRA picked at these sizes) and the indices read
    add("bgmv_shrink", "bgmv_shrink_kernel_vec<block_size_x>", (tokens, rank), _bgmv_shrink(tokens, hidden, rank, loras),
        4 * tokens * rank, 4 * tokens * rank + 2 * tokens * hidden + 2 * loras * rank * hidden + 4 * tokens,
        footprint=4 * tokens * rank + 2 * tokens * hidden + 2 * loras * rank * hidden + 4 * tokens,
        grid_div_x=[], grid_div_y=[])
    n, perplexity = s["tsne_sigmas"]
    k = 4 * perplexity
    # a thread a point: its distance row read and its P row rewritten every epoch (16 MB at full size: kept in L2)
    add("tsne_sigmas", "sigmas_kernel<int, float>", (n,), _tsne_sigmas(n, perplexity), 4 * n * k, 4 * n * k)

    # --- sweep 11: cuda-samples
    m, n, k = s["tf32_gemm"]
    # grid (M / (16 x bx / 32), N / (16 x by)): a 16 x 16 float tile a warp; A and B re-read by the tiles' rows and
    # columns (from L2)
    add("tf32_gemm", "simple_wmma_tf32gemm", (m, n), _wmma_gemm(m, n, k, np.float32, 143), 4 * m * n,
        4 * (m * k + k * n + m * n), grid_div_x=["block_size_x / 2"], grid_div_y=["block_size_y * 16"])
    (blocks,) = s["timed_reduction"]
    # NUM_BLOCKS blocks that all read the same 2 x blockDim floats; a minimum and two clock_t a block stored
    add("timed_reduction", "timedReduction", (blocks,), _timed_reduction(blocks), 4 * blocks + 16 * blocks,
        lambda p: 8 * p["block_size_x"], grid_div_x=[], smem="2 * block_size_x * 4")

    # --- sweep 11: Rodinia
    cells, m, n = s["imgvf"]
    # a block a cell: its IMGVF matrix read into shared memory and written back once, I read (every sweep, from
    # L1/L2), the two pointers and two sizes a cell
    add("imgvf", "IMGVF_kernel", (cells,), _imgvf(cells, m, n), 4 * cells * m * n, 8 * cells * m * n + 24 * cells,
        footprint=8 * cells * m * n + 24 * cells, grid_div_x=[])
    (n,) = s["huff_prescan"]
    # grid n / (2 x block): every uint read and its exclusive scan stored, a block total a block; 4 x (2 x block +
    # 2 x block / 16) bytes of dynamic shared memory
    add("huff_prescan", "prescan<true, false>", (n // 2,), _huff_prescan(n),
        lambda p, n=n: 4 * n + 4 * n // (2 * p["block_size_x"]), 4 * n,
        smem="4 * (2 * block_size_x + 2 * block_size_x // 16)", block_arguments=_huff_prescan_block)
    # --- sweep 12: HeCBench
    (n,) = s["gibbs_theta"]
    # a thread a sample: its 48-byte curandState, y and n read; theta stored (the state is not written back)
    add("gibbs_theta", "sample_theta", (n,), _gibbs_theta(n), 4 * n, 48 * n + 8 * n)
    (n,) = s["dropout"]
    # the fixed grid of 512 blocks (grid_vec1) striding over nelem: a read, b (float) and c (uint8) stored
    add("dropout", "fused_dropout_kernel<float, float, unsigned int, uint8_t>", (512,), _dropout(n), 5 * n, 4 * n,
        grid_div_x=[])
    (n,) = s["unfold"]
    # grid nelem / (64 x 4): grad_out read and written back (+=), grad_in read, *idx_dim_ptr (8 bytes) read by all
    add("unfold", "unfold_backward_elementwise_kernel<64, 4, UnfoldLoop<float>>", (n,), _unfold(n), 4 * n, 8 * n + 8,
        footprint=8 * n + 8, grid_div_x=["4 * block_size_x"])
    (nbytes,) = s["fft512"]
    # n_ffts = bytes / (512 x 16) blocks of 64 threads: every double2 read once and written back in place
    add("fft512", "fft1D_512", (nbytes // (512 * 16),), _fft512(nbytes), nbytes, nbytes, footprint=nbytes,
        grid_div_x=[])

    # --- sweep 12: cuda-samples
    (sims,) = s["pi_inline"]
    # the program's grid (halved to <= 2640 blocks): a thread's 48-byte curandState read (not written back), a count
    # a block stored; block.x x 4 bytes of dynamic shared memory
    add("pi_inline", "computeValue<float>", (pi_grid_expression(sims),), _pi_inline(sims),
        lambda p, sims=sims: 4 * pi_grid(sims, p["block_size_x"]),
        lambda p, sims=sims: 48 * pi_grid(sims, p["block_size_x"]) * p["block_size_x"], grid_div_x=[],
        smem="block_size_x * 4")
    (n,) = s["cg_multiblock"]
    nz = (n - 2) * 3 + 4
    # a co-resident grid (SMs x blocks an SM); one CG iteration's minimum: the CSR matrix and x, Ax, p, r read, and
    # x, Ax, p, r written (every iteration rewrites them; the iterations until convergence are the data's)
    add("cg_multiblock", "gpuConjugateGradient", (f"{SMS} * min(32, 2048 // block_size_x)",), _cg_multiblock(n),
        16 * n + 8, 4 * (n + 1) + 8 * nz + 16 * n, footprint=4 * (n + 1) + 8 * nz + 16 * n + 8, grid_div_x=[],
        smem="8 * (block_size_x // 32 + 1)")

    # --- sweep 12: Rodinia
    (n,) = s["pf_find_index"]
    # a thread a particle: u read, a CDF prefix scanned (from L1/L2; N x 8 bytes distinct), arrayX/arrayY read at the
    # found index, xj and yj stored
    add("pf_find_index", "find_index_kernel", (n,), _pf_find_index(n), 16 * n, 8 * n + 8 * n + 16 * n)
    (n,) = s["pf_normalize"]
    # weights read and written in place; thread 0 reads all weights again (L2) and writes the CDF; u written; a
    # seed read and written; partial_sums[0] read
    add("pf_normalize", "normalize_weights_kernel", (n,), _pf_normalize(n), 8 * n + 8 * n + 8 * n + 4,
        8 * n + 8 + 4, footprint=24 * n + 12)

    # --- sweep 13: HeCBench
    (n,) = s["adamw_4bit"]
    # a thread a parameter pair: p (float2) read and both floats written, g read, the packed exp and sq bytes read and
    # written; each block reads its two scales and thread 0 writes them back
    scales = lambda p, n=n: 8 * -(-n // p["block_size_x"])  # noqa: E731
    add("adamw_4bit", "fused_4bit_kernel<float, block_size_x>", (n,), _adamw_4bit(n),
        lambda p, n=n: 8 * n + 2 * n + scales(p), lambda p, n=n: 8 * n + 8 * n + 2 * n + scales(p),
        footprint=lambda p, n=n: 18 * n + scales(p))
    (n,) = s["rotary"]
    # grid numel / (4 x block): x1, x2, cos, sin read once, out1 and out2 stored (all behind the Array's pointers)
    add("rotary", "unrolled_elementwise_kernel_for_multi_outputs<2, RotaryFunctor, Array<char*, 6>, "
        "TrivialOffsetCalculator<4>, TrivialOffsetCalculator<2>>", (n,), _rotary(n), 8 * n, 16 * n,
        grid_div_x=["4 * block_size_x"])
    dists, categories = s["multinomial"]
    # the fixed grid of 512 blocks striding over the distributions: every weight read (the sum pass; the search pass
    # re-reads the row up to the sample's chunk), a sample read and a category stored a distribution
    add("multinomial", "sampleMultinomialOnce<float, float>", (512,), _multinomial(dists, categories), 4 * dists,
        4 * dists * categories + 4 * dists, grid_div_x=[])
    tokens, hidden = s["int8_azp_quant"]
    # a block a token: the bf16 row read (twice: the second pass from L1/L2), the int8 row, a scale and a zero point
    # stored
    add("int8_azp_quant", "dynamic_scaled_int8_azp_quant_kernel<__nv_bfloat16, float, int32_t>", (tokens,),
        _int8_azp_quant(tokens, hidden), tokens * hidden + 8 * tokens, 2 * tokens * hidden, grid_div_x=[])
    (n,) = s["bnb_quantize"]
    # grid n / block (one BLOCK_SIZE chunk a block): every float read once and its code byte stored; the 1 KB code
    # table read by every block (from L2 after the first)
    add("bnb_quantize", "kQuantize<block_size_x, block_size_x>", (n,), _bnb_quantize(n), n, 4 * n + 1024)
    vocab, sentences = s["cbow"]
    table = 100_000_000 if which == "full" else 10_000
    words, targets, draws = w2v_rows(vocab, sentences)
    rows = 4 * W2V_LAYER * (words + targets)  # the 200 floats of each syn0 and syn1neg row touched
    # grid MAX_SENTENCE_LENGTH / (block / 128) + 1, (block + block / 128 x 224 x 2) floats of dynamic shared memory:
    # the rows touched read and written back, d_random read and written; the sentences, alphas and table ints read
    add("cbow", "device_cbow", (f"{W2V_SENTENCE} // (block_size_x // 128) + 1",), _cbow(vocab, sentences, table),
        rows + 4 * W2V_SENTENCE, rows + 4 * W2V_SENTENCE + 4 * sentences * W2V_SENTENCE + 4 * sentences + 4 * draws,
        footprint=rows + 4 * W2V_SENTENCE + 4 * sentences * W2V_SENTENCE + 4 * sentences + 4 * draws, grid_div_x=[],
        smem=f"(block_size_x + (block_size_x // 128) * {W2V_ALIGNED} * 2) * 4", cmem=_cbow_expTable)
    return cases


ROBUST_CASES: list[RobustCase] = robust_cases()


def short_name(case: Case) -> str:
    """"robust_fdtd3d@256" -> "fdtd3d" (the key of SIZES and TUNE)."""
    return case.name.split("@")[0].removeprefix("robust_")
