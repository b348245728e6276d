"""The cuda-samples and Rodinia part of the third-party corpus (benchmarks/kernels/corpus/
samples_rodinia.py): every kernel's file names its upstream, compiles with NVRTC at its smallest and
largest configuration, takes the arguments its case builds, has a reference of the right shapes,
and flipflop predicts every launchable configuration of its small case. No GPU: the references
are checked against the kernels on a GPU by the corpus check script."""

import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flipflop  # noqa: E402
from benchmarks.ground_truth.collect import launch_configs  # noqa: E402
from benchmarks.kernels.corpus import SOURCES, corpus_split  # noqa: E402
from benchmarks.kernels.corpus.samples_rodinia import (CUDA_SAMPLES, CUDA_SAMPLES_DIR, RODINIA,  # noqa: E402
                                                       RODINIA_DIR)
from benchmarks.kernels.suite import configurations  # noqa: E402
from flipflop.frontend.nvrtc import compile_to_ptx, is_template_name  # noqa: E402
from flipflop.measure.launcher import kernel_tuner_defines  # noqa: E402

KERNELS = CUDA_SAMPLES + RODINIA
PTX_TYPE_OF_SCALAR = {np.int32: ("s32", "u32", "b32"), np.uint32: ("u32", "s32", "b32"),
                      np.int64: ("s64", "u64", "b64"), np.float32: ("f32", "b32")}
ARRAY_DTYPES = (np.float32, np.float16, np.int32, np.uint32, np.bool_)


def _params(config: dict) -> dict:
    return {k: v for k, v in config.items() if k not in ("block", "grid", "shared_bytes")}


def _extremes(case) -> list[dict]:
    configs = sorted(launch_configs(case), key=lambda c: (c["block"][0] * c["block"][1], c["block"][0]))
    return [configs[0], configs[-1]]


def _entry_param_types(ptx: str, entry: str) -> list[str]:
    match = re.search(rf"\.entry\s+{re.escape(entry)}\s*\((.*?)\)", ptx, re.S)
    assert match, f"no .entry {entry}"
    return re.findall(r"\.param\s+\.(\w+)", match.group(1))


def test_counts_sources_and_names():
    assert len(CUDA_SAMPLES) >= 12 and len(RODINIA) >= 10
    assert sum(len(configurations(k.case)) for k in KERNELS) >= 800
    names = [k.case.name for k in KERNELS]
    assert len(set(names)) == len(names)
    for kernel in KERNELS:
        assert kernel.source in SOURCES and kernel.source in ("cuda-samples", "rodinia")
        assert kernel.case.family == kernel.small.family == "corpus"
        assert kernel.case.name.startswith(f"{kernel.source}/") and "@" in kernel.case.name
        assert kernel.small.name.split("@")[0] == kernel.case.name.split("@")[0]
        directory = CUDA_SAMPLES_DIR if kernel.source == "cuda-samples" else RODINIA_DIR
        assert kernel.case.source_path.parent == directory
        assert kernel.case.source_path.name == kernel.case.name.split("/")[1].split("@")[0] + ".cu"
        assert corpus_split(kernel.case.name) in ("dev", "heldout")
        # The small twin: the same kernel, launch geometry and tune space.
        for attribute in ("kernel_name", "source_path", "tune_params", "restrictions", "grid_div_x", "grid_div_y",
                          "smem_args"):
            assert getattr(kernel.small, attribute) == getattr(kernel.case, attribute), (kernel.case.name, attribute)
        assert 1 <= len(configurations(kernel.case)) <= 64, kernel.case.name
    cu_files = sorted(p.name for d in (CUDA_SAMPLES_DIR, RODINIA_DIR) for p in d.glob("*.cu"))
    # A kernel measured at two sizes (one L2-resident) shares its file.
    assert cu_files == sorted({k.case.source_path.name for k in KERNELS})


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.case.name)
def test_file_header_names_upstream_and_kernel(kernel):
    text = kernel.case.source
    repo = "NVIDIA/cuda-samples" if kernel.source == "cuda-samples" else "yuhc/gpu-rodinia"
    assert f"// Upstream: {repo}" in text and re.search(r"// Commit:\s+[0-9a-f]{40}", text)
    assert "// Path:" in text and "// Licence:" in text and "// Edits" in text
    name = kernel.case.kernel_name.split("<")[0]
    if is_template_name(kernel.case.kernel_name):
        assert re.search(rf"template\s*<[^>]*>\s*__global__\s+void\s+{name}\s*\(", text)
    else:
        assert re.search(rf'extern\s+"C"\s+(__launch_bounds__\([^)]*\)\s+)?__global__\s+void\s+{name}\s*\(', text)
    for macro in re.findall(r"#define\s+\w+\s+.*block_size_[xy]", text):
        assert "block_size" in macro


