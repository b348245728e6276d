"""Compile a few ordinary Triton kernels on a GPU machine and save the PTX Triton emits.

    python3 benchmarks/triton/dump_ptx.py --out OUT/triton_ptx.json

The PTX becomes a test fixture (tests/fixtures/triton/): flipflop's parser and analysis are
checked on real Triton output on the CPU, where Triton cannot run. Each kernel is launched
once on small random tensors (Triton compiles on first launch) and its result checked against
torch, so every fixture is PTX of a kernel that ran correctly. Records the GPU, driver, Triton
and torch versions, the date and the command.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shlex
import sys
from pathlib import Path

import torch
import triton
import triton.language as tl


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK_SIZE: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n
    tl.store(out_ptr + offsets, tl.load(x_ptr + offsets, mask=mask) + tl.load(y_ptr + offsets, mask=mask), mask=mask)


@triton.jit
def softmax_kernel(out_ptr, in_ptr, in_row_stride, out_row_stride, n_cols, BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_SIZE)
    x = tl.load(in_ptr + row * in_row_stride + cols, mask=cols < n_cols, other=-float("inf"))
    x = x - tl.max(x, axis=0)
    numerator = tl.exp(x)
    tl.store(out_ptr + row * out_row_stride + cols, numerator / tl.sum(numerator, axis=0), mask=cols < n_cols)


@triton.jit
def matmul_kernel(a_ptr, b_ptr, c_ptr, M, N, K, stride_am, stride_ak, stride_bk, stride_bn, stride_cm, stride_cn,
                  BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    offs_k = tl.arange(0, BLOCK_K)
    a_ptrs = a_ptr + offs_m[:, None] * stride_am + offs_k[None, :] * stride_ak
    b_ptrs = b_ptr + offs_k[:, None] * stride_bk + offs_n[None, :] * stride_bn
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k in range(0, tl.cdiv(K, BLOCK_K)):
        a = tl.load(a_ptrs, mask=offs_k[None, :] < K - k * BLOCK_K, other=0.0)
        b = tl.load(b_ptrs, mask=offs_k[:, None] < K - k * BLOCK_K, other=0.0)
        acc += tl.dot(a, b)
        a_ptrs += BLOCK_K * stride_ak
        b_ptrs += BLOCK_K * stride_bk
    c_ptrs = c_ptr + offs_m[:, None] * stride_cm + offs_n[None, :] * stride_cn
    tl.store(c_ptrs, acc.to(tl.float16), mask=(offs_m[:, None] < M) & (offs_n[None, :] < N))


def _record(name: str, compiled, **launch) -> dict:
    metadata = getattr(compiled, "metadata", None)
    return {"name": name,
            "kernel_name": getattr(compiled, "name", None) or getattr(metadata, "name", None),
            "num_warps": getattr(metadata, "num_warps", None), "shared_bytes": getattr(metadata, "shared", None),
            "launch": launch, "ptx": compiled.asm["ptx"]}


def _add() -> list[dict]:
    n = 98_432
    x, y = torch.rand(n, device="cuda"), torch.rand(n, device="cuda")
    records = []
    for block, warps in ((1024, 4), (256, 2)):
        out = torch.empty_like(x)
        compiled = add_kernel[(triton.cdiv(n, block),)](x, y, out, n, BLOCK_SIZE=block, num_warps=warps)
        torch.testing.assert_close(out, x + y)
        records.append(_record(f"add_b{block}_w{warps}", compiled, n=n, grid=[triton.cdiv(n, block), 1, 1]))
    return records


def _softmax() -> list[dict]:
    rows, cols = 1823, 781
    a = torch.randn(rows, cols, device="cuda")
    records = []
    for warps in (4, 8):
        out = torch.empty_like(a)
        compiled = softmax_kernel[(rows,)](out, a, a.stride(0), out.stride(0), cols, BLOCK_SIZE=1024, num_warps=warps)
        torch.testing.assert_close(out, torch.softmax(a, dim=1))
        records.append(_record(f"softmax_w{warps}", compiled, rows=rows, cols=cols, grid=[rows, 1, 1]))
    return records


def _matmul() -> list[dict]:
    m = n = k = 512
    a = torch.randn(m, k, device="cuda", dtype=torch.float16)
    b = torch.randn(k, n, device="cuda", dtype=torch.float16)
    c = torch.empty(m, n, device="cuda", dtype=torch.float16)
    grid = (triton.cdiv(m, 64), triton.cdiv(n, 64))
    compiled = matmul_kernel[grid](a, b, c, m, n, k, a.stride(0), a.stride(1), b.stride(0), b.stride(1),
                                   c.stride(0), c.stride(1), BLOCK_M=64, BLOCK_N=64, BLOCK_K=32, num_warps=4)
    torch.testing.assert_close(c, (a.float() @ b.float()).half(), atol=0.1, rtol=0.02)
    return [_record("matmul_64x64x32_w4", compiled, m=m, n=n, k=k, grid=[*grid, 1])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    torch.manual_seed(0)
    kernels: list[dict] = []
    for build in (_add, _softmax, _matmul):
        try:
            kernels += build()
        except Exception as error:  # keep the other kernels' PTX
            print(f"{build.__name__}: failed: {type(error).__name__}: {error}", flush=True)

    device = torch.cuda.get_device_properties(0)
    record = {
        "gpu": device.name, "driver": _driver_version(), "triton_version": triton.__version__,
        "torch_version": torch.__version__,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(shlex.quote(a) for a in sys.argv), "kernels": kernels,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1))
    for kernel in kernels:
        print(f"{kernel['name']}: {kernel['kernel_name']}, {kernel['num_warps']} warps, "
              f"{kernel['shared_bytes']} B shared, {len(kernel['ptx'].splitlines())} PTX lines")
    return 0


def _driver_version() -> str:
    try:
        import pynvml
        pynvml.nvmlInit()
        return pynvml.nvmlSystemGetDriverVersion()
    except Exception as error:  # the fixture is still useful without it; say why it is missing
        return f"unknown ({type(error).__name__})"


if __name__ == "__main__":
    sys.exit(main())
