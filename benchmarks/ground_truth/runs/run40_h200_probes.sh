#!/bin/bash
# Device run 40 (session 13): only on an H200 (exit 3 on anything else): run 38's probes alone — the atomics
# probe, the scheduling calibration and the streaming-latency probe (the fields h200-sxm borrows from the
# H100), for a call with little device time left. → $OUT/h200_probes_run40.tgz. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
echo "$GPU" | grep -q H200 || { echo "not an H200: $GPU"; exit 3; }
P=$OUT/h200_probes_run40
mkdir -p $P
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  timeout 90 python3 benchmarks/ground_truth/atomics_probe.py --out $P
  timeout 60 python3 -m flipflop.measure.calibrate.scheduling --out $P/scheduling_raw_h200_run40.json
  timeout 45 python3 benchmarks/ground_truth/latency_probe.py --out $P
  echo "== probes done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $P/run40_log.txt
tar czf $OUT/h200_probes_run40.tgz -C $OUT h200_probes_run40 && rm -r $P
