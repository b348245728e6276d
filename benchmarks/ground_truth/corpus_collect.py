"""Check the third-party corpus against its references, then measure it (time, power, energy per block shape).

    python benchmarks/ground_truth/corpus_collect.py --out OUT [--split dev|heldout|all] [--only NAME,...]
        [--part K/N] [--single-file corpus.jsonl] [--budget-s 400] [--window-s 0.4] [--passes 1] [--first-pass 0]
        [--check-only] [--dry-run]
    ncu --clock-control none --print-units base --csv --log-file OUT/counters.csv \\
        --nvtx --nvtx-include "ff_profile/" --metrics dram__bytes_read.sum,... \\
        python benchmarks/ground_truth/corpus_collect.py --out OUT --counters [--counter-configs 8]
        [--passed-from OUT/corpus.jsonl]

CHECK: every corpus kernel's small case runs at up to three configurations (smallest, middle
and largest block) on fresh device copies of its arguments; the arrays its reference names are
poisoned first (every byte 0xFF: NaN for floats), and the outputs are compared with the
reference (np.allclose(rtol, atol), or the kernel's `compare` hook). A kernel that fails
poisoned is run once more unpoisoned (in-place and accumulating outputs read their initial
contents); it passes then only if the reference differs from the initial contents. One JSONL
line per kernel: {"check": ..., "passed", "max_abs_error", "max_rel_error", "configs": [...]}.

MEASURE: the kernels that passed, every configuration of the full case, through
flipflop.measure.launcher.measure_configs, one JSONL line per configuration as it comes
(collect.py's format; dynamic shared memory from the case's smem_args). Passes are whole sweeps,
one after the other. Each case may use all of the budget left (compiles included), so a run cut
short keeps every case it finished, whole.

A kernel that breaks the CUDA context (illegal address) is recorded and the script restarts
itself (os.execv) with the same output, skipping what is already written, within what is
left of the budget.

COUNTERS: for up to --counter-configs configurations per passed kernel, spread over the block
sizes, one warm-up launch and then one launch inside an NVTX push/pop range "ff_profile", for
running under ncu with --nvtx --nvtx-include "ff_profile/". A manifest (counters_manifest.json)
lists every launch in order, warm-ups included, so `join_ncu` can join ncu's CSV whether or
not the NVTX filter was applied. The GPU's settings are never changed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable, TextIO

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.ground_truth.collect import (  # noqa: E402
    LAUNCH_KEYS, _estimate_s, _free_gpu_memory, _summary_row, case_header, launch_configs, run_metadata)
from benchmarks.kernels.suite import Case, configurations  # noqa: E402
from flipflop.frontend.nvrtc import instantiate_kernel_name  # noqa: E402
from flipflop.measure.launcher import (  # noqa: E402
    LoadedKernel, kernel_tuner_defines, load_function, source_with_defines)

NVTX_RANGE = "ff_profile"
DEFAULT_FILE = "corpus.jsonl"
MANIFEST_FILE = "counters_manifest.json"
# Seconds per checked configuration (compile on 16 cores, copies, launch, compare) and per
# profiled configuration under ncu (replay passes for ten metrics, compile, warm-up).
CHECK_S_PER_CONFIG = 0.3  # H200: 33 checks of 11 kernels in 8 s
COUNTER_S_PER_CONFIG = 1.5
# Driver errors after which the context is unusable: every later launch fails.
STICKY_ERRORS = ("illegal", "misaligned", "unspecified launch failure", "hardware stack error",
                 "illegal instruction", "invalid program counter", "launch timed out")
POISON_BYTE = 0xFF
MAX_RESTARTS = 8


# ---------------------------------------------------------------- configurations ------------


def instantiated_name(kernel_name: str, params: dict[str, Any]) -> str:
    """A kernel name with its tune parameters' values put in, as the launcher instantiates it:
    "reduce6<float, block_size_x, true>" at block_size_x=256 → "reduce6<float, 256, true>"."""
    return instantiate_kernel_name(kernel_name, {k: v for k, v in params.items() if k not in LAUNCH_KEYS})


def _threads(config: dict) -> int:
    return math.prod(config["block"])


def spread_configs(configs: list[dict], count: int) -> list[dict]:
    """Up to `count` configurations spread evenly over the block sizes (sorted by threads per
    block, then by the order given): always the smallest and the largest."""
    if len(configs) <= count:
        return sorted(configs, key=_threads)
    ordered = sorted(configs, key=_threads)
    if count <= 1:
        return ordered[:count]
    picks = sorted({round(i * (len(ordered) - 1) / (count - 1)) for i in range(count)})
    return [ordered[i] for i in picks]


def check_configs(case: Case) -> list[dict]:
    """The smallest, middle and largest block of the small case (fewer when it has fewer)."""
    return spread_configs(launch_configs(case), 3)


def _name(kernel) -> str:
    return kernel.case.name


def part_of(kernels: list, part: str | None) -> list:
    """Part K of N ("K/N") of the kernels: N bins balanced by configuration count (the largest
    kernel first into the lightest bin), each kept in corpus order; None or "1/1": all."""
    if not part or part == "1/1":
        return kernels
    k, n = (int(v) for v in part.split("/"))
    if not 1 <= k <= n:
        raise ValueError(f"--part {part}: K must be 1..N")
    sizes = {_name(kernel): len(configurations(kernel.case)) for kernel in kernels}
    bins: list[list[str]] = [[] for _ in range(n)]
    loads = [0] * n
    for name in sorted(sizes, key=lambda m: (-sizes[m], m)):
        lightest = loads.index(min(loads))
        bins[lightest].append(name)
        loads[lightest] += sizes[name]
    chosen = set(bins[k - 1])
    return [kernel for kernel in kernels if _name(kernel) in chosen]


def select_kernels(split: str, only: str | None, part: str | None = None) -> list:
    from benchmarks.kernels.corpus.all import corpus_kernels
    kernels = part_of(corpus_kernels(split), part)
    if only:
        wanted = [n.strip() for n in only.split(",") if n.strip()]
        kernels = [k for k in kernels if any(
            w in (k.case.name, k.case.name.split("@")[0], k.case.name.split("@")[0].split("/")[-1],
                  k.case.kernel_name) for w in wanted)]
    return kernels


# ---------------------------------------------------------------- GPU helpers --------------


def compile_kernel(source: str, kernel_name: str, params: dict, grid) -> LoadedKernel:
    """Compile one configuration Kernel Tuner style through the measuring runner's path (the front end's PTX:
    its shims, a template's lowered entry, a static kernel's mangled one) and load it on the current GPU."""
    import cupy
    tune = {k: v for k, v in params.items() if k not in LAUNCH_KEYS}
    defines = kernel_tuner_defines(tune, grid)
    return load_function(cupy, source_with_defines(source, defines), kernel_name,
                         f"sm_{cupy.cuda.Device().compute_capability}", defines)


def _device_arguments(arguments: list, poison: set[int]) -> list:
    import cupy
    device = []
    for index, argument in enumerate(arguments):
        if isinstance(argument, np.ndarray):
            host = np.array(argument, copy=True)
            if index in poison:
                host.view(np.uint8)[...] = POISON_BYTE
            device.append(cupy.asarray(host))
        else:
            device.append(argument)
    return device


def is_sticky(error: BaseException | str) -> bool:
    text = str(error).lower()
    return any(marker in text for marker in STICKY_ERRORS)


def context_alive() -> bool:
    import cupy
    try:
        cupy.cuda.Device().synchronize()
        (cupy.arange(4) + 1).get()
        return True
    except Exception:
        return False


# ---------------------------------------------------------------- CHECK --------------------


def errors_of(got: dict[int, np.ndarray], expected: dict[int, np.ndarray]) -> tuple[float, float]:
    """Max absolute and max relative error over every output (over the first values when the
    argument is longer than its reference, which then covers only a prefix; inf where it is
    shorter, or a value is NaN where the reference is not)."""
    max_abs = max_rel = 0.0
    for index, want in expected.items():
        have = got.get(index)
        want = np.asarray(want)
        if have is None or np.asarray(have).size < want.size:
            return math.inf, math.inf
        have = np.asarray(have).reshape(-1)[:want.size].reshape(want.shape).astype(np.float64)
        want64 = want.astype(np.float64)
        diff = np.abs(have - want64)
        diff = np.where(np.isnan(want64) & np.isnan(have), 0.0, diff)
        diff = np.where(np.isnan(diff), math.inf, diff)
        if diff.size:
            max_abs = max(max_abs, float(diff.max()))
            max_rel = max(max_rel, float((diff / np.maximum(np.abs(want64), 1e-30)).max()))
    return max_abs, max_rel


def compare_outputs(kernel, got: dict[int, np.ndarray], expected: dict[int, np.ndarray]) -> str | None:
    """None when the outputs match (the kernel's compare hook, else np.allclose); else why not."""
    if kernel.compare is not None:
        return kernel.compare(got, expected)
    for index, want in expected.items():
        have = got[index]
        want = np.asarray(want)
        if np.asarray(have).size != want.size:
            return f"argument {index}: {np.asarray(have).size} values, expected {want.size}"
        have = np.asarray(have).reshape(want.shape)
        if not np.allclose(have, want, rtol=kernel.rtol, atol=kernel.atol, equal_nan=False):
            bad = int(np.count_nonzero(~np.isclose(have, want, rtol=kernel.rtol, atol=kernel.atol)))
            return f"argument {index}: {bad} of {want.size} values differ"
    return None


def _unchanged(arguments: list, expected: dict[int, np.ndarray]) -> bool:
    """True when the reference equals the arguments' initial contents (a kernel that writes
    nothing would pass an unpoisoned check)."""
    for index, want in expected.items():
        initial = arguments[index]
        if not (isinstance(initial, np.ndarray) and initial.size == np.asarray(want).size
                and np.array_equal(initial.reshape(-1), np.asarray(want).reshape(-1), equal_nan=True)):
            return False
    return True


def _run_check_config(kernel, source: str, arguments: list, expected: dict, config: dict,
                      poison: bool) -> dict:
    import cupy
    small = kernel.small
    loaded = compile_kernel(source, small.kernel_name, config, config["grid"])
    device = _device_arguments(arguments, set(expected) if poison else set())
    loaded.launch(config["grid"], config["block"], device, config["shared_bytes"])
    cupy.cuda.Device().synchronize()
    got = {index: cupy.asnumpy(device[index]) for index in expected}
    failure = compare_outputs(kernel, got, expected)
    max_abs, max_rel = errors_of(got, expected)
    return {"failure": failure, "max_abs_error": max_abs, "max_rel_error": max_rel}


def check_kernel(kernel) -> dict:
    """Run the small case at up to three configurations; the check's JSONL record."""
    small = kernel.small
    record: dict[str, Any] = {"check": kernel.case.name, "kernel_name": small.kernel_name,
                              "small_case": small.name, "source": kernel.source, "origin": kernel.origin,
                              "rtol": kernel.rtol, "atol": kernel.atol, "configs": []}
    start_s = time.perf_counter()
    try:
        arguments = small.arguments()
        expected = {int(i): np.asarray(v) for i, v in kernel.reference([
            np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in arguments]).items()}
        source = small.source
        configs = check_configs(small)
    except Exception as error:
        record.update(passed=False, status=f"reference failed: {type(error).__name__}: {error}")
        return record
    sticky = False
    for config in configs:
        entry = {"block": list(config["block"]), "grid": list(config["grid"]),
                 "shared_bytes": config["shared_bytes"],
                 "params": {k: v for k, v in config.items() if k not in LAUNCH_KEYS}}
        try:
            result = _run_check_config(kernel, source, arguments, expected, config, poison=True)
            entry["poisoned"] = True
            if result["failure"] is not None and not _unchanged(arguments, expected):
                retry = _run_check_config(kernel, source, arguments, expected, config, poison=False)
                if retry["failure"] is None:
                    result, entry["poisoned"] = retry, False
            entry.update(passed=result["failure"] is None, failure=result["failure"],
                         max_abs_error=result["max_abs_error"], max_rel_error=result["max_rel_error"])
        except Exception as error:
            message = " ".join(str(error).split())[:300]
            entry.update(passed=False, failure=f"{type(error).__name__}: {message}")
            if is_sticky(error) or not context_alive():
                sticky = True
        record["configs"].append(entry)
        if sticky:
            break
    finite = [c for c in record["configs"] if "max_abs_error" in c]
    record["max_abs_error"] = max((c["max_abs_error"] for c in finite), default=None)
    record["max_rel_error"] = max((c["max_rel_error"] for c in finite), default=None)
    record["passed"] = bool(record["configs"]) and all(c["passed"] for c in record["configs"])
    record["unpoisoned"] = any(c.get("poisoned") is False for c in record["configs"])
    record["status"] = "passed" if record["passed"] else next(
        (c["failure"] for c in record["configs"] if not c["passed"]), "no configuration")
    record["context_broken"] = sticky
    record["check_s"] = round(time.perf_counter() - start_s, 3)
    return record


# ---------------------------------------------------------------- output / resume ----------


def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    records = []
    for line in path.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut by a kill
    return records


def done_checks(records: list[dict]) -> dict[str, dict]:
    return {r["check"]: r for r in records if "check" in r}


def config_key(config: dict, names) -> tuple:
    """A configuration's identity within its case: its tunable parameters' values."""
    return tuple((name, config.get(name)) for name in sorted(names))


def _tunable_names(configs: list[dict]) -> list[str]:
    return [k for k in configs[0] if k not in LAUNCH_KEYS] if configs else []


def not_done(configs: list[dict], done: list[dict]) -> list[dict]:
    """The configurations whose tunable values no record in `done` has."""
    names = _tunable_names(configs)
    keys = {config_key(r, names) for r in done}
    return [c for c in configs if config_key(c, names) not in keys]


def measured_before(records: list[dict], case_name: str, pass_index: int) -> list[dict]:
    """Earlier calls' successful measurements of this case in this pass."""
    return [r for r in records if r.get("case") == case_name and r.get("pass") == pass_index
            and r.get("status") == "ok"]


def profiled_before(launches: list[dict], case_name: str) -> list[dict]:
    """Earlier manifests' profiled launches of this case, as their tunable values."""
    return [l.get("params", {}) for l in launches if l.get("case") == case_name and l.get("profiled")]


def read_earlier(args) -> None:
    """Read --measured-from and --skip-manifest once (not once per case and pass)."""
    args.measured = [r for path in args.measured_from or () for r in read_jsonl(path)]
    args.profiled = [l for path in args.skip_manifest or () if path.exists()
                     for l in json.loads(path.read_text()).get("launches", [])]


def done_cases(records: list[dict], pass_index: int) -> set[str]:
    """Cases with a result for this pass (or a failed-case line): not measured again on resume."""
    return {r["case"] for r in records if "header" not in r and r.get("pass") == pass_index and "case" in r}


def check_path(args) -> Path:
    return args.out / (args.single_file or DEFAULT_FILE)


def _restart(argv: list[str], started_at: float) -> None:
    """Start this script again in a fresh process (a fresh CUDA context), same output."""
    restarts = next((int(a.split("=")[1]) for a in argv if a.startswith("--restarts=")), 0) + 1
    if restarts > MAX_RESTARTS:
        print(f"CUDA context broken again: {MAX_RESTARTS} restarts spent, stopping", flush=True)
        sys.exit(3)
    argv = [a for a in argv if not a.startswith(("--started-at", "--restarts="))]
    argv += [f"--started-at={started_at}", f"--restarts={restarts}"]
    print(f"CUDA context broken: restarting ({' '.join(argv[1:])})", flush=True)
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, *argv])


