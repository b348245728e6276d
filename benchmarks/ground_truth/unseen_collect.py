"""Measure an unseen set (benchmarks/kernels/unseen.py, unseen2.py) on a GPU with collect.py, and check its outputs first.

    python benchmarks/ground_truth/unseen_collect.py --cases unseen --out OUT [collect.py's options ...]
    python benchmarks/ground_truth/unseen_collect.py --cases unseen --out OUT --isolate [--budget-s 420] ...
    python benchmarks/ground_truth/unseen_collect.py --check --out OUT [--cases unseen]
    python benchmarks/ground_truth/unseen_collect.py --check --out OUT --cases unseen2   (the second set)

The set is each case's family: cases of the first unseen set ("unseen") are checked against
unseen.py's references into OUT/unseen_check.jsonl, cases of the second ("unseen2") against
unseen2.py's into OUT/unseen2_check.jsonl; measuring is the same for both.

MEASURE: collect.py's measurement (its options, output format and per-configuration JSONL lines;
`--cases unseen` selects the set, shared memory from each case's smem_args), with NVRTC given
flipflop's header shims as an include path (RowwiseMoments includes <type_traits>, which NVRTC
lacks). `--isolate` runs every case in its own process (same options, the budget shared out by
number of configurations, a hard timeout a case), so a kernel that breaks the CUDA context costs
only its own case.

CHECK: every case's small size (unseen_cases(small=True)) at its smallest, middle and largest block
shape, one launch on fresh device copies of its arguments, compared with the numpy reference
(unseen.compare); one JSONL line per case in OUT/unseen_check.jsonl. The GPU's settings are never changed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.ground_truth import collect  # noqa: E402
from benchmarks.kernels.suite import Case, configurations  # noqa: E402
from benchmarks.kernels import unseen, unseen2  # noqa: E402
from flipflop.measure import launcher  # noqa: E402

SET_NAME = "unseen"
CHECK_FILE = "unseen_check.jsonl"
# Each unseen set by family: its module (small cases, short names, compare) and its check file.
SETS = {"unseen": (unseen, unseen.unseen_cases, CHECK_FILE),
        "unseen2": (unseen2, unseen2.unseen2_cases, "unseen2_check.jsonl")}
# Seconds a case's process needs beyond its measuring budget: Python, CuPy and NVML start-up, the
# run header's 1 s idle-power window, argument upload, compiles running late.
ISOLATE_GRACE_S = 25.0
# Seconds of each case's share its process spends before it measures (CuPy start-up, the run header's 1 s
# idle-power window, arguments): taken off the budget first, so a set of many small cases does not leave
# each a few seconds that start-up eats (run 39: half the robustness set measured nothing).
ISOLATE_START_S = 10.0


def install() -> None:
    """Give the measurement's NVRTC flipflop's header shims (this process only: the launcher's
    options also reach nvcc through Kernel Tuner, where an include path would come before the
    system headers)."""
    from flipflop.frontend.nvrtc import SHIM_DIR
    # (the robustness set's files include host-only headers and <cuda.h>: the shims, and cuda.h
    # skipped by its guard)
    for option in (f"--include-path={SHIM_DIR}", "-D__cuda_cuda_h__"):
        if option not in launcher.COMPILE_OPTIONS:
            launcher.COMPILE_OPTIONS = (*launcher.COMPILE_OPTIONS, option)


# ---------------------------------------------------------------- check ------------------------------


def check(cases: list[Case], out_dir: Path) -> int:
    """Small case of each kernel at three shapes against its reference; returns how many failed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for family, (module, small_cases, check_file) in SETS.items():
        chosen = [case for case in cases if case.family == family]
        if chosen:
            failed += _check_set(chosen, module, small_cases, out_dir / check_file)
    return failed


