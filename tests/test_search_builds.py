"""Variant caches and the forked parallel build agree with the in-process path."""
import numpy as np

import flipflop
from flipflop.search import builds

KERNEL = """
extern "C" __global__ void axpy(float *y, const float *x, float a, int n)
{
    int i = (blockIdx.x * block_size_y + threadIdx.y) * block_size_x + threadIdx.x;
    if (i < n) y[i] += a * x[i];
}
"""
N = 1 << 18
TUNE = {"block_size_x": [32, 64, 128], "block_size_y": [1, 2, 4]}


def args():
    return [np.zeros(N, np.float32), np.zeros(N, np.float32), np.float32(2), np.int32(N)]


def clear():
    builds._variants.clear()
    builds._analyses.clear()
    builds._features.clear()


def predict():
    return flipflop.predict("axpy", KERNEL, N, args(), TUNE, grid_div_x=["block_size_x", "block_size_y"])


def test_parallel_build_matches_serial(monkeypatch):
    clear()
    monkeypatch.setattr(builds, "PARALLEL_MIN_VARIANTS", 10**9)
    serial = [dict(r) for r in predict()]
    assert len(builds._analyses) == 9  # analysed in this process
    clear()
    monkeypatch.setattr(builds, "PARALLEL_MIN_VARIANTS", 2)
    monkeypatch.setattr(builds.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    parallel = [dict(r) for r in predict()]
    assert len(builds._variants) == 9 and len(builds._analyses) == 0  # built by the workers
    assert parallel == serial


def test_arguments_key_sees_dtype_shape_scalars_and_sampled_contents():
    a = np.zeros(1000, np.float32)
    base = builds.arguments_key([a, np.int32(3)])
    assert builds.arguments_key([a.copy(), np.int32(3)]) == base
    assert builds.arguments_key([a, np.int32(4)]) != base
    assert builds.arguments_key([a.astype(np.float64), np.int32(3)]) != base
    b = a.copy()
    b[0] = 1
    assert builds.arguments_key([b, np.int32(3)]) != base
