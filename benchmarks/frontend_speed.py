"""Front-end speed per kernel: cold NVRTC compile and ptxas (reported apart), then parse and
analyse, the part on the per-configuration hot path (target: < 50 ms for a 300-line kernel).

    python -m benchmarks.frontend_speed [--repeats 20]

Kernels: the development suite (benchmarks/kernels, one configuration near 256 threads per
kernel, Kernel Tuner style defines) plus the front end's own test kernels. Writes
benchmarks/results/frontend_speed.json.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flipflop.frontend import compile_to_ptx, find_kernel, nvrtc_version, parse_ptx, ptxas_version  # noqa: E402
from flipflop.frontend.ptxas import ptxas_resources  # noqa: E402

RESULT_PATH = ROOT / "benchmarks" / "results" / "frontend_speed.json"
TEST_KERNELS = ROOT / "tests" / "fixtures" / "ptx" / "kernels.cu"
TEST_KERNEL_NAMES = ("vector_add", "matmul_tiled", "reduce_sum", "special_math", "rotate_points",
                     "half_wmma", "inline_asm")


def _analyzer() -> Callable | None:
    """The analysis stage's entry point, when that stage is importable."""
    try:
        from flipflop.analysis.kernel import analyze_kernel
    except ImportError:
        return None
    return analyze_kernel


def _clear_analysis_caches() -> None:
    """Empty the analysis stage's memo caches, so a timed run does the work (equal parsed
    functions hash alike, so re-parsing alone would hit them)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("flipflop.analysis"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def _workload() -> list[tuple[str, str, str, dict]]:
    """(label, source, kernel name, defines) for every kernel to time."""
    items = []
    try:
        from benchmarks.kernels.suite import CASES, configurations
    except ImportError:
        CASES = []
    seen = set()
    for case in CASES:
        if (case.source_path, case.kernel_name) in seen:
            continue
        seen.add((case.source_path, case.kernel_name))
        config = min(configurations(case), key=lambda c: abs(
            c.get("block_size_x", 1) * c.get("block_size_y", 1) * c.get("block_size_z", 1) - 256))
        defines = {"block_size_x": 1, "block_size_y": 1, "block_size_z": 1, **config, "kernel_tuner": 1}
        items.append((f"suite/{case.name}", case.source, case.kernel_name, defines))
    test_source = TEST_KERNELS.read_text()
    items += [(f"tests/{name}", test_source, name, {"block_size_x": 16}) for name in TEST_KERNEL_NAMES]
    return items


def _median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def measure(repeats: int) -> list[dict]:
    """Time every kernel of the workload; compile and ptxas run against an empty cache."""
    analyze = _analyzer()
    rows = []
    compiled = set()  # kernels of one source and configuration share one compile
    with tempfile.TemporaryDirectory() as cache:
        os.environ["FLIPFLOP_CACHE_DIR"] = cache  # cold: nothing compiled before
        for label, source, kernel_name, defines in _workload():
            start = time.perf_counter()
            ptx = compile_to_ptx(source, defines=defines).ptx
            compile_ms = (time.perf_counter() - start) * 1e3
            module = parse_ptx(ptx)
            function = find_kernel(module, kernel_name)
            start = time.perf_counter()
            ptxas_resources(ptx, kernels=[function.name])
            ptxas_ms = (time.perf_counter() - start) * 1e3
            parse_ms = _median_ms(lambda: parse_ptx(ptx), repeats)
            analyse_ms = None
            if analyze is not None:
                analyse_ms = statistics.median(
                    _time_analysis(analyze, ptx, function.name) for _ in range(max(1, repeats // 4)))
            shared_compile = (source, json.dumps(defines, sort_keys=True)) in compiled
            compiled.add((source, json.dumps(defines, sort_keys=True)))
            if shared_compile:
                compile_ms = ptxas_ms = None
            rows.append({"kernel": label, "ptx_lines": len(ptx.splitlines()),
                         "kernel_instructions": len(function.instructions),
                         "compile_ms": None if shared_compile else round(compile_ms, 2),
                         "ptxas_ms": None if shared_compile else round(ptxas_ms, 2),
                         "parse_ms": round(parse_ms, 3),
                         "analyse_ms": None if analyse_ms is None else round(analyse_ms, 3)})
    return rows


def _time_analysis(analyze: Callable, ptx: str, kernel_name: str) -> float:
    module = parse_ptx(ptx)
    _clear_analysis_caches()
    start = time.perf_counter()
    analyze(module, kernel_name)
    return (time.perf_counter() - start) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="timed repetitions of parse/analyse")
    args = parser.parse_args()
    rows = measure(args.repeats)
    header = f"{'kernel':34} {'lines':>6} {'instr':>6} {'compile ms':>11} {'ptxas ms':>9} {'parse ms':>9} {'analyse ms':>11}"
    print(header)
    for row in rows:
        analyse = "-" if row["analyse_ms"] is None else f"{row['analyse_ms']:.2f}"
        compile_ms = "shared" if row["compile_ms"] is None else f"{row['compile_ms']:.1f}"
        ptxas_ms = "shared" if row["ptxas_ms"] is None else f"{row['ptxas_ms']:.1f}"
        print(f"{row['kernel'][:34]:34} {row['ptx_lines']:>6} {row['kernel_instructions']:>6} "
              f"{compile_ms:>11} {ptxas_ms:>9} {row['parse_ms']:>9.2f} {analyse:>11}")
    per_300 = [(r["parse_ms"] + (r["analyse_ms"] or 0.0)) * 300 / r["ptx_lines"] for r in rows]
    print(f"parse + analyse (cold caches) per 300 PTX lines: median {statistics.median(per_300):.2f} ms, "
          f"max {max(per_300):.2f} ms (target < 50 ms)")
    RESULT_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULT_PATH.write_text(json.dumps({
        "what": ("front-end time per kernel: cold compile and ptxas apart (null: shared with an earlier "
                 "kernel of the same source and configuration); parse and analyse medians"),
        "command": "python -m benchmarks.frontend_speed " + " ".join(sys.argv[1:]),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": {"machine": platform.machine(), "processor": platform.processor(),
                 "python": platform.python_version()},
        "toolchain": {"nvrtc": nvrtc_version(), "ptxas": ptxas_version()},
        "repeats": args.repeats,
        "analysis_included": _analyzer() is not None,
        "parse_plus_analyse_ms_per_300_lines": {"median": round(statistics.median(per_300), 3),
                                                "max": round(max(per_300), 3)},
        "kernels": rows,
    }, indent=2) + "\n")
    print(f"wrote {RESULT_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
