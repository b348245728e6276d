#!/bin/bash
# Device run 19 (H200): issue 12's SM-count knob through CUDA green contexts (per-process; no
# device setting changes). (i) the green-context probe: which launch mode runs a kernel on at most
# n SMs; (ii) the SM sweep (read stream, copy stream, FMA loop × 8…128 and all SMs) and its fit;
# (iii) ground truth: 10 development-corpus kernels × 4 block shapes × SM counts
# 16,32,48,64,96,132 × two passes, window 0.3 s. About 420 s estimated, cut at 540 s.
# Usage: bash benchmarks/ground_truth/runs/run19_sm_count.sh → $OUT/{green_probe.json,
# sm_sweep_h200.json, sm_sweep_fit.json, sm_count.jsonl, run19_log.txt}. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  python3 -c "import cupy, cuda.bindings; print('cupy', cupy.__version__, 'cuda-bindings', cuda.bindings.__version__)"
  timeout 570 python3 benchmarks/ground_truth/sm_count_collect.py --out $OUT --budget-s 540
  echo "== done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $OUT/run19_log.txt
