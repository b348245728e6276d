"""The held-out kernels: every kernel of the three sets compiles with NVRTC for representative block
shapes, its argument builder matches the kernel's parameters and flipflop analyses it; the
first set's own layout checks, and collect.py selecting it only when asked. Small problem
sizes throughout (no GPU, no gigabytes)."""

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
from benchmarks.kernels.heldout import HELDOUT_CASES, HELDOUT_DIR, SIZES, heldout_cases  # noqa: E402
from benchmarks.kernels.heldout2 import HELDOUT2_CASES, heldout2_cases  # noqa: E402
from benchmarks.kernels.heldout2 import SIZES as SIZES2  # noqa: E402
from benchmarks.kernels.heldout3 import HELDOUT3_CASES, heldout3_cases  # noqa: E402
from benchmarks.kernels.heldout3 import SIZES as SIZES3  # noqa: E402
from benchmarks.kernels.suite import CASES, configurations  # noqa: E402
from flipflop.frontend.nvrtc import compile_to_ptx  # noqa: E402
from flipflop.measure.launcher import kernel_tuner_defines  # noqa: E402

SMALL1 = heldout_cases(small=True)
# Checks that hold for every held-out kernel run over the three sets (set 2's and set 3's own:
# test_heldout2_kernels.py, test_heldout3_kernels.py).
MEASURED = HELDOUT_CASES + HELDOUT2_CASES + HELDOUT3_CASES
SMALL = SMALL1 + heldout2_cases(small=True) + heldout3_cases(small=True)
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


def test_eight_heldout_kernels_one_size_each_in_their_own_files():
    assert len(HELDOUT_CASES) == 8
    assert len({c.kernel_name for c in HELDOUT_CASES}) == 8
    assert len({c.source_path for c in HELDOUT_CASES}) == 8
    suite_kernels = {c.kernel_name for c in CASES}
    for case in HELDOUT_CASES:
        assert case.family == "heldout" and case.size_index == 0
        assert case.name.startswith("heldout_") and "@" in case.name
        assert case.kernel_name not in suite_kernels
        assert case.source_path.parent == HELDOUT_DIR
        kernels = re.findall(r'extern\s+"C"\s+__global__\s+void\s+(?:__launch_bounds__\([^)]*\)\s+)?(\w+)\s*\(',
                             case.source)
        assert kernels == [case.kernel_name], case.name
    assert sorted(p.name for p in HELDOUT_DIR.glob("*.cu")) == sorted(c.source_path.name for c in HELDOUT_CASES)


def test_shape_spaces_are_the_51_two_d_and_32_one_d_shapes():
    for case in MEASURED:
        shapes = configurations(case)
        if "block_size_y" in case.tune_params:
            assert len(shapes) == 51, case.name
            assert all(32 <= s["block_size_x"] * s["block_size_y"] <= 1024 for s in shapes)
        else:
            assert [s["block_size_x"] for s in shapes] == list(range(32, 1025, 32)), case.name


def test_small_cases_mirror_the_measured_ones():
    assert [(c.kernel_name, c.source_path, c.tune_params, c.restrictions, c.grid_div_x, c.grid_div_y)
            for c in SMALL] == [(c.kernel_name, c.source_path, c.tune_params, c.restrictions, c.grid_div_x,
                                 c.grid_div_y) for c in MEASURED]
    assert set(SIZES) == {c.name.split("@")[0].removeprefix("heldout_") for c in HELDOUT_CASES}
    assert set(SIZES2) == {c.name.split("@")[0].removeprefix("heldout2_") for c in HELDOUT2_CASES}
    assert set(SIZES3) == {c.name.split("@")[0].removeprefix("heldout3_") for c in HELDOUT3_CASES}


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
            assert a.ndim == 1 and a.dtype in (np.float32, np.float16, np.int32, np.uint32, np.int8)
            assert np.array_equal(a, b)  # seeded: the same data every time
            assert np.count_nonzero(a) > 0.9 * a.size
        else:
            assert isinstance(a, (np.int32, np.float32))


