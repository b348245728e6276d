"""Speed-ups that must not change results: merged ptxas runs, memoised substitution, shared
loop-iteration evaluations."""
import json

import numpy as np
import pytest

from flipflop.analysis.divergence import condition_mean
from flipflop.analysis.symbolic import cmp, const, op, sym
from flipflop.errors import CompileError
from flipflop.frontend import compile_to_ptx, ptxas_resources, ptxas_version
from flipflop.frontend import ptxas as ptxas_module
from flipflop.frontend.cache import cache_key, read_cache

TILED = """
extern "C" __global__ void tiled(float *out, const float *in, int n)
{
    __shared__ float tile[block_size_y][block_size_x + 1];
    int x = blockIdx.x * block_size_x + threadIdx.x;
    int y = blockIdx.y * block_size_y + threadIdx.y;
    tile[threadIdx.y][threadIdx.x] = in[y * n + x];
    __syncthreads();
    float acc = 0.0f;
    for (int k = 0; k < block_size_x; k++) acc += tile[threadIdx.y][k];
    out[y * n + x] = acc;
}
"""
SHAPES = [(32, 1), (16, 16), (64, 4), (8, 128), (128, 128)]  # the last exceeds 48 KB of shared


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FLIPFLOP_CACHE_DIR", str(tmp_path / "cache"))


def _variants() -> list[str]:
    return [compile_to_ptx(TILED, defines={"block_size_x": x, "block_size_y": y}).ptx for x, y in SHAPES]


def test_merged_ptxas_reports_equal_separate_runs():
    ptxs = _variants()
    assert all(ptxas_module._mergeable_header(p) == ".version 9.0\n.target sm_90\n.address_size 64" for p in ptxs)
    ptxas_module.prefetch_resources(ptxs, "sm_90", runs=2)
    path, version = ptxas_module.ptxas_path(), ptxas_version()
    cached = [read_cache("ptxas", cache_key("ptxas", p, "sm_90", version)) for p in ptxs]
    assert cached[-1] is None  # rejected by ptxas: left to a run of its own
    for ptx, report in zip(ptxs[:-1], cached[:-1]):
        assert json.loads(report) == ptxas_module._run_ptxas(path, ptx, "sm_90")
    assert ptxas_resources(ptxs[1])["tiled"].shared_bytes == 16 * 17 * 4
    with pytest.raises(CompileError, match="uses too much shared data"):
        ptxas_resources(ptxs[-1])


def test_modules_with_functions_or_globals_are_not_merged():
    calls = compile_to_ptx('__device__ __noinline__ float twice(float v) { return 2 * v; }\n'
                           'extern "C" __global__ void k(float *a) { a[threadIdx.x] = twice(a[threadIdx.x]); }').ptx
    global_var = compile_to_ptx('__device__ float scale;\n'
                                'extern "C" __global__ void k(float *a) { a[threadIdx.x] *= scale; }').ptx
    assert ptxas_module._mergeable_header(calls) is None
    assert ptxas_module._mergeable_header(global_var) is None


def test_memoised_substitution_equals_plain():
    i, n, t = sym("i0"), sym("n"), sym("tid.x")
    inner = op("floordiv", n * 4 + t, const(3))
    expr = op("select", cmp("lt", i, inner), inner * i + 7, op("min", inner, n)) * 2 + inner
    mapping = {"n": sym("m") + 5, "i0": t * 2}
    memo: dict = {}
    assert str(expr.subs(mapping, memo)) == str(expr.subs(mapping))
    assert str(expr.subs(mapping, memo)) == str(expr.subs(mapping))  # answered from the memo


def test_loop_conditions_share_iterations_without_changing_means():
    env = {"tid.x": np.arange(64, dtype=np.int64), "n": 48}
    trip = np.full(64, 6.0)
    first = cmp("lt", sym("tid.x") + sym("i1") * 8, sym("n"))
    second = cmp("lt", sym("tid.x") * 2, op("shr", const(64), sym("i1")))
    shared: dict = {}
    for cond in (first, second):
        alone = condition_mean(cond, env, {}, 64, "i1", trip)
        together = condition_mean(cond, env, {}, 64, "i1", trip, shared)
        np.testing.assert_array_equal(alone, together)
    assert list(shared) == ["i1"]
    np.testing.assert_array_equal(condition_mean(first, env, {}, 64, "i1", trip)[[0, 40, 47, 48]],
                                  [1.0, 1 / 6, 1 / 6, 0.0])
