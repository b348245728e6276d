"""Device check (run 50): the green runner's "library" launch mode launches a grid-synchronised kernel
cooperatively (cuLaunchCooperativeKernel, flipflop/measure/green.py), and a plain kernel as before.

A kernel whose blocks each write their index, meet at cg::this_grid().sync(), then have block 0 sum what
every block wrote: launched plainly it fails (no grid workspace); launched cooperatively the sum is exact.
Run on a GPU only; read-only (a green context is a per-process object). Prints and writes JSON.

    python benchmarks/ground_truth/green_cooperative_check.py --out DIR [--sms 16]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

import numpy as np

GRID_SYNC = r"""
#include <cooperative_groups.h>
namespace cg = cooperative_groups;
extern "C" __global__ void grid_sum(unsigned int* slots, unsigned int* total) {
    if (threadIdx.x == 0) slots[blockIdx.x] = blockIdx.x + 1;
    cg::this_grid().sync();
    if (blockIdx.x == 0 && threadIdx.x == 0) {
        unsigned int s = 0;
        for (unsigned int b = 0; b < gridDim.x; ++b) s += slots[b];
        *total = s;
    }
}
"""
PLAIN = GRID_SYNC.replace("cg::this_grid().sync();", "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sms", type=int, default=16)
    args = parser.parse_args()
    import cupy

    from flipflop.measure.green import GreenRunner, GreenSession

    gpu = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,power.limit,clocks.max.sm",
                          "--format=csv,noheader"], capture_output=True, text=True).stdout.strip()
    record: dict = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "gpu": gpu,
                    "command": "python benchmarks/ground_truth/green_cooperative_check.py " +
                               f"--out {args.out} --sms {args.sms}", "cases": []}
    session = GreenSession(launch_mode="library")
    try:
        for label, source in (("grid_sync", GRID_SYNC), ("plain", PLAIN)):
            blocks = session.partition(args.sms).sm_count  # one block an SM: all co-resident
            slots, total = cupy.zeros(blocks, cupy.uint32), cupy.zeros(1, cupy.uint32)
            runner = GreenRunner("grid_sum", [slots, total], session, args.sms, mode="library")
            case = {"kernel": label, "blocks": blocks, "partition_sms": runner.active_sms,
                    "cooperative": None, "compile": runner.compile(source)}
            try:
                case["cooperative"] = runner._libraries[source][2]
                runner.launcher(source, (blocks, 1, 1), (64, 1, 1), 0)()
                runner.synchronize()
                got = int(cupy.asnumpy(total)[0])
                case.update(total=got, expected=blocks * (blocks + 1) // 2 if label == "grid_sync" else None,
                            ok=got == blocks * (blocks + 1) // 2 if label == "grid_sync" else True)
            except Exception as error:  # noqa: BLE001 - recorded, the check goes on
                case.update(ok=False, error=f"{type(error).__name__}: {error}")
            finally:
                runner.close()
            record["cases"].append(case)
            print(json.dumps(case))
    finally:
        session.close()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "green_cooperative_check.json").write_text(json.dumps(record, indent=1))
    return 0 if all(c.get("ok") for c in record["cases"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
