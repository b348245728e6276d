"""Variant caches and the forked parallel build agree with the in-process path; the disk
cache misses on a changed source, define, argument size or analysis version and hits otherwise."""
import numpy as np
import pytest

import flipflop
from flipflop import api
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


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """A fresh disk cache and a fresh process cache for every test."""
    monkeypatch.setenv("FLIPFLOP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(api, "BUILD_CACHE", builds.BuildCache())


def clear(monkeypatch, **kwargs) -> builds.BuildCache:
    """A new process cache (as in a new process); the disk cache stays."""
    cache = builds.BuildCache(**kwargs)
    monkeypatch.setattr(api, "BUILD_CACHE", cache)
    return cache


def predict(kernel=KERNEL, arguments=None, scale=None):
    tune = TUNE if scale is None else {**TUNE, "scale": [scale]}
    return flipflop.predict("axpy", kernel, N, arguments or args(), tune, grid_div_x=["block_size_x", "block_size_y"])


def test_parallel_build_matches_serial(monkeypatch):
    cache = clear(monkeypatch, disk=False)
    monkeypatch.setattr(builds, "PARALLEL_MIN_VARIANTS", 10**9)
    serial = [dict(r) for r in predict()]
    assert len(cache.analyses) == 9  # analysed in this process
    cache = clear(monkeypatch, disk=False)
    monkeypatch.setattr(builds, "PARALLEL_MIN_VARIANTS", 2)
    monkeypatch.setattr(builds.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    parallel = [dict(r) for r in predict()]
    assert len(cache.variants) == 9 and len(cache.analyses) == 0  # built by the workers
    assert parallel == serial


def test_identical_ptx_is_analysed_once(monkeypatch, tmp_path):
    """``pad`` is read but dead, so its two values give the same PTX: 18 variants, 9 analyses."""
    monkeypatch.setattr(builds, "PARALLEL_MIN_VARIANTS", 2)
    monkeypatch.setattr(builds.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    log = tmp_path / "analysed"
    real = builds._analyse

    def analyse(compiled):  # runs in the forked workers: count through a file
        with open(log, "a") as handle:
            handle.write("1")
        return real(compiled)

    monkeypatch.setattr(builds, "_analyse", analyse)
    cache = clear(monkeypatch, disk=False)
    kernel = KERNEL.replace("int i =", "int unused = pad; int i =")
    rows = flipflop.predict("axpy", kernel, N, args(), {**TUNE, "pad": [0, 1]},
                            grid_div_x=["block_size_x", "block_size_y"])
    assert len(rows) == 18 and len(cache.variants) == 18
    assert len({v.ptx_key for v in cache.variants.values()}) == 9 and log.read_text() == "1" * 9


SCALED = KERNEL.replace("a * x[i]", "a * x[i] * scale")


def _analysed(monkeypatch) -> list:
    """Counts the analyses that run in this process from now on."""
    calls: list = []
    real = builds._analyse
    monkeypatch.setattr(builds, "_analyse", lambda compiled: calls.append(compiled.function.name) or real(compiled))
    return calls


def test_disk_cache_hits_when_nothing_changed_and_misses_otherwise(monkeypatch):
    monkeypatch.setattr(builds, "PARALLEL_MIN_VARIANTS", 10**9)  # analyses run here, where they are counted
    first = [dict(r) for r in predict(SCALED, scale=2)]
    clear(monkeypatch)
    calls = _analysed(monkeypatch)
    assert [dict(r) for r in predict(SCALED, scale=2)] == first and calls == []  # all from disk
    changes = {
        "source": dict(kernel=SCALED.replace("+= a", "-= a"), scale=2),
        "define": dict(kernel=SCALED, scale=3),
        "argument size": dict(kernel=SCALED, scale=2, arguments=[
            np.zeros(2 * N, np.float32), np.zeros(N, np.float32), np.float32(2), np.int32(N)]),
    }
    for what, change in changes.items():
        clear(monkeypatch)
        calls = _analysed(monkeypatch)
        predict(**change)
        assert len(calls) == 9, f"a changed {what} must miss"
    clear(monkeypatch, version="another analysis version")
    calls = _analysed(monkeypatch)
    assert [dict(r) for r in predict(SCALED, scale=2)] == first and len(calls) == 9


def test_arguments_key_sees_dtype_shape_scalars_and_sampled_contents():
    a = np.zeros(1000, np.float32)
    base = builds.arguments_key([a, np.int32(3)])
    assert builds.arguments_key([a.copy(), np.int32(3)]) == base
    assert builds.arguments_key([a, np.int32(4)]) != base
    assert builds.arguments_key([a.astype(np.float64), np.int32(3)]) != base
    b = a.copy()
    b[0] = 1
    assert builds.arguments_key([b, np.int32(3)]) != base
