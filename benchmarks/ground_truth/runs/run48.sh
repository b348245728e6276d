#!/bin/bash
# Device run 48 (session 20): the first measurement through the runner that loads the front end's PTX
# (flipflop.measure.launcher.load_function, CuPy's bundled CCCL where the toolkit has none; run 47 never launched),
# over every launchable robustness kernel never measured: dropout (run 46's control) first, then sweep 13's four
# (adamw_4bit, multinomial, int8_azp_quant, bnb_quantize) and the 33 of sweeps 6-11 that runs 41-46 never reached.
# Left out: langford (10-100 ms a launch over 1.6 GB), simple_assert (its assert fires past N), surface_write (needs
# a surface object), fft512 (flipflop refuses it: nothing to compare). Two passes (pass 1 = the noise ceiling),
# pass by pass; RESUME=dir[,dir] skips what an earlier call measured whole. On an H200 the probes go first (run 40's).
# Usage: [END=560] [RESUME=benchmarks/data/...] bash benchmarks/ground_truth/runs/run48.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
TAG=$(echo "$GPU" | grep -q H200 && echo h200 || echo h100)
[ "$TAG" = h200 ] && [ -z "$RESUME" ] && NAME=h200_probes_run48 bash benchmarks/ground_truth/runs/run40_h200_probes.sh
CASES=robust_dropout,robust_adamw_4bit,robust_multinomial,robust_int8_azp_quant,robust_bnb_quantize
CASES=$CASES,robust_aqlm,robust_optflow_deriv,robust_softmax_warpreduce,robust_inlineptx,robust_interval
CASES=$CASES,robust_bf16gemm,robust_dwt53,robust_attn_scores,robust_ce_bwd,robust_zeropoint,robust_mxfp4
CASES=$CASES,robust_spmm_csr,robust_mc_piq,robust_cc_compute1,robust_wyllie,robust_nonzero,robust_jaccard_rowsum
CASES=$CASES,robust_vadd_half2,robust_pagerank_map,robust_jacobi_cg,robust_awbarrier,robust_lud_diagonal
CASES=$CASES,robust_srad_reduce,robust_quant3,robust_spmv_vector,robust_kvcache_store,robust_mwcg_reduce
CASES=$CASES,robust_rgb_components,robust_moe_align,robust_cub_blockscan,robust_bgmv_shrink,robust_tsne_sigmas
CASES=$CASES,robust_tf32_gemm,robust_timed_reduction
DATA=build/run48_$TAG
mkdir -p $DATA
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  python3 -c "from flipflop.frontend.nvrtc import include_dirs, nvrtc_version; print('NVRTC', nvrtc_version(), include_dirs())"
  left=$(( ${END:-560} - $(date +%s) + start - 15 ))
  echo "== measuring: 2 passes, $left s left"
  timeout $left python3 benchmarks/ground_truth/unseen_collect.py --cases $CASES --isolate --passes 2 --window-s 0.5 \
    --budget-s $(( left - 10 )) --out $DATA ${RESUME:+--resume $RESUME}
  echo "== done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $DATA/run48_log.txt
tar czf $OUT/run48_$TAG.tgz -C build run48_$TAG
