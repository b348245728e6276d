"""Robustness benchmark: the 137 third-party kernels of benchmarks/kernels/robust.py through flipflop's public
API (CPU only, no measurement), each row checked against physical invariants.

Each case goes through `flipflop.predict(...)` on its own (one call, or one a configuration where the
original program derives arguments from the block size), at the profile's default power limit, with a fresh
PTX cache unless --warm (so the wall times are a first run's). Per row:
  - time finite and > 0; energy == power x time (relative 1e-6);
  - power between the profile's idle power and 1.1 x the row's power limit;
  - coalescing_efficiency and occupancy in (0, 1];
  - dram_bytes >= the bytes the stores must write x (1 - found), found = min(1, max(0, C / W - 1)) for the
    L2's C bytes and the W bytes the case touches: flipflop/model/traffic.py's rule for back-to-back
    launches (data in half the L2 stays there, data past the whole L2 is evicted before it is reached
    again), so DRAM may be 0 only when the whole data fits in half the L2 (1 % off for the hand figures);
  - dram_bytes <= 4 x (bytes read once + bytes written) + 64 KiB (sector rounding of tiny arrays), unless
    the case says why not (addresses that depend on data).
Per case it records the configurations predicted and dropped, the wall time of the predict calls and the
analysis notes (metadata["analysis_notes"]), and prints every violation. The exit code is 0 even with
violations (a benchmark, not a test; tests/test_robust_kernels.py checks the small sizes).

    python benchmarks/robustness.py [--gpu h200-sxm] [--cases lombscargle,fdtd3d] [--small] [--warm] [--out PATH]

The full set at the default profile writes benchmarks/results/robustness_h200.json and the printed report as
robustness_h200.txt; a subset or --small writes nothing unless --out is given.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flipflop  # noqa: E402
from benchmarks.kernels.robust import RobustCase, predict_calls, robust_cases, short_name  # noqa: E402
from benchmarks.kernels.suite import configurations  # noqa: E402
from flipflop.hardware.profile import GpuProfile, load_profile  # noqa: E402
from flipflop.model.traffic import L2_RESIDENT_SHARE  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
DRAM_MULTIPLE = 4.0       # DRAM at most this many times read + write ...
DRAM_SLACK_BYTES = 65536  # ... plus this (sectors and lines around tiny arrays)
STORE_TOLERANCE = 0.01    # the store bytes are worked out by hand
EPS = 1e-9


def l2_found(profile: GpuProfile, footprint: float) -> float:
    """The share of a back-to-back launch's data found in L2 (flipflop/model/traffic.py): all of it when
    it fits in the resident half, falling as 2 x resident / W - 1, none past twice that."""
    resident = profile.l2_bytes * L2_RESIDENT_SHARE
    return min(1.0, max(0.0, 2.0 * resident / footprint - 1.0)) if footprint > 0 else 1.0


def row_violations(case: RobustCase, row: dict, profile: GpuProfile) -> list[str]:
    """The invariants one predicted row breaks (empty: none)."""
    params = {k: row[k] for k in case.tune_params}
    write, read, footprint = case.bytes_at(params)
    out: list[str] = []
    t, p, e = row["time"], row["power"], row["energy"]
    if not (math.isfinite(t) and t > 0):
        out.append(f"time {t} ms is not finite and > 0")
    low, high = profile.idle_power_w, 1.1 * row["power_limit"]
    if not (low <= p <= high):
        out.append(f"power {p:.1f} W outside [{low:.0f}, {high:.0f}] W "
                   f"(idle, 1.1 x the {row['power_limit']:.0f} W limit)")
    if not math.isclose(e, p * t / 1000.0, rel_tol=1e-6):
        out.append(f"energy {e:.6g} J != power x time {p * t / 1000.0:.6g} J")
    for key in ("coalescing_efficiency", "occupancy"):
        value = row.get(key)
        if value is None or not (0 < value <= 1 + EPS):
            out.append(f"{key} {value} outside (0, 1]")
    dram = row.get("dram_bytes")
    if dram is None or not math.isfinite(dram) or dram < 0:
        out.append(f"dram_bytes {dram} is not a finite count")
        return out
    floor = write * (1.0 - l2_found(profile, footprint))
    if dram < (1.0 - STORE_TOLERANCE) * floor:
        out.append(f"dram_bytes {dram / 1e6:.3f} MB < {floor / 1e6:.3f} MB the stores must write "
                   f"({write / 1e6:.3f} MB stored, {footprint / 1e6:.3f} MB touched, "
                   f"L2 {profile.l2_bytes / 1e6:.1f} MB)")
    ceiling = DRAM_MULTIPLE * (read + write) + DRAM_SLACK_BYTES
    if not case.dram_note and dram > ceiling:
        out.append(f"dram_bytes {dram / 1e6:.3f} MB > {ceiling / 1e6:.3f} MB = {DRAM_MULTIPLE:g} x (read once "
                   f"{read / 1e6:.3f} + written {write / 1e6:.3f} MB) + 64 KiB")
    return out


def _plain(value):
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def predict_case(case: RobustCase, gpu: str) -> dict:
    """Predict every configuration of `case` on `gpu` (its default power limit). Returns the rows, the
    configurations dropped (with the reason; those the restrictions exclude are left out), the analysis
    notes, the summed wall time of the predict calls, warnings, anything flipflop printed, and the error
    (type: message) and traceback if a call raised."""
    record: dict = {"rows": [], "dropped": [], "notes": [], "warnings": [], "printed": [], "wall_s": 0.0,
                    "calls": 0, "error": None}
    arguments = case.arguments()
    cmem = case.cmem_args() if case.cmem_args is not None else None
    for tune, args in predict_calls(case, arguments):
        out, err = io.StringIO(), io.StringIO()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            started = time.perf_counter()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    results = flipflop.predict(case.kernel_name, str(case.source_path), case.problem_size, args, tune,
                                               gpu=gpu, restrictions=case.restrictions or None,
                                               grid_div_x=case.grid_div_x, grid_div_y=case.grid_div_y,
                                               smem_args=case.smem_args, cmem_args=cmem)
            except Exception as error:  # noqa: BLE001 - recorded and reported, never fixed here
                results = None
                record["error"] = f"{type(error).__name__}: {error}"
                record["traceback"] = traceback.format_exc()
            record["wall_s"] += time.perf_counter() - started
        record["calls"] += 1
        record["warnings"] += [f"{w.category.__name__}: {w.message}" for w in caught]
        record["printed"] += [b.getvalue().strip() for b in (out, err) if b.getvalue().strip()]
        if results is None:
            break
        record["rows"] += [_plain(dict(row)) for row in results]
        record["dropped"] += [f"{_plain(params)}: {reason}" for params, reason in results.dropped
                              if "excluded by restrictions" not in str(reason)]
        record["notes"] += [n for n in results.metadata.get("analysis_notes", []) if n not in record["notes"]]
    return record


def check_case(case: RobustCase, record: dict, profile: GpuProfile) -> list[str]:
    """Every violation of the case's rows, as "{configuration}: what"."""
    return [f"{ {k: row[k] for k in case.tune_params} }: {v}" for row in record["rows"]
            for v in row_violations(case, row, profile)]


