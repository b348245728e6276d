"""Prediction speed: a 2-D kernel's whole space (51 power-of-two block shapes) × 11 power limits.

    python -m benchmarks.predict_speed [--cases stencil@8192x8192,...] [--repeats 5]

Targets (issue 4): under 0.5 s including a cold compile, under 50 ms warm. "Cold" runs in a
fresh Python process with an empty compile cache (FLIPFLOP_CACHE_DIR in a temporary
folder), so NVRTC, ptxas, parsing and analysis all happen; "warm" repeats the same call in
that process (compiles, analyses and per-launch features come from memory; the space is
enumerated and the model evaluated again). A case name ending in ``+blockDim`` takes the
kernel with ``block_size_x/y/z`` read from ``blockDim`` (and no ``__launch_bounds__``), so one
PTX serves every shape: the cold time without 51 compiles. Writes
benchmarks/results/predict_speed.json.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_PATH = ROOT / "benchmarks" / "results" / "predict_speed.json"
DEFAULT_CASES = ("stencil@8192x8192", "matmul_tiled@2048x2048", "transpose_tiled@8192x8192", "attention@seq2048",
                 "stencil@8192x8192+blockDim")
ONE_PTX = "+blockDim"


def _one_ptx_source(source: str) -> str:
    """The kernel reading its block size from ``blockDim`` instead of compile-time macros."""
    source = re.sub(r"__launch_bounds__\([^)]*\)", "", source)
    return re.sub(r"\bblock_size_([xyz])\b", r"blockDim.\1", source)


def _one_case(name: str, repeats: int) -> dict:
    """Runs inside the fresh process: one cold call, then ``repeats`` warm ones."""
    sys.path.insert(0, str(ROOT))
    import flipflop
    from benchmarks.kernels.suite import case_by_name

    case = case_by_name(name.removesuffix(ONE_PTX))
    source = _one_ptx_source(case.source) if name.endswith(ONE_PTX) else str(case.source_path)
    arguments = case.arguments()
    kwargs = dict(power_limits="all", restrictions=case.restrictions or None, grid_div_x=case.grid_div_x,
                  grid_div_y=case.grid_div_y)

    def call():
        return flipflop.predict(case.kernel_name, source, case.problem_size, arguments,
                                case.tune_params, **kwargs)

    start = time.perf_counter()
    rows = call()
    cold_s = time.perf_counter() - start
    warm = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        warm.append(time.perf_counter() - start)
    return {"case": name, "configurations": rows.metadata["launchable"],
            "power_limits": len(rows.metadata["power_limits_w"]), "rows": len(rows),
            "distinct_compiles": rows.metadata["distinct_compiles"], "distinct_ptx": rows.metadata["distinct_ptx"],
            "cold_s": round(cold_s, 4), "warm_median_s": round(statistics.median(warm), 5),
            "cold_target_met": cold_s < 0.5, "warm_target_met": statistics.median(warm) < 0.05}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(DEFAULT_CASES))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_one_case(args.child, args.repeats)))
        return 0
    results = []
    for name in args.cases.split(","):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "FLIPFLOP_CACHE_DIR": cache}
            out = subprocess.run([sys.executable, "-m", "benchmarks.predict_speed", "--child", name,
                                  "--repeats", str(args.repeats)], cwd=ROOT, env=env, capture_output=True,
                                 text=True, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print(f"{name:28s} {result['configurations']:3d} shapes × {result['power_limits']:2d} limits, "
              f"{result['distinct_compiles']:2d} compiles: cold {result['cold_s']:.3f} s, "
              f"warm {1e3 * result['warm_median_s']:.1f} ms")
    RESULT_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULT_PATH.write_text(json.dumps({
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
        "command": "python -m benchmarks.predict_speed " + " ".join(sys.argv[1:]), "results": results}, indent=1)
        + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
