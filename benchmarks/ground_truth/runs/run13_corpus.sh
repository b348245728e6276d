#!/bin/bash
# Device run 13 (H200): the third-party corpus, pass 2 (run 12 was pass 1): every kernel is
# checked again against its CPU reference, the passing ones measured again over every
# configuration; the JSONL lines say "pass": 1. Read-only: the GPU's settings are never changed.
# Usage (device root = repo root), one device call per part as for run 12:
#   PART=1/2 bash benchmarks/ground_truth/runs/run13_corpus.sh ; then PART=2/2   (writes into $OUT)
# Output: corpus_run13${TAG}_log.txt, corpus_run13${TAG}.jsonl (TAG: _p1of2 for PART=1/2); fits in 590 s.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
PART=${PART:-1/1}
TAG=$([ "$PART" = 1/1 ] || echo "_p${PART%/*}of${PART#*/}")
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu --format=csv
  python3 -m pip install --no-deps --no-index -q .whl/rich-*.whl .whl/markdown_it_py-*.whl .whl/mdurl-*.whl .whl/pygments-*.whl 2>&1 | tail -1
  echo "== corpus part $PART: check + measure, pass 2 ($(elapsed) s)"
  timeout 560 python3 benchmarks/ground_truth/corpus_collect.py --split all --part $PART --passes 1 --first-pass 1 \
    --window-s 0.3 --budget-s 520 --out $OUT --single-file corpus_run13$TAG.jsonl
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/corpus_run13${TAG}_log.txt
