#!/bin/bash
# Device run 34 (session 11), on whatever card comes:
#   1. Nsight Compute counters of both unseen sets (25 third-party kernels, 3 configurations each:
#      smallest, middle, largest block), for benchmarks/counters.py;
#   2. benchmarks/ground_truth/latency_probe.py: a streaming loop's dependent round trip with 1-16 warps an SM.
# Usage: [END=400] bash benchmarks/ground_truth/runs/run34_counters_unseen.sh
#   → $OUT/unseen_run34_<h100|h200>_counters{.csv,_manifest.json}, $OUT/latency_probe.json.
# Read-only on the GPU (ncu --clock-control none: clocks are left as they are).
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
TAG=$(echo "$GPU" | grep -q H200 && echo h200 || echo h100)
NAME=unseen_run34_$TAG
M=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors_op_read.sum,lts__t_sectors_op_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum,lts__t_sectors_srcunit_tex_op_read.sum,lts__t_sectors_srcunit_tex_op_write.sum
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  timeout 60 python3 benchmarks/ground_truth/latency_probe.py --out $OUT
  echo "== latency probe done ($(( $(date +%s) - start )) s)"
  ct=$(( ${END:-400} - $(date +%s) + start - 10 ))
  timeout $ct ncu --clock-control none --cache-control none --print-units base --csv --log-file $OUT/${NAME}_counters.csv \
    --nvtx --nvtx-include "ff_profile/" --metrics $M \
    python3 benchmarks/ground_truth/unseen_counters.py --out $OUT --manifest ${NAME}_counters_manifest.json \
      --counter-configs 3 --budget-s $(( ct - 30 ))
  echo "== done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $OUT/${NAME}_log.txt
