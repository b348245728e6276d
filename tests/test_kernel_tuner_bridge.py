"""Kernel Tuner bridge on the CPU: tune_kernel argument mapping, result rows, the cache file
replayed by Kernel Tuner's own reader (simulation mode needs no GPU), and the one-line error
when Kernel Tuner is absent. Tests that need the real package skip when it is not installed."""

import json
import sys
import types

import numpy as np
import pytest

from flipflop.errors import ConfigurationError, MeasurementError
from flipflop.measure.kernel_tuner_bridge import (
    cache_entry,
    cache_key,
    measure_with_kernel_tuner,
    only_configurations,
    row_from_kernel_tuner,
    tune_kernel_arguments,
    write_kernel_tuner_cache,
)
from flipflop.measure.nvml import FakeNvml

TUNE_PARAMS = {"block_size_x": [32, 64, 128], "block_size_y": [1, 2]}
DEVICE = "NVIDIA H100 80GB HBM3"


def _measured_rows():
    """Six measured configurations; time = by/bx ms, power = 300 + bx W; 128x2 failed to compile."""
    rows = []
    for bx in TUNE_PARAMS["block_size_x"]:
        for by in TUNE_PARAMS["block_size_y"]:
            time_ms = by / bx
            power_w = 300.0 + bx
            rows.append({"block_size_x": np.int64(bx), "block_size_y": by, "block": (bx, by, 1),
                         "measured_time": time_ms, "measured_power": power_w,
                         "measured_energy": power_w * time_ms / 1000, "status": "ok"})
    rows[-1] = {"block_size_x": 128, "block_size_y": 2, "block": (128, 2, 1),
                "status": "compile failed: ptxas error   : Entry function 'k' uses too much shared data"}
    return rows


class _FakeClock:
    def __init__(self):
        self.now_s = 0.0

    def __call__(self):
        return self.now_s


def _fake_kernel_tuner(monkeypatch, results, env, calls, clock=None, advance_s=0.0):
    """Put a fake `kernel_tuner` module in sys.modules whose tune_kernel records its kwargs."""
    module = types.ModuleType("kernel_tuner")
    module.__version__ = "0.0-fake"

    def tune_kernel(**kwargs):
        calls.append(kwargs)
        if clock is not None:
            clock.now_s += advance_s
        return results, env

    module.tune_kernel = tune_kernel
    monkeypatch.setitem(sys.modules, "kernel_tuner", module)


def test_tune_kernel_arguments_brute_force_cupy_quiet_with_our_compile_options():
    kwargs = tune_kernel_arguments("k", "src", (100, 10), [np.int32(1)], TUNE_PARAMS,
                                   restrictions=["block_size_x*block_size_y<=128"], grid_div_y=["block_size_y"],
                                   smem_args={"size": 64}, defines={"TILE": 4}, iterations=5)
    assert kwargs["lang"] == "cupy"
    assert kwargs["strategy"] == "brute_force"
    assert kwargs["compiler_options"] == ["-std=c++17"]
    assert kwargs["iterations"] == 5
    assert kwargs["quiet"] is True and kwargs["verbose"] is False
    assert kwargs["restrictions"] == ["block_size_x*block_size_y<=128"]
    assert kwargs["grid_div_x"] is None and kwargs["grid_div_y"] == ["block_size_y"]
    assert kwargs["smem_args"] == {"size": 64}
    assert kwargs["defines"] == {"TILE": 4}
    assert kwargs["tune_params"] == {"block_size_x": [32, 64, 128], "block_size_y": [1, 2]}
    assert kwargs["problem_size"] == (100, 10)


def test_subset_restriction_admits_exactly_the_chosen_configurations():
    text = only_configurations(["block_size_x", "block_size_y"],
                               [{"block_size_x": np.int64(32), "block_size_y": 1}, {"block_size_x": 4, "block_size_y": 8}])
    assert text == "(block_size_x, block_size_y,) in [(32, 1), (4, 8)]"
    assert only_configurations(["block_size_x"], [{"block_size_x": 64}]) == "(block_size_x,) in [(64,)]"


def test_kernel_tuner_searchspace_accepts_the_subset_restriction():
    pytest.importorskip("kernel_tuner")
    from kernel_tuner.searchspace import Searchspace

    chosen = [{"block_size_x": 32, "block_size_y": 2}, {"block_size_x": 128, "block_size_y": 1}]
    space = Searchspace(TUNE_PARAMS, [only_configurations(list(TUNE_PARAMS), chosen)], 1024)
    assert sorted(space.sorted_list()) == [(32, 2), (128, 1)]


def test_tune_params_that_change_gpu_settings_are_refused():
    with pytest.raises(ConfigurationError, match="nvml_pwr_limit would make Kernel Tuner change the GPU's settings"):
        tune_kernel_arguments("k", "src", 100, [], {"block_size_x": [32], "nvml_pwr_limit": [300, 700]})