# ---------------------------------------------------------------- dry run ------------------


def dry_run(kernels: list, args, out: TextIO) -> None:
    total_check = total_measure = total_counter = 0
    for kernel in kernels:
        case = kernel.case
        configs = launch_configs(case)
        checks = check_configs(kernel.small)
        counters = spread_configs(not_done(configs, profiled_before(args.profiled, case.name)), args.counter_configs)
        configs = not_done(configs, measured_before(args.measured, case.name, args.first_pass))
        if not configs and not counters:
            continue
        total_check += len(checks)
        total_measure += len(configs)
        total_counter += len(counters)
        shapes = " ".join("x".join(map(str, c["block"][:2])) for c in configs)
        smem = sorted({c["shared_bytes"] for c in configs}) or [0]
        names = sorted({instantiated_name(case.kernel_name, c) for c in configs})
        print(f"{case.name}: {len(configs)} configs, check {len(checks)} "
              f"({' '.join('x'.join(map(str, c['block'][:2])) for c in checks)}), counters {len(counters)}, "
              f"~{_estimate_s(len(configs), args.window_s, args.passes):.0f} s; grid of first "
              f"{configs[0]['grid'] if configs else '-'}; "
              f"shared {smem[0]}..{smem[-1]} B; shapes {shapes}"
              + (f"; names {names[0]} .. {names[-1]}" if len(names) > 1 else ""), file=out)
    check_s = total_check * CHECK_S_PER_CONFIG
    measure_s = _estimate_s(total_measure, args.window_s, args.passes)  # compiles overlap (8 threads)
    counter_s = total_counter * COUNTER_S_PER_CONFIG
    print(f"total: {len(kernels)} kernels, check {total_check} configs ~{check_s:.0f} s, measure {total_measure} "
          f"configs x {args.passes} pass(es) ~{measure_s:.0f} s (budget {args.budget_s:.0f} s), "
          f"counters {total_counter} launches ~{counter_s:.0f} s under ncu", file=out)


