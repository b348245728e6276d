#!/bin/bash
# Device run 9: the third held-out set (benchmarks/kernels/heldout3/, measured once, never used
# to develop or tune the model), to report the model's accuracy on kernels it has never seen.
# Read-only: the GPU's settings are never changed.
# Usage (device root = repo root): bash benchmarks/ground_truth/runs/run9.sh   (writes into $OUT)
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu --format=csv
  python3 -m pip install --no-deps --no-index -q .whl/rich-*.whl .whl/markdown_it_py-*.whl .whl/mdurl-*.whl .whl/pygments-*.whl 2>&1 | tail -1
  echo "== held-out set 3 ($(elapsed) s)"
  timeout 340 python3 benchmarks/ground_truth/collect.py --cases heldout3 --sizes 0 --window-s 0.4 \
    --budget-s 300 --out $OUT --single-file gt_run9.jsonl
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/run9_log.txt
