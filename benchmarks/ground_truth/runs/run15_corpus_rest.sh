#!/bin/bash
# Device run 15 (H200): the development kernels that run 14's second call did not reach (its budget
# did not count compile time), pass 1, then hardware counters for up to 3 configurations of every
# development kernel in the time left. Checks are reused from run 14 call 2 (same kernels, same image).
# Usage: bash benchmarks/ground_truth/runs/run15_corpus_rest.sh  → $OUT/corpus_run15*.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
ONLY=cuda-samples/transpose_copy@8192x8192,cuda-samples/transpose_copySharedMem@8192x8192,cuda-samples/transpose_transposeNaive@8192x8192,cuda-samples/transpose_transposeNoBankConflicts@8192x8192,cuda-samples/transpose_transposeDiagonal@8192x8192,cuda-samples/reduction_reduce1@134217728,cuda-samples/reduction_reduce2@134217728,cuda-samples/reduction_reduce3@134217728,cuda-samples/histogram_histogram256Kernel@67108864,cuda-samples/BlackScholes_BlackScholesGPU@67108864,cuda-samples/fastWalshTransform_modulateKernel@16777216,cuda-samples/fastWalshTransform_modulateKernel@4194304,cuda-samples/matrixMul_MatrixMulCUDA@2016x2016x2016,rodinia/bfs_Kernel@16777216,rodinia/bfs_Kernel2@134217728,rodinia/hotspot_calculate_temp@8192x8192,rodinia/pathfinder_dynproc_kernel@8388608,rodinia/backprop_bpnn_adjust_weights_cuda@1048320,rodinia/kmeans_invert_mapping@4194304,rodinia/hotspot3D_hotspotOpt1@1024x1024x128,rodinia/srad_v1_extract@8192x8192,rodinia/srad_v1_prepare@8192x8192,rodinia/srad_v1_compress@8192x8192,rodinia/srad_v1_srad@8192x8192,rodinia/srad_v1_srad2@8192x8192
M=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors_op_read.sum,lts__t_sectors_op_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum
C=benchmarks/data/h200/corpus_run14_call2.jsonl
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.sm,temperature.gpu,power.draw --format=csv
  echo "== dev pass 1, the rest"
  timeout 390 python3 benchmarks/ground_truth/corpus_collect.py --window-s 0.3 --out $OUT --split dev --only $ONLY \
    --passes 1 --first-pass 0 --budget-s 300 --single-file corpus_run15.jsonl --checks-from $C
  echo "== dev counters"
  timeout 150 ncu --clock-control none --cache-control none --print-units base --csv --log-file $OUT/corpus_run15_counters.csv \
    --nvtx --nvtx-include "ff_profile/" --metrics $M \
    python3 benchmarks/ground_truth/corpus_collect.py --window-s 0.3 --out $OUT --counters --counter-configs 3 --split dev \
      --passed-from $C --manifest corpus_run15_counters_manifest.json --budget-s 115
  echo "== done"
} 2>&1 | tee $OUT/corpus_run15_log.txt
