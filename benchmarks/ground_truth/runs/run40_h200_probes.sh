#!/bin/bash
# Device run 40 (session 13): only on an H200 (exit 3 on anything else): run 38's probes alone — the atomics
# probe, the scheduling calibration and the streaming-latency probe (the fields h200-sxm borrows from the
# H100), for a call with little device time left; run 38 calls it first (NAME=h200_probes_run38).
# Usage: [NAME=h200_probes_run40] bash benchmarks/ground_truth/runs/run40_h200_probes.sh → $OUT/$NAME.tgz.
# Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
echo "$GPU" | grep -q H200 || { echo "not an H200: $GPU"; exit 3; }
NAME=${NAME:-h200_probes_run40}
P=$OUT/$NAME
mkdir -p $P
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  timeout 90 python3 benchmarks/ground_truth/atomics_probe.py --out $P
  timeout 60 python3 -m flipflop.measure.calibrate.scheduling --out $P/scheduling_raw_$NAME.json
  timeout 45 python3 benchmarks/ground_truth/latency_probe.py --out $P
  echo "== probes done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $P/${NAME}_log.txt
# The device tool returns at most 8 files a call: the probes go back as one archive.
tar czf $OUT/$NAME.tgz -C $OUT $NAME && rm -r $P
