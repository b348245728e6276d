"""The development suite's specifications: every case compiles for every configuration with
NVRTC, its arguments match the kernel's parameters, and its configuration space is complete."""

import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ground_truth.collect import launch_configs, select_cases  # noqa: E402
from benchmarks.kernels.suite import CASES, configurations  # noqa: E402
from flipflop.frontend.nvrtc import compile_to_ptx  # noqa: E402
from flipflop.measure.launcher import kernel_tuner_defines  # noqa: E402

KERNELS = sorted({(case.source_path, case.kernel_name) for case in CASES})


def test_suite_has_at_least_twelve_kernels_each_at_two_sizes():
    assert len(KERNELS) >= 12
    for path, kernel in KERNELS:
        sizes = {case.problem_size for case in CASES if case.kernel_name == kernel}
        assert len(sizes) >= 2, kernel


def test_attention_covers_the_papers_sequence_lengths():
    seqs = sorted(case.problem_size[0] for case in CASES if case.family == "attention")
    assert seqs == [128, 256, 512, 1024, 2048, 4096, 8192]


def test_shape_spaces_are_the_51_two_d_and_32_one_d_shapes():
    for case in CASES:
        shapes = configurations(case)
        if "block_size_y" in case.tune_params:
            assert len(shapes) == 51, case.name
            assert all(32 <= s["block_size_x"] * s["block_size_y"] <= 1024 for s in shapes)
        else:
            assert [s["block_size_x"] for s in shapes] == list(range(32, 1025, 32)), case.name


def _param_count(ptx: str, kernel: str) -> int:
    entry = re.search(rf"\.entry\s+{kernel}\s*\((.*?)\)", ptx, re.S)
    assert entry, f"no .entry {kernel}"
    return len(re.findall(r"\.param\s", entry.group(1)))


def _compile(job):
    case, params, grid = job
    return case, compile_to_ptx(case.source, defines=kernel_tuner_defines(params, grid)).ptx


def test_every_kernel_compiles_for_every_configuration_and_takes_its_arguments():
    jobs, seen = [], set()
    for case in CASES:
        for config in launch_configs(case):
            params = {k: v for k, v in config.items() if k not in ("block", "grid", "shared_bytes")}
            key = (case.kernel_name, tuple(sorted(params.items())))
            if key not in seen:
                seen.add(key)
                jobs.append((case, params, config["grid"]))
    arg_counts = {}
    for case in CASES:
        if case.kernel_name not in arg_counts and case.size_index == 1 and case.family != "attention":
            arg_counts[case.kernel_name] = len(case.arguments())
    arg_counts["attention"] = 6
    with ThreadPoolExecutor(max_workers=16) as pool:
        for case, ptx in pool.map(_compile, jobs):
            assert _param_count(ptx, case.kernel_name) == arg_counts[case.kernel_name], case.name


@pytest.mark.parametrize("case", [c for c in CASES if c.size_index == 1 and c.family != "attention"],
                         ids=lambda c: c.name)
def test_arguments_are_seeded_nonzero_and_typed(case):
    first, second = case.arguments(), case.arguments()
    for a, b in zip(first, second):
        assert type(a) is type(b)
        if isinstance(a, np.ndarray):
            assert a.dtype in (np.float32, np.uint32)
            assert np.array_equal(a, b)  # seeded: the same data every time
            assert np.count_nonzero(a) > 0.9 * a.size
        else:
            assert isinstance(a, (np.int32, np.float32))


def test_attention_arguments_are_batch_4_heads_16_dim_256():
    case = next(c for c in CASES if c.name == "attention@seq128")
    q, k, v, o, seq, scale = case.arguments()
    assert q.shape == (4 * 16 * 128 * 256,) and seq == 128 and scale == np.float32(1 / 16)


def test_grids_cover_the_problem():
    case = next(c for c in CASES if c.name == "attention@seq512")
    config = next(c for c in launch_configs(case) if c["block"] == (8, 32, 1))
    assert config["grid"] == (16, 64, 1)  # 512 queries / 32 rows per block, 4 × 16 heads
    case = next(c for c in CASES if c.name == "histogram@67108864")
    config = next(c for c in launch_configs(case) if c["block"] == (256, 1, 1))
    assert config["grid"] == (4096, 1, 1)  # 64 values per thread


def test_case_selection_keeps_the_order_named():
    names = [c.name for c in select_cases("stencil,vector_add,attention@seq128", "1")]
    assert names == ["stencil@3000x5000", "vector_add@10000000", "attention@seq128"]
