#!/bin/bash
# Device run 17 (H200): more hardware counters for the corpus (up to 4 configurations of every passed
# kernel that run 16 did not reach, skipping configurations runs 14-15 profiled), with the metric set of run 14 plus the L2 sectors that come
# from the SMs' L1/TEX (run 16 also collected the fabric split, which doubled the time a launch),
# then the development second pass (pass 1) in the time left.
# Usage: bash benchmarks/ground_truth/runs/run17_counters.sh → $OUT/corpus_run17*. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
NAME=corpus_run17
D=benchmarks/data/h200
CHECKS=/tmp/ff_corpus_checks17.jsonl
cat $D/corpus_run14_call1.jsonl $D/corpus_run14_call2.jsonl | grep '"check"' > $CHECKS
REUSE="--checks-from $D/corpus_run14_call1.jsonl --checks-from $D/corpus_run14_call2.jsonl"
COLLECT="python3 benchmarks/ground_truth/corpus_collect.py --window-s 0.3 --out $OUT"
ONLY=hecbench/softmax-online_softmax_forward_online_kernel3@4096x50257,cuda-samples/transpose_transposeDiagonal@8192x8192,cuda-samples/reduction_reduce1@134217728,cuda-samples/reduction_reduce2@134217728,cuda-samples/reduction_reduce3@134217728,cuda-samples/reduction_reduce4@134217728,cuda-samples/reduction_reduce6@67108864,cuda-samples/scalarProd_scalarProdGPU@1024x32768,cuda-samples/histogram_histogram256Kernel@67108864,cuda-samples/BlackScholes_BlackScholesGPU@67108864,cuda-samples/fastWalshTransform_fwtBatch2Kernel@67108864,cuda-samples/fastWalshTransform_modulateKernel@16777216,cuda-samples/fastWalshTransform_modulateKernel@4194304,cuda-samples/matrixMul_MatrixMulCUDA@2016x2016x2016,rodinia/bfs_Kernel@16777216,rodinia/bfs_Kernel2@134217728,rodinia/hotspot_calculate_temp@8192x8192,rodinia/pathfinder_dynproc_kernel@8388608,rodinia/gaussian_Fan2@8192,rodinia/nn_euclid@67108864,rodinia/backprop_bpnn_adjust_weights_cuda@1048320,rodinia/kmeans_invert_mapping@4194304,rodinia/hotspot3D_hotspotOpt1@1024x1024x128,rodinia/cfd_cuda_compute_step_factor@27525120,rodinia/cfd_cuda_time_step@13762560,rodinia/srad_v1_extract@8192x8192,rodinia/srad_v1_prepare@8192x8192,rodinia/srad_v1_compress@8192x8192,rodinia/srad_v1_srad@8192x8192,rodinia/srad_v1_srad2@8192x8192
M=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors_op_read.sum,lts__t_sectors_op_write.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum,l1tex__t_requests_pipe_lsu_mem_global_op_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum,lts__t_sectors_srcunit_tex_op_read.sum,lts__t_sectors_srcunit_tex_op_write.sum
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  echo "== counters ($(elapsed) s)"
  timeout 400 ncu --clock-control none --cache-control none --print-units base --csv --log-file $OUT/${NAME}_counters.csv \
    --nvtx --nvtx-include "ff_profile/" --metrics $M \
    $COLLECT --counters --counter-configs 4 --split all --only $ONLY --passed-from $CHECKS \
      --skip-manifest $D/corpus_run14_call1_counters_manifest.json --skip-manifest $D/corpus_run15_counters_manifest.json \
      --skip-manifest $D/corpus_run16_call1_counters_manifest.json \
      --manifest ${NAME}_counters_manifest.json --budget-s 370
  echo "== development pass 1, continued ($(elapsed) s)"
  left=$(( 470 - $(elapsed) ))
  [ $left -gt 20 ] && timeout $left $COLLECT --split dev --passes 1 --first-pass 1 --budget-s $(( left - 10 )) \
    --single-file $NAME.jsonl $REUSE --measured-from $D/corpus_run16_call2.jsonl
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/${NAME}_log.txt