def _check_set(cases: list[Case], module, small_cases, path: Path) -> int:
    """check() for the cases of one unseen set (module: its compare and short_name)."""
    import cupy

    short_name, compare = module.short_name, module.compare
    small = {short_name(c): c for c in small_cases(small=True)}
    failed = 0
    with open(path, "a") as out:
        for case in cases:
            tiny = small[short_name(case)]
            configs = collect.launch_configs(tiny)
            picks = [configs[i] for i in sorted({0, len(configs) // 2, len(configs) - 1})]
            record = {"check": case.name, "small_case": tiny.name, "kernel_name": tiny.kernel_name, "configs": []}
            runner = None
            for config in picks:
                params = {k: v for k, v in config.items() if k not in ("block", "grid", "shared_bytes")}
                entry = {"block": list(config["block"]), "grid": list(config["grid"]),
                         "shared_bytes": config["shared_bytes"]}
                try:
                    before = tiny.arguments()
                    runner = launcher.CupyRunner(tiny.kernel_name, before)
                    defines = launcher.kernel_tuner_defines(params, config["grid"])
                    source = launcher.source_with_defines(tiny.source, defines)
                    status = runner.compile(source, defines)
                    if status != launcher.STATUS_OK:
                        entry.update(passed=False, failure=status)
                    else:
                        runner.launcher(source, config["grid"], config["block"], config["shared_bytes"])()
                        runner.synchronize()
                        after = [cupy.asnumpy(a) if isinstance(a, cupy.ndarray) else a
                                 for a in runner.device_arguments]
                        passed, worst = compare(tiny, before, after, params, tuple(config["grid"]))
                        entry.update(passed=passed, max_abs_error=worst, failure=None)
                except Exception as error:  # a compile, launch or reference failure ends only this config
                    entry.update(passed=False, failure=f"{type(error).__name__}: {str(error).splitlines()[0][:300]}")
                record["configs"].append(entry)
            record["passed"] = all(c["passed"] for c in record["configs"])
            failed += not record["passed"]
            out.write(json.dumps(record, default=float) + "\n")
            out.flush()
            worst = max((c.get("max_abs_error") or 0.0 for c in record["configs"]), default=0.0)
            reasons = sorted({c["failure"] for c in record["configs"] if c.get("failure")})
            print(f"check {case.name:44s} {'pass' if record['passed'] else 'FAIL'}  max abs err {worst:.3g}"
                  + (f"  {'; '.join(reasons)}" if reasons else ""), flush=True)
            del runner
            cupy.get_default_memory_pool().free_all_blocks()
    return failed


# ---------------------------------------------------------------- isolate ----------------------------


def _option(argv: list[str], name: str, default: str) -> str:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def _without(argv: list[str], names: tuple[str, ...]) -> list[str]:
    """argv without the given options and their values."""
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in names:
            skip = True
        elif not any(arg.startswith(n + "=") for n in names):
            kept.append(arg)
    return kept


def isolate(argv: list[str]) -> int:
    """Each selected case in its own process, the budget shared by configurations, a timeout each."""
    rest = [a for a in argv[1:] if a != "--isolate"]
    cases = collect.select_cases(_option(rest, "--cases", "all"), _option(rest, "--sizes", "0"))
    budget_s = float(_option(rest, "--budget-s", "500"))
    passes = int(_option(rest, "--passes", "1"))
    base = _without(rest, ("--cases", "--budget-s"))
    start_s = time.perf_counter()
    counts = {c.name: len(configurations(c)) * passes for c in cases}
    remaining = sum(counts.values())
    for k, case in enumerate(cases):
        left_s = budget_s - (time.perf_counter() - start_s)
        # the measuring time left once every case still to run has had its start-up
        measuring_s = max(0.0, left_s - ISOLATE_START_S * (len(cases) - k))
        share_s = measuring_s * counts[case.name] / max(remaining, 1)
        remaining -= counts[case.name]
        if share_s < 2.0:
            print(f"{case.name}: skipped, budget spent", flush=True)
            continue
        command = [sys.executable, __file__, *base, "--cases", case.name, "--budget-s", f"{share_s:.1f}"]
        print(f"== {case.name}: {counts[case.name]} measurements, {share_s:.0f} s "
              f"(at {time.perf_counter() - start_s:.0f} s of {budget_s:.0f})", flush=True)
        limit_s = ISOLATE_START_S + share_s + ISOLATE_GRACE_S
        try:
            subprocess.run(command, timeout=limit_s, check=False)
        except subprocess.TimeoutExpired:
            print(f"{case.name}: stopped after {limit_s:.0f} s (rows written so far are kept)", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
    install()
    if "--check" in argv[1:]:
        parser = argparse.ArgumentParser(description="check an unseen set's outputs on the GPU")
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--cases", default=SET_NAME)
        parser.add_argument("--out", type=Path, required=True)
        args, _ = parser.parse_known_args(argv[1:])
        failed = check(collect.select_cases(args.cases, "0"), args.out)
        print(f"check: {failed} failed", flush=True)
        return 0
    if "--isolate" in argv[1:] and "--dry-run" not in argv[1:]:
        return isolate(argv)
    return collect.main([a for a in argv if a != "--isolate"])


if __name__ == "__main__":
    sys.exit(main())
