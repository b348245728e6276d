"""Prediction accuracy on the third-party corpus (issue 10), beside each case's noise ceiling.

Ground truth: the H200 corpus runs (benchmarks/data/h200/corpus_run*.jsonl; RUNS.md says how each
was taken). Pass 0 is the reference; where pass 1 measured the same configurations, the two passes
give the case's noise ceiling (energy ρ, time ρ, regret of pass 0's pick judged by pass 1, median
|ΔE|). Predictions: flipflop.predict, the public API, at the profile's default power limit, for
every configuration that was measured. The development two-thirds and the held-out third (fixed by
name hash before anything was measured: benchmarks/kernels/corpus.corpus_split) are reported
separately; only the development figures may be used to choose or fit anything. The H100's runs
(benchmarks/data/h100: the held-out third, run 28) are read with --data and --gpu h100-sxm.

    python benchmarks/corpus_accuracy.py [--gpu h200-sxm] [--data DIR] [--split dev|heldout|all] [--only NAME,...]
        [--out benchmarks/results/corpus_accuracy_h200.json] [--markdown docs/accuracy-corpus.md]
    python benchmarks/corpus_accuracy.py --data benchmarks/data/h100 --gpu h100-sxm \
        --out benchmarks/results/corpus_accuracy_h100.json --markdown docs/accuracy-corpus-h100.md
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flipflop  # noqa: E402
from benchmarks.kernels.corpus.all import corpus_kernels, kernel_split  # noqa: E402
from flipflop.errors import FlipflopError  # noqa: E402
from flipflop.hardware.profile import load_profile  # noqa: E402
from flipflop.report.metrics import regret, spearman, top_k_overlap  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "h200"
LAUNCH_FAILED = ("launch failed", "compile failed")


def load_passes(data_dir: Path) -> tuple[dict[int, dict[str, dict[tuple, dict]]], list[dict], dict[str, set]]:
    """Measured rows by pass, case and configuration (block x, y, z); the run headers; and the
    configurations each case failed to launch. A configuration measured again in a later file
    (run 15 re-measured run 14's cut cases) takes the later row."""
    passes: dict[int, dict[str, dict[tuple, dict]]] = {}
    headers: list[dict] = []
    failed: dict[str, set] = {}
    for path in sorted(data_dir.glob("corpus_run*.jsonl")):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if record.get("header") == "run":
                headers.append({"file": path.name, **{k: record.get(k) for k in (
                    "gpu", "driver", "date", "power_limit_w", "max_sm_clock_mhz", "command")}})
            if "case" not in record or "header" in record or "block" not in record:
                continue
            key = tuple(record["block"])
            status = record.get("status", "")
            if status == "ok":
                passes.setdefault(record.get("pass", 0), {}).setdefault(record["case"], {})[key] = record
            elif status.startswith(LAUNCH_FAILED):
                failed.setdefault(record["case"], set()).add(key)
    return passes, headers, failed


def noise_ceiling(first: dict[tuple, dict], second: dict[tuple, dict]) -> dict | None:
    keys = [k for k in first if k in second]
    if len(keys) < 3:
        return None
    e1, e2 = (np.array([p[k]["measured_energy"] for k in keys]) for p in (first, second))
    t1, t2 = (np.array([p[k]["measured_time"] for k in keys]) for p in (first, second))
    return {"configs": len(keys), "rho_energy": spearman(e1, e2), "rho_time": spearman(t1, t2),
            "regret_energy": regret(e1, e2), "median_abs_energy_diff": float(np.median(np.abs(e1 / e2 - 1)))}


def two_pass_regret(predicted: dict[tuple, float], first: dict[tuple, dict], second: dict[tuple, dict]) -> float | None:
    """Energy regret of the predicted pick judged by the geometric mean of both passes' measured
    energies, over the configurations predicted and measured twice (None: fewer than 3)."""
    keys = [k for k in predicted if k in first and k in second]
    if len(keys) < 3:
        return None
    return regret(np.array([predicted[k] for k in keys]), np.array(
        [math.sqrt(first[k]["measured_energy"] * second[k]["measured_energy"]) for k in keys]))


def _block(row: dict) -> tuple:
    return (int(row.get("block_size_x", 1)), int(row.get("block_size_y", 1)), int(row.get("block_size_z", 1)))


def evaluate(kernel, measured: dict[tuple, dict], failed: set, gpu: str, second: dict[tuple, dict] | None = None) -> dict:
    """Prediction figures of one case against its measured configurations (pass 0); with the
    second pass, also the regret against the two passes' geometric mean, a less noisy truth."""
    case = kernel.case
    predicted = flipflop.predict(
        case.kernel_name, str(case.source_path), case.problem_size, case.arguments(), case.tune_params,
        gpu=gpu, restrictions=case.restrictions or None, grid_div_x=case.grid_div_x, grid_div_y=case.grid_div_y,
        smem_args=case.smem_args)
    # Block sizes named other than block_size_x/y are read from the launch the result records.
    by_block = {tuple(r["block"]) if "block" in r else _block(r): r for r in predicted}
    pairs = [(by_block[k], m) for k, m in measured.items() if k in by_block]
    row = {"case": case.name, "split": kernel_split(kernel), "configs": len(pairs),
           "unlaunchable_predicted": sorted(k for k in failed if k in by_block)}
    if len(pairs) < 3:
        return row
    pe, me = np.array([p["energy"] for p, _ in pairs]), np.array([m["measured_energy"] for _, m in pairs])
    pt, mt = np.array([p["time"] for p, _ in pairs]), np.array([m["measured_time"] for _, m in pairs])
    pp, mp = np.array([p["power"] for p, _ in pairs]), np.array([m["measured_power"] for _, m in pairs])
    best = pairs[int(np.argmin(pe))][1]
    judged = two_pass_regret({k: by_block[k]["energy"] for k in measured if k in by_block}, measured, second or {})
    if judged is not None:
        row["regret_energy_two_pass"] = judged
    return {**row, "rho_energy": spearman(pe, me), "rho_time": spearman(pt, mt), "rho_power": spearman(pp, mp),
            "regret_energy": regret(pe, me), "regret_time": regret(pt, mt), "top5_energy": top_k_overlap(pe, me, 5),
            "time_ratio_median": float(np.median(pt / mt)), "power_ratio_median": float(np.median(pp / mp)),
            "median_abs_energy_error": float(np.median(np.abs(pe / me - 1))),
            "predicted_best": list(best["block"]),
            "measured_best": list(pairs[int(np.argmin(me))][1]["block"])}


def summarise(rows: list[dict]) -> dict:
    ok = [r for r in rows if "rho_energy" in r]

    def median(key: str, source: list[dict]) -> float:
        values = [r[key] for r in source if r.get(key) is not None and not math.isnan(r[key])]
        return float(np.median(values)) if values else math.nan

    regrets = [r["regret_energy"] for r in ok]
    two_pass = [r["regret_energy_two_pass"] for r in ok if "regret_energy_two_pass" in r]
    ceilings = [r["ceiling"] for r in ok if r.get("ceiling")]
    with_ceiling = [r for r in ok if r.get("ceiling")]
    return {
        "cases": len(ok), "configs": sum(r["configs"] for r in ok),
        "median_rho_energy": median("rho_energy", ok), "median_rho_time": median("rho_time", ok),
        "median_rho_power": median("rho_power", ok),
        "geomean_regret_energy": float(np.exp(np.mean(np.log(regrets)))) if regrets else math.nan,
        "worst_regret_energy": max(regrets) if regrets else math.nan,
        "median_abs_energy_error": median("median_abs_energy_error", ok),
        "unlaunchable_predicted": sum(len(r["unlaunchable_predicted"]) for r in rows),
        # The same pick judged by the geometric mean of both passes, over the cases with both.
        "two_pass": {"cases": len(two_pass),
                     "geomean_regret_energy": float(np.exp(np.mean(np.log(two_pass)))) if two_pass else math.nan},
        "ceiling": {
            "cases": len(ceilings),
            "median_rho_energy": median("rho_energy", ceilings), "median_rho_time": median("rho_time", ceilings),
            "geomean_regret_energy": float(np.exp(np.mean(np.log([c["regret_energy"] for c in ceilings]))))
            if ceilings else math.nan,
            "median_abs_energy_diff": median("median_abs_energy_diff", ceilings),
            "prediction_on_these_cases": {
                "median_rho_energy": median("rho_energy", with_ceiling),
                "median_rho_time": median("rho_time", with_ceiling)},
        },
    }


def print_table(label: str, rows: list[dict], summary: dict) -> None:
    print(f"\n{label}")
    print(f"{'case':58s} {'n':>3s} {'ρE':>5s} {'ceil':>5s} {'ρT':>5s} {'ceil':>5s} {'regret':>6s} {'ceil':>6s} "
          f"{'|Eerr|':>6s} {'T p/m':>5s} {'P p/m':>5s}")
    fmt = lambda v, w=5, d=2: f"{v:{w}.{d}f}" if isinstance(v, float) and not math.isnan(v) else f"{'-':>{w}s}"  # noqa: E731
    for r in rows:
        if "rho_energy" not in r:
            print(f"{r['case']:58s} {r.get('error', 'fewer than 3 measured configurations')}")
            continue
        c = r.get("ceiling") or {}
        print(f"{r['case']:58s} {r['configs']:3d} {fmt(r['rho_energy'])} {fmt(c.get('rho_energy'))} "
              f"{fmt(r['rho_time'])} {fmt(c.get('rho_time'))} {fmt(r['regret_energy'], 6, 3)} "
              f"{fmt(c.get('regret_energy'), 6, 3)} {fmt(r['median_abs_energy_error'], 6, 2)} "
              f"{fmt(r['time_ratio_median'])} {fmt(r['power_ratio_median'])}")
    s, c = summary, summary["ceiling"]
    print(f"median ρE {s['median_rho_energy']:.3f} (ceiling {c['median_rho_energy']:.3f} over {c['cases']} cases), "
          f"ρT {s['median_rho_time']:.3f} (ceiling {c['median_rho_time']:.3f}), ρP {s['median_rho_power']:.3f}; "
          f"regret geo-mean {s['geomean_regret_energy']:.3f} (ceiling {c['geomean_regret_energy']:.3f}), "
          f"worst {s['worst_regret_energy']:.3f}; median |E err| {s['median_abs_energy_error']:.3f}; "
          f"unlaunchable predicted {s['unlaunchable_predicted']}")
    if s["two_pass"]["cases"]:
        print(f"regret geo-mean against the two passes' mean energy: {s['two_pass']['geomean_regret_energy']:.3f} "
              f"over {s['two_pass']['cases']} cases")


def markdown(sets: dict[str, dict], headers: list[dict], profile: str, status: str, command: str,
             data_dir: Path = DATA) -> str:
    """docs/accuracy-corpus.md: each split's summary and per-case table, every figure beside its ceiling
    (and, for the H200's data, the hardware counters against the analysis)."""
    fmt = lambda v, d=2: f"{v:.{d}f}" if isinstance(v, float) and not math.isnan(v) else "–"  # noqa: E731
    gpus = sorted({f"{h['gpu']} (driver {h['driver']}, {h['power_limit_w']} W limit, max SM clock "
                   f"{h['max_sm_clock_mhz']} MHz)" for h in headers})
    dates = sorted(h["date"][:16].replace("T", " ") for h in headers)
    files = ", ".join(sorted({h["file"] for h in headers}))
    runs = data_dir.resolve().relative_to(ROOT) / "RUNS.md" if data_dir.resolve().is_relative_to(ROOT) else data_dir / "RUNS.md"
    lines = [
        f"# Accuracy on the third-party corpus ({', '.join(sorted({h['gpu'].replace('NVIDIA ', '') for h in headers}))})",
        "",
        f"Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `{command}`.",
        f"Ground truth: {'; '.join(gpus)}, measured {dates[0]} – {dates[-1]} UTC "
        f"(`{runs}`; {files}). Predictions: profile "
        f"`{profile}` ({status}), default power limit, public API, every measured configuration.",
        "",
        "Kernels: HeCBench, NVIDIA cuda-samples and Rodinia, bodies verbatim (`benchmarks/kernels/corpus/`),",
        "each checked against a numpy reference before it was measured. The split into a development",
        "two-thirds and a held-out third was fixed by a hash of the name before anything was measured; only",
        "the development split (with the H100 development suite) was used to fit the model",
        "(`benchmarks/fit_corpus_dev.py`, `benchmarks/fit_dram_write.py`). Ceiling = the same figure between two measurement passes",
        "(pass 1 repeats the sweep minutes later); regret ceiling = pass 0's own pick judged by pass 1;",
        "|ΔE| = median per-configuration energy difference between the passes.",
    ]
    for split, title in (("heldout", "Held-out third"), ("dev", "Development two-thirds")):
        if split not in sets:
            continue
        s, c = sets[split]["summary"], sets[split]["summary"]["ceiling"]
        lines += [
            "", f"## {title}", "",
            f"**{s['cases']} cases, {s['configs']} configurations: median ρ energy {fmt(s['median_rho_energy'], 3)} "
            f"(ceiling {fmt(c['median_rho_energy'], 3)}), median ρ time {fmt(s['median_rho_time'], 3)} "
            f"(ceiling {fmt(c['median_rho_time'], 3)}), geometric-mean energy regret "
            f"{fmt(s['geomean_regret_energy'], 3)} (ceiling {fmt(c['geomean_regret_energy'], 3)}), worst "
            f"{fmt(s['worst_regret_energy'], 3)}, median absolute energy error "
            f"{fmt(100 * s['median_abs_energy_error'], 1)} % (pass-to-pass {fmt(100 * c['median_abs_energy_diff'], 1)} %), "
            f"{s['unlaunchable_predicted']} unlaunchable configurations predicted.** " + (
                f"Judged by the geometric mean of both passes' energies (less noisy than pass 0 alone), the same "
                f"picks' regret is {fmt(s['two_pass']['geomean_regret_energy'], 3)} over the "
                f"{s['two_pass']['cases']} cases with both. " if s["two_pass"]["cases"] else "") + (
                f"Ceilings over the {c['cases']} cases with a second pass (the prediction on those: ρE "
                f"{fmt(c['prediction_on_these_cases']['median_rho_energy'], 3)}, ρT "
                f"{fmt(c['prediction_on_these_cases']['median_rho_time'], 3)})." if c["cases"] else
                f"No case of this split has a second pass yet, so no ceiling (`{runs}`)."),
            "",
            "| case | shapes | ρ E (ceiling) | ρ T (ceiling) | regret (ceiling) | abs E err (pass Δ) | T pred/meas | P pred/meas |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in sets[split]["cases"]:
            if "rho_energy" not in r:
                lines.append(f"| {r['case']} | {r.get('configs', 0)} | {r.get('error', 'fewer than 3 measured')} ||||||")
                continue
            n = r.get("ceiling") or {}
            lines.append(
                f"| {r['case']} | {r['configs']} | {fmt(r['rho_energy'])} ({fmt(n.get('rho_energy'))}) | "
                f"{fmt(r['rho_time'])} ({fmt(n.get('rho_time'))}) | {fmt(r['regret_energy'], 3)} "
                f"({fmt(n.get('regret_energy'), 3)}) | {fmt(100 * r['median_abs_energy_error'], 0)} % "
                f"({fmt(100 * n['median_abs_energy_diff'], 1) + ' %' if n else '–'}) | {fmt(r['time_ratio_median'])} | "
                f"{fmt(r['power_ratio_median'])} |")
    counters_path = ROOT / "benchmarks" / "results" / "counters.json"
    if counters_path.exists() and data_dir.resolve() == DATA.resolve():
        counted = json.loads(counters_path.read_text())
        lines += ["", "## Hardware counters against the analysis", "",
                  f"`python benchmarks/counters.py`: {counted['analysed']} launches profiled under Nsight Compute "
                  "(`--clock-control none --cache-control none`, after a warm-up launch) against what the analysis "
                  "and the traffic model predict for the same launch (`benchmarks/results/counters.json`; per kernel "
                  "and worst offenders in `counters.txt`). Counters check the analysis; they never enter a prediction. "
                  "Each launch is predicted with the profile of the GPU it ran on: "
                  + ", ".join(f"{g['launches']} on `{name}`" for name, g in counted.get("per_gpu", {}).items())
                  + " (the H100 launches are runs 18, 22 and 23, which landed on an H100; counts of sectors and "
                  "instructions do not depend on which of the two sm_90 GPUs ran them, DRAM bytes barely do).",
                  "", "| quantity | median relative error | target | launches | "
                  + " | ".join(f"`{name}`" for name in counted.get("per_gpu", {})) + " |",
                  "|---|---|---|---|" + "---|" * len(counted.get("per_gpu", {}))]
        for name, q in counted["per_quantity"].items():
            target = f"≤ {100 * q['target']:.0f} %" if q["target"] is not None else "–"
            verdict = {True: " (met)", False: " (missed)"}.get(q["meets_target"], "")
            per_gpu = " | ".join(f"{fmt(100 * g[name], 1)} %" if g.get(name) is not None else "–"
                                 for g in counted.get("per_gpu", {}).values())
            lines.append(f"| {name} | {fmt(100 * q['median'], 1)} % | {target}{verdict} | {q['launches']} | {per_gpu} |")
        lines += ["", "L2 totals (`lts__t_sectors`) count a sector homed in the far L2 partition twice (the near "
                  "partition, then its home across the fabric): 1.5 lookups per sector the SMs send, as the counters "
                  "show themselves (`L2_LOOKUPS_PER_SECTOR` in `benchmarks/counters.py`); `l2_sectors_from_sm` is "
                  "the model's own figure."]
        unseen_path = ROOT / "benchmarks" / "results" / "counters_unseen_h100.json"
        if unseen_path.exists():
            unseen = json.loads(unseen_path.read_text())["per_quantity"]
            lines += ["", f"On both unseen sets (run 34, H100, {unseen['dram_bytes']['launches']} launches, "
                      "`benchmarks/results/counters_unseen_h100.txt`): "
                      + ", ".join(f"{label} {fmt(100 * unseen[name]['median'], 1)} %" for name, label in (
                          ("ld_sectors_per_request", "sectors per request"), ("l2_sectors", "L2 sectors"),
                          ("dram_bytes", "DRAM bytes"), ("instructions", "instructions")))
                      + " median error (DRAM writes "
                      + f"{fmt(100 * unseen['dram_write_bytes']['median'], 1)} %: outputs that fit in L2 are "
                      "written back anyway in part, which the model does not charge)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gpu", default="h200-sxm")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--split", default="all", choices=("dev", "heldout", "all"))
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "corpus_accuracy_h200.json")
    parser.add_argument("--markdown", type=Path, default=ROOT / "docs" / "accuracy-corpus.md")
    args = parser.parse_args(argv)
    passes, headers, failed = load_passes(args.data)
    wanted = set(filter(None, args.only.split(",")))
    started = time.perf_counter()
    sets: dict[str, dict] = {}
    for split in (("dev", "heldout") if args.split == "all" else (args.split,)):
        rows = []
        for kernel in corpus_kernels(split):
            name = kernel.case.name
            if name not in passes.get(0, {}) or (wanted and name not in wanted):
                continue
            try:
                row = evaluate(kernel, passes[0][name], failed.get(name, set()), args.gpu,
                               passes.get(1, {}).get(name))
            except FlipflopError as error:
                row = {"case": name, "split": split, "error": str(error), "unlaunchable_predicted": []}
            row["ceiling"] = noise_ceiling(passes[0][name], passes.get(1, {}).get(name, {}))
            rows.append(row)
        if not rows:
            continue  # e.g. the H100's development split: a second pass only (run 18), no first
        sets[split] = {"summary": summarise(rows), "cases": rows}
        print_table({"dev": "development two-thirds", "heldout": "held-out third"}[split], rows, sets[split]["summary"])
    print(f"({time.perf_counter() - started:.0f} s)")
    profile = load_profile(args.gpu)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    command = " ".join(["python", "benchmarks/corpus_accuracy.py", *sys.argv[1:]])
    args.out.write_text(json.dumps({
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "gpu_profile": args.gpu,
        "profile_status": profile.status, "command": command, "ground_truth": headers, **sets}, indent=1, default=str))
    if args.split == "all" and not wanted:
        args.markdown.write_text(markdown(sets, headers, args.gpu, profile.status, command, args.data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
