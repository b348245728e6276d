#!/bin/bash
# Device run 49 (session 20): (1) the fixes run 48's failures asked for, on a GPU: a static kernel inside extern "C"
# found by its mangled entry (timed_reduction) and grid-synchronised kernels launched cooperatively (awbarrier,
# reduce_mbcg), two passes; (2) on an H200, the probes (run 40's); (3) Nsight Compute counters (run 37's metrics) of
# the run 48 kernels the model predicted worst (first look, accuracy_robust_h100_run48_first_look.json), 3
# configurations each, through the runner's load path. Usage: [END=560] bash benchmarks/ground_truth/runs/run49.sh
#   → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
TAG=$(echo "$GPU" | grep -q H200 && echo h200 || echo h100)
DATA=build/run49_$TAG
mkdir -p $DATA
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  timeout 120 python3 benchmarks/ground_truth/unseen_collect.py --cases robust_timed_reduction,robust_awbarrier,robust_reduce_mbcg \
    --isolate --passes 2 --window-s 0.5 --budget-s 110 --out $DATA
} 2>&1 | tee $DATA/run49_log.txt
[ "$TAG" = h200 ] && NAME=h200_probes_run49 bash benchmarks/ground_truth/runs/run40_h200_probes.sh
NAME=robust_run49_$TAG
M=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors_op_read.sum,lts__t_sectors_op_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum,lts__t_sectors_srcunit_tex_op_read.sum,lts__t_sectors_srcunit_tex_op_write.sum
WORST=optflow_deriv,cub_blockscan,wyllie,spmm_csr,softmax_warpreduce,multinomial,tsne_sigmas,cc_compute1,attn_scores
WORST=$WORST,mc_piq,mxfp4,dwt53,nonzero,lud_diagonal,jacobi_cg,ce_bwd,kvcache_store,mwcg_reduce
{
  ct=$(( ${END:-560} - $(date +%s) + start - 15 ))
  echo "== counters: $ct s left"
  timeout $ct ncu --clock-control none --cache-control none --print-units base --csv --log-file $DATA/${NAME}_counters.csv \
    --nvtx --nvtx-include "ff_profile/" --metrics $M \
    python3 benchmarks/ground_truth/unseen_counters.py --sets robust --cases $(echo $WORST | sed 's/\([a-z0-9_]*\)/robust_\1/g') \
      --out $DATA --manifest ${NAME}_counters_manifest.json --counter-configs 3 --budget-s $(( ct - 30 ))
  echo "== done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee -a $DATA/run49_log.txt
tar czf $OUT/run49_$TAG.tgz -C build run49_$TAG
