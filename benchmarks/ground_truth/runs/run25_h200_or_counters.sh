#!/bin/bash
# Device run 25: the session's last ~200 s. On an H200: the green-context probe, the SM sweep
# (per-SM DRAM bandwidth for h200-sxm) and SM-count ground truth for as many development kernels
# as fit. On an H100 (a call may land on either): counter launches for configurations runs 14-23
# did not profile. Usage: [END=seconds] bash benchmarks/ground_truth/runs/run25_h200_or_counters.sh → $OUT/. Read-only on the GPU.
set -o pipefail
export PYTHONPATH=. PYTHONUNBUFFERED=1
END=${END:-190}
GPU=$(nvidia-smi --query-gpu=name --format=csv,noheader)
echo "GPU: $GPU"
if [[ "$GPU" == *H200* ]]; then
  timeout $(( END - 5 )) python3 benchmarks/ground_truth/sm_count_collect.py --out $OUT --budget-s $(( END - 15 )) --shapes 2 \
    --sm-counts 16,32,64,96,132 2>&1 | tee $OUT/run25_log.txt
else
  sed -e 's/NAME=corpus_run22/NAME=corpus_run25/' -e 's/ff_corpus_checks22/ff_corpus_checks25/' \
      -e 's#benchmarks/data/h100/corpus_run18_counters_manifest.json;#benchmarks/data/h100/corpus_run18_counters_manifest.json benchmarks/data/h100/corpus_run22_counters_manifest.json benchmarks/data/h100/corpus_run23_counters_manifest.json;#' \
      benchmarks/ground_truth/runs/run22_counters_h100.sh > /tmp/run25_counters.sh
  END=$END bash /tmp/run25_counters.sh
fi
