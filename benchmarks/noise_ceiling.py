"""Noise ceiling of a GPU's ground truth: two measurement passes of the same configurations.

For every case measured in both runs: Spearman ρ of energy and of time between the passes, the
regret of the first pass's energy-optimal shape judged by the second, and the median absolute
per-configuration energy difference. Beside it, from an accuracy JSON (benchmarks/accuracy.py),
each case's prediction figures and its median absolute energy error against the first pass.

    python benchmarks/noise_ceiling.py --first benchmarks/data/h200/gt_run12_h200.jsonl \
        --second benchmarks/data/h200/pass2/gt_run13_h200_pass2.jsonl \
        --accuracy benchmarks/results/accuracy_h200_heldout.json --gpu h200-sxm \
        --out benchmarks/results/noise_ceiling_h200.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flipflop.report.metrics import regret, spearman  # noqa: E402

PARAM_KEYS = ("block_size_x", "block_size_y", "block_size_z")


def _rows(path: Path) -> dict[str, dict[tuple, dict]]:
    rows: dict[str, dict[tuple, dict]] = {}
    for line in path.read_text().splitlines():
        r = json.loads(line)
        if "case" in r and r.get("status") == "ok":
            rows.setdefault(r["case"], {})[tuple(r.get(k) for k in PARAM_KEYS)] = r
    return rows


def ceiling(first: Path, second: Path) -> dict[str, dict]:
    """Pass-to-pass figures per case."""
    a, b = _rows(first), _rows(second)
    out = {}
    for case in sorted(set(a) & set(b)):
        keys = [k for k in a[case] if k in b[case]]
        if len(keys) < 3:
            continue
        e1 = np.array([a[case][k]["measured_energy"] for k in keys])
        e2 = np.array([b[case][k]["measured_energy"] for k in keys])
        t1 = np.array([a[case][k]["measured_time"] for k in keys])
        t2 = np.array([b[case][k]["measured_time"] for k in keys])
        out[case] = {"configs": len(keys), "rho_energy": spearman(e1, e2), "rho_time": spearman(t1, t2),
                     "regret_energy": regret(e1, e2),
                     "median_abs_energy_diff": float(np.median(np.abs(e1 / e2 - 1)))}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=Path, required=True)
    parser.add_argument("--second", type=Path, required=True)
    parser.add_argument("--accuracy", type=Path, required=True)
    parser.add_argument("--gpu", required=True, help="the profile the accuracy JSON was computed with")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    noise = ceiling(args.first, args.second)
    accuracy = json.loads(args.accuracy.read_text())
    predicted = {c["case"]: c for key in ("cases", "heldout", "heldout2", "heldout3")
                 for c in (accuracy[key]["cases"] if isinstance(accuracy.get(key), dict) else accuracy.get(key, []))
                 if "rho_energy" in c}
    print(f"{'case':40s} {'ceil ρE':>7s} {'ρE':>6s} {'ceil ρT':>7s} {'ρT':>6s} {'ceil reg':>8s} {'regret':>7s} "
          f"{'noise |ΔE|':>10s} {'|E err|':>7s}")
    table = []
    for case, n in noise.items():
        p = predicted.get(case, {})
        row = {"case": case, "ceiling": n, "prediction": {k: p.get(k) for k in (
            "rho_energy", "rho_time", "regret_energy", "median_abs_energy_error")}}
        table.append(row)
        pr = row["prediction"]
        fmt = lambda v, w, d: f"{v:{w}.{d}f}" if isinstance(v, float) else f"{'-':>{w}s}"  # noqa: E731
        print(f"{case:40s} {n['rho_energy']:7.2f} {fmt(pr['rho_energy'], 6, 2)} {n['rho_time']:7.2f} "
              f"{fmt(pr['rho_time'], 6, 2)} {n['regret_energy']:8.3f} {fmt(pr['regret_energy'], 7, 3)} "
              f"{100 * n['median_abs_energy_diff']:9.1f}% {fmt(100 * pr['median_abs_energy_error'] if pr['median_abs_energy_error'] is not None else None, 6, 1)}%")
    med = lambda xs: float(np.median([x for x in xs if x is not None])) if xs else float("nan")  # noqa: E731
    summary = {
        "cases": len(table),
        "ceiling_median_rho_energy": med([r["ceiling"]["rho_energy"] for r in table]),
        "ceiling_median_rho_time": med([r["ceiling"]["rho_time"] for r in table]),
        "ceiling_geomean_regret": float(np.exp(np.mean(np.log([r["ceiling"]["regret_energy"] for r in table])))),
        "ceiling_median_abs_energy_diff": med([r["ceiling"]["median_abs_energy_diff"] for r in table]),
        "prediction_median_rho_energy": med([r["prediction"]["rho_energy"] for r in table]),
        "prediction_median_rho_time": med([r["prediction"]["rho_time"] for r in table]),
        "prediction_median_abs_energy_error": med([r["prediction"]["median_abs_energy_error"] for r in table]),
    }
    print(json.dumps(summary, indent=1))
    args.out.write_text(json.dumps({"gpu_profile": args.gpu, "first": str(args.first), "second": str(args.second),
                                    "summary": summary, "cases": table}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
