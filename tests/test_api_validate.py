"""measure/validate through the API with the GPU launcher replaced by a recorded fake."""
import numpy as np
import pytest

import flipflop
from flipflop.search.space import evaluate
from flipflop.measure import kernel_tuner_bridge, launcher
from flipflop.measure.nvml import FakeNvml

KERNEL = """
extern "C" __global__ void scale(float *x, float a, int n)
{
    int i = blockIdx.x * block_size_x + threadIdx.x;
    if (i < n) x[i] *= a;
}
"""
N = 1 << 20
TUNE = {"block_size_x": [64, 128, 256, 512, 1024]}


def args():
    return [np.zeros(N, np.float32), np.float32(2), np.int32(N)]


@pytest.fixture
def fake_gpu(monkeypatch):
    calls = []

    def measure_configs(kernel_name, kernel_source, arguments, configs, **kwargs):
        calls.append(configs)
        # measured energy grows with block size; time shrinks with it
        return [{**c, "measured_time": 1.0 / c["block"][0], "measured_power": 300.0,
                 "measured_energy": c["block"][0] * 1e-3, "status": "ok"} for c in configs]

    monkeypatch.setattr(launcher, "measure_configs", measure_configs)
    return calls


def test_measure_passes_launches_and_merges_measurements(fake_gpu):
    rows = flipflop.measure("scale", KERNEL, N, args(), TUNE, monitor=FakeNvml())
    (configs,) = fake_gpu
    assert [c["block"] for c in configs] == [(64, 1, 1), (128, 1, 1), (256, 1, 1), (512, 1, 1), (1024, 1, 1)]
    assert [c["grid"] for c in configs] == [(16384, 1, 1), (8192, 1, 1), (4096, 1, 1), (2048, 1, 1), (1024, 1, 1)]
    assert all(c["shared_bytes"] == 0 for c in configs)
    assert [r["measured_energy"] for r in rows] == [0.064, 0.128, 0.256, 0.512, 1.024]
    assert all("energy" in r and r["power_limit"] == 700.0 for r in rows)


def test_measure_top_k_takes_least_predicted_energy(fake_gpu):
    rows = flipflop.measure("scale", KERNEL, N, args(), TUNE, top_k=2, monitor=FakeNvml())
    predicted = flipflop.predict("scale", KERNEL, N, args(), TUNE)
    best_two = sorted(sorted(predicted, key=lambda r: r["energy"])[:2], key=lambda r: r["block_size_x"])
    assert [r["block_size_x"] for r in rows] == [r["block_size_x"] for r in best_two]


def test_validate_metrics(fake_gpu):
    report = flipflop.validate("scale", KERNEL, N, args(), TUNE, k=2, monitor=FakeNvml())
    m = report["metrics"]
    assert m["measured"] == 5
    for key in ("spearman_energy", "spearman_time", "regret_energy", "top_2_overlap_energy", "pareto_coverage",
                "near_optimum_in_pareto", "search_space_reduction"):
        assert key in m
    assert m["regret_energy"] >= 1.0 and -1.0 <= m["spearman_energy"] <= 1.0
    assert report["metadata"]["device_name"] == "Fake H100" and report["metadata"]["backend"] == "flipflop"


def test_kernel_tuner_backend_measures_only_the_chosen_configurations(monkeypatch):
    seen = {}

    def fake_kt(kernel_name, kernel_source, problem_size, arguments, tune_params, **kwargs):
        # Kernel Tuner evaluates restriction strings against the params, as our space does.
        visited = [p for p in ({"block_size_x": b} for b in tune_params["block_size_x"])
                   if all(evaluate(rule, p) for rule in kwargs["restrictions"])]
        seen["visited"] = visited
        rows = [{**p, "measured_time": 1.0, "measured_power": 200.0, "measured_energy": 0.2, "status": "ok",
                 "backend": "kernel_tuner"} for p in visited]
        return kernel_tuner_bridge.KernelTunerResults(rows, {"device_name": "NVIDIA H100 80GB HBM3"})

    monkeypatch.setattr(kernel_tuner_bridge, "measure_with_kernel_tuner", fake_kt)
    rows = flipflop.measure("scale", KERNEL, N, args(), TUNE, top_k=3, backend="kernel_tuner")
    assert len(seen["visited"]) == 3 and [r["measured_energy"] for r in rows] == [0.2, 0.2, 0.2]
    assert rows.metadata["device_name"] == "NVIDIA H100 80GB HBM3" and rows.metadata["backend"] == "kernel_tuner"
    with pytest.raises(flipflop.errors.ConfigurationError, match="backend must be one of flipflop, kernel_tuner"):
        flipflop.measure("scale", KERNEL, N, args(), TUNE, backend="nope")
