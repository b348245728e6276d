"""The second held-out kernel set's own checks: new kernels in their own files, arrays sized to
what the kernels index, the bitonic step's pairs, grids, and collect.py selecting the set only
when asked. The checks every held-out kernel shares (compiles, arguments, shape spaces,
flipflop predicts it) run over both sets in test_heldout_kernels.py."""

import math
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ground_truth.collect import launch_configs, select_cases  # noqa: E402
from benchmarks.kernels.heldout import HELDOUT_CASES  # noqa: E402
from benchmarks.kernels.heldout2 import (BITONIC_J, BITONIC_K, HELDOUT2_CASES, HELDOUT2_DIR,  # noqa: E402
                                         SIZES, heldout2_cases)
from benchmarks.kernels.suite import CASES  # noqa: E402

SMALL = heldout2_cases(small=True)


def test_seven_new_kernels_one_size_each_in_their_own_files():
    assert len(HELDOUT2_CASES) == 7
    assert len({c.kernel_name for c in HELDOUT2_CASES}) == 7
    assert len({c.source_path for c in HELDOUT2_CASES}) == 7
    # New kernels: none is in the development suite or the first held-out set.
    earlier_kernels = {c.kernel_name for c in CASES + HELDOUT_CASES}
    earlier_files = {c.source_path.name for c in CASES + HELDOUT_CASES}
    for case in HELDOUT2_CASES:
        assert case.family == "heldout2" and case.size_index == 0
        assert case.name.startswith("heldout2_") and "@" in case.name
        assert case.kernel_name not in earlier_kernels
        assert case.source_path.name not in earlier_files
        assert case.source_path.parent == HELDOUT2_DIR
        kernels = re.findall(r'extern\s+"C"\s+__global__\s+void\s+(?:__launch_bounds__\([^)]*\)\s+)?(\w+)\s*\(',
                             case.source)
        assert kernels == [case.kernel_name], case.name
    assert sorted(p.name for p in HELDOUT2_DIR.glob("*.cu")) == sorted(c.source_path.name for c in HELDOUT2_CASES)


def test_arguments_size_the_arrays_the_kernels_index():
    by_kernel = {c.kernel_name: c for c in SMALL}
    out, mean, rstd, inp, gamma, beta, rows, cols, eps = by_kernel["layernorm_rows"].arguments()
    assert out.size == inp.size == rows * cols and mean.size == rstd.size == rows
    assert gamma.size == beta.size == cols and eps > 0
    c, a, b, batch = by_kernel["batched_gemm32"].arguments()
    assert c.size == a.size == b.size == batch * 32 * 32
    col, inp, channels, height, width = by_kernel["im2col3x3"].arguments()
    assert inp.size == channels * height * width and col.size == 9 * inp.size
    q_out, k_out, q, k, positions, tokens, heads, head_dim, log2_base = by_kernel["rope_qk"].arguments()
    assert q_out.size == k_out.size == q.size == k.size == tokens * heads * head_dim and head_dim % 2 == 0
    assert positions.size == tokens and positions.dtype == np.int32 and log2_base > 0
    keys_out, keys_in, n, j, k = by_kernel["bitonic_step"].arguments()
    assert keys_out.dtype == keys_in.dtype == np.uint32 and keys_out.size == keys_in.size == n
    assert n & (n - 1) == 0 and (j, k) == (BITONIC_J, BITONIC_K) and j < k and j & (j - 1) == 0
    out, inp, rhs, width, height, _h2 = by_kernel["jacobi2d_shared"].arguments()
    assert out.size == inp.size == rhs.size == width * height
    loss, lse, logits, targets, rows, vocab = by_kernel["cross_entropy_rows"].arguments()
    assert loss.size == lse.size == targets.size == rows and logits.size == rows * vocab
    assert 0 <= targets.min() and targets.max() < vocab


def test_bitonic_pairs_cover_every_key_once():
    """The kernel's pair indexing, in numpy: pair t → (lo, lo + j) touches each key exactly once."""
    n = SIZES["bitonic_step"]["small"][0]
    t = np.arange(n // 2)
    lo = ((t & ~(BITONIC_J - 1)) << 1) | (t & (BITONIC_J - 1))
    assert np.array_equal(np.sort(np.concatenate([lo, lo + BITONIC_J])), np.arange(n))
    assert not np.any(lo & BITONIC_J)


def test_grids_follow_each_kernels_layout():
    by_kernel = {c.kernel_name: c for c in HELDOUT2_CASES}

    def grid(kernel, bx, by=1):
        return next(c["grid"] for c in launch_configs(by_kernel[kernel]) if c["block"][:2] == (bx, by))

    rows = SIZES["layernorm"]["full"][0]
    assert grid("layernorm_rows", 64, 4) == (1, rows // 4, 1)  # one block column, block_size_y rows a block
    assert grid("cross_entropy_rows", 1024, 1) == (1, SIZES["cross_entropy"]["full"][0], 1)
    (batch,) = SIZES["batched_gemm"]["full"]
    assert grid("batched_gemm32", 32, 32) == grid("batched_gemm32", 1, 32) == (1, 1, batch)  # a block a matrix
    channels, height, width = SIZES["im2col"]["full"]
    assert grid("im2col3x3", 32, 8) == (width // 32, height // 8, channels)
    tokens, heads, head_dim = SIZES["rope"]["full"]
    assert grid("rope_qk", 128, 2) == (heads * head_dim // 2 // 128, tokens // 2, 1)
    (n,) = SIZES["bitonic_step"]["full"]
    assert grid("bitonic_step", 96) == (math.ceil(n // 2 / 96), 1, 1)
    width, height = SIZES["jacobi2d"]["full"]
    assert grid("jacobi2d_shared", 16, 16) == (width // 16, height // 16, 1)
    for case in HELDOUT2_CASES:
        assert all(c["grid"][1] <= 65535 and c["grid"][2] <= 65535 for c in launch_configs(case)), case.name


def test_collect_selects_the_second_set_only_when_asked():
    second = [c.name for c in HELDOUT2_CASES]
    first = [c.name for c in HELDOUT_CASES]
    assert [c.name for c in select_cases("heldout2", "0")] == second
    assert [c.name for c in select_cases("heldout2", "1")] == second  # one size each, whatever --sizes
    assert [c.name for c in select_cases("heldout", "0")] == first  # the first set alone
    assert not {c.name for c in select_cases("all", "0,1")} & set(second)
    assert [c.name for c in select_cases(f"{second[3]},vector_add", "0")] == [second[3], "vector_add@33554432"]
    assert [c.name for c in select_cases("heldout2_im2col", "0")] == [n for n in second if "im2col" in n]
    assert [c.name for c in select_cases("heldout2,heldout2_rope", "0")] == second
    assert [c.name for c in select_cases("heldout,heldout2", "0")] == first + second
