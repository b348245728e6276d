#!/bin/bash
# Device run 8 (session 2, fourth call): Kernel Tuner's brute force (its NVMLObserver, as a
# user would run it) over the whole block-shape space of suite kernels, timed and metered
# (RQ3: the GPU time and energy flipflop's predictions avoid). Read-only: no setting changes.
# Usage (device root = repo root): bash benchmarks/ground_truth/runs/run8.sh   (writes into $OUT)
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
{
  nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm,clocks.sm,temperature.gpu --format=csv
  python3 -m pip install --no-deps --no-index -q .whl/kernel_tuner-*.whl .whl/python_constraint2-*.whl .whl/xmltodict-*.whl .whl/jsonschema-*.whl .whl/jsonschema_specifications-*.whl .whl/referencing-*.whl .whl/rpds_py-*.whl 2>&1 | tail -1
  timeout 540 python3 benchmarks/ground_truth/kt_compare.py --cases "" --budget-s 500 \
    --full-brute-force stencil@3000x5000,convolution@1000x1000,matmul_tiled@1000x1000,transpose_tiled@3000x5000,attention@seq512,reduction@10000000 \
    --out $OUT/kt_brute_force.json
} 2>&1 | tee $OUT/run8_log.txt
