#!/bin/bash
# Device run 26 (session 8): only on an H200. A call for the nvidia-h200 kind may land on an H100;
# then this prints the GPU and stops (the H100 SM-count and counter runs are done: runs 20-24).
# On an H200:
#   1. issue 12: green-context probe, SM sweep (per-SM DRAM bandwidth for h200-sxm) and ground truth
#      for the 10 development-corpus kernels × 3 block shapes × SM counts 8,16,32,64,96,132 × two
#      passes (SM_BUDGET seconds);
#   2. issue 10: the development second pass (pass 1) continued, skipping configurations runs 16/17
#      measured, until END seconds. Checks are reused from run 14 (outputs were checked there).
# Usage: [END=575] [SM_BUDGET=340] [SKIP_SM=1] bash benchmarks/ground_truth/runs/run26_h200.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader)
echo "GPU: $GPU"
[[ "$GPU" == *H200* ]] || { echo "not an H200: nothing measured"; exit 3; }
D=benchmarks/data/h200
NAME=${NAME:-corpus_run26}
MEASURED=""
for f in $D/corpus_run16_call2.jsonl $D/corpus_run17.jsonl $D/corpus_run26*.jsonl; do
  [ -f "$f" ] && MEASURED="$MEASURED --measured-from $f"; done
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  python3 -c "import cupy, cuda.bindings; print('cupy', cupy.__version__, 'cuda-bindings', cuda.bindings.__version__)"
  if [ -z "$SKIP_SM" ]; then
    timeout $(( ${SM_BUDGET:-340} + 20 )) python3 benchmarks/ground_truth/sm_count_collect.py --out $OUT \
      --budget-s ${SM_BUDGET:-340} --shapes 3 --sm-counts 8,16,32,64,96,132
    echo "== sm count done ($(elapsed) s)"
  fi
  left=$(( ${END:-575} - $(elapsed) ))
  [ $left -gt 20 ] && timeout $left python3 benchmarks/ground_truth/corpus_collect.py --window-s 0.3 --out $OUT \
    --split dev --passes 1 --first-pass 1 --budget-s $(( left - 12 )) --single-file $NAME.jsonl \
    --checks-from $D/corpus_run14_call1.jsonl --checks-from $D/corpus_run14_call2.jsonl $MEASURED
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/${NAME}_log.txt
