#!/bin/bash
# Device run 30 (session 10): same-address atomics by type and operation, and histograms, on whatever card comes
# (atomics_probe.py + the scheduling calibration with its new integer atomic), then
#   H200: the development second pass (pass 1) finished — srad_v1 ×5, hotspot3D (run 28's H200 branch);
#   H100: nothing else (run 28 measured the held-out third there).
# Usage: [END=560] bash benchmarks/ground_truth/runs/run30.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader)
TAG=$(echo "$GPU" | grep -q H200 && echo h200 || echo h100)
{
  echo "GPU: $GPU"
  timeout 120 python3 benchmarks/ground_truth/atomics_probe.py --out $OUT
  timeout 60 python3 -m flipflop.measure.calibrate.scheduling --out $OUT/scheduling_raw_${TAG}_run30.json
  echo "== atomics done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $OUT/run30_log.txt
if [[ "$TAG" == h200 ]]; then
  END=$(( ${END:-560} - $(date +%s) + start )) bash benchmarks/ground_truth/runs/run28.sh
fi
