#!/bin/bash
# Device run 45 (session 17): on an H200, run 44 (the H200 probes, then robustness sweep 5's kernels, two passes);
# on anything else (an H100 came for run 44), robustness sweep 10's launchable kernels, never measured (what the
# CPU sweep found in bsearch and myocyte changed the model in session 17; no measurement of them did): bsearch, atomic_intrinsics, dmma_gemm, myocyte (surface_write needs a surface object
# the collector does not make, simple_assert's assert fires for its four threads past N, langford's search runs
# 10-100 ms a launch over a 1.6 GB buffer). Two passes (pass 1 = the noise ceiling).
# Usage: [END=300] bash benchmarks/ground_truth/runs/run45.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
echo "$GPU" | grep -q H200 && exec bash benchmarks/ground_truth/runs/run44.sh
CASES=robust_bsearch,robust_atomic_intrinsics,robust_dmma_gemm,robust_myocyte
DATA=build/sweep10_h100
mkdir -p $DATA
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  left=$(( ${END:-300} - $(date +%s) + start - 15 ))
  echo "== measuring: 2 passes, $left s left"
  timeout $left python3 benchmarks/ground_truth/unseen_collect.py --cases $CASES --isolate --passes 2 --window-s 0.5 \
    --budget-s $(( left - 10 )) --out $DATA
  echo "== done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $DATA/run45_log.txt
tar czf $OUT/sweep10_run45_h100.tgz -C build sweep10_h100
