"""Prediction accuracy on an unseen set (benchmarks/kernels/unseen.py, unseen2.py), beside each case's noise ceiling.

For every unseen case with measured rows in --data (the per-case JSONL files, or one file, that
benchmarks/ground_truth/unseen_collect.py writes; pass 0, status ok): predict with flipflop's public
API at the profile's default power limit (with the case's smem_args, restrictions and grid
divisors), then compare with the measurements on the configurations both have, as
benchmarks/accuracy.py does for the held-out sets (same figures, same table). Where pass 1 was
measured too, the pass-to-pass figures (noise_ceiling.py's) are the ceiling beside them. The output
check (unseen_check.jsonl, when present) is reported per case: a case whose outputs failed its
reference is flagged, not dropped.

    python benchmarks/unseen_accuracy.py --data OUT/unseen_run31_h100 --gpu h100-sxm \
        [--out benchmarks/results/accuracy_unseen_h100.json] [--markdown benchmarks/results/accuracy_unseen_h100.md]
    python benchmarks/unseen_accuracy.py --set unseen2 --data OUT/unseen2_run33_h100 --gpu h100-sxm ...

--set picks the set (default: unseen, the first): its cases (UNSEEN_CASES or UNSEEN2_CASES) are the
ones read from --data and evaluated, and the markdown title names it with its kernel count.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import evaluate_case, print_table, summarise  # noqa: E402
from benchmarks.corpus_accuracy import noise_ceiling  # noqa: E402
from benchmarks.ground_truth.collect import launchable_robust_cases  # noqa: E402
from benchmarks.kernels.unseen import UNSEEN_CASES  # noqa: E402
from benchmarks.kernels.unseen2 import UNSEEN2_CASES  # noqa: E402
from flipflop.errors import FlipflopError  # noqa: E402
from flipflop.hardware.profile import load_profile  # noqa: E402

CHECK_FILE = "unseen_check.jsonl"
# Each set: its cases and the title's words (its kernel count: distinct kernel files and names).
ROBUST_CASES = launchable_robust_cases()
SETS = {"unseen": (UNSEEN_CASES, "the unseen set (13 third-party kernels)"),
        "unseen2": (UNSEEN2_CASES, f"the second unseen set ({len(UNSEEN2_CASES)} third-party kernels)"),
        "robust": (ROBUST_CASES, f"the robustness set's launchable kernels ({len(ROBUST_CASES)} third-party kernels, "
                                 "no output check)")}
# What each set exposed that changed the model after its first look (RUNS.md names the run).
SINCE = {"unseen": "atomics' cost over a span of addresses, hot bins, float arithmetic to indices; "
                   "`benchmarks/data/h100/RUNS.md`, run 31",
         "unseen2": "signed halving counters, data-dependent breaks, pointers selected between two offsets of "
                    "one array, loads at unfollowed addresses bounded by their array; `benchmarks/data/h100/"
                    "RUNS.md`, runs 33 and 34",
         "robust": "atomics over tables larger than L2 and their adding up (linearprobing), unfollowed addresses "
                   "behind a mask of few values (haversine's sin/cos coefficients), calls to device functions "
                   "(vanGenuchten's fp64 pow); `benchmarks/data/h100/RUNS.md`, runs 39, 41 and 43"}


def load_measurements(data: Path, cases: list | None = None
                      ) -> tuple[dict[str, dict[int, list[dict]]], dict[str, dict], dict[str, bool]]:
    """Rows by case and pass (status ok), each file's run header, and each case's output check
    (cases: the set's, the first unseen set's by default)."""
    files = [data] if data.is_file() else sorted(data.rglob("*.jsonl"))
    rows: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    headers: dict[str, dict] = {}
    checks: dict[str, bool] = {}
    names = {c.name for c in (UNSEEN_CASES if cases is None else cases)}
    for path in files:
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            if "check" in record:
                checks[record["check"]] = bool(record.get("passed"))
            elif record.get("header") in ("run", "case") and "gpu" in record:
                headers[path.name] = record
            elif record.get("case") in names and record.get("status") == "ok":
                rows[record["case"]][record.get("pass", 0)].append(record)
    return {name: {index: _latest(found) for index, found in passes.items()} for name, passes in rows.items()}, headers, checks


def _latest(rows: list[dict]) -> list[dict]:
    """One row a configuration, the last measured (a case cut short in one call is measured whole in
    the next, unseen_collect --resume)."""
    measured = ("status", "energy_edges", "clock_event_reasons", "sm_clock_mhz", "temperature_c", "power_window_s",
                "window_launches")
    by_config = {json.dumps({k: v for k, v in row.items() if not k.startswith("measured_") and k not in measured},
                            sort_keys=True): row for row in rows}
    return list(by_config.values())


def ceiling(case, first: list[dict], second: list[dict]) -> dict | None:
    """Pass 0 against pass 1 on the configurations both have (corpus_accuracy.noise_ceiling)."""
    names = list(case.tune_params)
    return noise_ceiling(*({tuple(r[n] for n in names): r for r in rows} for rows in (first, second)))


def ceiling_summary(results: list[dict]) -> dict:
    """Medians of the pass-to-pass ceilings and of the absolute energy errors, over the cases."""
    ceilings = [r["ceiling"] for r in results if r.get("ceiling") and "rho_energy" in r]
    errors = [r["median_abs_energy_error"] for r in results if "median_abs_energy_error" in r]
    if not ceilings:
        return {}
    return {"ceiling_median_rho_energy": float(np.median([c["rho_energy"] for c in ceilings])),
            "ceiling_median_rho_time": float(np.median([c["rho_time"] for c in ceilings])),
            "ceiling_geomean_regret_energy": float(np.exp(np.mean([np.log(c["regret_energy"]) for c in ceilings]))),
            "median_abs_energy_error": float(np.median(errors)) if errors else float("nan")}


def _f(value, digits=2) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def markdown(results: list[dict], summary: dict, profile: str, headers: dict, command: str,
             first_look: dict | None = None, title: str = SETS["unseen"][1], since: str = SINCE["unseen"]) -> str:
    runs: dict[str, list[str]] = {}
    for h in headers.values():
        runs.setdefault(f"{h.get('gpu')} (driver {h.get('driver')}, {h.get('power_limit_w')} W limit", []).append(
            str(h.get("date")))
    gpus = [f"{gpu}, {min(dates)} to {max(dates)})" for gpu, dates in sorted(runs.items())]
    lines = [f"# Accuracy on {title}, profile `{profile}`", "",
             f"Measured on: {'; '.join(gpus) or 'unknown'}. Ceiling: pass 0 against pass 1 of the same run.", "",
             "| case | n | ρ E (ceiling) | ρ T (ceiling) | regret E (ceiling) | top-5 | T pred/meas | P pred/meas "
             "| output check |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        c = r.get("ceiling") or {}
        if "rho_energy" not in r:
            lines.append(f"| {r['case']} | {r.get('configs', 0)} | {r.get('error', 'too few configurations')} "
                         "| | | | | | |")
            continue
        lines.append(f"| {r['case']} | {r['configs']} | {_f(r['rho_energy'])} ({_f(c.get('rho_energy'))}) | "
                     f"{_f(r['rho_time'])} ({_f(c.get('rho_time'))}) | {_f(r['regret_energy'], 3)} "
                     f"({_f(c.get('regret_energy'), 3)}) | {_f(r['top5_energy'])} | {_f(r['time_ratio_median'])} | "
                     f"{_f(r['power_ratio_median'])} | {r.get('output_check', '–')} |")
    lines += ["", f"Median ρ energy {_f(summary['median_rho_energy'], 3)} (ceiling "
              f"{_f(summary.get('ceiling_median_rho_energy'), 3)}), time {_f(summary['median_rho_time'], 3)} (ceiling "
              f"{_f(summary.get('ceiling_median_rho_time'), 3)}), power {_f(summary['median_rho_power'], 3)}; "
              f"geometric-mean energy regret {_f(summary['geomean_regret_energy'], 3)} (ceiling "
              f"{_f(summary.get('ceiling_geomean_regret_energy'), 3)}); median absolute energy error "
              f"{_f(100 * summary.get('median_abs_energy_error', float('nan')), 1)} %; mean top-5 "
              f"{_f(summary['mean_top5_energy'])} ({summary['cases']} cases).", "",
              f"Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `{command}`.", ""]
    if first_look:
        f = first_look["summary"]
        lines += [f"First look, right after the set was measured and before anything it showed changed the model "
                  f"({first_look['date']}): median ρ energy {_f(f['median_rho_energy'], 3)}, time "
                  f"{_f(f['median_rho_time'], 3)}, power {_f(f['median_rho_power'], 3)}; geometric-mean energy regret "
                  f"{_f(f['geomean_regret_energy'], 3)} ({f['cases']} cases). Since then the model has followed what these kernels "
                  f"exposed ({since}), so they are no longer unseen in the strict sense.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="unseen_collect.py's output folder (or one JSONL)")
    parser.add_argument("--set", default="unseen", choices=sorted(SETS), help="which unseen set (default: unseen)")
    parser.add_argument("--gpu", default="h100-sxm", help="profile to predict with (h100-sxm, h200-sxm, ...)")
    parser.add_argument("--cases", default="", help="comma-separated case names (default: all measured)")
    parser.add_argument("--out", type=Path, default=None, help="JSON with every figure")
    parser.add_argument("--markdown", type=Path, default=None, help="markdown table")
    parser.add_argument("--first-look", type=Path, default=None,
                        help="an earlier --out JSON whose summary the markdown quotes as the first look")
    args = parser.parse_args(argv)

    cases, title = SETS[args.set]
    rows, headers, checks = load_measurements(args.data, cases)
    wanted = set(filter(None, args.cases.split(",")))
    started = time.perf_counter()
    results = []
    for case in cases:
        if case.name not in rows or (wanted and case.name not in wanted):
            continue
        passes = rows[case.name]
        try:
            result = evaluate_case(case, passes.get(0, []), args.gpu)
        except FlipflopError as exc:
            result = {"case": case.name, "family": case.family, "error": str(exc).splitlines()[0]}
        result["ceiling"] = ceiling(case, passes.get(0, []), passes.get(1, []))
        result["output_check"] = {True: "pass", False: "FAIL"}.get(checks.get(case.name), "not run")
        results.append(result)
    summary = summarise(results)
    summary.update(ceiling_summary(results))
    print_table({"unseen": "unseen set", "unseen2": "second unseen set", "robust": "robustness set"}[args.set],
                results, summary)
    print(f"{'case':34s} {'ceil ρE':>7s} {'ceil ρT':>7s} {'ceil reg':>8s} {'|ΔE| p0/p1':>10s} {'check':>6s}")
    for r in results:
        c = r["ceiling"] or {}
        print(f"{r['case']:34s} {_f(c.get('rho_energy')):>7s} {_f(c.get('rho_time')):>7s} "
              f"{_f(c.get('regret_energy'), 3):>8s} {_f(c.get('median_abs_energy_diff'), 3):>10s} "
              f"{r['output_check']:>6s}")
    print(f"({time.perf_counter() - started:.1f} s)")
    profile = load_profile(args.gpu)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({
            "date": time.strftime("%Y-%m-%d"), "gpu_profile": args.gpu, "profile_status": profile.status,
            "data": str(args.data), "ground_truth": {n: {k: h.get(k) for k in ("gpu", "driver", "date", "power_limit_w")}
                                                     for n, h in headers.items()},
            "summary": summary, "cases": results}, indent=1, default=str))
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        command = " ".join(["python", "benchmarks/unseen_accuracy.py", *(argv if argv is not None else sys.argv[1:])])
        first_look = json.loads(args.first_look.read_text()) if args.first_look else None
        args.markdown.write_text(markdown(results, summary, profile.name, headers, command, first_look, title,
                                          SINCE[args.set]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
