#!/bin/bash
# Device run 38 (session 13): one call that uses whichever card comes.
#   H200 (the judged card): run 40 (the atomics probe and the scheduling calibration, the fields h200-sxm still
#     borrows from the H100, and the streaming-latency probe, the DRAM latency it borrows too), then both
#     unseen sets (run 35: runs 31 and 33's collection, unedited) in the time left.
#   H100: the robustness set's Nsight Compute counters (run 37).
# Usage: bash benchmarks/ground_truth/runs/run38.sh → $OUT/. Read-only on the GPU (clocks, power limit
# and application settings are read, never set).
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
if echo "$GPU" | grep -q H200; then
  NAME=h200_probes_run38 bash benchmarks/ground_truth/runs/run40_h200_probes.sh
  used=$(( $(date +%s) - start ))
  END1=$(( ${END1:-345} - used )) END=$(( ${END:-570} - used )) bash benchmarks/ground_truth/runs/run35_unseen_h200.sh
else
  END=${END:-330} bash benchmarks/ground_truth/runs/run37_robust_counters.sh
fi
