#!/bin/bash
# Device run 11 (session 3, first call; the lent GPU is now an H200): the full calibration
# runner and the scheduling micro-benchmarks, to replace the datasheet h200-sxm profile with a
# measured one; plus one Nsight Compute smoke test of the counter set issue 10 names.
# Read-only: the GPU's settings are never changed.
# Usage (device root = repo root): bash benchmarks/ground_truth/runs/run11_h200_calib.sh   (writes into $OUT)
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.max.mem,clocks.sm,temperature.gpu,power.draw --format=csv
  python3 -c "import cupy, rich; print('cupy', cupy.__version__)"
  echo "== calibration ($(elapsed) s)"
  timeout 240 python3 -m flipflop.hardware.calibrate.runner --out $OUT/calib_raw_h200.json --no-progress
  echo "== scheduling ($(elapsed) s)"
  timeout 60 python3 -m flipflop.hardware.calibrate.scheduling --out $OUT/scheduling_raw_h200.json
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/run11_log.txt
