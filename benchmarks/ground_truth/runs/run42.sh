#!/bin/bash
# Device run 42 (session 14): only on an H200 (exit 3 on anything else, at once): run 41 there — the probes (atomics,
# scheduling with the histogram past L2, streaming latency: the fields h200-sxm borrows from the H100), then the
# robustness set measured pass by pass in the time left.
# Usage: [END=300] bash benchmarks/ground_truth/runs/run42.sh → $OUT/. Read-only on the GPU.
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
echo "$GPU" | grep -q H200 || { echo "not an H200: $GPU"; exit 3; }
END=${END:-300} CALL=1 PROBES=1 bash benchmarks/ground_truth/runs/run41.sh
