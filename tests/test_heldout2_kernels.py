"""The second held-out kernel set: every kernel compiles with NVRTC for representative block
shapes, its argument builder matches the kernel's parameters, flipflop analyses it, and
collect.py selects it only when asked. Small problem sizes throughout (no GPU, no gigabytes)."""

import math
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flipflop  # noqa: E402
from benchmarks.ground_truth.collect import launch_configs, select_cases  # noqa: E402
from benchmarks.kernels.heldout import HELDOUT_CASES  # noqa: E402
from benchmarks.kernels.heldout2 import (BITONIC_J, BITONIC_K, HELDOUT2_CASES, HELDOUT2_DIR,  # noqa: E402
                                         SIZES, heldout2_cases)
from benchmarks.kernels.suite import CASES, configurations  # noqa: E402
from flipflop.frontend.nvrtc import compile_to_ptx  # noqa: E402
from flipflop.measure.launcher import kernel_tuner_defines  # noqa: E402

SMALL = heldout2_cases(small=True)
PTX_TYPE_OF_SCALAR = {np.int32: ("s32", "u32", "b32"), np.float32: ("f32", "b32")}


def _representative(case) -> list[dict]:
    """Smallest, a middle and the largest block shape (by thread count, then x)."""
    configs = sorted(launch_configs(case), key=lambda c: (c["block"][0] * c["block"][1], c["block"][0]))
    return [configs[0], configs[len(configs) // 2], configs[-1]]


def _params(config: dict) -> dict:
    return {k: v for k, v in config.items() if k not in ("block", "grid", "shared_bytes")}


def _entry_param_types(ptx: str, kernel: str) -> list[str]:
    entry = re.search(rf"\.entry\s+{kernel}\s*\((.*?)\)", ptx, re.S)
    assert entry, f"no .entry {kernel}"
    return re.findall(r"\.param\s+\.(\w+)", entry.group(1))


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


def test_shape_spaces_are_the_51_two_d_and_32_one_d_shapes():
    for case in HELDOUT2_CASES:
        shapes = configurations(case)
        if "block_size_y" in case.tune_params:
            assert len(shapes) == 51, case.name
            assert all(32 <= s["block_size_x"] * s["block_size_y"] <= 1024 for s in shapes)
        else:
            assert [s["block_size_x"] for s in shapes] == list(range(32, 1025, 32)), case.name


def test_small_cases_mirror_the_measured_ones():
    assert [(c.kernel_name, c.source_path, c.tune_params, c.restrictions, c.grid_div_x, c.grid_div_y)
            for c in SMALL] == [(c.kernel_name, c.source_path, c.tune_params, c.restrictions, c.grid_div_x,
                                 c.grid_div_y) for c in HELDOUT2_CASES]
    assert set(SIZES) == {c.name.split("@")[0].removeprefix("heldout2_") for c in HELDOUT2_CASES}


def _compile(job):
    case, config = job
    ptx = compile_to_ptx(case.source, defines=kernel_tuner_defines(_params(config), config["grid"])).ptx
    return case, config, ptx


def test_kernels_compile_for_representative_shapes_and_take_their_arguments():
    jobs = [(case, config) for case in SMALL for config in _representative(case)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(_compile, jobs))
    arguments = {case.name: case.arguments() for case in SMALL}
    for case, config, ptx in results:
        types = _entry_param_types(ptx, case.kernel_name)
        args = arguments[case.name]
        assert len(types) == len(args), (case.name, config["block"])
        for i, (arg, ptx_type) in enumerate(zip(args, types)):
            if isinstance(arg, np.ndarray):
                assert ptx_type in ("u64", "b64"), (case.name, i, ptx_type)
            else:
                assert ptx_type in PTX_TYPE_OF_SCALAR[type(arg)], (case.name, i, ptx_type)


@pytest.mark.parametrize("case", SMALL, ids=lambda c: c.name)
def test_arguments_are_seeded_nonzero_and_typed(case):
    first, second = case.arguments(), case.arguments()
    assert len(first) == len(second)
    for a, b in zip(first, second):
        assert type(a) is type(b)
        if isinstance(a, np.ndarray):
            assert a.ndim == 1 and a.dtype in (np.float32, np.int32, np.uint32)
            assert np.array_equal(a, b)  # seeded: the same data every time
            assert np.count_nonzero(a) > 0.9 * a.size
        else:
            assert isinstance(a, (np.int32, np.float32))


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


@pytest.mark.parametrize("case", SMALL, ids=lambda c: c.name)
def test_flipflop_predicts_representative_shapes(case):
    shapes = [c["block"] for c in _representative(case)]
    names = ["block_size_x", "block_size_y"][:len(case.tune_params)]
    results = []
    for block in shapes:
        tune = {name: [size] for name, size in zip(names, block)}
        rows = flipflop.predict(case.kernel_name, str(case.source_path), case.problem_size, case.arguments(), tune,
                                restrictions=case.restrictions or None, grid_div_x=case.grid_div_x,
                                grid_div_y=case.grid_div_y)
        assert len(rows) == 1 and not rows.dropped, (case.name, block, rows.dropped)
        results.append(rows[0])
    for row in results:
        assert math.isfinite(row["time"]) and row["time"] > 0
        assert math.isfinite(row["energy"]) and row["energy"] > 0 and row["power"] > 0


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