# ---------------------------------------------------------------- run ----------------------


def run_checks(kernels: list, args, argv: list[str], started_at: float) -> dict[str, dict]:
    """Check every kernel not checked yet, in this output or in --checks-from (an earlier call's
    JSONL: the same kernels on the same GPU image, so its verdicts stand)."""
    path = check_path(args)
    records = done_checks(read_jsonl(path))
    for earlier in args.checks_from or ():
        if earlier.exists() and earlier != path:
            reused = {n: r for n, r in done_checks(read_jsonl(earlier)).items() if n not in records}
            with open(path, "a") as out:
                for record in reused.values():
                    out.write(json.dumps({**record, "reused_from": str(earlier)}) + "\n")
            records.update(reused)
    with open(path, "a") as out:
        for kernel in kernels:
            if _name(kernel) in records:
                continue
            record = check_kernel(kernel)
            out.write(json.dumps(_json_safe(record)) + "\n")
            out.flush()
            records[_name(kernel)] = record
            err = record.get("max_abs_error")
            print(f"check {_name(kernel):44s} {'PASS' if record['passed'] else 'FAIL'}"
                  f"{' (unpoisoned)' if record.get('unpoisoned') else ''}  max abs err {err}  "
                  f"{'' if record['passed'] else record['status']}", flush=True)
            if record.get("context_broken"):
                out.close()
                _restart(argv, started_at)
            _free_gpu_memory()
    return records