def _compile(job):
    kernel, config = job
    case = kernel.small
    template = case.kernel_name if is_template_name(case.kernel_name) else None
    compiled = compile_to_ptx(case.source, defines=kernel_tuner_defines(_params(config), config["grid"]),
                              kernel_name=template)
    return kernel, config, compiled


def test_kernels_compile_at_extreme_configs_and_take_their_arguments():
    jobs = [(kernel, config) for kernel in KERNELS for config in _extremes(kernel.small)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_compile, jobs))
    for kernel, config, compiled in results:
        entry = compiled.entry or kernel.case.kernel_name
        types = _entry_param_types(compiled.ptx, entry)
        for args in (kernel.small.arguments(),):
            assert len(types) == len(args), (kernel.case.name, config["block"])
            for i, (arg, ptx_type) in enumerate(zip(args, types)):
                if isinstance(arg, np.ndarray):
                    assert ptx_type in ("u64", "b64"), (kernel.case.name, i, ptx_type)
                else:
                    assert ptx_type in PTX_TYPE_OF_SCALAR[type(arg)], (kernel.case.name, i, ptx_type)


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.case.name)
def test_arguments_and_reference(kernel):
    first, second = kernel.small.arguments(), kernel.small.arguments()
    for a, b in zip(first, second):
        assert type(a) is type(b)
        if isinstance(a, np.ndarray):
            assert a.ndim == 1 and a.dtype in ARRAY_DTYPES and np.array_equal(a, b)
        else:
            assert isinstance(a, (np.int32, np.uint32, np.int64, np.float32))
    # Full-size argument types match the small ones (sizes are not built here: gigabytes).
    arrays = [i for i, a in enumerate(first) if isinstance(a, np.ndarray)]
    assert arrays
    # Float and int inputs are random, never all zeros (bool masks may start all false: BFS state).
    for i in arrays:
        if first[i].dtype != np.bool_:
            assert np.count_nonzero(first[i]) > 0.5 * first[i].size, (kernel.case.name, i)
    before = [a.copy() if isinstance(a, np.ndarray) else a for a in first]
    expected = kernel.reference(first)
    assert expected and set(expected) <= set(arrays), kernel.case.name
    for i, value in expected.items():
        value = np.asarray(value)
        assert np.all(np.isfinite(value.astype(np.float64))), (kernel.case.name, i)
        if kernel.compare is None:
            assert value.shape == first[i].shape, (kernel.case.name, i, value.shape)
        else:
            assert value.size <= first[i].size
    for a, b in zip(first, before):  # the reference does not write its inputs
        if isinstance(a, np.ndarray):
            assert np.array_equal(a, b)
    if kernel.compare is not None:
        assert kernel.compare(expected, _fake_output(kernel, first, expected)) is None


def _fake_output(kernel, args, expected):
    """What a correct launch at the smallest block size writes, for the compare hooks' own check."""
    out = {}
    for i, value in expected.items():
        array = args[i].copy()
        value = np.asarray(value)
        if value.size == 1:  # one total: the partial sums of the smallest block size's grid
            array[:] = 0
            array[0] = value.ravel()[0]
        else:  # a histogram: all counts in the first partial histogram
            array[:] = 0
            array[: value.size] = value
        out[i] = array
    return out


def _smem_args(case):
    """The case's smem_args for flipflop.predict: Kernel Tuner's {"size": int or callable}; an
    expression string of the tune params (the corpus's way to write it) becomes a callable."""
    if not case.smem_args or not isinstance(case.smem_args.get("size"), str):
        return case.smem_args
    expression = case.smem_args["size"]
    return {"size": lambda params: int(eval(expression, {"__builtins__": {}, "max": max, "min": min},  # noqa: S307
                                             dict(params)))}


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.case.name)
def test_flipflop_predicts_every_launchable_config(kernel):
    case = kernel.small
    results = flipflop.predict(case.kernel_name, case.source, case.problem_size, case.arguments(), case.tune_params,
                               gpu="h200-sxm", grid_div_x=case.grid_div_x, grid_div_y=case.grid_div_y,
                               restrictions=case.restrictions or None, smem_args=_smem_args(case))
    names = list(case.tune_params)
    predicted = {tuple(r[n] for n in names) for r in results}
    assert predicted, case.name
    configs = {tuple(c[n] for n in names) for c in configurations(case)}
    assert predicted <= configs
    unlaunchable = [(params, why) for params, why in results.dropped if why != "excluded by restrictions"]
    assert len(predicted) + len(unlaunchable) == len(configs), (case.name, unlaunchable[:3])
    for r in results:
        assert r["time"] > 0 and r["power"] > 0 and r["energy"] > 0
