#!/bin/bash
# Device run 22 (landed on an H100, as run 20 did): counter launches for the corpus kernels runs 14-18
# did not profile, then a second configuration of every passed kernel, until END seconds.
# Usage: [END=seconds] bash benchmarks/ground_truth/runs/run22_counters_h100.sh → $OUT/corpus_run22*. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
NAME=corpus_run22
D=benchmarks/data/h200
CHECKS=/tmp/ff_corpus_checks22.jsonl
cat $D/corpus_run14_call1.jsonl $D/corpus_run14_call2.jsonl | grep '"check"' > $CHECKS
COLLECT="python3 benchmarks/ground_truth/corpus_collect.py --window-s 0.3 --out $OUT"
ONLY=$(python3 -c "
from benchmarks.ground_truth.corpus_collect import select_kernels
print(','.join(k.case.name for k in select_kernels('all', None) if 'MatrixMulCUDA' not in k.case.name))")
SKIP=""
for m in $D/corpus_run1[4-7]*_counters_manifest.json benchmarks/data/h100/corpus_run18_counters_manifest.json; do SKIP="$SKIP --skip-manifest $m"; done
M=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors_op_read.sum,lts__t_sectors_op_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum,lts__t_sectors_srcunit_tex_op_read.sum,lts__t_sectors_srcunit_tex_op_write.sum
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  ct=$(( ${END:-400} - 10 ))
  timeout $ct ncu --clock-control none --cache-control none --print-units base --csv --log-file $OUT/${NAME}_counters.csv \
    --nvtx --nvtx-include "ff_profile/" --metrics $M \
    $COLLECT --counters --counter-configs 2 --split all --only $ONLY --passed-from $CHECKS $SKIP \
      --manifest ${NAME}_counters_manifest.json --budget-s $(( ct - 25 ))
  echo "== done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $OUT/${NAME}_log.txt