def measure(kernels: list, args, argv: list[str], metadata: dict, started_at: float) -> list[str]:
    """Every configuration of every kernel, one pass after the other: a second pass repeats the
    whole sweep minutes later (other temperatures, other neighbours in time), so the two passes
    bound the noise of the protocol rather than of back-to-back repeats."""
    from flipflop.measure.launcher import measure_configs
    from flipflop.measure.nvml import NvmlMonitor

    monitor = NvmlMonitor()
    single_path = args.out / args.single_file if args.single_file else None
    rows: list[str] = []
    pass_indices = list(range(args.first_pass, args.first_pass + args.passes))
    for pass_index in pass_indices:
        for kernel in kernels:
            case = kernel.case
            configs = not_done(launch_configs(case), measured_before(args.measured, case.name, pass_index))
            if not configs:
                continue
            # Each case gets all the time left: a cut run loses whole cases at its end rather than
            # the largest blocks of every case (run 14 lost those, which biases every ranking).
            case_budget_s = max(0.0, args.budget_s - (time.time() - started_at))
            if case_budget_s <= 0:
                print(f"{case.name}: budget spent, not measured (a later call with the same output resumes it)",
                      flush=True)
                continue
            path = single_path or args.out / f"{case.name.replace('@', '_').replace('/', '_')}.jsonl"
            if case.name in done_cases(read_jsonl(path), pass_index):
                continue
            with open(path, "a") as out:
                out.write(json.dumps({"header": "case", **case_header(case), "smem_args": _json_safe(
                    {k: (v if not callable(v) else "callable") for k, v in (case.smem_args or {}).items()}),
                    "split": args.split, "pass": pass_index, **({} if single_path else metadata)}) + "\n")

                def write(result: dict) -> None:
                    out.write(json.dumps(_json_safe({"case": case.name, "pass": pass_index, **result})) + "\n")
                    out.flush()
                broken = False
                try:
                    # A template kernel name goes as given: the launcher instantiates it per configuration.
                    results = measure_configs(case.kernel_name, case.source, case.arguments(), configs,
                                              monitor=monitor, window_s=args.window_s,
                                              budget_s=case_budget_s, on_result=write)
                    rows.append(_summary_row(case, results) + (f"  pass {pass_index}" if args.passes > 1 else ""))
                    print(rows[-1], flush=True)
                    broken = any(is_sticky(r.get("status", "")) for r in results) and not context_alive()
                except Exception as error:  # one broken case must not end the run
                    print(f"{case.name}: failed: {type(error).__name__}: {error}", flush=True)
                    write({"status": f"case failed: {type(error).__name__}: {' '.join(str(error).split())[:300]}"})
                    broken = is_sticky(error) or not context_alive()
            if broken:
                _restart(argv, started_at)
            _free_gpu_memory()
    return rows