def test_kernel_tuner_result_becomes_our_row_and_errors_become_status():
    ok = {"block_size_x": 64, "block_size_y": 2, "time": 0.5, "times": [0.4, 0.6], "nvml_power": 250.0,
          "nvml_energy": 0.125, "core_freq": 1980.0, "temperature": 41.0, "compile_time": 120.0}
    row = row_from_kernel_tuner(ok, ["block_size_x", "block_size_y"])
    assert row == {"block_size_x": 64, "block_size_y": 2, "measured_time": 0.5, "measured_power": 250.0,
                   "measured_energy": 0.125, "sm_clock_mhz": 1980.0, "temperature_c": 41.0,
                   "times_ms": [0.4, 0.6], "compile_time_ms": 120.0, "status": "ok", "backend": "kernel_tuner"}
    failed = row_from_kernel_tuner({"block_size_x": 1024, "block_size_y": 2, "__error__": "InvalidConfig",
                                    "compile_time": 0}, ["block_size_x", "block_size_y"])
    assert failed["status"].startswith("invalid: ")
    assert "measured_time" not in failed


def test_measure_with_fake_kernel_tuner_maps_rows_and_records_wall_time_and_gpu_energy(monkeypatch):
    clock = _FakeClock()
    monitor = FakeNvml(200.0, clock=clock, update_period_s=0.1, integration_step_s=0.01)
    results = [{"block_size_x": 32, "time": 0.2, "nvml_power": 300.0, "nvml_energy": 0.06},
               None,  # Kernel Tuner's placeholder for a configuration skipped by a budget
               {"block_size_x": 64, "__error__": "RuntimeFailedConfig"}]
    calls = []
    _fake_kernel_tuner(monkeypatch, results, {"device_name": DEVICE, "total_compile_time": 80.0}, calls,
                       clock=clock, advance_s=3.0)
    rows = measure_with_kernel_tuner("k", "src", 1000, [], {"block_size_x": [32, 64]}, observers=None,
                                     monitor=monitor, clock=clock)
    assert [r["status"] for r in rows] == ["ok", "launch failed: too many resources requested for launch"]
    assert rows[0]["measured_energy"] == 0.06 and rows[0]["backend"] == "kernel_tuner"
    assert rows.metadata["wall_time_s"] == 3.0
    assert rows.metadata["gpu_energy_j"] == pytest.approx(600.0, rel=1e-3)
    assert rows.metadata["device_name"] == DEVICE
    assert rows.metadata["kernel_tuner_version"] == "0.0-fake"
    assert rows.metadata["total_compile_time"] == 80.0
    assert calls[0]["observers"] == [] and calls[0]["lang"] == "cupy"


def test_kernel_tuner_failure_is_a_one_line_measurement_error(monkeypatch):
    module = types.ModuleType("kernel_tuner")

    def tune_kernel(**kwargs):
        raise RuntimeError("nvrtc: error: identifier \"x\" is undefined\n  at line 3\n")

    module.tune_kernel = tune_kernel
    monkeypatch.setitem(sys.modules, "kernel_tuner", module)
    with pytest.raises(MeasurementError) as caught:
        measure_with_kernel_tuner("k", "src", 10, [], {"block_size_x": [32]}, observers=None, monitor=None)
    assert str(caught.value) == 'Kernel Tuner failed on k: nvrtc: error: identifier "x" is undefined'


def test_missing_kernel_tuner_is_a_one_line_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "kernel_tuner", None)  # makes `import kernel_tuner` raise ImportError
    with pytest.raises(MeasurementError) as caught:
        measure_with_kernel_tuner("k", "src", 10, [], {"block_size_x": [32]})
    assert str(caught.value) == "Kernel Tuner is not installed: pip install kernel_tuner"


def test_unknown_observer_choice_is_a_configuration_error(monkeypatch):
    _fake_kernel_tuner(monkeypatch, [], {}, [])
    with pytest.raises(ConfigurationError, match="observers must be 'nvml' or None"):
        measure_with_kernel_tuner("k", "src", 10, [], {"block_size_x": [32]}, observers="pmt", monitor=None)


def test_nvml_observer_is_passed_with_its_observables_and_duration(monkeypatch):
    kernel_tuner = pytest.importorskip("kernel_tuner")
    from kernel_tuner.observers.nvml import NVMLObserver

    calls = []
    monkeypatch.setattr(kernel_tuner, "tune_kernel", lambda **kwargs: (calls.append(kwargs), ([], {}))[1])
    measure_with_kernel_tuner("k", "src", 10, [], {"block_size_x": [32]}, continuous_duration_s=0.5, monitor=None)
    (observer,) = calls[0]["observers"]
    assert isinstance(observer, NVMLObserver)
    assert observer.continuous_observer.observables == ["nvml_energy", "nvml_power"]
    assert observer.continuous_observer.continuous_duration == 0.5
    assert observer.observables == ["core_freq", "temperature"]


