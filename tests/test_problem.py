"""TuningProblem: one checked record of what a kernel_tuner.tune_kernel call describes."""
import dataclasses

import numpy as np
import pytest

from flipflop.errors import ConfigurationError
from flipflop.problem import TuningProblem
from flipflop.search.space import enumerate_problem, enumerate_space

SOURCE = """__global__ void axpy(float *y, const float *x, float a, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] += a * x[i];
}
"""
N = 4096


def arguments():
    return [np.zeros(N, np.float32), np.ones(N, np.float32), np.float32(2), np.int32(N)]


def test_holds_the_call_checked_and_frozen():
    tune = {"block_size_x": [64, 128], "tile": [1, 2]}
    problem = TuningProblem.from_tune_kernel("axpy", SOURCE, N, arguments(), tune,
                                             restrictions="block_size_x * tile <= 128",
                                             grid_div_x=["block_size_x", "tile"],
                                             compiler_options=["-use_fast_math"])
    assert problem.kernel_name == "axpy" and problem.source.text == SOURCE
    assert problem.source.kind == "cuda" and problem.source.path is None
    assert problem.restrictions == ("block_size_x * tile <= 128",)
    assert problem.compiler_options == ("-use_fast_math",) and len(problem.arguments) == 4
    assert problem.block_names == ("block_size_x", "block_size_y", "block_size_z")
    tune["tile"].append(4)  # the record holds its own copy of the mapping, not the caller's dict
    tune["other"] = [1]
    assert list(problem.tune_params) == ["block_size_x", "tile"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.kernel_name = "other"  # type: ignore[misc]


def test_a_source_file_is_read_and_named(tmp_path):
    path = tmp_path / "axpy.cu"
    path.write_text(SOURCE)
    problem = TuningProblem.from_tune_kernel("axpy", str(path), N, arguments(), {"block_size_x": [64]})
    assert problem.source.text == SOURCE and problem.source.path == str(path)


def test_its_space_is_the_space_of_the_loose_arguments():
    tune = {"block_size_x": [32, 64, 128], "block_size_y": [1, 2]}
    kwargs = dict(restrictions=["block_size_x * block_size_y <= 128"], smem_args={"size": "block_size_x * 4"},
                  block_size_names=["block_size_x", "block_size_y"])
    problem = TuningProblem.from_tune_kernel("axpy", SOURCE, (N, 8), arguments(), tune,
                                             grid_div_y=["block_size_y"], **kwargs)
    assert enumerate_problem(problem) == enumerate_space(tune, (N, 8), grid_div_y=["block_size_y"], **kwargs)


@pytest.mark.parametrize("change, message", [
    ({"kernel_name": ""}, "kernel_name must be the kernel's name"),
    ({"arguments": np.zeros(3)}, "arguments must be a list"),
    ({"tune_params": {}}, "tune_params must be a non-empty dict"),
    ({"tune_params": {"block_size_x": []}}, r"tune_params\['block_size_x'\] must be a non-empty list"),
    ({"restrictions": 42}, "restrictions must be a list"),
    ({"block_size_names": "block_size_x"}, "block_size_names must be a list"),
    ({"defines": ["x"]}, "defines must be a dict"),
    ({"smem_args": 4}, "smem_args must be a dict"),
    ({"cmem_args": [1]}, "cmem_args must be a dict"),
    ({"compiler_options": "-O3"}, "compiler_options must be a list of strings"),
])
def test_each_part_is_checked_as_before(change, message):
    call = {"kernel_name": "axpy", "kernel_source": SOURCE, "problem_size": N, "arguments": arguments(),
            "tune_params": {"block_size_x": [64]}, **change}
    with pytest.raises(ConfigurationError, match=message):
        TuningProblem.from_tune_kernel(**call)
