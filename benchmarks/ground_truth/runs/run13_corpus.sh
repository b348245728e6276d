#!/bin/bash
# Device run 13 (H200): the third-party corpus, pass 2 (run 12 was pass 1): every kernel is
# checked again against its CPU reference, the passing ones measured again over every
# configuration; the JSONL lines say "pass": 1. Read-only: the GPU's settings are never changed.
# Usage (device root = repo root): bash benchmarks/ground_truth/runs/run13_corpus.sh   (writes into $OUT)
# Output: run13_log.txt, corpus_run13.jsonl; fits in 590 s.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu --format=csv
  python3 -m pip install --no-deps --no-index -q .whl/rich-*.whl .whl/markdown_it_py-*.whl .whl/mdurl-*.whl .whl/pygments-*.whl 2>&1 | tail -1
  echo "== corpus: check + measure, pass 2 ($(elapsed) s)"
  timeout 560 python3 benchmarks/ground_truth/corpus_collect.py --split all --passes 1 --first-pass 1 \
    --window-s 0.4 --budget-s 500 --out $OUT --single-file corpus_run13.jsonl
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/run13_log.txt
