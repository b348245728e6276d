#!/bin/bash
# Device run 47 (session 19): robustness sweep 13's four launchable kernels (adamw_4bit, multinomial, int8_azp_quant,
# bnb_quantize; rotary holds device addresses by value, cbow needs __constant__ data), never measured, and dropout
# (measured in run 46 on an H100) as the control: the first measurement through the runner that loads the front
# end's PTX (flipflop.measure.launcher.load_function) instead of compiling with CuPy's NVRTC. Two passes.
# First call (08:59 UTC): every compile failed, the device's venv lacking nvidia-cuda-cccl (<cuda/std/utility>);
# the front end now takes CuPy's bundled CCCL there.
# Usage: [END=240] bash benchmarks/ground_truth/runs/run47.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
TAG=$(echo "$GPU" | grep -q H200 && echo h200 || echo h100)
CASES=robust_dropout,robust_adamw_4bit,robust_multinomial,robust_int8_azp_quant,robust_bnb_quantize
DATA=build/sweep13_$TAG
mkdir -p $DATA
{
  echo "GPU: $GPU"
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  python3 -c "from flipflop.frontend.nvrtc import include_dirs, nvrtc_version; print('NVRTC', nvrtc_version(), include_dirs())"
  left=$(( ${END:-240} - $(date +%s) + start - 15 ))
  echo "== measuring: 2 passes, $left s left"
  timeout $left python3 benchmarks/ground_truth/unseen_collect.py --cases $CASES --isolate --passes 2 --window-s 0.5 \
    --budget-s $(( left - 10 )) --out $DATA
  echo "== done ($(( $(date +%s) - start )) s)"
} 2>&1 | tee $DATA/run47_log.txt
tar czf $OUT/sweep13_run47_$TAG.tgz -C build sweep13_$TAG
