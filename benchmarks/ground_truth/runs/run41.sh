#!/bin/bash
# Device run 41 (session 14): the robustness set's launchable third-party kernels measured on whichever card
# comes, two passes (pass 1 = the noise ceiling), over as many calls as it takes.
#   H200 with PROBES=1 (the first call): run 40's probes first (atomics, scheduling, streaming latency: the
#     fields h200-sxm borrows from the H100); H100 with PROBES=1: the scheduling calibration alone (its
#     histogram now spans 64 and 256 MB, beyond L2).
#   Then unseen_collect --isolate: pass by pass, each case whole, as many as fit the time left, into
#     build/robust_<tag>/ (ignored, so a warm machine keeps it between calls and the next call resumes past
#     it), also resuming past earlier calls' data committed under benchmarks/data/<tag>/robust_run41_<tag>/;
#     the folder goes back as $OUT/robust_run41_<tag>_call<CALL>.tgz (what this machine has measured so far).
# Usage: [END=570] [CALL=1] [PROBES=1] bash benchmarks/ground_truth/runs/run41.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
TAG=$(echo "$GPU" | grep -q H200 && echo h200 || echo h100)
CALL=${CALL:-1}
if [ "$TAG" = h200 ] && [ "${PROBES:-1}" = 1 ]; then
  NAME=h200_probes_run41 bash benchmarks/ground_truth/runs/run40_h200_probes.sh
elif [ "${PROBES:-1}" = 1 ]; then
  timeout 60 python3 -m flipflop.measure.calibrate.scheduling --out $OUT/scheduling_raw_h100_run41.json 2>&1 | tail -5
fi
DATA=build/robust_$TAG
mkdir -p $DATA benchmarks/data/$TAG/robust_run41_$TAG
{
  echo "GPU: $GPU (call $CALL)"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  left=$(( ${END:-570} - $(date +%s) + start - 15 ))
  echo "== measuring: 2 passes, $left s left; already here: $(ls $DATA | wc -l) case files"
  timeout $left python3 benchmarks/ground_truth/unseen_collect.py --cases robust --isolate --passes 2 --window-s 0.5 \
    --budget-s $(( left - 10 )) --out $DATA --resume benchmarks/data/$TAG/robust_run41_$TAG
  echo "== done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $DATA/run41_call${CALL}_log.txt
tar czf $OUT/robust_run41_${TAG}_call$CALL.tgz -C build robust_$TAG
