"""Predictions of the development suite, dumped for a before/after identity check (issue 11).

Predicts every case in ``benchmarks/kernels/suite.py`` with ``flipflop.predict`` at the
power limits ``benchmarks/accuracy.py`` uses (the profile's default limit) plus the settable
range in 11 steps, and writes every result row to JSON, or with ``--hashes`` a digest of each
row instead (12 hex digits of the SHA-256 of its sorted-key JSON, floats in full ``repr``: small
enough to commit). ``--compare A B`` compares two dumps (full or hashed, in any mix) row by row,
floats exactly, names the differing fields where both are full, and writes the verdict.

    python benchmarks/prediction_identity.py --hashes --out benchmarks/results/predictions_before.json
    python benchmarks/prediction_identity.py --compare before.json after.json \
        --verdict benchmarks/results/prediction_identity.json
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def dump(gpu: str, cases: list[str] | None) -> dict:
    sys.path.insert(0, str(ROOT))
    import flipflop
    from benchmarks.kernels.suite import CASES
    from flipflop.api import power_limit_list
    from flipflop.hardware.registry import resolve_profile

    profile = resolve_profile(gpu)
    limits = sorted(set(power_limit_list(profile, "all")) | {float(profile.power_limit_default_w)})
    out: dict = {}
    for case in CASES:
        if cases and case.name not in cases:
            continue
        start = time.perf_counter()
        try:
            rows = flipflop.predict(
                case.kernel_name, str(case.source_path), case.problem_size, case.arguments(), case.tune_params,
                gpu=gpu, power_limits=limits, restrictions=case.restrictions or None, grid_div_x=case.grid_div_x,
                grid_div_y=case.grid_div_y, smem_args=case.smem_args)
        except Exception as err:  # a failing case is part of what must stay identical
            out[case.name] = {"error": f"{type(err).__name__}: {err}"}
            continue
        out[case.name] = {"rows": [dict(r) for r in rows],
                          "dropped": [[d, reason] for d, reason in rows.dropped]}
        print(f"{case.name}: {len(rows)} rows, {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"commit": commit, "gpu": gpu, "power_limits_w": limits, "cases": out}


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:12]


def hashed(result: dict) -> dict:
    """``result`` (a full or hashed dump) with each row and each case's dropped list as a digest."""
    cases = {}
    for name, case in result["cases"].items():
        if "rows" not in case:
            cases[name] = case
            continue
        cases[name] = {"rows": [r if isinstance(r, str) else _digest(r) for r in case["rows"]],
                       "dropped": case["dropped"] if isinstance(case["dropped"], str) else _digest(case["dropped"])}
    return {**result, "cases": cases}


def compare(before: dict, after: dict) -> dict:
    """The verdict on two dumps: identical or not, and per differing case what differs."""
    differing = {}
    hashed_before, hashed_after = hashed(before), hashed(after)
    for name in sorted(set(before["cases"]) | set(after["cases"])):
        a, b = hashed_before["cases"].get(name), hashed_after["cases"].get(name)
        if a != b:
            if a is None or b is None or "rows" not in a or "rows" not in b or len(a["rows"]) != len(b["rows"]):
                differing[name] = "case missing, failing or of a different row count"
                continue
            rows = [k for k, (ra, rb) in enumerate(zip(a["rows"], b["rows"])) if ra != rb]
            full_a, full_b = before["cases"][name]["rows"], after["cases"][name]["rows"]
            if rows and isinstance(full_a[0], dict) and isinstance(full_b[0], dict):
                fields = sorted({k for i in rows for k in set(full_a[i]) | set(full_b[i])
                                 if full_a[i].get(k) != full_b[i].get(k)})
                differing[name] = f"{len(rows)} rows differ in: {', '.join(fields)}"
            else:
                differing[name] = f"{len(rows)} rows differ" if rows else "dropped list differs"
    rows = sum(len(c.get("rows", [])) for c in before["cases"].values())
    return {"before_commit": before["commit"], "after_commit": after["commit"], "gpu": before["gpu"],
            "power_limits_w": before["power_limits_w"], "cases": len(before["cases"]), "rows": rows,
            "identical": not differing, "differing": differing}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gpu", default="h100-sxm")
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--hashes", action="store_true", help="write a digest per row instead of the row")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--verdict", type=Path, default=ROOT / "benchmarks" / "results" / "prediction_identity.json")
    args = parser.parse_args()
    if args.compare:
        verdict = compare(*(json.loads(p.read_text()) for p in args.compare))
        args.verdict.write_text(json.dumps(verdict, indent=1) + "\n")
        print(json.dumps(verdict, indent=1))
        return
    result = dump(args.gpu, args.cases.split(",") if args.cases else None)
    if args.hashes:
        result = hashed(result)
    text = json.dumps(result, indent=0, sort_keys=True)
    if args.out:
        args.out.write_text(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