def _nvtx() -> tuple[Callable[[str], None], Callable[[], None]] | None:
    try:
        from cupy.cuda import nvtx
        nvtx.RangePush("ff_probe")
        nvtx.RangePop()
        return nvtx.RangePush, nvtx.RangePop
    except Exception:
        pass
    try:
        import torch
        torch.cuda.nvtx.range_push("ff_probe")
        torch.cuda.nvtx.range_pop()
        return torch.cuda.nvtx.range_push, torch.cuda.nvtx.range_pop
    except Exception:
        return None


def counters(kernels: list, args, metadata: dict) -> list[dict]:
    """One warm-up and one profiled (NVTX-ranged) launch per chosen configuration; the
    manifest lists every launch in order."""
    import cupy
    nvtx = _nvtx()
    launches: list[dict] = []
    manifest = {"header": "counters", **metadata, "nvtx_range": NVTX_RANGE if nvtx else None,
                "counter_configs": args.counter_configs, "launches": launches}
    manifest_path = args.out / (args.manifest or MANIFEST_FILE)

    def save() -> None:
        manifest_path.write_text(json.dumps(_json_safe(manifest), indent=1))

    start_s = time.time()
    for kernel in kernels:
        case = kernel.case
        if args.budget_s and time.time() - start_s > args.budget_s:
            print(f"counters: budget spent before {case.name}", flush=True)
            break
        try:
            source = case.source
            device = _device_arguments(case.arguments(), set())
        except Exception as error:
            print(f"counters {case.name}: arguments failed: {error}", flush=True)
            continue
        configs = not_done(launch_configs(case), profiled_before(args.profiled, case.name))
        for config in spread_configs(configs, args.counter_configs):
            params = {k: v for k, v in config.items() if k not in LAUNCH_KEYS}
            entry = {"case": case.name, "kernel_name": case.kernel_name,
                     "instantiated": instantiated_name(case.kernel_name, config), "params": params,
                     "block": list(config["block"]), "grid": list(config["grid"]),
                     "shared_bytes": config["shared_bytes"]}
            try:
                loaded = compile_kernel(source, case.kernel_name, config, config["grid"])
            except Exception as error:
                print(f"counters {case.name} {entry['block']}: compile failed: {str(error).splitlines()[0][:200]}")
                continue
            call = lambda: loaded.launch(config["grid"], config["block"], device, config["shared_bytes"])  # noqa: E731
            try:
                launches.append({**entry, "launch": len(launches), "profiled": False})
                call()
                cupy.cuda.Device().synchronize()
                launches.append({**entry, "launch": len(launches), "profiled": True})
                if nvtx:
                    nvtx[0](NVTX_RANGE)
                call()
                cupy.cuda.Device().synchronize()
                if nvtx:
                    nvtx[1]()
            except Exception as error:
                if nvtx:
                    try:
                        nvtx[1]()
                    except Exception:
                        pass
                launches[-1]["status"] = f"launch failed: {' '.join(str(error).split())[:200]}"
                print(f"counters {case.name}: {launches[-1]['status']}", flush=True)
                if is_sticky(error):
                    save()
                    return launches  # the context is gone; the manifest holds what ran
        save()
        print(f"counters {case.name}: {sum(1 for l in launches if l['profiled'] and l['case'] == case.name)} "
              f"profiled launches", flush=True)
        del device
        _free_gpu_memory()
    save()
    return launches


