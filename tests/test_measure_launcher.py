"""The launcher on the CPU: Kernel Tuner defines, grids, and the per-configuration protocol
against a fake runner and a fake NVML (no CuPy)."""

import time

import pytest

from flipflop.errors import ConfigurationError
from flipflop.measure.launcher import (
    _first_error_line,
    _measure_one,
    grid_for,
    kernel_tuner_defines,
    source_with_defines,
)
from flipflop.measure.nvml import FakeNvml


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


class FakeTimedLaunch:
    def __init__(self, runner: "FakeRunner"):
        self._runner = runner
        self.times: list[float] = []

    def __call__(self) -> None:
        self._runner.launch()
        self.times.append(self._runner.launch_s * 1000)

    def times_ms(self) -> list[float]:
        return self.times


class FakeRunner:
    """CupyRunner's interface on the wall clock: a launch keeps the 'GPU' busy for launch_s."""

    def __init__(self, launch_s: float):
        self.launch_s = launch_s
        self.busy_until_s = 0.0
        self.launches = 0

    def launcher(self, source, grid, block, shared_bytes):
        return self.launch

    def launch(self) -> None:
        self.launches += 1
        self.busy_until_s = max(time.perf_counter(), self.busy_until_s) + self.launch_s

    def timed(self, launch) -> FakeTimedLaunch:
        return FakeTimedLaunch(self)

    def is_busy(self) -> bool:
        return time.perf_counter() < self.busy_until_s

    def synchronize(self) -> None:
        time.sleep(max(0.0, self.busy_until_s - time.perf_counter()))

    def median_time_ms(self, launch) -> float:
        for _ in range(4):
            launch()
        self.synchronize()
        return self.launch_s * 1000


def test_a_long_launch_is_measured_on_its_power_window_launches():
    runner = FakeRunner(launch_s=0.12)
    fake = FakeNvml(300.0, update_period_s=0.02)
    result = _measure_one(runner, "src", {"grid": (1, 1, 1), "block": (32, 1, 1)}, fake,
                          window_s=0.1, max_seconds_per_config=30.0)
    assert result["status"] == "ok"
    assert result["measured_time"] == pytest.approx(120.0)
    assert result["measured_power"] == pytest.approx(300.0, rel=0.05)
    assert runner.launches == 2  # the probe, then one launch that spans the whole window
    assert result["window_launches"] == 1


def test_a_launch_beyond_the_per_config_limit_is_timed_only():
    runner = FakeRunner(launch_s=0.05)
    result = _measure_one(runner, "src", {"grid": (1, 1, 1), "block": (32, 1, 1)}, FakeNvml(300.0),
                          window_s=0.1, max_seconds_per_config=0.01)
    assert result == {"measured_time": pytest.approx(50.0),
                      "status": "time only: a launch is too long for a power window"}
    assert runner.launches == 1


class _FakeModule:
    """cupy.cuda.function.Module's load/get_function: keeps the PTX the driver would JIT."""
    loaded: list[str] = []

    def load(self, image: bytes) -> None:
        assert image.endswith(b"\0")
        _FakeModule.loaded.append(image[:-1].decode())

    def get_function(self, name: str) -> str:
        assert f".entry {name}(" in _FakeModule.loaded[-1]
        return name


def _fake_cupy():
    from types import SimpleNamespace
    device = SimpleNamespace(compute_capability="90", id=0, use=lambda: None)
    cuda = SimpleNamespace(Device=lambda *a: device, function=SimpleNamespace(Module=_FakeModule))
    return SimpleNamespace(cuda=cuda, asarray=lambda a: a)


