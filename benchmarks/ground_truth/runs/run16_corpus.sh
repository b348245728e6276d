#!/bin/bash
# Device run 16 (H200): what runs 14-15 left of the third-party corpus, two warm calls.
#   CALL=1: hardware counters for up to 4 more configurations of every passed kernel (those runs
#           14-15 profiled are skipped), with the L2 fabric/source-unit split of the L2 sectors where
#           this ncu knows the metrics; then the pass-0 tails (configurations not measured yet).
#   CALL=2: the held-out pass-1 tails, the pass-0 tails left, then the development second pass
#           (pass 1) in the time left.
# Usage (device root = repo root): CALL=1 bash benchmarks/ground_truth/runs/run16_corpus.sh → $OUT/corpus_run16_callN*.
# Read-only: the GPU's settings are never changed (ncu --clock-control none --cache-control none).
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
CALL=${CALL:?CALL=1 or 2}
NAME=corpus_run16_call$CALL
D=benchmarks/data/h200
CHECKS=/tmp/ff_corpus_checks16.jsonl
cat $D/corpus_run14_call1.jsonl $D/corpus_run14_call2.jsonl | grep '"check"' > $CHECKS
REUSE="--checks-from $D/corpus_run14_call1.jsonl --checks-from $D/corpus_run14_call2.jsonl"
DONE0="--measured-from $D/corpus_run14_call1.jsonl --measured-from $D/corpus_run14_call2.jsonl --measured-from $D/corpus_run15.jsonl --measured-from /tmp/ff_run16_call1.jsonl --measured-from $D/corpus_run16_call1.jsonl"
COLLECT="python3 benchmarks/ground_truth/corpus_collect.py --window-s 0.3 --out $OUT"
M=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors_op_read.sum,lts__t_sectors_op_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  ncu --version | tail -1
  case $CALL in
  1)
    ncu --query-metrics --chip gh100 > /tmp/ncu_metrics.txt 2>&1 || true
    for m in lts__t_sectors_srcunit_tex_op_read lts__t_sectors_srcunit_tex_op_write lts__t_sectors_srcunit_ltcfabric_op_read lts__t_sectors_srcunit_ltcfabric_op_write lts__t_sectors_srcunit_ltcfabric; do
      grep -qw "^$m" /tmp/ncu_metrics.txt && M=$M,$m.sum
    done
    grep -i "ltcfabric\|srcunit_tex " /tmp/ncu_metrics.txt | head -20
    echo "metrics: $M"
    echo "== counters ($(elapsed) s)"
    timeout 480 ncu --clock-control none --cache-control none --print-units base --csv --log-file $OUT/${NAME}_counters.csv \
      --nvtx --nvtx-include "ff_profile/" --metrics $M \
      $COLLECT --counters --counter-configs 4 --split all --passed-from $CHECKS \
        --skip-manifest $D/corpus_run14_call1_counters_manifest.json --skip-manifest $D/corpus_run15_counters_manifest.json \
        --manifest ${NAME}_counters_manifest.json --budget-s 430
    echo "== pass-0 tails ($(elapsed) s)"
    left=$(( 570 - $(elapsed) ))
    timeout $left $COLLECT --split all --passes 1 --first-pass 0 --budget-s $(( left - 15 )) --single-file $NAME.jsonl $REUSE $DONE0
    cp $OUT/$NAME.jsonl /tmp/ff_run16_call1.jsonl ;;
  2)
    echo "== held-out pass-1 tails ($(elapsed) s)"
    timeout 250 $COLLECT --split heldout --passes 1 --first-pass 1 --budget-s 230 --single-file $NAME.jsonl $REUSE \
      --measured-from $D/corpus_run14_call1.jsonl
    echo "== pass-0 tails left ($(elapsed) s)"
    left=$(( 300 - $(elapsed) ))
    [ $left -gt 20 ] && timeout $left $COLLECT --split all --passes 1 --first-pass 0 --budget-s $(( left - 10 )) --single-file $NAME.jsonl $REUSE $DONE0
    echo "== development pass 1 ($(elapsed) s)"
    left=$(( 575 - $(elapsed) ))
    timeout $left $COLLECT --split dev --passes 1 --first-pass 1 --budget-s $(( left - 15 )) --single-file $NAME.jsonl $REUSE ;;
  esac
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/${NAME}_log.txt
