"""The third held-out kernel set's own checks: new kernels in their own files, arrays sized to
what the kernels index, the paged KV cache's slots and the Mandelbrot region, grids, and
collect.py selecting the set only when asked. The checks every held-out kernel shares
(compiles, arguments, shape spaces, flipflop predicts it) run over the three sets in
test_heldout_kernels.py."""

import math
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ground_truth.collect import launch_configs, select_cases  # noqa: E402
from benchmarks.kernels.heldout import HELDOUT_CASES  # noqa: E402
from benchmarks.kernels.heldout2 import HELDOUT2_CASES  # noqa: E402
from benchmarks.kernels.heldout3 import (HELDOUT3_CASES, HELDOUT3_DIR, KV_BLOCK_TOKENS,  # noqa: E402
                                         MANDELBROT_MAX_ITER, SIZES, heldout3_cases, kv_max_blocks,
                                         mandelbrot_region)
from benchmarks.kernels.suite import CASES  # noqa: E402

SMALL = heldout3_cases(small=True)


def test_six_new_kernels_one_size_each_in_their_own_files():
    assert len(HELDOUT3_CASES) == 6
    assert len({c.kernel_name for c in HELDOUT3_CASES}) == 6
    assert len({c.source_path for c in HELDOUT3_CASES}) == 6
    # New kernels: none is in the development suite or the first two held-out sets.
    earlier = CASES + HELDOUT_CASES + HELDOUT2_CASES
    earlier_kernels = {c.kernel_name for c in earlier}
    earlier_files = {c.source_path.name for c in earlier}
    for case in HELDOUT3_CASES:
        assert case.family == "heldout3" and case.size_index == 0
        assert case.name.startswith("heldout3_") and "@" in case.name
        assert case.kernel_name not in earlier_kernels
        assert case.source_path.name not in earlier_files
        assert case.source_path.parent == HELDOUT3_DIR
        kernels = re.findall(r'extern\s+"C"\s+__global__\s+void\s+(?:__launch_bounds__\([^)]*\)\s+)?(\w+)\s*\(',
                             case.source)
        assert kernels == [case.kernel_name], case.name
    assert sorted(p.name for p in HELDOUT3_DIR.glob("*.cu")) == sorted(c.source_path.name for c in HELDOUT3_CASES)
    assert f"#define BLOCK_TOKENS {KV_BLOCK_TOKENS}" in next(
        c.source for c in HELDOUT3_CASES if c.kernel_name == "kv_cache_append")


def test_arguments_size_the_arrays_the_kernels_index():
    by_kernel = {c.kernel_name: c for c in SMALL}
    out, w, scales, rows, cols = by_kernel["dequantize_int8"].arguments()
    assert w.dtype == np.int8 and cols % 4 == 0 and out.size == w.size == rows * cols and scales.size == rows
    assert scales.min() > 0
    (param, m, v, grad, n, lr, beta1, beta2, eps, wd, bc1, bc2) = by_kernel["adam_update"].arguments()
    assert param.size == m.size == v.size == grad.size == n and v.min() > 0
    assert 0 < lr < 1 and 0 < beta1 < beta2 < 1 and eps > 0 and wd >= 0 and 0 < bc1 <= 1 and 0 < bc2 <= 1
    (k_cache, v_cache, key, value, block_table, context_lens, tokens, seq_len, max_blocks,
     row_size) = by_kernel["kv_cache_append"].arguments()
    seqs = context_lens.size
    assert tokens == seqs * seq_len and key.size == value.size == tokens * row_size
    assert max_blocks == kv_max_blocks(seq_len) and block_table.size == seqs * max_blocks
    assert k_cache.size == v_cache.size == block_table.size * KV_BLOCK_TOKENS * row_size
    assert np.array_equal(np.sort(block_table), np.arange(block_table.size))  # each physical block once
    assert context_lens.min() >= 1 and context_lens.max() + seq_len <= max_blocks * KV_BLOCK_TOKENS
    out, x, weight, bias, batch, length, channels = by_kernel["conv1d_depthwise"].arguments()
    assert out.size == x.size == batch * length * channels and weight.size == 7 * channels
    assert bias.size == channels
    index_out, value_out, inp, rows, cols = by_kernel["argmax_rows"].arguments()
    assert index_out.dtype == np.int32 and index_out.size == value_out.size == rows and inp.size == rows * cols
    iterations, width, height, x_min, y_min, step, max_iter = by_kernel["mandelbrot"].arguments()
    assert iterations.dtype == np.int32 and iterations.size == width * height and max_iter == MANDELBROT_MAX_ITER
    assert (x_min, y_min, step) == tuple(np.float32(v) for v in mandelbrot_region(width, height))