def passed_names(path: Path | None, kernels: list, args, argv, started_at) -> set[str]:
    if path is not None and path.exists():
        return {name for name, r in done_checks(read_jsonl(path)).items() if r.get("passed")}
    return {name for name, r in run_checks(kernels, args, argv, started_at).items() if r.get("passed")}


# ---------------------------------------------------------------- ncu join -----------------

_UNIT_SCALE = {
    "byte": 1, "kbyte": 1e3, "mbyte": 1e6, "gbyte": 1e9, "tbyte": 1e12,
    "kib": 1024, "mib": 1024 ** 2, "gib": 1024 ** 3,
    "nsecond": 1, "usecond": 1e3, "msecond": 1e6, "second": 1e9,  # times in ns
    "ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9,
}


def parse_value(text: str, unit: str = "") -> float | None:
    """ncu's metric value: thousands separators dropped, scaled units to base (bytes, ns)."""
    text = (text or "").strip().replace(",", "")
    if not text or text.lower() in ("n/a", "nan", "-"):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    unit = (unit or "").strip().lower()
    if unit in _UNIT_SCALE:
        return value * _UNIT_SCALE[unit]
    prefix = {"k": 1e3, "m": 1e6, "g": 1e9}.get(unit[:1]) if len(unit) > 1 and unit[1:] in (
        "sector", "request", "inst", "warp") else None
    return value * prefix if prefix else value


