#!/bin/bash
# Device run 32 (session 10): only on an H200 (stops at once on anything else, exit 3):
#   1. the atomics probe and the scheduling calibration (float/integer same-address atomics, histograms,
#      merges) — the fields the h200-sxm profile borrows from the H100;
#   2. the corpus development second pass finished (run 28's H200 branch: srad_v1 x5, hotspot3D).
# Usage: [END=560] bash benchmarks/ground_truth/runs/run32_h200.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
nvidia-smi --query-gpu=name --format=csv,noheader | grep -q H200 || { echo "not an H200: $(nvidia-smi --query-gpu=name --format=csv,noheader)"; exit 3; }
{
  timeout 120 python3 benchmarks/ground_truth/atomics_probe.py --out $OUT
  timeout 60 python3 -m flipflop.measure.calibrate.scheduling --out $OUT/scheduling_raw_h200_run32.json
  echo "== atomics done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $OUT/run32_log.txt
END=$(( ${END:-560} - $(date +%s) + start )) bash benchmarks/ground_truth/runs/run28.sh
