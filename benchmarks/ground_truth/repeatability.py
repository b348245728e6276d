"""Run-to-run repeatability of the ground truth: Spearman ρ and median per-configuration
difference between two passes over the same cases.

    python benchmarks/ground_truth/repeatability.py DATA.jsonl [...] --out repeatability.json

Two passes are two lines with the same case and block shape and different `pass` values
(collect.py --passes 2) or the same case in two files.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

from scipy.stats import spearmanr

FIGURES = ("measured_energy", "measured_time", "measured_power")


def load_passes(paths: list[Path]) -> dict[str, dict[tuple, dict[tuple, dict]]]:
    """case → (file, pass) → block shape → result, for every measured ("ok") line."""
    passes: dict[str, dict[tuple, dict[tuple, dict]]] = defaultdict(lambda: defaultdict(dict))
    for path in paths:
        for line in path.read_text().splitlines():
            row = json.loads(line)
            if row.get("status") == "ok":
                passes[row["case"]][(path.name, row.get("pass", 0))][tuple(row["block"])] = row
    return passes


def compare(first: dict[tuple, dict], second: dict[tuple, dict]) -> dict:
    """ρ and median |relative difference| of each figure over the shapes both passes measured."""
    shapes = sorted(set(first) & set(second))
    result: dict = {"configs": len(shapes)}
    for figure in FIGURES:
        a = [first[s][figure] for s in shapes]
        b = [second[s][figure] for s in shapes]
        rho = spearmanr(a, b).statistic
        result[figure] = {
            "spearman_rho": round(float(rho), 4),
            "median_rel_diff": round(statistics.median(abs(x - y) / ((x + y) / 2) for x, y in zip(a, b)), 4),
        }
    return result


def repeatability(paths: list[Path]) -> dict[str, dict]:
    """For every case measured in two passes: the comparison of its first two passes."""
    report = {}
    for case, by_pass in sorted(load_passes(paths).items()):
        keys = sorted(by_pass)
        if len(keys) >= 2:
            report[case] = {"passes": [f"{f}#pass{p}" for f, p in keys[:2]],
                            **compare(by_pass[keys[0]], by_pass[keys[1]])}
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    report = repeatability(args.data)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    for case, figures in report.items():
        print(f"{case:32s} n={figures['configs']:3d}  energy ρ={figures['measured_energy']['spearman_rho']:.3f} "
              f"(median diff {figures['measured_energy']['median_rel_diff']:.1%})  "
              f"time ρ={figures['measured_time']['spearman_rho']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