def parse_ncu_csv(text: str) -> list[dict]:
    """ncu --csv (details page) → one dict per profiled launch, in ID order: id, kernel_name,
    block, grid and metrics {name: value}. Lines that are not CSV (==PROF== messages, the
    program's own output) are skipped."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith('"ID"')), None)
    if start is None:
        return []
    rows = [line for line in lines[start:] if line.startswith('"')]
    launches: dict[int, dict] = {}
    for row in csv.DictReader(io.StringIO("\n".join(rows))):
        try:
            launch_id = int(str(row["ID"]).replace(",", ""))
        except (KeyError, ValueError):
            continue
        launch = launches.setdefault(launch_id, {
            "id": launch_id, "kernel_name": row.get("Kernel Name", ""),
            "block": _triple(row.get("Block Size", "")), "grid": _triple(row.get("Grid Size", "")),
            "metrics": {}, "units": {}})
        name = row.get("Metric Name")
        if name:
            launch["metrics"][name] = parse_value(row.get("Metric Value", ""), row.get("Metric Unit", ""))
            launch["units"][name] = row.get("Metric Unit", "")
    return [launches[i] for i in sorted(launches)]


def _triple(text: str) -> list[int] | None:
    numbers = [int(n) for n in re.findall(r"\d+", text or "")]
    return (numbers + [1, 1, 1])[:3] if numbers else None


def _base_name(name: str) -> str:
    """The function's identifier: 'void ns::reduce6<float, 256>(float*)' → 'reduce6'."""
    name = re.sub(r"^\s*(void\s+)", "", name or "")
    name = name.split("<")[0].split("(")[0].strip()
    return name.split("::")[-1].split()[-1] if name else ""


def _matches(ncu: dict, entry: dict) -> bool:
    if ncu["block"] is not None and ncu["block"] != list(entry["block"]):
        return False
    if ncu["grid"] is not None and ncu["grid"] != list(entry["grid"]):
        return False
    base = _base_name(ncu["kernel_name"])
    return not base or base == _base_name(entry["instantiated"])


def join_ncu(ncu_launches: list[dict], manifest: dict) -> tuple[list[dict], str]:
    """Pair ncu's launches with the manifest's profiled launches; returns (rows, mode).

    mode "filtered": ncu saw only the NVTX-ranged launches (as many as profiled, fewer when cut
    short, or more when the manifest was cut first: paired in order, the unnamed rest dropped);
    "all": ncu saw every launch, warm-ups included (paired in order, warm-ups dropped); "aligned": neither count fits (other kernels, a cut-short run
    without the filter): each ncu launch goes to the next manifest launch with its name, block
    and grid, and warm-ups are dropped. Every pair must agree on block and grid (and name)."""
    launches = [l for l in manifest["launches"]]
    profiled = [l for l in launches if l.get("profiled")]
    pairs: list[tuple[dict, dict]] = []
    in_order = all(_matches(n, e) for n, e in zip(ncu_launches, profiled))
    if len(ncu_launches) <= len(profiled) and in_order:
        mode, pairs = "filtered", list(zip(ncu_launches, profiled))
    elif len(ncu_launches) == len(launches) and all(_matches(n, e) for n, e in zip(ncu_launches, launches)):
        mode = "all"
        pairs = [(n, e) for n, e in zip(ncu_launches, launches) if e.get("profiled")]
    elif in_order:
        # A run killed by its timeout: ncu wrote launches of the kernel whose manifest entry was not
        # saved yet; those trailing launches cannot be named, so they are dropped.
        mode, pairs = "filtered", list(zip(ncu_launches, profiled))
    else:
        mode, pointer = "aligned", 0
        for n in ncu_launches:
            found = next((i for i in range(pointer, len(launches)) if _matches(n, launches[i])), None)
            if found is None:
                continue  # a launch the manifest does not know (another library's kernel)
            entry, pointer = launches[found], found + 1
            if entry.get("profiled"):
                pairs.append((n, entry))
    rows = [{**{k: v for k, v in entry.items() if k != "profiled"}, "ncu_id": n["id"],
             "ncu_kernel_name": n["kernel_name"], "metrics": n["metrics"]} for n, entry in pairs]
    return rows, mode


