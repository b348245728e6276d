"""Counter launches of the unseen sets (and the robustness set's launchable cases, --sets robust) for
Nsight Compute: one warm-up and one NVTX-ranged launch of a few configurations per kernel, as
corpus_collect.py --counters does for the corpus.

    ncu --clock-control none --cache-control none --print-units base --csv --log-file OUT/X_counters.csv \\
        --nvtx --nvtx-include "ff_profile/" --metrics ... \\
        python benchmarks/ground_truth/unseen_counters.py --out OUT --manifest X_counters_manifest.json

The manifest lists every launch in order (benchmarks/counters.py joins it with the CSV). Arguments
are the cases' full-size ones; the GPU's settings are never changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.ground_truth import corpus_collect  # noqa: E402
from benchmarks.ground_truth.collect import launchable_robust_cases, run_metadata  # noqa: E402
from benchmarks.kernels.unseen import UNSEEN_CASES  # noqa: E402
from benchmarks.kernels.unseen2 import UNSEEN2_CASES  # noqa: E402

SETS = {"unseen": UNSEEN_CASES, "unseen2": UNSEEN2_CASES,
        "robust": launchable_robust_cases()}


def unseen_kernels(sets: list[str]) -> list[SimpleNamespace]:
    """The sets' cases in the form corpus_collect.counters and benchmarks/counters.py take (``.case``)."""
    return [SimpleNamespace(case=case) for name in sets for case in SETS[name]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="unseen,unseen2", help="comma-separated: unseen, unseen2, robust")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--manifest", default="unseen_counters_manifest.json")
    parser.add_argument("--counter-configs", type=int, default=2, help="configurations per kernel")
    parser.add_argument("--budget-s", type=float, default=0.0)
    parser.add_argument("--cases", default="", help="comma-separated case names (before '@'): only these")
    parser.add_argument("--skip", default="", help="comma-separated case names to leave out (a kernel that "
                        "breaks the CUDA context stops every launch after it)")
    args = parser.parse_args(argv)
    sets = [s for s in args.sets.split(",") if s]
    unknown = [s for s in sets if s not in SETS]
    if unknown:
        print(f"unknown set {', '.join(unknown)}: choose from {', '.join(SETS)}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    args.profiled = []
    metadata = run_metadata(argv if argv is not None else sys.argv[1:])
    print(json.dumps(metadata), flush=True)
    skip = [name for name in args.skip.split(",") if name]
    only = {name for name in args.cases.split(",") if name}
    kernels = [k for k in unseen_kernels(sets) if not any(name in k.case.name for name in skip)
               and (not only or k.case.name.split("@")[0] in only)]
    launches = corpus_collect.counters(kernels, args, metadata)
    print(f"counters: {sum(1 for l in launches if l['profiled'])} profiled launches of "
          f"{len({l['case'] for l in launches})} kernels")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
