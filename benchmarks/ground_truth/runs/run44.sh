#!/bin/bash
# Device run 44 (session 15): robustness sweep 5's launchable kernels (11 of its 12; oddeven_sort takes per-block
# arguments the collector does not pass), never measured and never used to change the model: their first look.
# Two passes (pass 1 = the noise ceiling), on whichever card comes; on an H200 the probes go first (run 40's:
# atomics, scheduling, streaming latency, the fields h200-sxm borrows from the H100).
# Usage: [END=300] bash benchmarks/ground_truth/runs/run44.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
TAG=$(echo "$GPU" | grep -q H200 && echo h200 || echo h100)
[ "$TAG" = h200 ] && NAME=h200_probes_run44 bash benchmarks/ground_truth/runs/run40_h200_probes.sh
CASES=robust_attn_merge,robust_binary_partition,robust_bucketsort,robust_intimage_rows,robust_nlll,robust_pack2
CASES=$CASES,robust_qkv,robust_reverse2D,robust_softmax_fused,robust_srad_v2_2,robust_stddev
DATA=build/sweep5_$TAG
mkdir -p $DATA
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  left=$(( ${END:-300} - $(date +%s) + start - 15 ))
  echo "== measuring: 2 passes, $left s left"
  timeout $left python3 benchmarks/ground_truth/unseen_collect.py --cases $CASES --isolate --passes 2 --window-s 0.5 \
    --budget-s $(( left - 10 )) --out $DATA
  echo "== done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $DATA/run44_log.txt
tar czf $OUT/sweep5_run44_$TAG.tgz -C build sweep5_$TAG
