"""Bandwidth and power against the number of active SMs (green contexts): a short sweep.

Three loads at SM counts from the smallest partition to all of them, each measured with the
usual energy protocol (flipflop.measure.launcher.measure_configs, active_sms=n):

- ``dram_read``: a float4 grid-stride read of a 1 GiB buffer (one float written per thread,
  so nothing is optimised away) — DRAM read bandwidth per n;
- ``dram_copy``: a float4 grid-stride copy of 512 MiB — read + write bandwidth per n;
- ``fma``: an FP32 FMA loop, no memory traffic — for contrast, the power of busy SMs alone.

The pure fit (flipflop.hardware.calibrate.fit.fit_sm_sweep) reads the per-SM bandwidth slope
at small n and the power per active SM from the raw JSON this writes (as it measures, so a
cut-off run keeps its points). Read-only: only per-process green contexts, no device setting.

    python -m flipflop.measure.calibrate.sm_sweep --out sm_sweep.json [--window-s 0.3] [--dry-run]
"""
from __future__ import annotations

import argparse
import datetime
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

from flipflop.errors import FlipflopError
from flipflop.measure.green import SmPartitioning

RAW_SCHEMA = "flipflop-sm-sweep-raw/1"
SOURCE = r"""
extern "C" __global__ void sweep_dram_read(const float4* __restrict__ src, float* out, long long n4) {
    float acc = 0.0f;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n4; i += (long long)gridDim.x * blockDim.x) {
        float4 v = src[i];
        acc += v.x + v.y + v.z + v.w;
    }
    out[blockIdx.x * blockDim.x + threadIdx.x] = acc;
}

extern "C" __global__ void sweep_dram_copy(const float4* __restrict__ src, float4* dst, long long n4) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n4; i += (long long)gridDim.x * blockDim.x)
        dst[i] = src[i];
}

extern "C" __global__ void sweep_fma(float* out, int iters) {
    float a = threadIdx.x * 1e-3f, b = 1.0001f, c = 0.999f, d = 0.5f;
    for (int i = 0; i < iters; ++i) {
        a = fmaf(a, b, c); d = fmaf(d, b, c);
        a = fmaf(a, c, b); d = fmaf(d, c, b);
    }
    out[blockIdx.x * blockDim.x + threadIdx.x] = a + d;
}
"""
BLOCK_THREADS = 256
# Blocks of every launch: enough to fill all 132 SMs of an H200 (8 × 256 threads each) whatever
# the partition, so the only thing that changes with n is how many SMs run them.
GRID_BLOCKS = 132 * 8
READ_BYTES = 1 << 30
COPY_BYTES = 1 << 29          # per buffer: 2 × 512 MiB cross the DRAM per launch
FMA_ITERS = 2048              # × 4 FMAs per thread: ~0.3 ms on 132 SMs, ~5 ms on 8
# The SM counts asked for (rounded to the driver's granularity, duplicates dropped); None: all.
SWEEP_SM_COUNTS: tuple[int | None, ...] = (0, 16, 24, 32, 48, 64, 96, 128, None)  # 0: the smallest partition
BENCHES = ("dram_read", "dram_copy", "fma")
# Per point: the power window plus compile-free overhead (warm-up, event timing, NVML reads).
OVERHEAD_PER_POINT_S = 0.25
# A dry run has no driver to ask: compute capability 9.0's guideline (multiples of 8).
DRY_RUN_GRANULE_SMS = 8
SETUP_S = 8.0                 # CuPy start, three compiles, buffers, context creation, self-test


@dataclass(frozen=True)
class SweepPoint:
    """One load at one SM count."""

    bench: str
    active_sms: int


def sweep_sm_counts(sm_count: int, valid_counts: list[int]) -> list[int]:
    """SWEEP_SM_COUNTS mapped onto what the device can partition (each rounded up to the next
    valid count), in increasing order without duplicates."""
    wanted = [valid_counts[0] if n == 0 else sm_count if n is None else n for n in SWEEP_SM_COUNTS]
    rounded = {next((v for v in valid_counts if v >= n), sm_count) for n in wanted}
    return sorted(rounded)


def plan_sweep(sm_count: int, valid_counts: list[int]) -> list[SweepPoint]:
    """Every bench at every sweep SM count, SM count outermost (a context is made once)."""
    return [SweepPoint(bench, n) for n in sweep_sm_counts(sm_count, valid_counts) for bench in BENCHES]


def describe_plan(partitioning: SmPartitioning, window_s: float) -> str:
    """One line: the sweep's points, SM counts and estimated time."""
    plan = plan_sweep(partitioning.sm_count, partitioning.valid_counts())
    counts = sorted({point.active_sms for point in plan})
    return (f"sm sweep: {len(plan)} points ({', '.join(BENCHES)}) at SM counts {counts}, "
            f"about {estimate_seconds(plan, window_s):.0f} s")


