"""measure/validate through the API with the GPU launcher replaced by a recorded fake."""
import numpy as np
import pytest

import flipflop
from flipflop.measure import launcher

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
    rows = flipflop.measure("scale", KERNEL, N, args(), TUNE)
    (configs,) = fake_gpu
    assert [c["block"] for c in configs] == [(64, 1, 1), (128, 1, 1), (256, 1, 1), (512, 1, 1), (1024, 1, 1)]
    assert [c["grid"] for c in configs] == [(16384, 1, 1), (8192, 1, 1), (4096, 1, 1), (2048, 1, 1), (1024, 1, 1)]
    assert all(c["shared_bytes"] == 0 for c in configs)
    assert [r["measured_energy"] for r in rows] == [0.064, 0.128, 0.256, 0.512, 1.024]
    assert all("energy" in r and r["power_limit"] == 700.0 for r in rows)


def test_measure_top_k_takes_least_predicted_energy(fake_gpu):
    rows = flipflop.measure("scale", KERNEL, N, args(), TUNE, top_k=2)
    predicted = flipflop.predict("scale", KERNEL, N, args(), TUNE)
    best_two = sorted(sorted(predicted, key=lambda r: r["energy"])[:2], key=lambda r: r["block_size_x"])
    assert [r["block_size_x"] for r in rows] == [r["block_size_x"] for r in best_two]


def test_validate_metrics(fake_gpu):
    report = flipflop.validate("scale", KERNEL, N, args(), TUNE, k=2)
    m = report["metrics"]
    assert m["measured"] == 5
    for key in ("spearman_energy", "spearman_time", "regret_energy", "top_2_overlap_energy", "pareto_coverage",
                "near_optimum_in_pareto", "search_space_reduction"):
        assert key in m
    assert m["regret_energy"] >= 1.0 and -1.0 <= m["spearman_energy"] <= 1.0
