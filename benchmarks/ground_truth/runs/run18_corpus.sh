#!/bin/bash
# Device run 18 (H200): the last counter launches issue 10 asks for (one more configuration of every
# passed kernel but MatrixMulCUDA, on which ncu failed in run 17), then the development second pass
# (pass 1) continued in the time left.
# Usage: [END=seconds] bash benchmarks/ground_truth/runs/run18_corpus.sh → $OUT/corpus_run18*. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
NAME=corpus_run18
D=benchmarks/data/h200
CHECKS=/tmp/ff_corpus_checks18.jsonl
cat $D/corpus_run14_call1.jsonl $D/corpus_run14_call2.jsonl | grep '"check"' > $CHECKS
REUSE="--checks-from $D/corpus_run14_call1.jsonl --checks-from $D/corpus_run14_call2.jsonl"
COLLECT="python3 benchmarks/ground_truth/corpus_collect.py --window-s 0.3 --out $OUT"
ONLY=$(python3 -c "
from benchmarks.ground_truth.corpus_collect import select_kernels
print(','.join(k.case.name for k in select_kernels('all', None) if 'MatrixMulCUDA' not in k.case.name))")
SKIP=""
for m in $D/corpus_run1[4-7]*_counters_manifest.json; do SKIP="$SKIP --skip-manifest $m"; done
M=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors_op_read.sum,lts__t_sectors_op_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum,lts__t_sectors_srcunit_tex_op_read.sum,lts__t_sectors_srcunit_tex_op_write.sum
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  echo "== counters ($(elapsed) s)"
  ct=$(( ${END:-575} < 180 ? ${END:-575} - 10 : 170 ))
  timeout $ct ncu --clock-control none --cache-control none --print-units base --csv --log-file $OUT/${NAME}_counters.csv \
    --nvtx --nvtx-include "ff_profile/" --metrics $M \
    $COLLECT --counters --counter-configs 1 --split all --only $ONLY --passed-from $CHECKS $SKIP \
      --manifest ${NAME}_counters_manifest.json --budget-s $(( ct - 20 ))
  echo "== development pass 1, continued ($(elapsed) s)"
  left=$(( ${END:-575} - $(elapsed) ))
  [ $left -gt 20 ] && timeout $left $COLLECT --split dev --passes 1 --first-pass 1 --budget-s $(( left - 12 )) \
    --single-file $NAME.jsonl $REUSE --measured-from $D/corpus_run16_call2.jsonl --measured-from $D/corpus_run17.jsonl
  echo "== done ($(elapsed) s)"
} 2>&1 | tee -a ${LOG:-$OUT/${NAME}_log.txt}
