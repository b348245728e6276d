"""Configuration space with Kernel Tuner's conventions: grids, restrictions, smem, defines."""
import pytest

from flipflop.errors import ConfigurationError
from flipflop.search.space import enumerate_space, evaluate


def test_default_grid_divides_problem_size_by_block_size():
    space = enumerate_space({"block_size_x": [32, 64], "block_size_y": [4]}, (1000, 10))
    assert [c.grid for c in space.configs] == [(32, 3, 1), (16, 3, 1)]
    assert [c.block for c in space.configs] == [(32, 4, 1), (64, 4, 1)]


def test_missing_block_size_is_one_and_grid_default_is_problem_size():
    space = enumerate_space({"block_size_x": [128]}, 1000)
    assert space.configs[0].block == (128, 1, 1)
    assert space.configs[0].grid == (8, 1, 1)


def test_grid_div_expressions_and_lists():
    space = enumerate_space({"block_size_x": [64], "threads_per_row": [4], "tile_y": [2], "block_size_y": [8]},
                            (4096, 4096), grid_div_x=["block_size_x/threads_per_row"],
                            grid_div_y=["block_size_y", "tile_y"])
    assert space.configs[0].grid == (256, 256, 1)


def test_callable_grid_div_and_problem_size_expression():
    space = enumerate_space({"block_size_x": [32], "n": [100]}, ("n*2",), grid_div_x=lambda p: 10)
    assert space.configs[0].problem_size == (200, 1, 1)
    assert space.configs[0].grid == (20, 1, 1)


def test_restrictions_strings_and_callable():
    tp = {"block_size_x": [16, 32, 64], "block_size_y": [1, 2, 4]}
    strings = enumerate_space(tp, (512, 512), restrictions=["block_size_x*block_size_y>=64", "block_size_y<4"])
    assert [c.block[:2] for c in strings.configs] == [(32, 2), (64, 1), (64, 2)]
    assert len(strings.restricted) == 6 and strings.total == 9
    func = enumerate_space(tp, (512, 512), restrictions=lambda p: p["block_size_x"] == 16)
    assert [c.block[:2] for c in func.configs] == [(16, 1), (16, 2), (16, 4)]


def test_block_size_names():
    space = enumerate_space({"bx": [8], "by": [4]}, (64, 64), block_size_names=["bx", "by"])
    c = space.configs[0]
    assert c.block == (8, 4, 1) and c.grid == (8, 16, 1)
    assert ("bx", "8") in c.defines and ("by", "4") in c.defines


def test_smem_args_int_and_callable():
    assert enumerate_space({"block_size_x": [32]}, 64, smem_args={"size": 256}).configs[0].dynamic_shared_bytes == 256
    space = enumerate_space({"block_size_x": [32, 64]}, 64, smem_args={"size": lambda p: p["block_size_x"] * 4})
    assert [c.dynamic_shared_bytes for c in space.configs] == [128, 256]


def test_kernel_tuner_defines_in_order():
    c = enumerate_space({"block_size_x": [32], "tile": [2]}, 100).configs[0]
    assert c.defines == (("grid_size_x", "4"), ("grid_size_y", "1"), ("grid_size_z", "1"),
                         ("block_size_x", "32"), ("block_size_y", "1"), ("block_size_z", "1"),
                         ("tile", "2"), ("kernel_tuner", "1"))


def test_user_defines_replace_kernel_tuner_defines():
    c = enumerate_space({"block_size_x": [32]}, 100, defines={"N": 100, "BS": lambda p: p["block_size_x"]}).configs[0]
    assert c.defines == (("N", "100"), ("BS", "32"))


def test_restricted_evaluator_rejects_unsafe_and_unknown():
    assert evaluate("min(a, 3) * 2 if a > 1 else 0", {"a": 5}) == 6
    with pytest.raises(ConfigurationError, match="not allowed"):
        evaluate("__import__('os')", {})
    with pytest.raises(ConfigurationError, match="unknown name 'nope'"):
        enumerate_space({"block_size_x": [32]}, 64, restrictions=["nope > 1"])
    with pytest.raises(ConfigurationError, match="not a Python expression"):
        enumerate_space({"block_size_x": [32]}, 64, restrictions=["block_size_x >"])


def test_bad_tune_params():
    with pytest.raises(ConfigurationError, match="tune_params"):
        enumerate_space({}, 64)
    with pytest.raises(ConfigurationError, match="block_size_x"):
        enumerate_space({"block_size_x": []}, 64)
