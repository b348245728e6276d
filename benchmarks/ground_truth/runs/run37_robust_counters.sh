#!/bin/bash
# Device run 37 (session 12), on whatever card comes: Nsight Compute counters (run 34's metrics) of the
# robustness set — 25 of its 33 third-party kernels (unseen_counters.py --sets robust: those that
# need no __constant__ data or block-size-dependent arguments), 3 configurations each — to check the
# analysis on code it was never developed on. Usage: [END=400] bash benchmarks/ground_truth/runs/run37_robust_counters.sh
#   → $OUT/robust_run37_<h100|h200>_counters{.csv,_manifest.json}, _log.txt. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
TAG=$(echo "$GPU" | grep -q H200 && echo h200 || echo h100)
NAME=robust_run37_$TAG
M=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors_op_read.sum,lts__t_sectors_op_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum,lts__t_sectors_srcunit_tex_op_read.sum,lts__t_sectors_srcunit_tex_op_write.sum
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  ct=$(( ${END:-400} - $(date +%s) + start - 10 ))
  timeout $ct ncu --clock-control none --cache-control none --print-units base --csv --log-file $OUT/${NAME}_counters.csv \
    --nvtx --nvtx-include "ff_profile/" --metrics $M \
    python3 benchmarks/ground_truth/unseen_counters.py --sets robust --out $OUT --manifest ${NAME}_counters_manifest.json \
      --counter-configs 3 --budget-s $(( ct - 30 )) --skip "${SKIP:-}"
  echo "== done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $OUT/${NAME}_log.txt