# ---------------------------------------------------------------- main ---------------------


def create_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="all", choices=("dev", "heldout", "all"))
    parser.add_argument("--part", default=None, help="K/N: only part K of N, balanced by configurations")
    parser.add_argument("--only", default=None, help="comma-separated case names, 'source/kernel' or kernel names")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--single-file", default=DEFAULT_FILE,
                        help="write checks and every case into this one JSONL in --out ('' : one file per case)")
    parser.add_argument("--budget-s", type=float, default=400.0, help="seconds for everything (checks + measurements)")
    parser.add_argument("--window-s", type=float, default=0.4, help="power window per configuration")
    parser.add_argument("--passes", type=int, default=1, help="measure every configuration this many times")
    parser.add_argument("--first-pass", type=int, default=0, help="index of the first pass (a later run's pass 2: 1)")
    parser.add_argument("--check-only", action="store_true", help="check against the references; measure nothing")
    parser.add_argument("--counters", action="store_true", help="launch for ncu (see the module docstring)")
    parser.add_argument("--counter-configs", type=int, default=8, help="configurations per kernel under ncu")
    parser.add_argument("--passed-from", type=Path, default=None,
                        help="--counters: take the passed kernels from this JSONL's checks instead of checking")
    parser.add_argument("--checks-from", type=Path, action="append", default=None,
                        help="reuse the checks recorded in this JSONL (repeatable; missing files are skipped)")
    parser.add_argument("--measured-from", type=Path, action="append", default=None,
                        help="skip the configurations this JSONL measured (status ok) in the same pass (repeatable)")
    parser.add_argument("--skip-manifest", type=Path, action="append", default=None,
                        help="--counters: skip the configurations this earlier manifest profiled (repeatable)")
    parser.add_argument("--manifest", default=None, help=f"--counters: manifest file name in --out ({MANIFEST_FILE})")
    parser.add_argument("--dry-run", action="store_true", help="list configurations and time; run nothing")
    parser.add_argument("--started-at", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--restarts", type=int, default=0, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    args = create_parser().parse_args(argv[1:])
    args.single_file = args.single_file or None
    kernels = select_kernels(args.split, args.only, args.part)
    if not kernels:
        print("no corpus kernel matches", file=sys.stderr)
        return 2
    read_earlier(args)
    if args.dry_run:
        dry_run(kernels, args, sys.stdout)
        return 0
    started_at = args.started_at or time.time()
    args.out.mkdir(parents=True, exist_ok=True)
    metadata = run_metadata(argv)
    print(json.dumps(metadata), flush=True)
    if args.counters:
        passed = passed_names(args.passed_from, kernels, args, argv, started_at)
        launches = counters([k for k in kernels if _name(k) in passed], args, metadata)
        print(f"counters: {sum(1 for l in launches if l['profiled'])} profiled launches of "
              f"{len({l['case'] for l in launches})} kernels")
        return 0
    if args.single_file:
        with open(check_path(args), "a") as out:
            out.write(json.dumps({"header": "run", "split": args.split, **metadata}) + "\n")
    checks = run_checks(kernels, args, argv, started_at)
    passing = [k for k in kernels if checks.get(_name(k), {}).get("passed")]
    rows = [] if args.check_only else measure(passing, args, argv, metadata, started_at)
    print("\ncheck: kernel                                  result  max abs err")
    for kernel in kernels:
        record = checks.get(_name(kernel), {})
        print(f"  {_name(kernel):44s} {'PASS' if record.get('passed') else 'FAIL'}  {record.get('max_abs_error')}"
              f"  {'' if record.get('passed') else record.get('status', 'not checked')}")
    print(f"{len(passing)}/{len(kernels)} kernels passed")
    if rows:
        print("\n".join(["", "case                             ok/all", *rows]))
    print(f"elapsed {time.time() - started_at:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
