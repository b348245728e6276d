#!/bin/bash
# Device run 36 (session 12), on whatever card comes: where the cycles of both unseen sets go. Nsight Compute
# (--clock-control none) on the 25 kernels at 3 block sizes each (unseen_counters.py, as run 34): shared-memory
# wavefronts and instructions (the bank-conflict analysis's check), the warp-stall breakdown per issued
# instruction, issue activity, achieved occupancy and the elapsed cycles — to find why barrier- and
# shared-memory-heavy kernels (bitonic sort, lavaMD) and few-warp reductions run 1.3-1.8x the predicted time.
# Usage: [END=400] bash benchmarks/ground_truth/runs/run36_stalls.sh → $OUT/unseen_run36_<h100|h200>_stalls{.csv,_manifest.json}.
# Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
TAG=$(echo "$GPU" | grep -q H200 && echo h200 || echo h100)
NAME=unseen_run36_$TAG
# Sections by their stable identifiers (metric names differ between ncu versions); --page raw lists every
# metric collected under its full name, one row per launch.
S="--section SpeedOfLight --section WarpStateStats --section SchedulerStats --section Occupancy"
S+=" --section MemoryWorkloadAnalysis_Tables --section ComputeWorkloadAnalysis --section LaunchStats"
M=gpu__time_duration.sum,smsp__inst_executed.sum,sm__cycles_elapsed.avg,sm__cycles_active.avg
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  ncu --version | tail -1
  ct=$(( ${END:-400} - $(date +%s) + start - 10 ))
  timeout $ct ncu --clock-control none --cache-control none --print-units base --csv --log-file $OUT/${NAME}_stalls.csv \
    --nvtx --nvtx-include "ff_profile/" $S --metrics $M --page raw \
    python3 benchmarks/ground_truth/unseen_counters.py --out $OUT --manifest ${NAME}_stalls_manifest.json \
      --counter-configs 3 --budget-s $(( ct - 40 ))
  echo "== done ($(( $(date +%s) - start )) s)"
  grep -c '"' $OUT/${NAME}_stalls.csv
} 2>&1 | tee $OUT/${NAME}_log.txt
