#!/bin/bash
# Device run 35 (session 12): both unseen sets on the H200 (only; exit 3 on anything else) — the judged card.
# Runs 31 and 33 measured them on an H100; this is the same collection (runs 31 and 33's scripts, unedited)
# with the call's time split between them: the first set until END1, the second until END.
# Usage: [END1=290] [END=570] bash benchmarks/ground_truth/runs/run35_unseen_h200.sh → $OUT/. Read-only on the GPU.
set -o pipefail
start=$(date +%s)
nvidia-smi --query-gpu=name --format=csv,noheader | grep -q H200 || { echo "not an H200: $(nvidia-smi --query-gpu=name --format=csv,noheader)"; exit 3; }
END=${END1:-290} bash benchmarks/ground_truth/runs/run31_unseen.sh
END=$(( ${END:-570} - $(date +%s) + start )) bash benchmarks/ground_truth/runs/run33_unseen2.sh
