#!/bin/bash
# Device run 7 (session 2, third call): the second held-out set (benchmarks/kernels/heldout2/,
# measured once, never used to develop the model), then the CodeLlama case study again at
# batch 32 with the final model's recommendations (three passes per shape). Read-only.
# Usage (device root = repo root): bash benchmarks/ground_truth/runs/run7.sh   (writes into $OUT)
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu --format=csv
  pip install --no-deps --no-index -q .whl/rich-*.whl .whl/markdown_it_py-*.whl .whl/mdurl-*.whl .whl/pygments-*.whl 2>&1 | tail -1
  echo "== held-out set 2 ($(elapsed) s)"
  timeout 360 python3 benchmarks/ground_truth/collect.py --cases heldout2 --sizes 0 --window-s 0.4 \
    --budget-s 320 --out $OUT --single-file gt_run7.jsonl
  left=$(( 585 - $(elapsed) ))
  echo "== case study, batch 32, ${left} s left ($(elapsed) s)"
  timeout $left python3 benchmarks/case_study/codellama.py --shapes auto --batch-size 32 --repeats 3 \
    --out $OUT/codellama_h100_batch32_final.json
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/run7_log.txt
