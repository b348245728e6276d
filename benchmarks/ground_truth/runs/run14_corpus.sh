#!/bin/bash
# Device runs 14-16 (H200): the third-party corpus (57 cases, 1,527 configurations), three calls.
#   CALL=1: held-out third: check against the references, pass 1 then pass 2 over every configuration,
#           then hardware counters under ncu (up to 8 configurations a kernel) in the time left.
#   CALL=2: development two-thirds: check, pass 1.
#   CALL=3: development two-thirds: counters (up to 6 configurations a kernel, ~300 s), then pass 2 in
#           the time left.
# Usage (device root = repo root): CALL=1 bash benchmarks/ground_truth/runs/run14_corpus.sh, and so on.
# Outputs in $OUT, named corpus_run14_callN*: .jsonl (checks + measurements), _log.txt, _counters.csv
# (ncu), _counters_manifest.json (which profiled launch is which case and configuration).
# Checks are reused across calls on a warm machine (/tmp) or from the committed file of an earlier call.
# Read-only: the GPU's settings are never changed (ncu --clock-control none; --cache-control none: each
# profiled launch follows its warm-up launch with the caches as that left them, as back-to-back launches).
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
CALL=${CALL:?CALL=1, 2 or 3}
NAME=corpus_run14_call$CALL
CHECKS=/tmp/ff_corpus_checks.jsonl
REUSE="--checks-from $CHECKS --checks-from benchmarks/data/h200/corpus_run14_call1.jsonl --checks-from benchmarks/data/h200/corpus_run14_call2.jsonl"
METRICS=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors_op_read.sum,lts__t_sectors_op_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum
COLLECT="python3 benchmarks/ground_truth/corpus_collect.py --window-s 0.3 --out $OUT"
counters() {  # split, configurations a kernel, seconds
  timeout $3 ncu --clock-control none --cache-control none --print-units base --csv --log-file $OUT/${NAME}_counters.csv \
    --nvtx --nvtx-include "ff_profile/" --metrics $METRICS \
    $COLLECT --counters --counter-configs $2 --split $1 --passed-from $CHECKS \
      --manifest ${NAME}_counters_manifest.json --budget-s $(( $3 - 40 ))
}
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  ncu --version | tail -1
  case $CALL in
  1)
    echo "== held-out: check, passes 1 and 2 ($(elapsed) s)"
    timeout 420 $COLLECT --split heldout --passes 2 --first-pass 0 --budget-s 400 --single-file $NAME.jsonl $REUSE
    grep '"check"' $OUT/$NAME.jsonl >> $CHECKS
    echo "== held-out counters ($(elapsed) s)"
    counters heldout 8 $(( 575 - $(elapsed) )) ;;
  2)
    echo "== development: check, pass 1 ($(elapsed) s)"
    timeout 570 $COLLECT --split dev --passes 1 --first-pass 0 --budget-s 550 --single-file $NAME.jsonl $REUSE
    grep '"check"' $OUT/$NAME.jsonl >> $CHECKS ;;
  3)
    echo "== development counters ($(elapsed) s)"
    [ -s $CHECKS ] || cat benchmarks/data/h200/corpus_run14_call[12].jsonl 2>/dev/null | grep '"check"' > $CHECKS
    counters dev 6 300
    echo "== development: pass 2 ($(elapsed) s)"
    left=$(( 575 - $(elapsed) ))
    timeout $left $COLLECT --split dev --passes 1 --first-pass 1 --budget-s $(( left - 15 )) --single-file $NAME.jsonl $REUSE ;;
  esac
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/${NAME}_log.txt
