"""The micro-benchmark sources compile with NVRTC (no GPU) and do the work the table counts."""
from __future__ import annotations

import re

import pytest

from flipflop.measure.calibrate import microbenchmarks as mb


@pytest.fixture(scope="module")
def entries() -> dict[str, str]:
    from flipflop.frontend.nvrtc import compile_to_ptx

    ptx = compile_to_ptx(mb.CUDA_SOURCE, "sm_90").ptx
    bodies = re.split(r"^\.visible \.entry ", ptx, flags=re.MULTILINE)[1:]
    return {body.split("(")[0]: body for body in bodies}


def test_every_benchmark_kernel_is_an_entry(entries):
    kernels = {b.kernel for b in mb.all_benchmarks()} | {"resident_sleep"}
    assert kernels <= set(entries)


@pytest.mark.parametrize("kernel, opcode", [
    ("fp32_fma", "fma.rn.f32"), ("fp16_hfma2", "fma.rn.f16x2"), ("bf16_hfma2", "fma.rn.bf16x2"),
    ("fp64_dfma", "fma.rn.f64"), ("int_imad", "mad.lo.u32"), ("int_lop3", "lop3.b32"),
    ("sfu_ex2", "ex2.approx.ftz.f32"), ("sfu_sin", "sin.approx.ftz.f32"),
    ("shared_load", "ld.volatile.shared.u32"), ("shared_load_v4", "ld.volatile.shared.v4.u32"),
    ("shared_store", "st.volatile.shared.u32"),
])
def test_unit_loops_issue_whole_rounds_of_the_counted_instruction(entries, kernel, opcode):
    count = len(re.findall(rf"\b{re.escape(opcode)}\b", entries[kernel]))
    assert count > 0 and count % mb.CHAINS == 0


def test_tensor_loop_issues_two_mma_per_round(entries):
    count = entries["tensor_mma"].count("mma.sync.aligned.m16n8k16")
    bench = next(b for b in mb.UNIT_BENCHMARKS if b.name == "tensor_mma")
    assert count > 0 and count % bench.ops_per_iter == 0


def test_conflict_degrees_are_the_shared_strides():
    degrees = sorted({b.param for b in mb.SHARED_BENCHMARKS if b.kernel == "shared_load"})
    assert degrees == [1, 2, 4, 8, 16, 32]