def test_kv_cache_slots_are_distinct_and_inside_the_cache():
    """The kernel's addressing, in numpy: every new token gets its own row of the cache."""
    (k_cache, _v, _k, _v2, block_table, context_lens, tokens, seq_len, max_blocks,
     row_size) = next(c for c in SMALL if c.kernel_name == "kv_cache_append").arguments()
    t = np.arange(tokens)
    seq = t // seq_len
    position = context_lens[seq] + (t - seq * seq_len)
    logical = position // KV_BLOCK_TOKENS
    assert logical.max() < max_blocks  # the kernel's guard never drops a token
    slot = block_table[seq * max_blocks + logical] * KV_BLOCK_TOKENS + position % KV_BLOCK_TOKENS
    assert np.unique(slot).size == tokens and slot.max() < k_cache.size // row_size


def test_mandelbrot_region_covers_the_set():
    width, height = SIZES["mandelbrot"]["full"]
    x_min, y_min, step = mandelbrot_region(width, height)
    assert x_min + width * step == 1.0 and math.isclose(y_min + height * step, -y_min)
    assert step * height / (step * width) == height / width  # square pixels


def test_grids_follow_each_kernels_layout():
    by_kernel = {c.kernel_name: c for c in HELDOUT3_CASES}

    def grid(kernel, bx, by=1):
        return next(c["grid"] for c in launch_configs(by_kernel[kernel]) if c["block"][:2] == (bx, by))

    rows, cols = SIZES["dequantize_int8"]["full"]
    assert grid("dequantize_int8", 32, 8) == (cols // 4 // 32, rows // 8, 1)  # four weights a thread
    (n,) = SIZES["adam"]["full"]
    assert grid("adam_update", 96) == (math.ceil(n / 96), 1, 1)  # one element a thread
    seqs, seq_len, row_size = SIZES["kv_cache_append"]["full"]
    assert grid("kv_cache_append", 128, 2) == (row_size // 128, seqs * seq_len // 2, 1)
    batch, length, channels = SIZES["conv1d_depthwise"]["full"]
    assert grid("conv1d_depthwise", 64, 4) == (channels // 64, length // 4, batch)
    rows = SIZES["argmax"]["full"][0]
    assert grid("argmax_rows", 64, 4) == (1, rows // 4, 1)  # one block column, block_size_y rows a block
    assert grid("argmax_rows", 1024, 1) == (1, rows, 1)
    width, height = SIZES["mandelbrot"]["full"]
    assert grid("mandelbrot", 16, 16) == (width // 16, height // 16, 1)
    for case in HELDOUT3_CASES:
        assert all(c["grid"][1] <= 65535 and c["grid"][2] <= 65535 for c in launch_configs(case)), case.name


def test_collect_selects_the_third_set_only_when_asked():
    third = [c.name for c in HELDOUT3_CASES]
    first = [c.name for c in HELDOUT_CASES]
    second = [c.name for c in HELDOUT2_CASES]
    assert [c.name for c in select_cases("heldout3", "0")] == third
    assert [c.name for c in select_cases("heldout3", "1")] == third  # one size each, whatever --sizes
    assert [c.name for c in select_cases("heldout", "0")] == first  # the earlier sets alone
    assert [c.name for c in select_cases("heldout2", "0")] == second
    assert not {c.name for c in select_cases("all", "0,1")} & set(third)
    assert [c.name for c in select_cases(f"{third[3]},vector_add", "0")] == [third[3], "vector_add@33554432"]
    assert [c.name for c in select_cases("heldout3_mandelbrot", "0")] == [n for n in third if "mandelbrot" in n]
    assert [c.name for c in select_cases("heldout3,heldout3_adam", "0")] == third
    assert [c.name for c in select_cases("heldout,heldout2,heldout3", "0")] == first + second + third
