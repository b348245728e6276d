#!/bin/bash
# Device run 13 (session 3): a second pass over the three held-out sets on the lent H200, for
# the noise ceiling of run 12 (pass-to-pass energy and time rho, regret of pass 1 judged by pass 2).
# Read-only: the GPU's settings are never changed.
# Usage (device root = repo root): bash benchmarks/ground_truth/runs/run13_h200_heldout_pass2.sh   (writes into $OUT)
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  echo "== held-out sets 1-3 ($(elapsed) s)"
  timeout 560 python3 benchmarks/ground_truth/collect.py --cases heldout,heldout2,heldout3 --sizes 0 \
    --window-s 0.3 --budget-s 510 --out $OUT --single-file gt_run13_h200_pass2.jsonl
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/run13_log.txt