def flipflop_version() -> str:
    """The commit flipflop was imported from, and whether flipflop/ differs from it (another engineer's
    edits in progress change the numbers)."""
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)
    head = git("rev-parse", "--short=10", "HEAD")
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    dirty = git("diff", "--quiet", "HEAD", "--", "flipflop").returncode != 0
    return head.stdout.strip() + (" with uncommitted changes under flipflop/" if dirty else "")


def _config(case: RobustCase, row: dict) -> str:
    return "x".join(str(row[k]) for k in case.tune_params)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gpu", default="h200-sxm", help="flipflop GPU profile (default h200-sxm)")
    parser.add_argument("--cases", default="", help="comma-separated short names (default: all 137)")
    parser.add_argument("--small", action="store_true", help="the tiny sizes the tests use")
    parser.add_argument("--warm", action="store_true", help="use the PTX cache as it is (default: a fresh one)")
    parser.add_argument("--out", type=Path, help="JSON path (the .txt report goes beside it)")
    args = parser.parse_args(argv)

    profile = load_profile(args.gpu)
    cases = robust_cases(small=args.small)
    wanted = [c for c in args.cases.split(",") if c]
    unknown = sorted(set(wanted) - {short_name(c) for c in cases})
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(short_name(c) for c in cases)}")
    cases = [c for c in cases if not wanted or short_name(c) in wanted]
    out = args.out
    if out is None and not wanted and not args.small:
        out = RESULTS / f"robustness_{profile.name.split('-')[0]}.json"
    command = " ".join(["python benchmarks/robustness.py", *(sys.argv[1:] if argv is None else argv)])
    cache, cache_before = None, os.environ.get("FLIPFLOP_CACHE_DIR")
    if not args.warm:
        cache = tempfile.TemporaryDirectory(prefix="flipflop-robustness-")
        os.environ["FLIPFLOP_CACHE_DIR"] = cache.name

    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    say(f"flipflop robustness: {len(cases)} third-party kernels, profile {profile.name}, {date}, "
        f"{'warm' if args.warm else 'fresh'} PTX cache, {platform.node() or 'this machine'} ({os.cpu_count()} CPUs)")
    version = flipflop_version()
    say(f"command: {command}   (flipflop {version})")
    say()
    header = (f"{'case':40s} {'from':12s} {'configs':>7s} {'dropped':>7s} {'wall s':>7s} {'notes':>5s} "
              f"{'viol.':>5s}  status")
    say(header)
    say("-" * len(header))
    report = []
    for case in cases:
        record = predict_case(case, args.gpu)
        violations = check_case(case, record, profile)
        status = "ERROR" if record["error"] else "VIOLATIONS" if violations else "ok"
        say(f"{case.name:40s} {case.upstream:12s} {len(record['rows']):7d} {len(record['dropped']):7d} "
            f"{record['wall_s']:7.2f} {len(record['notes']):5d} {len(violations):5d}  {status}")
        report.append((case, record, violations))

    say()
    say("Details (errors, violations, dropped configurations, analysis notes, warnings, printed output):")
    for case, record, violations in report:
        if not (record["error"] or violations or record["dropped"] or record["notes"] or record["warnings"]
                or record["printed"]):
            continue
        say(f"== {case.name}")
        if record["error"]:
            say(f"   ERROR: {record['error']}")
        for v in violations:
            say(f"   VIOLATION {v}")
        for d in record["dropped"]:
            say(f"   DROPPED {d}")
        for n in record["notes"]:
            say(f"   NOTE {n}")
        for w in record["warnings"]:
            say(f"   WARNING {w}")
        for p in record["printed"]:
            say(f"   PRINTED {p[:400]}")
        if case.dram_note and record["rows"]:
            say(f"   (DRAM upper bound not checked: {case.dram_note})")

    walls = [record["wall_s"] for _, record, _ in report]
    slowest = max(report, key=lambda item: item[1]["wall_s"])[0] if report else None
    configs = sum(len(record["rows"]) for _, record, _ in report)
    dropped = sum(len(record["dropped"]) for _, record, _ in report)
    n_violations = sum(len(v) for _, _, v in report)
    errors = sum(1 for _, record, _ in report if record["error"])
    summary = (f"SUMMARY {profile.name}: {len(report)} cases, {configs} configurations predicted ({dropped} dropped), "
               f"{n_violations} violations in {sum(1 for *_, v in report if v)} cases, {errors} errors; predict wall "
               f"time median {statistics.median(walls) if walls else 0:.2f} s, max {max(walls) if walls else 0:.2f} s"
               f"{f' ({short_name(slowest)})' if slowest else ''}")
    say()
    say(summary)

    if out is not None:
        payload = {
            "date": date, "gpu_profile": profile.name, "profile_status": profile.status, "command": command,
            "flipflop_commit": version, "ptx_cache": "warm (as found)" if args.warm else "fresh",
            "machine": platform.platform(),
            "cpus": os.cpu_count(), "sizes": "small" if args.small else "full",
            "invariants": {"power_w": [profile.idle_power_w, "1.1 x power_limit"], "energy_rel_tol": 1e-6,
                           "l2_bytes": profile.l2_bytes, "l2_resident_share": L2_RESIDENT_SHARE,
                           "store_tolerance": STORE_TOLERANCE, "dram_multiple": DRAM_MULTIPLE,
                           "dram_slack_bytes": DRAM_SLACK_BYTES},
            "summary": summary,
            "cases": [{
                "name": case.name, "kernel": case.kernel_name, "source": str(case.source_path.relative_to(ROOT)),
                "upstream": case.upstream, "problem_size": _plain(list(case.problem_size)),
                "configurations": len(configurations(case)), "predicted": len(record["rows"]),
                "dropped": record["dropped"], "calls": record["calls"], "wall_s": round(record["wall_s"], 3),
                "error": record["error"], "violations": violations, "analysis_notes": record["notes"],
                "warnings": record["warnings"], "printed": record["printed"], "dram_note": case.dram_note,
                "bytes": [{"config": _config(case, row),
                           **dict(zip(("write", "read", "footprint"),
                                      case.bytes_at({k: row[k] for k in case.tune_params})))}
                          for row in record["rows"]],
                "rows": [{k: v for k, v in row.items() if isinstance(v, (int, float, str, bool)) or v is None}
                         for row in record["rows"]],
            } for case, record, violations in report],
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(payload, indent=1) + "\n")
        out.with_suffix(".txt").write_text("\n".join(lines) + "\n")
        print(f"wrote {out} and {out.with_suffix('.txt')}")
    if cache is not None:
        os.environ.pop("FLIPFLOP_CACHE_DIR")
        if cache_before is not None:
            os.environ["FLIPFLOP_CACHE_DIR"] = cache_before
        cache.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
