"""Kernel Tuner's expression conventions, owned by flipflop.conventions: what Kernel Tuner's
own examples write (grid divisors, restrictions) gives what Python gives, and code cannot run."""
import pytest

from flipflop.conventions import evaluate
from flipflop.errors import ConfigurationError
from flipflop.measure.launcher import grid_for
from flipflop.search.space import enumerate_space

PARAMS = {"block_size_x": 64, "block_size_y": 4, "tile_size_x": 2, "tile_size_y": 4}


@pytest.mark.parametrize("expression", [
    "block_size_x/32",                                   # spmv's grid_div_x
    "block_size_x*4",
    "block_size_x==block_size_y*tile_size_y",            # matmul's restriction
    "block_size_x*block_size_y<=1024",
    "32 <= block_size_x * block_size_y <= 1024",
    "tile_size_x > 1 or tile_size_y > 1",
    "min(block_size_x, 32) * max(tile_size_x, tile_size_y)",
])
def test_kernel_tuner_expressions_evaluate_as_python_would(expression):
    assert evaluate(expression, PARAMS) == eval(expression, {"min": min, "max": max}, dict(PARAMS))  # noqa: S307


@pytest.mark.parametrize("expression", ["__import__('os').system('true')", "().__class__", "open('x')",
                                        "[c for c in 'ab']", "lambda: 1"])
def test_code_is_refused(expression):
    with pytest.raises(ConfigurationError, match="not allowed|unknown name"):
        evaluate(expression, PARAMS)


def test_the_launcher_and_the_space_agree_on_grid_divisors_without_eval():
    divisors = (["block_size_x", "tile_size_x"], ["block_size_y", "tile_size_y"], None)
    assert grid_for((4096, 4096), PARAMS, divisors) == (32, 256, 1)
    space = enumerate_space({k: [v] for k, v in PARAMS.items()}, (4096, 4096), grid_div_x=divisors[0],
                            grid_div_y=divisors[1])
    assert space.configs[0].grid == (32, 256, 1)
    assert grid_for((128 * 1024,), {"block_size_x": 256}, ("block_size_x/32",)) == (16384, 1, 1)
    with pytest.raises(ConfigurationError, match="grid divisor .* cannot be evaluated"):
        grid_for((10,), {"block_size_x": 2}, ("__import__('os').getpid()",))


def test_predict_and_measure_compile_with_the_same_kernel_tuner_defines():
    """Kernel Tuner writes grid_size_x/y/z, the block sizes, the other tune params, kernel_tuner 1."""
    from flipflop.measure.launcher import kernel_tuner_defines as measured_defines
    from flipflop.search.space import kernel_tuner_defines as predicted_defines

    params = {"block_size_x": 32, "block_size_y": 4, "tile_size_x": 2}
    space = enumerate_space({k: [v] for k, v in params.items()}, (4096, 4096), grid_div_x=["block_size_x", "tile_size_x"])
    config = space.configs[0]
    assert config.defines == predicted_defines(params, config.block, config.grid)
    assert config.defines == tuple((name, str(value)) for name, value in measured_defines(params, config.grid).items())
    assert config.defines == (("grid_size_x", "64"), ("grid_size_y", "1024"), ("grid_size_z", "1"),
                              ("block_size_x", "32"), ("block_size_y", "4"), ("block_size_z", "1"),
                              ("tile_size_x", "2"), ("kernel_tuner", "1"))


@pytest.mark.parametrize("problem_size, tune_params, divisors", [
    # Kernel Tuner's examples: convolution, tiled matmul, CSR SpMV, the stencil's default, a callable
    ((4096, 4096), {"block_size_x": [16, 32], "block_size_y": [8], "tile_size_x": [1, 2], "tile_size_y": [4]},
     (["block_size_x", "tile_size_x"], ["block_size_y", "tile_size_y"], None)),
    ((1000, 999), {"block_size_x": [16], "block_size_y": [16], "tile_size_x": [3], "tile_size_y": [2]},
     ("block_size_x*tile_size_x", "block_size_y*tile_size_y", None)),
    ((128 * 1024,), {"block_size_x": [64, 256, 1024]}, ("block_size_x/32", None, None)),
    ((4097, 33, 5), {"block_size_x": [32], "block_size_y": [4], "block_size_z": [2]}, (None, None, None)),
    ((4096,), {"block_size_x": [128], "n": [2, 4]}, (lambda p: p["block_size_x"] * p["n"], [], None)),
])
def test_predict_and_measure_compute_the_same_grid(problem_size, tune_params, divisors):
    """The space (predict) and the launcher (measure) both call conventions.grid_size."""
    from flipflop.conventions import grid_size

    space = enumerate_space(tune_params, problem_size, grid_div_x=divisors[0], grid_div_y=divisors[1],
                            grid_div_z=divisors[2])
    for config in space.configs:
        params = config.params_dict
        assert config.grid == grid_for(problem_size, params, divisors) == grid_size(problem_size, params, divisors)
