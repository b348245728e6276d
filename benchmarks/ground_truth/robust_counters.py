"""Counter launches of the robustness set (benchmarks/kernels/robust.py) for Nsight Compute: one warm-up
and one NVTX-ranged launch of a few configurations per kernel, as unseen_counters.py does for the unseen
sets. Cases that need `__constant__` data or arguments derived from the block size (cmem_args,
block_arguments) are left out: the corpus collector launches one argument list with no constant data.

    ncu --clock-control none --cache-control none --print-units base --csv --log-file OUT/X_counters.csv \\
        --nvtx --nvtx-include "ff_profile/" --metrics ... \\
        python benchmarks/ground_truth/robust_counters.py --out OUT --manifest X_counters_manifest.json

The manifest lists every launch in order (benchmarks/counters.py joins it with the CSV). The GPU's
settings are never changed.
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
from benchmarks.ground_truth.collect import run_metadata  # noqa: E402
from benchmarks.kernels.robust import robust_cases  # noqa: E402


def robust_kernels() -> list[SimpleNamespace]:
    """The cases the collector can launch as they are, in the form corpus_collect.counters takes."""
    return [SimpleNamespace(case=case) for case in robust_cases()
            if case.cmem_args is None and case.block_arguments is None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--manifest", default="robust_counters_manifest.json")
    parser.add_argument("--counter-configs", type=int, default=2, help="configurations per kernel")
    parser.add_argument("--budget-s", type=float, default=0.0)
    args = parser.parse_args(argv)
    from flipflop.frontend.nvrtc import SHIM_DIR  # host-only headers of the kernel files (this process only)
    corpus_collect.COMPILE_OPTIONS = (*corpus_collect.COMPILE_OPTIONS, f"--include-path={SHIM_DIR}", "-D__cuda_cuda_h__")
    args.out.mkdir(parents=True, exist_ok=True)
    args.profiled = []
    metadata = run_metadata(argv if argv is not None else sys.argv[1:])
    print(json.dumps(metadata), flush=True)
    launches = corpus_collect.counters(robust_kernels(), args, metadata)
    print(f"counters: {sum(1 for l in launches if l['profiled'])} profiled launches of "
          f"{len({l['case'] for l in launches})} kernels")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
