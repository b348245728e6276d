#!/bin/bash
# Device run 12 (session 3): the three held-out sets (21 kernels, 957 configurations) on the lent
# H200, one pass, to judge the measured h200-sxm profile on kernels whose H200 behaviour the model
# has never seen. Read-only: the GPU's settings are never changed.
# Usage (device root = repo root): bash benchmarks/ground_truth/runs/run12_h200_heldout.sh   (writes into $OUT)
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  echo "== held-out sets 1-3 ($(elapsed) s)"
  timeout 560 python3 benchmarks/ground_truth/collect.py --cases heldout,heldout2,heldout3 --sizes 0 \
    --window-s 0.3 --budget-s 510 --out $OUT --single-file gt_run12_h200.jsonl
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/run12_log.txt
