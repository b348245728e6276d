#!/bin/bash
# Device run 5 (session 2, first call): Triton PTX fixtures, calibration re-run with the fixed
# runner, `flipflop validate` on the real GPU, attention at seq 2048 (all 51 shapes, long-launch
# protocol), then the held-out kernels with what time is left. Read-only: no GPU setting changes.
# Usage (device root = repo root): bash benchmarks/ground_truth/runs/run5.sh   (writes into $OUT)
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu --format=csv
  pip install --no-deps --no-index -q .whl/rich-*.whl .whl/markdown_it_py-*.whl .whl/mdurl-*.whl .whl/pygments-*.whl 2>&1 | tail -1
  echo "== triton ptx ($(elapsed) s)"
  timeout 90 python3 benchmarks/triton/dump_ptx.py --out $OUT/triton_ptx.json
  echo "== calibration ($(elapsed) s)"
  timeout 200 python3 -m flipflop.hardware.calibrate.runner --out $OUT/calib_raw.json --no-progress
  echo "== validate ($(elapsed) s)"
  T=$(python3 -c "print(','.join(str(32*i) for i in range(1,33)))")
  timeout 90 python3 -m flipflop validate --kernel vector_add --source benchmarks/kernels/vector_add.cu \
    --problem-size 33554432 --tune block_size_x=$T \
    --args "float32[33554432],float32[33554432],float32[33554432],int32=33554432" \
    --gpu h100-sxm --power-limits 700 --json $OUT/validate_vector_add.json
  echo "== attention seq2048 ($(elapsed) s)"
  timeout 150 python3 benchmarks/ground_truth/collect.py --cases attention@seq2048 --sizes 0 --window-s 0.4 \
    --budget-s 120 --out $OUT --single-file gt_run5.jsonl
  left=$(( 575 - $(elapsed) ))
  echo "== held-out kernels, budget $left s ($(elapsed) s)"
  timeout $(( left + 15 )) python3 benchmarks/ground_truth/collect.py --cases heldout --sizes 0 --window-s 0.4 \
    --budget-s $(( left - 25 )) --out $OUT --single-file gt_run5.jsonl
  echo "== done ($(elapsed) s)"
} 2>&1 | tee $OUT/run5_log.txt
