#!/bin/bash
# Device run 28 (session 9): useful on either card a call for the nvidia-h200 kind may get.
#   H200: the development second pass (pass 1) finished — the ~20 % runs 16/17/26 left
#         (srad_v1 ×5, hotspot3D), checks reused from run 14 (outputs were checked there).
#   H100: the corpus's held-out third, two passes, on the H100 (checked against the references on
#         this card first): third-party kernels no fit has seen, on a second GPU. → benchmarks/data/h100.
# Usage: [END=560] bash benchmarks/ground_truth/runs/run28.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader)
D=benchmarks/data/h200
COLLECT="python3 benchmarks/ground_truth/corpus_collect.py --window-s 0.3 --out $OUT"
if [[ "$GPU" == *H200* ]]; then NAME=corpus_run28; else NAME=corpus_run28_h100; fi
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  python3 -c "import cupy, cuda.bindings; print('cupy', cupy.__version__, 'cuda-bindings', cuda.bindings.__version__)"
  left=$(( ${END:-560} - $(elapsed) ))
  if [[ "$GPU" == *H200* ]]; then
    MEASURED=""
    for f in $D/corpus_run16_call2.jsonl $D/corpus_run17.jsonl $D/corpus_run26*.jsonl; do MEASURED="$MEASURED --measured-from $f"; done
    timeout $left $COLLECT --split dev --passes 1 --first-pass 1 --budget-s $(( left - 12 )) --single-file $NAME.jsonl \
      --checks-from $D/corpus_run14_call1.jsonl --checks-from $D/corpus_run14_call2.jsonl $MEASURED
  else
    timeout $left $COLLECT --split heldout --passes 2 --budget-s $(( left - 12 )) --single-file $NAME.jsonl
  fi
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/${NAME}_log.txt
