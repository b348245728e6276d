"""Real Triton output (PTX that Triton 3.6 emitted on the H100, each kernel checked against
torch there: tests/fixtures/triton/, benchmarks/triton/dump_ptx.py) through flipflop's
parser, ptxas and analysis on the CPU."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from flipflop.features import features

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "triton" / "triton_ptx_h100.json").read_text())
KERNELS = {k["name"]: k for k in FIXTURE["kernels"]}


def analyse(name: str, scalars: list[int], tmp_path: Path) -> dict:
    """features() of a fixture kernel: pointer parameters get buffers, the u32 ones `scalars`
    in order; the block is the kernel's num_warps × 32 threads, as Triton launches it."""
    kernel = KERNELS[name]
    path = tmp_path / f"{name}.ptx"
    path.write_text(kernel["ptx"])
    kinds = re.findall(r"\.param \.(u64|u32)\b", kernel["ptx"])
    values = iter(scalars)
    args = [np.zeros(1 << 20, np.float32) if kind == "u64" else np.int32(next(values)) for kind in kinds]
    return features(kernel["kernel_name"], path, args, block=(kernel["num_warps"] * 32, 1, 1))


def test_fixture_records_where_it_came_from():
    assert FIXTURE["gpu"] == "NVIDIA H100 80GB HBM3" and FIXTURE["triton_version"] == "3.6.0"
    assert all(".target sm_90a" in k["ptx"] for k in FIXTURE["kernels"])


def test_vector_add_uses_16_byte_vector_accesses_that_fill_16_sectors(tmp_path):
    # BLOCK_SIZE 1024 over 4 warps: each thread owns 8 floats of each array = two v4 accesses.
    r = analyse("add_b1024_w4", [98_432], tmp_path)
    accesses = [a for a in r["accesses"] if a["space"] == "global"]
    assert [a["op"] for a in accesses] == ["load"] * 4 + ["store"] * 2
    assert all(a["bytes"] == 16 and a["sectors_per_request"] == 16.0 for a in accesses)
    assert r["instructions"]["global_load"] == 4.0 and r["instructions"]["fp32"] == 8.0


def test_softmax_reduces_through_shared_memory_between_barriers(tmp_path):
    r = analyse("softmax_w4", [781, 781, 781], tmp_path)
    assert r["instructions"]["barrier"] > 0
    shared = [a for a in r["accesses"] if a["space"] == "shared"]
    assert shared and all(a["bank_conflict_degree"] == 1.0 for a in shared)
    # 1024 columns over 128 threads: 8 elements each, one ex2.approx and one div.full
    # (an rcp.approx on the SFU plus a multiply) per element.
    assert r["instructions"]["sfu"] == 16.0


def test_wgmma_matmul_counts_its_tensor_work_and_cp_async_copies(tmp_path):
    # 512³ fp16 with 64×64×32 tiles: 16 k-steps, each two wgmma.m64n64k16 per warpgroup;
    # one wgmma per thread is 64·64·16/128 = 512 multiply-adds, 8× an mma.sync.m16n8k16 share.
    r = analyse("matmul_64x64x32_w4", [512, 512, 512, 512, 1, 512, 1, 512, 1], tmp_path)
    assert r["instructions"]["tensor"] == pytest.approx(16 * 2 * 8)
    assert r["instructions"]["global_load"] >= 16 and r["instructions"]["shared_store"] >= 16
    assert r["resources_estimated"] is False and r["registers"] > 0
