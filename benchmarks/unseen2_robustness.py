"""Robustness pass over the second unseen set (benchmarks/kernels/unseen2.py): predict each full-size
case with flipflop's public API (CPU only, the profile's default power limit, every configuration)
and print only what went wrong or was estimated: errors, dropped configurations (other than those
the restrictions exclude), the analysis notes (metadata["analysis_notes"]), warnings and anything
flipflop printed. Predicted values are never printed: the set stays unseen.

    python benchmarks/unseen2_robustness.py [short name ...]     (default: all twelve)
"""
from __future__ import annotations

import contextlib
import io
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flipflop  # noqa: E402
from benchmarks.kernels.suite import configurations  # noqa: E402
from benchmarks.kernels.unseen2 import UNSEEN2_CASES, short_name  # noqa: E402


def check(case) -> list[str]:
    lines: list[str] = []
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                results = flipflop.predict(case.kernel_name, str(case.source_path), case.problem_size,
                                           case.arguments(), case.tune_params, gpu="h100-sxm",
                                           restrictions=case.restrictions or None, grid_div_x=case.grid_div_x,
                                           grid_div_y=case.grid_div_y, smem_args=case.smem_args)
        except Exception as error:  # noqa: BLE001 - recorded, never fixed here
            results = None
            lines.append(f"ERROR: {type(error).__name__}: {error}")
    if results is not None:
        if len(results) != len(configurations(case)):
            lines.append(f"ROWS: {len(results)} of {len(configurations(case))} configurations")
        lines += [f"DROPPED: {d}" for d in results.dropped if "excluded by restrictions" not in str(d)]
        lines += [f"NOTE: {n}" for n in results.metadata.get("analysis_notes", [])]
    lines += [f"WARNING: {w.category.__name__}: {w.message}" for w in caught]
    lines += [f"{label}: {b.getvalue().strip()}" for label, b in (("STDOUT", out), ("STDERR", err)) if b.getvalue().strip()]
    print(f"== {case.name} ({time.perf_counter() - started:.1f} s): {'ok' if not lines else f'{len(lines)} finding(s)'}")
    for line in lines:
        print("   " + line)
    return lines


def main(argv: list[str]) -> int:
    wanted = set(argv)
    for case in UNSEEN2_CASES:
        if not wanted or short_name(case) in wanted:
            check(case)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
