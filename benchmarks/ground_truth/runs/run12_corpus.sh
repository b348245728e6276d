#!/bin/bash
# Device run 12 (H200): the third-party corpus, pass 1. Every kernel is checked against its
# CPU reference (small case, smallest/middle/largest block, outputs poisoned), the ones that
# pass are measured over every configuration (time, power, energy), then up to 8 configurations
# per passing kernel are profiled once under Nsight Compute for the hardware-counter check
# (benchmarks/counters.py). Read-only: the GPU's settings are never changed (ncu --clock-control none).
# Usage (device root = repo root): bash benchmarks/ground_truth/runs/run12_corpus.sh   (writes into $OUT)
# Output: run12_log.txt, corpus_run12.jsonl (checks + measurements), counters_run12.csv (ncu),
# counters_manifest_run12.json (which profiled launch is which case/config); fits in 590 s.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
METRICS=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors_op_read.sum,lts__t_sectors_op_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu --format=csv
  python3 -m pip install --no-deps --no-index -q .whl/rich-*.whl .whl/markdown_it_py-*.whl .whl/mdurl-*.whl .whl/pygments-*.whl 2>&1 | tail -1
  ncu --version | tail -1
  echo "== corpus: check + measure, pass 1 ($(elapsed) s)"
  timeout 385 python3 benchmarks/ground_truth/corpus_collect.py --split all --passes 1 --first-pass 0 \
    --window-s 0.4 --budget-s 330 --out $OUT --single-file corpus_run12.jsonl
  echo "== counters under ncu ($(elapsed) s)"
  left=$(( 570 - $(elapsed) ))
  timeout $left ncu --clock-control none --print-units base --csv --log-file $OUT/counters_run12.csv \
    --nvtx --nvtx-include "ff_profile/" --metrics $METRICS \
    python3 benchmarks/ground_truth/corpus_collect.py --counters --counter-configs 8 --split all \
      --passed-from $OUT/corpus_run12.jsonl --manifest counters_manifest_run12.json \
      --budget-s $(( left - 40 )) --out $OUT
  if ! grep -q '^"ID"' $OUT/counters_run12.csv 2>/dev/null && [ $(elapsed) -lt 500 ]; then
    # The NVTX filter matched nothing: profile every launch (warm-ups too; the join drops them).
    echo "== counters without the NVTX filter ($(elapsed) s)"
    left=$(( 575 - $(elapsed) ))
    timeout $left ncu --clock-control none --print-units base --csv --log-file $OUT/counters_run12_all.csv \
      --metrics $METRICS \
      python3 benchmarks/ground_truth/corpus_collect.py --counters --counter-configs 3 --split all \
        --passed-from $OUT/corpus_run12.jsonl --manifest counters_manifest_run12_all.json \
        --budget-s $(( left - 30 )) --out $OUT
  fi
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/run12_log.txt
