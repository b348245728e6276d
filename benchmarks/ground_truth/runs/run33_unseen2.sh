#!/bin/bash
# Device run 33: the second unseen set (benchmarks/kernels/unseen2.py) — 12 third-party kernels (HeCBench,
# cuda-samples, Rodinia) never used to develop, fit or choose anything — on whatever card comes (H100 or H200).
#   1. each kernel's small size at 3 block shapes against its numpy reference (unseen2_check.jsonl);
#   2. every configuration (76), two passes (pass 1 = the noise ceiling) when the time left allows,
#      else one; each case in its own process with its share of the budget and a hard timeout, one
#      JSONL per case written a configuration at a time → $OUT/unseen2_run33_<h100|h200>/, archived at the
#      end as $OUT/unseen2_run33_<h100|h200>.tgz (the device tool returns at most 8 files a call).
# Usage: [END=540] bash benchmarks/ground_truth/runs/run33_unseen2.sh → $OUT/. Read-only on the GPU
# (clocks, power limit and application settings are read, never set).
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
END=${END:-540}
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
TAG=$(echo "$GPU" | grep -q H200 && echo h200 || echo h100)
DATA=$OUT/unseen2_run33_$TAG
U="python3 benchmarks/ground_truth/unseen_collect.py"
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  python3 -c "import cupy; print('cupy', cupy.__version__, 'nvrtc', cupy.cuda.nvrtc.getVersion())"
  timeout 75 $U --check --cases unseen2 --out $DATA
  echo "== check done ($(elapsed) s)"
  # What is left, less a margin for the last case's process to end and the log to be written.
  left=$(( END - $(elapsed) - 15 ))
  # One pass: 76 configurations x ~0.7 s + compiles ~= 90 s, plus ~7 s a case for its own process
  # (CuPy start-up, the 1 s idle-power window, arguments) ~= 85 s (12 cases).
  if (( left >= 330 )); then PASSES=2; else PASSES=1; fi
  echo "== measuring: $PASSES pass(es), $left s left"
  timeout $left $U --cases unseen2 --isolate --passes $PASSES --window-s 0.5 --budget-s $(( left - 110 )) --out $DATA
  echo "== done ($(elapsed) s)"
  ls -l $DATA
} 2>&1 | tee $OUT/run33_unseen2_log.txt
# One archive: the device tool returns at most 8 files a call.
tar czf $OUT/unseen2_run33_$TAG.tgz -C $OUT unseen2_run33_$TAG && rm -r $DATA
