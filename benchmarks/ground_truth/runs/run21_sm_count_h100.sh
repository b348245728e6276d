#!/bin/bash
# Device run 21 (H100; no H200 could be started for an hour): issue 12's SM-count knob through CUDA
# green contexts — probe, SM sweep, and ground truth for 10 development-corpus kernels × 3 block
# shapes × SM counts 16,32,64,96,132 × two passes (run 19's script trimmed to 300 s, as in run 20).
# Usage: bash benchmarks/ground_truth/runs/run21_sm_count_h100.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  python3 -c "import cupy, cuda.bindings; print('cupy', cupy.__version__, 'cuda-bindings', cuda.bindings.__version__)"
  timeout 320 python3 benchmarks/ground_truth/sm_count_collect.py --out $OUT --budget-s 300 --shapes 3 \
    --sm-counts 16,32,64,96,132
  echo "== done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $OUT/run21_log.txt
