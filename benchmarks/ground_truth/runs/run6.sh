#!/bin/bash
# Device run 6 (session 2, second call): attention at seq 4096 and 8192, all 51 shapes each,
# long-launch protocol (a launch here takes 0.16–16 s). Read-only: no GPU setting changes.
# Usage (device root = repo root): bash benchmarks/ground_truth/runs/run6.sh   (writes into $OUT)
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu --format=csv
  echo "== attention seq4096 ($(elapsed) s)"
  timeout 170 python3 benchmarks/ground_truth/collect.py --cases attention@seq4096 --sizes 1 --window-s 0.4 \
    --budget-s 140 --out $OUT --single-file gt_run6.jsonl
  left=$(( 580 - $(elapsed) ))
  echo "== attention seq8192, budget $left s ($(elapsed) s)"
  timeout $(( left + 10 )) python3 benchmarks/ground_truth/collect.py --cases attention@seq8192 --sizes 1 \
    --window-s 0.4 --budget-s $(( left - 35 )) --out $OUT --single-file gt_run6.jsonl
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/run6_log.txt
