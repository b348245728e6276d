#!/bin/bash
# Device run 39 (session 13): one call that uses whichever card comes.
#   H200: run 38 (the atomics, scheduling and latency probes, then both unseen sets).
#   H100: the robustness set's launchable kernels measured (energy protocol, collect.py's), two passes as far
#     as the time allows (pass 1 = the noise ceiling), each case in its own process with its share of the
#     budget (a kernel that breaks the CUDA context, bscan, costs only its own case), one JSONL per case
#     → $OUT/robust_run39_<h100|h200>/, archived as $OUT/robust_run39_<h100|h200>.tgz. No output check: the set
#     has no references (benchmarks/kernels/robust.py); it measures how well the predictions rank code that
#     was never measured before.
# Usage: [END=560] bash benchmarks/ground_truth/runs/run39.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
if echo "$GPU" | grep -q H200; then
  exec bash benchmarks/ground_truth/runs/run38.sh
fi
TAG=h100
DATA=$OUT/robust_run39_$TAG
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  left=$(( ${END:-560} - $(( $(date +%s) - start )) - 15 ))
  echo "== measuring: 2 passes, $left s left"
  timeout $left python3 benchmarks/ground_truth/unseen_collect.py --cases robust --isolate --passes 2 --window-s 0.5 \
    --budget-s $(( left - 60 )) --out $DATA
  echo "== done ($(( $(date +%s) - start )) s)"
  ls -l $DATA
} 2>&1 | tee $OUT/run39_robust_log.txt
tar czf $OUT/robust_run39_$TAG.tgz -C $OUT robust_run39_$TAG && rm -r $DATA
