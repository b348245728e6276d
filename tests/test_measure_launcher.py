"""Launcher argument building on the CPU: Kernel Tuner defines and grid computation (no CuPy)."""

import pytest

from flipflop.errors import ConfigurationError
from flipflop.measure.launcher import (
    _first_error_line,
    grid_for,
    kernel_tuner_defines,
    source_with_defines,
)


def test_defines_follow_kernel_tuner_order_and_fill_missing_block_sizes():
    defines = kernel_tuner_defines({"block_size_x": 64, "tile": 4}, (10, 3, 1))
    assert list(defines.items()) == [
        ("grid_size_x", 10), ("grid_size_y", 3), ("grid_size_z", 1),
        ("block_size_x", 64), ("block_size_y", 1), ("block_size_z", 1),
        ("tile", 4), ("kernel_tuner", 1),
    ]


def test_source_with_defines_prepends_one_line_per_define():
    text = source_with_defines("__global__ void k() {}", {"block_size_x": 32, "kernel_tuner": 1})
    assert text == "#define block_size_x 32\n#define kernel_tuner 1\n__global__ void k() {}"


def test_default_grid_divides_problem_size_by_block_sizes_rounding_up():
    assert grid_for((1000, 1000), {"block_size_x": 32, "block_size_y": 8}) == (32, 125, 1)
    assert grid_for(100, {"block_size_x": 64}) == (2, 1, 1)


def test_grid_divisors_as_lists_expressions_and_empty_lists():
    params = {"block_size_x": 16, "block_size_y": 4, "tile": 2}
    assert grid_for((512, 64), params, (["block_size_y"], [])) == (128, 64, 1)
    assert grid_for((512, 64), params, (["block_size_x", "tile"], None)) == (16, 16, 1)
    assert grid_for((4096,), params, ("block_size_x*64",)) == (4, 1, 1)


def test_bad_grid_expression_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="grid divisor 'nope' cannot be evaluated"):
        grid_for((10,), {"block_size_x": 2}, ("nope",))


def test_compile_failure_status_keeps_the_ptxas_line():
    log = ("ptxas info    : 0 bytes gmem\n"
           "ptxas error   : Entry function 'matmul_tiled' uses too much shared data (0x10040 bytes, 0xc000 max)\n")
    assert _first_error_line(log).startswith("ptxas error   : Entry function 'matmul_tiled' uses too much shared data")
