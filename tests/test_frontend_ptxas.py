"""ptxas -v resources: parsing, per-kernel errors, the 48 KB static shared limit, cache, estimate."""
import re
import subprocess
from pathlib import Path

import pytest

from flipflop.errors import CompileError
from flipflop.frontend import compile_to_ptx, estimate_resources, parse_ptx, ptxas_resources, ptxas_version
from flipflop.frontend import ptxas as ptxas_module

FIXTURES = Path(__file__).parent / "fixtures" / "ptx"
SM90 = (FIXTURES / "kernels_sm90.ptx").read_text()
TWO_KERNELS = ('extern "C" __global__ void big(float* a) {\n    __shared__ float s[13000];\n'
               '    s[threadIdx.x] = a[threadIdx.x];\n    __syncthreads();\n    a[threadIdx.x] = s[threadIdx.x + 1];\n}\n'
               'extern "C" __global__ void small(float* a) {\n    __shared__ float s[100];\n'
               '    s[threadIdx.x] = a[threadIdx.x];\n    __syncthreads();\n    a[threadIdx.x] = s[threadIdx.x + 1];\n}\n')


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FLIPFLOP_CACHE_DIR", str(tmp_path / "cache"))


def test_version_of_the_pinned_wheel():
    assert re.fullmatch(r"13\.0\.\d+", ptxas_version())


def test_resources_of_every_kernel():
    resources = ptxas_resources(SM90, "sm_90")
    assert sorted(resources) == sorted(k.name for k in parse_ptx(SM90).kernels)
    assert all(not r.estimated and r.ptxas_version == ptxas_version() for r in resources.values())
    assert 8 <= resources["vector_add"].registers <= 24
    assert 16 <= resources["half_wmma"].registers <= 64
    assert resources["matmul_tiled"].shared_bytes == 16 * 16 * 4 + 16 * 17 * 4
    assert resources["inline_asm"].shared_bytes == 128 * 16
    assert resources["vector_add"].shared_bytes == 0
    assert resources["rotate_points"].local_bytes == 8  # printf's argument buffer
    assert all(r.spill_bytes == 0 for r in resources.values())


def test_static_shared_over_48_kb_fails_per_kernel():
    ptx = compile_to_ptx(TWO_KERNELS).ptx
    with pytest.raises(CompileError) as error:
        ptxas_resources(ptx, kernels=["big"])
    assert str(error.value) == ("ptxas: entry function 'big' uses too much shared data "
                                "(0xcb20 bytes, 0xc000 max)")
    small = ptxas_resources(ptx, kernels=["small"])
    assert list(small) == ["small"] and small["small"].shared_bytes == 400


def test_reports_are_cached(monkeypatch):
    first = ptxas_resources(SM90)

    def no_second_run(*args, **kwargs):
        raise AssertionError("ptxas ran again")

    monkeypatch.setattr(subprocess, "run", no_second_run)
    assert ptxas_resources(SM90) == first


def test_report_parsing_exactly():
    log = """ptxas info    : 0 bytes gmem, 64 bytes cmem[3]
ptxas info    : Compiling entry function 'k' for 'sm_90'
ptxas info    : Function properties for k
    16 bytes stack frame, 12 bytes spill stores, 8 bytes spill loads
ptxas info    : Used 96 registers, used 1 barriers, 4096 bytes smem, 388 bytes cmem[0], 32 bytes cumulative stack size
ptxas info    : Function properties for helper
    24 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Compiling entry function 'j' for 'sm_90'
ptxas info    : Function properties for j
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 7 registers, used 0 barriers
"""
    assert ptxas_module._parse_report(log) == {
        "k": {"registers": 96, "shared_bytes": 4096, "local_bytes": 32, "spill_bytes": 20, "const_bytes": 388},
        "j": {"registers": 7, "shared_bytes": 0, "local_bytes": 0, "spill_bytes": 0, "const_bytes": 0},
    }


def test_estimate_without_ptxas(monkeypatch):
    monkeypatch.setattr(ptxas_module, "ptxas_path", lambda: None)
    resources = ptxas_resources(SM90)
    assert all(r.estimated and r.ptxas_version is None for r in resources.values())
    assert resources["matmul_tiled"].shared_bytes == 2112
    assert resources["special_math"].local_bytes == 64
    assert resources["matmul_tiled"].const_bytes == 64  # __constant__ coefficients[16]
    for name, estimate in resources.items():
        assert 4 <= estimate.registers <= 255, name


def test_estimate_is_within_a_factor_of_two_of_ptxas():
    measured = ptxas_resources(SM90)
    estimated = estimate_resources(parse_ptx(SM90))
    for name, figures in measured.items():
        assert figures.registers / 2 <= estimated[name].registers <= figures.registers * 2, name
        assert estimated[name].shared_bytes == figures.shared_bytes, name
