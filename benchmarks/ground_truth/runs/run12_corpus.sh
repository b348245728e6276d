#!/bin/bash
# Device run 12 (H200): the third-party corpus, pass 1. Every kernel is checked against its
# CPU reference (small case, smallest/middle/largest block, outputs poisoned), the ones that
# pass are measured over every configuration (time, power, energy), then up to 4 configurations
# per passing kernel are profiled once under Nsight Compute for the hardware-counter check
# (benchmarks/counters.py). Read-only: the GPU's settings are never changed (ncu --clock-control none).
# Usage (device root = repo root), one device call per part (the corpus, ~1470 configurations, does
# not fit one call):  PART=1/2 bash benchmarks/ground_truth/runs/run12_corpus.sh ; then PART=2/2
# (writes into $OUT; without PART: the whole corpus, cut by the budget).
# Output (names prefixed corpus_: the held-out sets' run 12 files sit in the same data folder):
# corpus_run12${TAG}_log.txt, corpus_run12${TAG}.jsonl (checks + measurements), corpus_counters_run12${TAG}.csv
# (ncu), corpus_counters_manifest_run12${TAG}.json (which profiled launch is which case/config); TAG: _p1of2 for PART=1/2. Fits in 590 s.
# ncu --cache-control none: each profiled launch follows its warm-up launch with the caches as
# that left them, as back-to-back launches (what the model predicts), not flushed.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
PART=${PART:-1/1}
TAG=$([ "$PART" = 1/1 ] || echo "_p${PART%/*}of${PART#*/}")
METRICS=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors_op_read.sum,lts__t_sectors_op_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu --format=csv
  python3 -m pip install --no-deps --no-index -q .whl/rich-*.whl .whl/markdown_it_py-*.whl .whl/mdurl-*.whl .whl/pygments-*.whl 2>&1 | tail -1
  ncu --version | tail -1
  echo "== corpus part $PART: check + measure, pass 1 ($(elapsed) s)"
  timeout 410 python3 benchmarks/ground_truth/corpus_collect.py --split all --part $PART --passes 1 --first-pass 0 \
    --window-s 0.3 --budget-s 380 --out $OUT --single-file corpus_run12$TAG.jsonl
  echo "== counters under ncu ($(elapsed) s)"
  left=$(( 570 - $(elapsed) )); [ $left -lt 60 ] && left=60
  timeout $left ncu --clock-control none --cache-control none --print-units base --csv --log-file $OUT/corpus_counters_run12$TAG.csv \
    --nvtx --nvtx-include "ff_profile/" --metrics $METRICS \
    python3 benchmarks/ground_truth/corpus_collect.py --counters --counter-configs 4 --split all --part $PART \
      --passed-from $OUT/corpus_run12$TAG.jsonl --manifest corpus_counters_manifest_run12$TAG.json \
      --budget-s $(( left - 50 )) --out $OUT
  if ! grep -q '^"ID"' $OUT/corpus_counters_run12$TAG.csv 2>/dev/null && [ $(elapsed) -lt 500 ]; then
    # The NVTX filter matched nothing: profile every launch (warm-ups too; the join drops them).
    echo "== counters without the NVTX filter ($(elapsed) s)"
    left=$(( 575 - $(elapsed) ))
    timeout $left ncu --clock-control none --cache-control none --print-units base --csv --log-file $OUT/corpus_counters_run12${TAG}_all.csv \
      --metrics $METRICS \
      python3 benchmarks/ground_truth/corpus_collect.py --counters --counter-configs 2 --split all --part $PART \
        --passed-from $OUT/corpus_run12$TAG.jsonl --manifest corpus_counters_manifest_run12${TAG}_all.json \
        --budget-s $(( left - 30 )) --out $OUT
  fi
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/corpus_run12${TAG}_log.txt