def test_cache_key_and_entry_use_kernel_tuner_names():
    row = _measured_rows()[3]  # 64 x 2
    assert cache_key(row, list(TUNE_PARAMS)) == "64,2"
    assert cache_entry(row, list(TUNE_PARAMS)) == {
        "block_size_x": 64, "block_size_y": 2, "time": 2 / 64, "nvml_power": 364.0,
        "nvml_energy": 364.0 * (2 / 64) / 1000, "measured_by": "flipflop energy counter"}
    failed = cache_entry(_measured_rows()[5], list(TUNE_PARAMS))
    assert failed["__error__"] == "CompilationFailedConfig"


def test_unmeasured_row_cannot_be_written():
    with pytest.raises(ConfigurationError, match="no measured_time"):
        cache_entry({"block_size_x": 32, "block_size_y": 1, "time": 0.1}, list(TUNE_PARAMS))


def test_cache_file_has_kernel_tuner_layout(tmp_path):
    path = write_kernel_tuner_cache(tmp_path / "run", "k", (1000, 1000), TUNE_PARAMS, _measured_rows(), DEVICE)
    assert path.name == "run.json"
    text = path.read_text()
    assert text.endswith("}\n}")
    data = json.loads(text)
    assert data["device_name"] == DEVICE and data["kernel_name"] == "k"
    assert data["problem_size"] == [1000, 1000]
    assert data["tune_params_keys"] == ["block_size_x", "block_size_y"]
    assert data["objective"] == "time"
    assert list(data["cache"]) == ["32,1", "32,2", "64,1", "64,2", "128,1", "128,2"]
    entry_lines = [line for line in text.splitlines() if line[:2] in ('"3', '"6', '"1')]
    assert len(entry_lines) == 6 and entry_lines[0].startswith('"32,1": {"block_size_x": 32')  # one entry a line


def test_kernel_tuner_replays_the_cache_in_simulation_mode(tmp_path):
    kernel_tuner = pytest.importorskip("kernel_tuner")
    path = write_kernel_tuner_cache(tmp_path / "run.json", "k", (1000, 1000), TUNE_PARAMS, _measured_rows(), DEVICE,
                                    objective="nvml_energy")
    results, env = kernel_tuner.tune_kernel("k", "", (1000, 1000), [], TUNE_PARAMS, cache=str(path),
                                            simulation_mode=True, quiet=True, objective="nvml_energy",
                                            objective_higher_is_better=False)
    assert len(results) == 6
    by_key = {(r["block_size_x"], r["block_size_y"]): r for r in results}
    assert by_key[(64, 2)]["time"] == 2 / 64
    assert by_key[(64, 2)]["nvml_energy"] == 364.0 * (2 / 64) / 1000
    assert type(by_key[(128, 2)]["__error__"]).__name__ == "CompilationFailedConfig"
    best = env["best_config"]
    assert (best["block_size_x"], best["block_size_y"]) == (128, 1)
    assert env["device_name"] == DEVICE  # simulation adopts the cache's device


def test_tune_cache_replays_without_the_kernel(tmp_path):
    kernel_tuner = pytest.importorskip("kernel_tuner")
    path = write_kernel_tuner_cache(tmp_path / "run.json", "k", (1000, 1000), TUNE_PARAMS, _measured_rows(), DEVICE)
    results, env = kernel_tuner.tune_cache(str(path), quiet=True)
    assert len(results) == 5  # the failed configuration is not part of the inferred space
    assert (env["best_config"]["block_size_x"], env["best_config"]["block_size_y"]) == (128, 1)


def test_dropped_configurations_make_a_full_space_replay_possible(tmp_path):
    kernel_tuner = pytest.importorskip("kernel_tuner")
    rows = [r for r in _measured_rows() if r["block_size_x"] != 32]
    dropped = [({"block_size_x": 32, "block_size_y": 1}, "too few threads"),
               ({"block_size_x": 32, "block_size_y": 2}, "too few threads")]
    path = write_kernel_tuner_cache(tmp_path / "run.json", "k", (1000, 1000), TUNE_PARAMS, rows, DEVICE,
                                    dropped=dropped)
    results, _ = kernel_tuner.tune_kernel("k", "", (1000, 1000), [], TUNE_PARAMS, cache=str(path),
                                          simulation_mode=True, quiet=True)
    errors = {(r["block_size_x"], r["block_size_y"]): type(r["__error__"]).__name__
              for r in results if "__error__" in r}
    assert errors == {(32, 1): "InvalidConfig", (32, 2): "InvalidConfig", (128, 2): "CompilationFailedConfig"}


def test_bad_objective_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="objective must be one of time, nvml_energy, nvml_power"):
        write_kernel_tuner_cache(tmp_path / "c", "k", 10, TUNE_PARAMS, [], DEVICE, objective="energy")
