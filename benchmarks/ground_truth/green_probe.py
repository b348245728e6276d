"""Which way of launching into a CUDA green context works on this GPU, and is it confined?

For each launch mode of flipflop.measure.green (LAUNCH_MODES, in the runner's order) and a few
SM counts: does a kernel that stores %smid per block launch, and on how many distinct SMs did
its blocks run (must be ≤ n)? Then, for each mode that passed, a DRAM copy stream's time at
those counts (it must grow as n shrinks below the bandwidth knee). Also the whole-GPU
baseline through the plain CupyRunner. Read-only: green contexts are per-process.

    python benchmarks/ground_truth/green_probe.py --out OUT/green_probe.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flipflop.measure.green import (  # noqa: E402
    LAUNCH_MODES, SELF_TEST_BLOCKS_PER_SM, SELF_TEST_SPIN_NS, SMID_KERNEL, SMID_SOURCE, GreenRunner,
    GreenSession, distinct_sms_used)

COPY_SOURCE = r"""
extern "C" __global__ void probe_copy(const float4* __restrict__ src, float4* dst, long long n4) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n4; i += (long long)gridDim.x * blockDim.x)
        dst[i] = src[i];
}
"""
COPY_BYTES = 1 << 28
PROBE_SM_COUNTS = (0, 32, None)   # 0: the smallest partition; None: every SM


def _attempt(call: Callable[[], Any]) -> dict[str, Any]:
    """{"ok": True, "value": ...} or {"ok": False, "error": one line}."""
    started = time.perf_counter()
    try:
        value = call()
    except Exception as error:  # the probe reports every failure, whatever raised it
        return {"ok": False, "error": f"{type(error).__name__}: {' '.join(str(error).split())[:300]}",
                "seconds": round(time.perf_counter() - started, 3)}
    return {"ok": True, "value": value, "seconds": round(time.perf_counter() - started, 3)}


def _whole_gpu_distinct_sms(cupy: Any, sm_count: int) -> int:
    from flipflop.measure.launcher import CupyRunner

    blocks = SELF_TEST_BLOCKS_PER_SM * sm_count
    smid = cupy.full(blocks, 0xFFFFFFFF, dtype=cupy.uint32)
    runner = CupyRunner(SMID_KERNEL, [smid, np.uint32(SELF_TEST_SPIN_NS)])
    status = runner.compile(SMID_SOURCE)
    if status != "ok":
        raise RuntimeError(status)
    runner.launcher(SMID_SOURCE, (blocks, 1, 1), (32, 1, 1), 0)()
    runner.synchronize()
    return int(len(np.unique(cupy.asnumpy(smid))))


def _copy_time_ms(session: GreenSession, mode: str, sms: int, src: Any, dst: Any) -> dict[str, float]:
    runner = GreenRunner("probe_copy", [src, dst, np.int64(COPY_BYTES // 16)], session, sms, mode=mode)
    try:
        status = runner.compile(COPY_SOURCE)
        if status != "ok":
            raise RuntimeError(status)
        launch = runner.launcher(COPY_SOURCE, (session.partitioning.sm_count * 8, 1, 1), (256, 1, 1), 0)
        launch()
        runner.synchronize()
        time_ms = runner.median_time_ms(launch)
    finally:
        runner.close()
    return {"time_ms": time_ms, "bandwidth_gb_s": 2 * COPY_BYTES / time_ms / 1e6}


def probe(log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run every check; the report as a dict (also logged line by line)."""
    import cupy

    report: dict[str, Any] = {"modes": LAUNCH_MODES, "smid": [], "copy": []}
    session = GreenSession(cupy.cuda.Device().id)
    part = session.partitioning
    report["sm_partitioning"] = {"sm_count": part.sm_count, "min_partition_sms": part.min_partition_sms,
                                 "alignment_sms": part.alignment_sms}
    log(f"probe: {part.sm_count} SMs, partitions of {part.min_partition_sms}+ in steps of {part.alignment_sms}")
    whole = _attempt(lambda: _whole_gpu_distinct_sms(cupy, part.sm_count))
    report["whole_gpu_distinct_sms"] = whole
    log(f"probe: whole GPU (CupyRunner): {whole}")
    counts = sorted({part.round(part.min_partition_sms if n == 0 else part.sm_count if n is None else n)
                     for n in PROBE_SM_COUNTS})
    passed = []
    try:
        for mode in LAUNCH_MODES:
            ok_everywhere = True
            for sms in counts:
                result = _attempt(lambda: distinct_sms_used(session, mode, sms))
                confined = result["ok"] and 0 < result["value"] <= sms
                ok_everywhere &= bool(confined)
                report["smid"].append({"mode": mode, "active_sms": sms, **result, "confined": confined})
                log(f"probe: {mode:13s} {sms:4d} SMs: {result} confined={confined}")
            if ok_everywhere:
                passed.append(mode)
        src = cupy.ones(COPY_BYTES // 4, dtype=cupy.float32)
        dst = cupy.empty_like(src)
        for mode in passed:
            for sms in counts:
                result = _attempt(lambda: _copy_time_ms(session, mode, sms, src, dst))
                report["copy"].append({"mode": mode, "active_sms": sms, **result})
                log(f"probe: copy {mode:13s} {sms:4d} SMs: {result}")
        del src, dst
    finally:
        session.close()
    report["passed_modes"] = passed
    report["runner_choice"] = passed[0] if passed else None
    log(f"probe: modes confined at every count: {passed}; the runner would use {report['runner_choice']}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="JSON report to write")
    args = parser.parse_args(argv)
    report = probe()
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    return 0 if report["passed_modes"] else 1


if __name__ == "__main__":
    sys.exit(main())