def estimate_seconds(plan: list[SweepPoint], window_s: float) -> float:
    return SETUP_S + len(plan) * (window_s + OVERHEAD_PER_POINT_S)


def bytes_and_flops(bench: str) -> tuple[int, int]:
    """DRAM bytes and FP32 FLOPs (2 per FMA) of one launch of `bench`."""
    if bench == "dram_read":
        return READ_BYTES, 0
    if bench == "dram_copy":
        return 2 * COPY_BYTES, 0
    return 0, 2 * 4 * FMA_ITERS * GRID_BLOCKS * BLOCK_THREADS


def run_sm_sweep(out_path: str | Path, *, window_s: float = 0.3, meta: dict[str, Any] | None = None,
                 session: Any = None, log: Callable[[str], None] = lambda line: print(line, file=sys.stderr)
                 ) -> dict[str, Any]:
    """Measure the sweep on this process's GPU; the raw JSON (also written to `out_path` after
    every point). `session`: a flipflop.measure.green.GreenSession to reuse (one is made and
    closed otherwise); `meta` is recorded as given (GPU, driver, date, command)."""
    import cupy
    import numpy as np

    from flipflop.measure.green import GreenSession
    from flipflop.measure.launcher import measure_configs
    from flipflop.measure.nvml import NvmlMonitor

    monitor = NvmlMonitor()
    own_session = session is None
    session = session or GreenSession(cupy.cuda.Device().id)
    part = session.partitioning
    raw: dict[str, Any] = {
        "schema": RAW_SCHEMA, "meta": {**(meta or {}), "sm_partitioning": asdict(part)},
        "window_s": window_s, "grid_blocks": GRID_BLOCKS, "block_threads": BLOCK_THREADS, "points": []}
    path = Path(out_path)
    source = cupy.asarray(np.ones(READ_BYTES // 4, dtype=np.float32))
    out = cupy.zeros(GRID_BLOCKS * BLOCK_THREADS, dtype=cupy.float32)
    copy_dst = cupy.empty(COPY_BYTES // 4, dtype=cupy.float32)
    arguments = {
        "dram_read": ("sweep_dram_read", [source, out, np.int64(READ_BYTES // 16)]),
        "dram_copy": ("sweep_dram_copy", [source, copy_dst, np.int64(COPY_BYTES // 16)]),
        "fma": ("sweep_fma", [out, np.int32(FMA_ITERS)]),
    }
    config = {"block_size_x": BLOCK_THREADS, "block": (BLOCK_THREADS, 1, 1), "grid": (GRID_BLOCKS, 1, 1)}
    try:
        for point in plan_sweep(part.sm_count, part.valid_counts()):
            kernel_name, args = arguments[point.bench]
            try:
                result = measure_configs(kernel_name, SOURCE, args, [config], monitor=monitor, window_s=window_s,
                                         active_sms=point.active_sms, green=session)[0]
            except FlipflopError as error:
                result = {"status": f"measurement failed: {error}", "active_sms": point.active_sms}
            moved_bytes, flops = bytes_and_flops(point.bench)
            record = {"bench": point.bench, "bytes": moved_bytes, "flops": flops,
                      **{k: v for k, v in result.items() if k not in config}}
            raw["points"].append(record)
            raw["green_self_test"] = session.self_test_report
            path.write_text(json.dumps(raw, indent=1) + "\n")
            if record.get("status") == "ok":
                rate = (f"{moved_bytes / record['measured_time'] / 1e6:.0f} GB/s" if moved_bytes
                        else f"{flops / record['measured_time'] / 1e9:.1f} TFLOP/s")
                log(f"sm sweep {point.bench:9s} {record['active_sms']:4d} SMs: {record['measured_time']:.3f} ms, "
                    f"{rate}, {record['measured_power']:.0f} W")
            else:
                log(f"sm sweep {point.bench:9s} {point.active_sms:4d} SMs: {record.get('status')}")
    finally:
        if own_session:
            session.close()
    return raw


def create_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flipflop.measure.calibrate.sm_sweep",
                                     description="Bandwidth and power against active SMs (green contexts).")
    parser.add_argument("--out", required=True, help="raw JSON to write")
    parser.add_argument("--window-s", type=float, default=0.3, help="power window per point")
    parser.add_argument("--sm-count", type=int, default=132, help="--dry-run: the device's SMs")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and its time; run nothing")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = create_parser().parse_args(argv)
    if args.dry_run:
        print(describe_plan(SmPartitioning(args.sm_count, DRY_RUN_GRANULE_SMS, DRY_RUN_GRANULE_SMS), args.window_s))
        return 0
    try:
        run_sm_sweep(args.out, window_s=args.window_s, meta={
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "command": "python -m flipflop.measure.calibrate.sm_sweep " + " ".join(sys.argv[1:] if argv is None else argv)})
    except FlipflopError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