def test_the_runner_measures_what_the_front_end_compiles(monkeypatch):
    """CupyRunner compiled with CuPy's own NVRTC, without the front end's shims, <cub/cub.cuh> rewrite and
    retries: a kernel flipflop predicted could fail to compile when measured (HeCBench multinomial's
    <stdlib.h> + <cub/cub.cuh>, rotary's unannotated constexpr helpers). Now the PTX loaded is the front end's,
    a template kernel's function is its lowered entry, and a compile error is the front end's one line."""
    import sys
    from flipflop.measure import launcher
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy())
    source = ("#include <stdlib.h>\n#include <cub/cub.cuh>\nconstexpr int width() { return 2; }\n"
              "template <int B> __global__ void k(float* a) {\n  using R = cub::BlockReduce<float, B>;\n"
              "  __shared__ typename R::TempStorage s;\n  float t = R(s).Sum(a[threadIdx.x] * width());\n"
              "  if (threadIdx.x == 0) a[0] = t;\n}\n")
    runner = launcher.CupyRunner("k<block_size_x>", [])
    defines = {"block_size_x": 128}
    assert runner.compile(launcher.source_with_defines(source, defines), defines) == launcher.STATUS_OK
    assert runner.arch == "sm_90" and ".target sm_90" in _FakeModule.loaded[-1]
    assert runner._modules[launcher.source_with_defines(source, defines)] == launcher.LoadedKernel("_Z1kILi128EEvPf", False)
    broken = "__global__ void k(float* a) {\n  a[0] = undefined_name;\n}\n"
    assert launcher.CupyRunner("k", []).compile(broken) == \
        'compile failed: kernel.cu:2: identifier "undefined_name" is undefined'


def test_a_static_kernel_inside_extern_c_is_found_by_its_mangled_entry(monkeypatch):
    """cuda-samples' timedReduction is `static __global__` inside `extern "C" { }`: internal linkage keeps the
    C++ mangling, so its entry is _Z14timedReductionPKfPfPl, and run 48 (H100) got "named symbol not found"
    for every configuration when the runner asked the driver for the bare name."""
    import sys
    from flipflop.measure import launcher
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy())
    source = ('extern "C" {\n__global__ static void timedReduction(const float* in, float* out, long* t)\n'
              "{\n  out[threadIdx.x] = in[threadIdx.x];\n}\n}\n")
    runner = launcher.CupyRunner("timedReduction", [])
    assert runner.compile(source) == launcher.STATUS_OK
    assert runner._modules[source].function == "_Z14timedReductionPKfPfPl"


def test_a_grid_synchronised_kernel_is_launched_cooperatively(monkeypatch):
    """cg::this_grid().sync() reads the grid workspace (%envreg1, %envreg2) that only a cooperative launch sets
    up: launched plainly, cuda-samples' simpleAWBarrier failed every configuration of run 48 (H100) with an
    unspecified launch failure. A kernel without a grid barrier keeps the plain launch."""
    import sys
    from flipflop.measure import launcher
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy())
    calls = []
    monkeypatch.setattr(_FakeModule, "get_function", lambda self, name: lambda *a, **k: calls.append(k))
    grid_sync = ("#include <cooperative_groups.h>\nnamespace cg = cooperative_groups;\n"
                 'extern "C" __global__ void k(float* a) {\n  a[threadIdx.x] = 1.0f;\n  cg::this_grid().sync();\n'
                 "  a[threadIdx.x] += a[0];\n}\n")
    block_sync = grid_sync.replace("cg::this_grid().sync()", "cg::this_thread_block().sync()")
    for source, cooperative in ((grid_sync, True), (block_sync, False)):
        runner = launcher.CupyRunner("k", [])
        assert runner.compile(source) == launcher.STATUS_OK
        assert runner._modules[source].cooperative is cooperative
        runner.launcher(source, (2, 1, 1), (32, 1, 1), 0)()
        assert calls[-1] == {"shared_mem": 0, "enable_cooperative_groups": cooperative}


def test_the_counter_and_check_launches_load_what_the_runner_loads(monkeypatch):
    """corpus_collect's counter and reference-check launches compiled with CuPy's RawModule, beside the
    runner's front-end path: now one path (load_function), cooperative launches included."""
    import sys
    from benchmarks.ground_truth import corpus_collect
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy())
    calls = []
    monkeypatch.setattr(_FakeModule, "get_function", lambda self, name: lambda *a, **k: calls.append((name, a, k)))
    source = "template <int B> __global__ void k(float* a) {\n  a[threadIdx.x] = B;\n}\n"
    config = {"block_size_x": 64, "block": (64, 1, 1), "grid": (4, 1, 1), "shared_bytes": 0}
    loaded = corpus_collect.compile_kernel(source, "k<block_size_x>", config, config["grid"])
    loaded.launch(config["grid"], config["block"], ["a"], config["shared_bytes"])
    assert calls == [("_Z1kILi64EEvPf", ((4, 1, 1), (64, 1, 1), ("a",)),
                      {"shared_mem": 0, "enable_cooperative_groups": False})]
