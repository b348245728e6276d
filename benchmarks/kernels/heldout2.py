"""The second held-out set: seven more kernels the model was never developed or tuned on,
one size each, written after the first held-out set (`heldout.py`) was measured.

Same conventions as the development suite and the first held-out set: Kernel Tuner's
block_size_x/y #defines, seeded random arguments (never zeros) in kernel order, the 51
power-of-two 2-D shapes with 32 ≤ bx·by ≤ 1024 or the 32 1-D sizes 32, 64, …, 1024 (no kernel
needs a further restriction). Every case has family "heldout2" and size_index 0;
`--cases heldout2` in collect.py selects them all, while `--cases heldout` (the first set) and
`--cases all` (the development suite) never do.

Sizes are chosen so that a launch at a good block shape takes roughly 0.2–5 ms on an H100
(about 3 TB/s and 60 TFLOP/s fp32) and a case needs well under 4 GB of GPU memory; the
estimate is in each entry of `ESTIMATES`. `heldout2_cases(small=True)` gives the same kernels
at tiny sizes, for tests that must not allocate gigabytes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks.kernels.heldout import _floats, _label, _rng
from benchmarks.kernels.suite import KERNEL_DIR, RESTRICT_2D, TUNE_1D, TUNE_2D, Case

HELDOUT2_DIR = KERNEL_DIR / "heldout2"
FAMILY = "heldout2"

# The bitonic step measured: stride j = 8 (pairs 8 apart, so a warp's 32 pairs interleave over
# 64 consecutive keys) within merge stage k = 2^16 (the direction flips every 65536 keys).
BITONIC_J = 8
BITONIC_K = 1 << 16

# Full sizes (measured) and small ones (tests). Each: the kernel's size parameters.
SIZES = {
    "layernorm": {"full": (32768, 4096), "small": (37, 300)},               # rows, cols
    "batched_gemm": {"full": (32768,), "small": (5,)},                      # 32 x 32 matrices
    "im2col": {"full": (32, 1024, 1024), "small": (3, 20, 45)},             # channels, height, width
    "rope": {"full": (16384, 32, 128), "small": (19, 3, 20)},               # tokens, heads, head_dim
    "bitonic_step": {"full": (1 << 27,), "small": (1 << 12,)},              # uint32 keys
    "jacobi2d": {"full": (16384, 8192), "small": (70, 45)},                 # width, height
    "cross_entropy": {"full": (8192, 32000), "small": (37, 1000)},          # rows, vocab
}

# Rough time per launch at a good block shape on an H100, from bytes moved / instructions, and
# the GPU memory a case's arguments take. A one-off CuPy check on an H100 while writing the
# kernels confirmed the outputs against numpy for every shape and that the best shape's launch
# falls in 0.3-0.8 ms; its per-shape times are deliberately not recorded here (held-out data).
ESTIMATES = {
    "layernorm": "~0.4-0.6 ms: 512 MiB read (the second pass over a 16 KiB row mostly from L1/L2) "
                 "+ 512 MiB written; 1.0 GiB",
    "batched_gemm": "~0.25-0.5 ms: 1.1 G FMAs, each with a global load of B (L1 hits) and a broadcast "
                    "of A; 256 MiB read + 128 MiB written; 384 MiB",
    "im2col": "~0.45-0.5 ms: 128 MiB read (each input read 9 times, from L1/L2) + 1.125 GiB written; 1.25 GiB",
    "rope": "~0.4 ms: q and k, 512 MiB read + 512 MiB written; one exp2f + sincosf per pair "
            "(~0.05 ms of issue); 1.0 GiB",
    "bitonic_step": "~0.35-0.5 ms: 512 MiB read + 512 MiB written, pairs 8 apart (each 32-byte sector "
                    "half-used by the lo load, the rest by the hi load); 1.0 GiB",
    "jacobi2d": "~0.55-0.8 ms: 1 GiB read (in + rhs; halo from L2) + 512 MiB written; 1.5 GiB",
    "cross_entropy": "~0.4-0.7 ms: 1.05 GB of logits read twice (the second pass over a 125 KiB row "
                     "partly from L2), one __expf per logit; 1.05 GB",
}


def _layernorm(rows: int, cols: int) -> Callable[[], list]:
    def build() -> list:  # out, mean, rstd, in, gamma, beta, rows, cols, eps
        rng = _rng(201)
        return [_floats(rng, rows * cols), _floats(rng, rows), _floats(rng, rows, 0.5, 2.0),
                _floats(rng, rows * cols, -3.0, 5.0), _floats(rng, cols, 0.5, 1.5), _floats(rng, cols, -0.1, 0.1),
                np.int32(rows), np.int32(cols), np.float32(1e-5)]
    return build


def _batched_gemm(batch: int) -> Callable[[], list]:
    def build() -> list:  # C, A, B, batch
        rng = _rng(202)
        count = batch * 32 * 32
        return [_floats(rng, count), _floats(rng, count), _floats(rng, count), np.int32(batch)]
    return build


def _im2col(channels: int, height: int, width: int) -> Callable[[], list]:
    def build() -> list:  # col, in, channels, height, width
        rng = _rng(203)
        plane = height * width
        return [_floats(rng, channels * 9 * plane), _floats(rng, channels * plane), np.int32(channels),
                np.int32(height), np.int32(width)]
    return build


def _rope(tokens: int, heads: int, head_dim: int) -> Callable[[], list]:
    def build() -> list:  # q_out, k_out, q, k, positions, tokens, heads, head_dim, log2_base
        rng = _rng(204)
        count = tokens * heads * head_dim
        # Four sequences of 4096 tokens packed one after another (positions restart at 0).
        positions = (np.arange(tokens, dtype=np.int32) % 4096).astype(np.int32)
        return [_floats(rng, count), _floats(rng, count), _floats(rng, count), _floats(rng, count), positions,
                np.int32(tokens), np.int32(heads), np.int32(head_dim), np.float32(np.log2(10000.0))]
    return build


def _bitonic_step(n: int) -> Callable[[], list]:
    def build() -> list:  # keys_out, keys_in, n, j, k
        rng = _rng(205)
        return [rng.integers(1, 1 << 32, n, dtype=np.uint32), rng.integers(1, 1 << 32, n, dtype=np.uint32),
                np.int32(n), np.int32(BITONIC_J), np.int32(BITONIC_K)]
    return build


def _jacobi2d(width: int, height: int) -> Callable[[], list]:
    def build() -> list:  # out, in, rhs, width, height, h2
        rng = _rng(206)
        n = width * height
        return [_floats(rng, n), _floats(rng, n), _floats(rng, n), np.int32(width), np.int32(height),
                np.float32(1e-4)]
    return build


def _cross_entropy(rows: int, vocab: int) -> Callable[[], list]:
    def build() -> list:  # loss, lse, logits, targets, rows, vocab
        rng = _rng(207)
        return [_floats(rng, rows), _floats(rng, rows), _floats(rng, rows * vocab, -8.0, 8.0),
                rng.integers(1, vocab, rows, dtype=np.int32), np.int32(rows), np.int32(vocab)]
    return build


def heldout2_cases(small: bool = False) -> list[Case]:
    """The second held-out set at its measured sizes, or (small=True) the same kernels tiny."""
    which = "small" if small else "full"
    s = {name: entry[which] for name, entry in SIZES.items()}
    cases: list[Case] = []

    def add(name, kernel_name, file, problem_size, arguments, two_d, grid_div_x=None, grid_div_y=None):
        cases.append(Case(
            name=f"heldout2_{name}@{_label(s[name])}", kernel_name=kernel_name, source_path=HELDOUT2_DIR / file,
            problem_size=problem_size, arguments=arguments, tune_params=TUNE_2D if two_d else TUNE_1D,
            grid_div_x=grid_div_x, grid_div_y=grid_div_y, restrictions=RESTRICT_2D if two_d else [],
            family=FAMILY, size_index=0))

    rows, cols = s["layernorm"]
    # One block column: problem size 1 in x gives grid x = ceil(1 / block_size_x) = 1.
    add("layernorm", "layernorm_rows", "layernorm_rows.cu", (1, rows), _layernorm(rows, cols), True)
    (batch,) = s["batched_gemm"]
    # One block per matrix: grid (1, 1, batch), z (block_size_z = 1) is the batch index.
    add("batched_gemm", "batched_gemm32", "batched_gemm.cu", (1, 1, batch), _batched_gemm(batch), True)
    channels, height, width = s["im2col"]
    # Grid over the output positions; z is the channel.
    add("im2col", "im2col3x3", "im2col.cu", (width, height, channels), _im2col(channels, height, width), True)
    tokens, heads, head_dim = s["rope"]
    add("rope", "rope_qk", "rope.cu", (heads * head_dim // 2, tokens), _rope(tokens, heads, head_dim), True)
    (n,) = s["bitonic_step"]
    # One thread per compare-exchange pair.
    add("bitonic_step", "bitonic_step", "bitonic_step.cu", (n // 2,), _bitonic_step(n), False)
    width, height = s["jacobi2d"]
    add("jacobi2d", "jacobi2d_shared", "jacobi2d_shared.cu", (width, height), _jacobi2d(width, height), True)
    rows, vocab = s["cross_entropy"]
    add("cross_entropy", "cross_entropy_rows", "cross_entropy_rows.cu", (1, rows), _cross_entropy(rows, vocab),
        True)
    return cases


HELDOUT2_CASES: list[Case] = heldout2_cases()