def test_arguments_size_the_arrays_the_kernels_index():
    by_kernel = {c.kernel_name: c for c in SMALL1}
    out, inp, rows, cols = by_kernel["softmax_rows"].arguments()
    assert out.size == inp.size == rows * cols
    y, a, x, _alpha, _beta, rows, cols = by_kernel["gemv"].arguments()
    assert (y.size, a.size, x.size) == (rows, rows * cols, cols)
    y, row_ptr, col_idx, values, x, rows = by_kernel["spmv_csr_scalar"].arguments()
    per_row = np.diff(row_ptr)
    assert row_ptr[0] == 0 and per_row.min() >= 8 and per_row.max() <= 40
    assert col_idx.size == values.size == row_ptr[-1] and 0 <= col_idx.min() and col_idx.max() < rows
    assert y.size == x.size == rows
    out, inp, nx, ny, nz, _c0, _c1 = by_kernel["stencil3d_7pt"].arguments()
    assert out.size == inp.size == nx * ny * nz and nz >= 2
    accel, pos, n, eps2 = by_kernel["nbody_forces"].arguments()
    assert accel.size == pos.size == 4 * n and pos.reshape(n, 4)[:, 3].min() > 0 and eps2 > 0
    out, inp, width, height, channels = by_kernel["maxpool2x2"].arguments()
    assert width % 2 == 0 and inp.size == channels * height * width
    assert out.size == channels * (height // 2) * (width // 2)
    out, inp, n2 = by_kernel["gelu_half2"].arguments()
    assert out.dtype == inp.dtype == np.float16 and out.size == inp.size == 2 * n2
    out, block_sums, inp, n = by_kernel["scan_blocks"].arguments()
    assert out.size == inp.size == n and block_sums.size >= math.ceil(n / 32)


def test_grids_follow_each_kernels_layout():
    by_kernel = {c.kernel_name: c for c in HELDOUT_CASES}

    def grid(kernel, bx, by=1):
        return next(c["grid"] for c in launch_configs(by_kernel[kernel]) if c["block"][:2] == (bx, by))

    rows = SIZES["softmax"]["full"][0]
    assert grid("softmax_rows", 64, 4) == (1, rows // 4, 1)  # one block column, block_size_y rows a block
    assert grid("gemv", 1024, 1) == (1, SIZES["gemv"]["full"][0], 1)
    n = SIZES["gelu_half2"]["full"][0]
    assert grid("gelu_half2", 256) == (n // 2 // (256 * 8), 1, 1)  # grid-stride loop, 8 pairs a thread
    width, height, channels = SIZES["maxpool"]["full"]
    assert grid("maxpool2x2", 32, 8) == (width // 2 // 32, height // 2 // 8, channels)
    nx, ny, _ = SIZES["stencil3d"]["full"]
    assert grid("stencil3d_7pt", 128, 2) == (math.ceil(nx / 128), ny // 2, 1)
    assert grid("scan_blocks", 96) == (math.ceil(SIZES["scan"]["full"][0] / 96), 1, 1)
    for kernel in ("softmax_rows", "gemv"):
        assert all(c["grid"][1] <= 65535 for c in launch_configs(by_kernel[kernel]))


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


def test_collect_selects_heldout_cases_only_when_asked():
    heldout = [c.name for c in HELDOUT_CASES]
    assert [c.name for c in select_cases("heldout", "0")] == heldout
    assert [c.name for c in select_cases("heldout", "1")] == heldout  # one size each, whatever --sizes
    assert not {c.name for c in select_cases("all", "0,1")} & set(heldout)
    assert [c.name for c in select_cases(f"{heldout[2]},vector_add", "0")] == [heldout[2], "vector_add@33554432"]
    assert [c.name for c in select_cases("heldout_nbody", "0")] == [n for n in heldout if "nbody" in n]
    assert [c.name for c in select_cases("heldout,heldout_gemv", "0")] == heldout
