#!/bin/bash
# Device run 38 (session 13): one call that uses whichever card comes.
#   H200 (the judged card): the atomics probe and the scheduling calibration (the fields h200-sxm still
#     borrows from the H100), the streaming-latency probe (the DRAM latency it borrows too), then both
#     unseen sets (run 35: runs 31 and 33's collection, unedited) in the time left.
#   H100: the robustness set's Nsight Compute counters (run 37).
# Usage: bash benchmarks/ground_truth/runs/run38.sh → $OUT/. Read-only on the GPU (clocks, power limit
# and application settings are read, never set).
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
if echo "$GPU" | grep -q H200; then
  P=$OUT/h200_probes_run38
  mkdir -p $P
  {
    echo "GPU: $GPU"
    nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
    timeout 90 python3 benchmarks/ground_truth/atomics_probe.py --out $P
    timeout 60 python3 -m flipflop.measure.calibrate.scheduling --out $P/scheduling_raw_h200_run38.json
    timeout 45 python3 benchmarks/ground_truth/latency_probe.py --out $P
    echo "== probes done ($(( $(date +%s) - start )) s)"
  } 2>&1 | tee $P/run38_log.txt
  # The device tool returns at most 8 files a call: the probes go back as one archive.
  tar czf $OUT/h200_probes_run38.tgz -C $OUT h200_probes_run38 && rm -r $P
  used=$(( $(date +%s) - start ))
  END1=$(( ${END1:-345} - used )) END=$(( ${END:-570} - used )) bash benchmarks/ground_truth/runs/run35_unseen_h200.sh
else
  END=${END:-330} bash benchmarks/ground_truth/runs/run37_robust_counters.sh
fi
