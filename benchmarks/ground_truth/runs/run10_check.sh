#!/bin/bash
# Device check after the review refactor: the shared CUDA-event timer (calibration runner and
# scheduling benchmarks) and the launcher without its second warm-up launch. Read-only.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
{
  nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv
  python3 -m pip install --no-deps --no-index -q .whl/rich-*.whl .whl/markdown_it_py-*.whl .whl/mdurl-*.whl .whl/pygments-*.whl 2>&1 | tail -1
  echo "== scheduling"; timeout 60 python3 -m flipflop.hardware.calibrate.scheduling --out $OUT/scheduling_check.json
  echo "== runner --quick"; timeout 150 python3 -m flipflop.hardware.calibrate.runner --quick --no-progress --out $OUT/calib_quick_check.json
  echo "== validate"; T=$(python3 -c "print(','.join(str(32*i) for i in range(1,33)))")
  timeout 90 python3 -m flipflop validate --kernel vector_add --source benchmarks/kernels/vector_add.cu \
    --problem-size 33554432 --tune block_size_x=$T \
    --args "float32[33554432],float32[33554432],float32[33554432],int32=33554432" \
    --gpu h100-sxm --power-limits 700 --json $OUT/validate_check.json
  echo "== long launches"; timeout 60 python3 benchmarks/ground_truth/collect.py --cases attention@seq2048 --sizes 0 \
    --window-s 0.4 --budget-s 20 --out $OUT --single-file gt_check.jsonl
} 2>&1 | tee $OUT/check_log.txt
