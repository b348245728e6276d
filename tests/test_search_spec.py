"""TOML specs: constants in every expression, Kernel Tuner problem sizes over tune params."""
import textwrap

import numpy as np

from flipflop.search.space import enumerate_space
from flipflop.search.spec import load_spec

SPEC = """
kernel_name = "k"
kernel_source = "k.cu"
problem_size = ["n", "rows * block_size_y"]
restrictions = ["block_size_x * block_size_y <= limit"]
grid_div_x = ["block_size_x", "per_thread"]
smem_size = "block_size_x * 4 * per_thread"

[constants]
n = 4096
rows = 2
limit = 256
per_thread = 2

[tune_params]
block_size_x = [64, 128, 256]
block_size_y = [1, 2]

[[arguments]]
type = "array"
dtype = "float16"
shape = ["rows", "n"]
fill = "arange"

[[arguments]]
type = "scalar"
dtype = "float64"
value = "n / 2"
"""


def test_constants_reach_every_expression(tmp_path):
    (tmp_path / "k.cu").write_text("")
    (tmp_path / "k.toml").write_text(textwrap.dedent(SPEC))
    spec = load_spec(tmp_path / "k.toml")
    name, source, size, arguments, tune = spec.positional()
    assert name == "k" and source.endswith("k.cu")
    assert arguments[0].shape == (2, 4096) and arguments[0].dtype == np.float16 and arguments[0][1, 0] == 4096
    assert arguments[1] == np.float64(2048.0) and isinstance(arguments[1], np.float64)
    kw = spec.api_kwargs()
    space = enumerate_space(tune, size, restrictions=kw["restrictions"], grid_div_x=kw["grid_div_x"],
                            grid_div_y=kw["grid_div_y"], smem_args=kw["smem_args"])
    assert [(c.block[:2], c.problem_size[:2], c.grid[:2], c.dynamic_shared_bytes) for c in space.configs] == [
        ((64, 1), (4096, 2), (32, 2), 512), ((64, 2), (4096, 4), (32, 2), 512),
        ((128, 1), (4096, 2), (16, 2), 1024), ((128, 2), (4096, 4), (16, 2), 1024),
        ((256, 1), (4096, 2), (8, 2), 2048)]
    assert kw["gpu"] == "h100-sxm" and spec.api_kwargs(gpu="l4", power_limits="all")["power_limits"] == "all"


def test_the_spec_builds_one_tuning_problem_with_the_same_space(tmp_path):
    from flipflop.search.space import enumerate_problem

    (tmp_path / "k.cu").write_text("")
    (tmp_path / "k.toml").write_text(textwrap.dedent(SPEC))
    spec = load_spec(tmp_path / "k.toml")
    problem = spec.problem()
    assert problem.kernel_name == "k" and problem.source.path == str(tmp_path / "k.cu")
    assert problem.arguments[0].shape == (2, 4096) and list(problem.tune_params) == ["block_size_x", "block_size_y"]
    _, _, size, _, tune = spec.positional()
    kw = spec.api_kwargs()
    loose = enumerate_space(tune, size, restrictions=kw["restrictions"], grid_div_x=kw["grid_div_x"],
                            grid_div_y=kw["grid_div_y"], smem_args=kw["smem_args"])
    assert [(c.params, c.block, c.grid, c.dynamic_shared_bytes) for c in enumerate_problem(problem).configs] == [
        (c.params, c.block, c.grid, c.dynamic_shared_bytes) for c in loose.configs]
    assert spec.target() == ("h100-sxm", None) and spec.target("l4", "all") == ("l4", "all")
