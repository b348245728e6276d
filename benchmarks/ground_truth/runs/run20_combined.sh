#!/bin/bash
# Device run 20 (H200): runs 18 and 19 in one call, each trimmed, because H200 machines were
# scarce (each failed start cost 1-2 minutes of the session's device time).
#   1. issue 12: green-context probe, SM sweep, ground truth for 10 development-corpus kernels ×
#      3 block shapes × SM counts 16,32,64,96,132 × two passes (run 19's script, budget 300 s);
#   2. issue 10: one counter launch per passed corpus kernel, then development pass 1 continued
#      (run 18's script) until 575 s. One log, run20_log.txt (8 files come back at most).
# Usage: [TOTAL=seconds] [SM_BUDGET=seconds] [SHAPES=n] bash benchmarks/ground_truth/runs/run20_combined.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  python3 -c "import cupy, cuda.bindings; print('cupy', cupy.__version__, 'cuda-bindings', cuda.bindings.__version__)"
  timeout $(( ${SM_BUDGET:-300} + 20 )) python3 benchmarks/ground_truth/sm_count_collect.py --out $OUT --budget-s ${SM_BUDGET:-300} --shapes ${SHAPES:-3} \
    --sm-counts 16,32,64,96,132
  echo "== sm count done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $OUT/run20_log.txt
# run 18's script measures its own elapsed time: give it what is left of 575 s.
LOG=$OUT/run20_log.txt END=$(( ${TOTAL:-575} - ($(date +%s) - start) )) bash benchmarks/ground_truth/runs/run18_corpus.sh
