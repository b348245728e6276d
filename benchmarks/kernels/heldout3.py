"""The third held-out set: six more kernels the model was never developed or tuned on, one size
each, written after the first two held-out sets (`heldout.py`, `heldout2.py`) were measured.

Same conventions as the development suite and the first two held-out sets: Kernel Tuner's
block_size_x/y #defines, seeded random arguments (never zeros) in kernel order, the 51
power-of-two 2-D shapes with 32 ≤ bx·by ≤ 1024 or the 32 1-D sizes 32, 64, …, 1024 (no kernel
needs a further restriction). Every case has family "heldout3" and size_index 0;
`--cases heldout3` in collect.py selects them all, while `--cases heldout`, `--cases heldout2`
and `--cases all` (the development suite) never do.

Sizes are chosen so that a launch at a good block shape takes roughly 0.2–5 ms on an H100
(about 3 TB/s and 60 TFLOP/s fp32) and a case needs well under 4 GB of GPU memory; the
estimate is in each entry of `ESTIMATES`. `heldout3_cases(small=True)` gives the same kernels
at tiny sizes, for tests that must not allocate gigabytes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks.kernels.heldout import _floats, _label, _rng
from benchmarks.kernels.suite import KERNEL_DIR, RESTRICT_2D, TUNE_1D, TUNE_2D, Case

HELDOUT3_DIR = KERNEL_DIR / "heldout3"
FAMILY = "heldout3"

# The paged KV cache: 16 token slots per cache block (BLOCK_TOKENS in kv_cache_append.cu).
# Every sequence already holds 1 to seq_len - 1 tokens and gets seq_len new ones, so its block
# table has room for 2 * seq_len tokens.
KV_BLOCK_TOKENS = 16

# The Mandelbrot region: x from -2.5 to 1.0, y centred on 0 with the same pixel step (the whole
# set; about a quarter of the pixels are inside and run all MANDELBROT_MAX_ITER iterations).
MANDELBROT_X_MIN = -2.5
MANDELBROT_X_SPAN = 3.5
MANDELBROT_MAX_ITER = 256

# Full sizes (measured) and small ones (tests). Each: the kernel's size parameters.
SIZES = {
    "dequantize_int8": {"full": (16384, 16384), "small": (37, 300)},        # rows, cols (cols % 4 == 0)
    "adam": {"full": (1 << 26,), "small": (10_000,)},                       # fp32 parameters
    "kv_cache_append": {"full": (8, 2048, 4096), "small": (3, 40, 96)},     # sequences, new tokens each, row size
    "conv1d_depthwise": {"full": (8, 16384, 1024), "small": (2, 50, 72)},   # batch, length, channels
    "argmax": {"full": (32768, 8192), "small": (37, 300)},                  # rows, cols
    "mandelbrot": {"full": (8192, 4096), "small": (70, 45)},                # width, height
}

# Rough time per launch at a good block shape on an H100, from bytes moved / instructions, and
# the GPU memory a case's arguments take. Not measured: the set is measured once, on an H100,
# only to report the model's accuracy on kernels it has never seen.
ESTIMATES = {
    "dequantize_int8": "~0.45 ms: 256 MiB of int8 read + 1 GiB of fp32 written (char4 in, float4 out); "
                       "1.25 GiB",
    "adam": "~0.6-0.7 ms: 64 M parameters, 1 GiB read (param, grad, m, v) + 768 MiB written (in place), "
            "two sqrtf per element; 1.0 GiB",
    "kv_cache_append": "~0.4 ms: 512 MiB of new keys and values read + 512 MiB written into 256 KiB cache "
                       "blocks placed by a random block table; 1.5 GiB",
    "conv1d_depthwise": "~0.4-0.5 ms: 512 MiB read (each input by 7 positions, 6 of them from L1/L2) + "
                        "512 MiB written; 1.0 GiB",
    "argmax": "~0.35-0.45 ms: 1 GiB read once, 256 KiB written; 1.0 GiB",
    "mandelbrot": "~0.7-1.5 ms: 33.5 M pixels, 68 iterations each on average (a quarter run all 256; "
                  "~78 for a warp's slowest lane) of ~8 fp32 instructions; 128 MiB",
}


def _dequantize_int8(rows: int, cols: int) -> Callable[[], list]:
    def build() -> list:  # out, w (int8), scales, rows, cols
        rng = _rng(301)
        weights = rng.integers(-127, 127, rows * cols, dtype=np.int8)
        weights[weights == 0] = 1  # never zeros
        return [_floats(rng, rows * cols), weights, _floats(rng, rows, 1e-3, 2e-2), np.int32(rows), np.int32(cols)]
    return build


def _adam(n: int) -> Callable[[], list]:
    def build() -> list:  # param, exp_avg, exp_avg_sq, grad, n, lr, beta1, beta2, eps, wd, bc1, bc2
        rng = _rng(302)
        step = 10  # bias corrections of the tenth step
        return [_floats(rng, n), _floats(rng, n, -1e-2, 1e-2), _floats(rng, n, 1e-6, 1e-4),
                _floats(rng, n, -1e-1, 1e-1), np.int32(n), np.float32(1e-3), np.float32(0.9), np.float32(0.999),
                np.float32(1e-8), np.float32(0.01), np.float32(1 - 0.9 ** step), np.float32(1 - 0.999 ** step)]
    return build


def kv_max_blocks(seq_len: int) -> int:
    """Block-table entries per sequence: room for 2 * seq_len tokens."""
    return -(-2 * seq_len // KV_BLOCK_TOKENS)


def _kv_cache_append(seqs: int, seq_len: int, row_size: int) -> Callable[[], list]:
    # k_cache, v_cache, key, value, block_table, context_lens, tokens, seq_len, max_blocks, row_size
    def build() -> list:
        rng = _rng(303)
        tokens = seqs * seq_len
        max_blocks = kv_max_blocks(seq_len)
        blocks = seqs * max_blocks
        cache = blocks * KV_BLOCK_TOKENS * row_size
        # Physical blocks handed out in random order, as an allocator's free list ends up.
        block_table = rng.permutation(blocks).astype(np.int32)
        context_lens = rng.integers(1, seq_len, seqs, dtype=np.int32)
        return [_floats(rng, cache), _floats(rng, cache), _floats(rng, tokens * row_size),
                _floats(rng, tokens * row_size), block_table, context_lens, np.int32(tokens), np.int32(seq_len),
                np.int32(max_blocks), np.int32(row_size)]
    return build


def _conv1d_depthwise(batch: int, length: int, channels: int) -> Callable[[], list]:
    def build() -> list:  # out, x, weight (7 x channels), bias, batch, len, channels
        rng = _rng(304)
        count = batch * length * channels
        return [_floats(rng, count), _floats(rng, count), _floats(rng, 7 * channels, -0.5, 0.5),
                _floats(rng, channels, -0.1, 0.1), np.int32(batch), np.int32(length), np.int32(channels)]
    return build


def _argmax(rows: int, cols: int) -> Callable[[], list]:
    def build() -> list:  # index_out, value_out, in, rows, cols
        rng = _rng(305)
        return [rng.integers(1, cols, rows, dtype=np.int32), _floats(rng, rows), _floats(rng, rows * cols, -5.0, 5.0),
                np.int32(rows), np.int32(cols)]
    return build


def mandelbrot_region(width: int, height: int) -> tuple[float, float, float]:
    """x_min, y_min and the pixel step of the region drawn on a width x height grid."""
    step = MANDELBROT_X_SPAN / width
    return MANDELBROT_X_MIN, -step * height / 2, step


def _mandelbrot(width: int, height: int) -> Callable[[], list]:
    def build() -> list:  # iterations, width, height, x_min, y_min, step, max_iter
        rng = _rng(306)
        x_min, y_min, step = mandelbrot_region(width, height)
        return [rng.integers(1, MANDELBROT_MAX_ITER, width * height, dtype=np.int32), np.int32(width),
                np.int32(height), np.float32(x_min), np.float32(y_min), np.float32(step),
                np.int32(MANDELBROT_MAX_ITER)]
    return build


def heldout3_cases(small: bool = False) -> list[Case]:
    """The third held-out set at its measured sizes, or (small=True) the same kernels tiny."""
    which = "small" if small else "full"
    s = {name: entry[which] for name, entry in SIZES.items()}
    cases: list[Case] = []

    def add(name, kernel_name, file, problem_size, arguments, two_d, grid_div_x=None, grid_div_y=None):
        cases.append(Case(
            name=f"heldout3_{name}@{_label(s[name])}", kernel_name=kernel_name, source_path=HELDOUT3_DIR / file,
            problem_size=problem_size, arguments=arguments, tune_params=TUNE_2D if two_d else TUNE_1D,
            grid_div_x=grid_div_x, grid_div_y=grid_div_y, restrictions=RESTRICT_2D if two_d else [],
            family=FAMILY, size_index=0))

    rows, cols = s["dequantize_int8"]
    # x over the groups of four weights of a row.
    add("dequantize_int8", "dequantize_int8", "dequantize_int8.cu", (cols // 4, rows),
        _dequantize_int8(rows, cols), True)
    (n,) = s["adam"]
    # One element per thread.
    add("adam", "adam_update", "adam_update.cu", (n,), _adam(n), False)
    seqs, seq_len, row_size = s["kv_cache_append"]
    add("kv_cache_append", "kv_cache_append", "kv_cache_append.cu", (row_size, seqs * seq_len),
        _kv_cache_append(seqs, seq_len, row_size), True)
    batch, length, channels = s["conv1d_depthwise"]
    # z (block_size_z = 1) is the batch index.
    add("conv1d_depthwise", "conv1d_depthwise", "conv1d_depthwise.cu", (channels, length, batch),
        _conv1d_depthwise(batch, length, channels), True)
    rows, cols = s["argmax"]
    # One block column: problem size 1 in x gives grid x = ceil(1 / block_size_x) = 1.
    add("argmax", "argmax_rows", "argmax_rows.cu", (1, rows), _argmax(rows, cols), True)
    width, height = s["mandelbrot"]
    add("mandelbrot", "mandelbrot", "mandelbrot.cu", (width, height), _mandelbrot(width, height), True)
    return cases


HELDOUT3_CASES: list[Case] = heldout3_cases()
