"""Measure an unseen set (benchmarks/kernels/unseen.py, unseen2.py) on a GPU with collect.py, and check its outputs first.

    python benchmarks/ground_truth/unseen_collect.py --cases unseen --out OUT [collect.py's options ...]
    python benchmarks/ground_truth/unseen_collect.py --cases unseen --out OUT --isolate [--budget-s 420] [--passes 2] [--resume DIR] ...
    python benchmarks/ground_truth/unseen_collect.py --check --out OUT [--cases unseen]
    python benchmarks/ground_truth/unseen_collect.py --check --out OUT --cases unseen2   (the second set)

The set is each case's family: cases of the first unseen set ("unseen") are checked against
unseen.py's references into OUT/unseen_check.jsonl, cases of the second ("unseen2") against
unseen2.py's into OUT/unseen2_check.jsonl; measuring is the same for both.

MEASURE: collect.py's measurement (its options, output format and per-configuration JSONL lines;
`--cases unseen` selects the set, shared memory from each case's smem_args), each kernel compiled by
flipflop's front end with its header shims (RowwiseMoments includes <type_traits>, which NVRTC
lacks; flipflop.measure.launcher.load_function). `--isolate` measures pass by pass, each case whole, as many cases as fit the budget, in a
process that a kernel breaking the CUDA context ends (the next starts past it); `--resume DIR[,DIR]`
skips the cases whose pass an earlier call's data holds whole, so a set is measured over several calls.

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
# Seconds a measurement takes with its share of the compiles (run 39, H100: 0.64-0.8 s at a 0.5 s window)
# and seconds a case takes besides (its arguments made and uploaded): what --isolate plans a batch with.
SECONDS_PER_CONFIG = 0.9
SECONDS_PER_CASE = 3.0
# Seconds a process takes to start (Python, CuPy, NVML, the run header's 1 s idle-power window).
PROCESS_START_S = 10.0


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


def _case_file(out: Path, case: Case) -> Path:
    return out / f"{case.name.replace('@', '_')}.jsonl"


def _pass_done(case: Case, pass_index: int, folders: list[Path]) -> bool:
    """Whether a folder (or one below it) holds this case's pass whole: a row for every configuration
    that is not "not measured", or the case failed (a kernel that breaks the context is not tried again)."""
    for path in (found for folder in folders for found in folder.rglob(_case_file(folder, case).name)):
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        rows = [r for r in rows if r.get("case") == case.name and r.get("pass") == pass_index]
        if any(r.get("status", "").startswith("case failed") for r in rows):
            return True
        if sum(not r.get("status", "").startswith("not measured") for r in rows) >= len(configurations(case)):
            return True
    return False


def _estimate_s(case: Case) -> float:
    return SECONDS_PER_CASE + SECONDS_PER_CONFIG * len(configurations(case))


def isolate(argv: list[str]) -> int:
    """Measure pass by pass, each case whole: a process measures the cases that fit the time left, in
    order; a kernel that breaks the CUDA context ends its process (collect's exit 3) and the next one
    starts past it. Cases whose pass a --resume folder (an earlier call's data) already holds whole are
    skipped, so a set larger than one call is measured over several."""
    rest = [a for a in argv[1:] if a != "--isolate"]
    cases = collect.select_cases(_option(rest, "--cases", "all"), _option(rest, "--sizes", "0"))
    budget_s = float(_option(rest, "--budget-s", "500"))
    passes = int(_option(rest, "--passes", "1"))
    out = Path(_option(rest, "--out", "."))
    resume = [Path(f) for f in _option(rest, "--resume", "").split(",") if f]
    base = _without(rest, ("--cases", "--budget-s", "--passes", "--resume", "--first-pass"))
    deadline_s = time.perf_counter() + budget_s
    for pass_index in range(passes):
        tried: set[str] = set()
        while True:
            todo = [c for c in cases if c.name not in tried and not _pass_done(c, pass_index, [out, *resume])]
            left_s = deadline_s - time.perf_counter() - PROCESS_START_S
            batch, planned_s = [], 0.0
            for case in todo:
                if planned_s + _estimate_s(case) > left_s:
                    break
                batch.append(case)
                planned_s += _estimate_s(case)
            if not batch:
                print(f"== pass {pass_index}: {len(todo)} cases left unmeasured ({max(left_s, 0):.0f} s left)", flush=True)
                if todo:
                    return 0
                break
            sizes = {c.name: _lines(_case_file(out, c)) for c in batch}
            print(f"== pass {pass_index}: {len(batch)} cases, ~{planned_s:.0f} s planned, {left_s:.0f} s left", flush=True)
            command = [sys.executable, __file__, *base, "--cases", ",".join(c.name for c in batch),
                       "--passes", "1", "--first-pass", str(pass_index), "--budget-s", f"{left_s - 5:.1f}"]
            try:
                status = subprocess.run(command, timeout=left_s + PROCESS_START_S, check=False).returncode
            except subprocess.TimeoutExpired:
                print("== stopped at the deadline (rows written so far are kept)", flush=True)
                return 0
            # a case this process started is not tried again in this call, whole or not
            started = {c.name for c in batch if _lines(_case_file(out, c)) != sizes[c.name]}
            if status not in (0, collect.CONTEXT_BROKEN_EXIT):
                print(f"== the process ended with status {status}", flush=True)
            if not started:
                return 1
            tried |= started
    return 0


def _lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
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
