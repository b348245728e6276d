"""SM-count predictions (issue 12, CUDA green contexts) against measured ground truth.

Ground truth: `benchmarks/ground_truth/sm_count_collect.py` (its `sm_count.jsonl`, committed as
benchmarks/data/<gpu>/sm_count_run<N>.jsonl; the H100's are runs 20 and 24, the H200's run 26): per case and pass a header line (`"header": "case"`,
the case, its `bound`, the run metadata), then one line per measured configuration — the tune
params, block/grid/shared_bytes, `active_sms`, `pass`, measured_time (ms), measured_power (W),
measured_energy (J), status. Pass 0 is the reference; pass 1 (SM counts in the reverse order)
gives the noise ceiling. Predictions: `flipflop.predict(..., active_sms=[the measured counts])`,
the public API, at the profile's default power limit, as `benchmarks/corpus_accuracy.py` does.

Per kernel, over the joint space (block shape × SM count):
  * ρ energy / ρ time: Spearman between prediction and pass 0; ceiling: pass 0 against pass 1
    on the configurations both measured.
  * regret: measured energy (mean of the passes) of the (shape, SM count) flipflop.recommend picks
    ÷ the measured least; ceiling: pass 0's own pick judged by pass 1. The pick is the least
    predicted energy, kept on all SMs unless fewer save at least SM_SAVING_MARGIN (5 %) of the best
    all-SM energy (flipflop.search.recommend); `regret_energy_least_predicted` is the regret of the
    least predicted energy alone.
  * SM-count-only view: for each shape, ρ over its SM counts (median over shapes).
  * energy saving, measured (mean of the passes), "all SMs" = the largest measured count:
      predicted     = 1 − E(predicted-best shape and SM count) / E(predicted-best shape at all SMs)
      best possible = 1 − E(measured-best shape and SM count) / E(predicted-best shape at all SMs)
      oracle        = 1 − E(measured-best shape and SM count) / E(measured-best shape at all SMs)
    (what following the model's SM count saves over following it at all SMs; the most any choice
    could save from that same start; what the knob is worth when both picks are right — the
    predicted saving can exceed the oracle when the model's all-SM pick is itself poor);
    promised = the first ratio in predicted energies; time× = measured time
    of the pick ÷ that of the all-SM pick. The "fixed shape" variant keeps the all-SM pick's
    shape and only changes its SM count.
  * monotonic check (measured): a pair of SM counts of one shape where fewer SMs ran faster in
    every pass by more than the tolerance (max(2 %, 2 × the kernel's median pass-to-pass time
    difference)). A compute-bound kernel (header `bound`) should have none. The same check on
    the predicted times (tolerance 0) is reported beside it.

    python benchmarks/sm_count_accuracy.py [--data PATH ...] [--gpu h200-sxm] [--out JSON] [--markdown]

Writes the JSON and a .txt copy of the table (same stem); --markdown prints a section for
docs/accuracy.md to stdout. Exit 2 if the data file is missing.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_accuracy import LAUNCH_FAILED, noise_ceiling  # noqa: E402
from benchmarks.ground_truth.corpus_collect import _json_safe  # noqa: E402
from flipflop.report.metrics import regret, spearman  # noqa: E402
from flipflop.search.recommend import SM_SAVING_MARGIN  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "h200" / "sm_count_run26.jsonl"
OUT = ROOT / "benchmarks" / "results" / "sm_count_accuracy_h200.json"
MIN_TIME_TOLERANCE = 0.02  # fewer SMs must be this much faster (relative) to count as faster
NOISE_FACTOR = 2.0  # ... or this many times the kernel's median pass-to-pass time difference

Shape = tuple  # the tune-parameter values of one configuration, in the header's order
Key = tuple[Shape, int]  # (shape, active SMs)
Predictions = dict[Key, dict]  # key → {"time": ms, "power": W, "energy": J}


@dataclass
class MeasuredCase:
    """One kernel's ground truth: its header (pass 0's when there is one) and its rows."""

    name: str
    header: dict
    params: list[str]
    passes: dict[int, dict[Key, dict]] = field(default_factory=dict)
    labels: dict[Shape, str] = field(default_factory=dict)  # shape → "256x1x1"
    failed: list[dict] = field(default_factory=list)  # launch/compile/case failures

    @property
    def bound(self) -> str:
        return str(self.header.get("bound", "?"))

    def sm_counts(self) -> list[int]:
        """Every SM count measured in any pass, ascending."""
        return sorted({n for rows in self.passes.values() for _shape, n in rows})


# ----------------------------------------------------------------------------------------------
# Reading the ground truth


def _hashable(value: Any) -> Any:
    return tuple(_hashable(v) for v in value) if isinstance(value, list) else value


def shape_of(record: dict, params: Sequence[str]) -> Shape | None:
    """The configuration's tune-parameter values (None when the record lacks one)."""
    if any(p not in record for p in params):
        return None
    return tuple(_hashable(record[p]) for p in params)


def load_sm_runs(paths: Path | Sequence[Path]) -> tuple[list[dict], dict[str, MeasuredCase]]:
    """The case headers and each case's measured rows by pass and (shape, active SMs), over one
    or more runs (read in order: runs measuring different SM counts of the same kernels join
    into one space). A line cut by a kill is skipped; a configuration measured twice in a pass
    keeps the later line."""
    headers: list[dict] = []
    cases: dict[str, MeasuredCase] = {}
    paths = [paths] if isinstance(paths, Path) else list(paths)
    lines = [line for path in paths for line in path.read_text().splitlines()]
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        name = record.get("case")
        if name is None:
            continue
        if record.get("header") == "case":
            headers.append(record)
            params = list(record.get("tune_params") or {}) or ["block_size_x"]
            case = cases.setdefault(name, MeasuredCase(name, record, params))
            if record.get("pass", 0) == 0:
                case.header = record
            continue
        case = cases.setdefault(name, MeasuredCase(name, {}, ["block_size_x"]))
        status = str(record.get("status", ""))
        shape = shape_of(record, case.params)
        if status == "ok" and shape is not None and record.get("active_sms") is not None:
            key = (shape, int(record["active_sms"]))
            case.passes.setdefault(int(record.get("pass", 0)), {})[key] = record
            if "block" in record:
                case.labels[shape] = "x".join(str(v) for v in record["block"])
        elif status.startswith(LAUNCH_FAILED) or status.startswith("case failed"):
            case.failed.append({"shape": shape, "active_sms": record.get("active_sms"), "pass": record.get("pass"),
                                "status": status})
    return headers, cases


def mean_of_passes(case: MeasuredCase, key: Key, quantity: str) -> float:
    """`quantity` of one configuration, averaged over the passes that measured it."""
    values = [rows[key][quantity] for rows in case.passes.values() if key in rows]
    return float(np.mean(values)) if values else math.nan


# ----------------------------------------------------------------------------------------------
# Predicting


def predict_case(case: MeasuredCase, sm_counts: list[int], gpu: str) -> Predictions:
    """flipflop.predict of the corpus case (as corpus_accuracy does) at the measured SM counts."""
    import flipflop
    from benchmarks.kernels.corpus.all import corpus

    kernels = {k.case.name: k for k in corpus()}
    if case.name not in kernels:
        raise LookupError(f"{case.name} is not in the corpus (benchmarks/kernels/corpus)")
    corpus_case = kernels[case.name].case
    rows = flipflop.predict(
        corpus_case.kernel_name, str(corpus_case.source_path), corpus_case.problem_size, corpus_case.arguments(),
        corpus_case.tune_params, gpu=gpu, restrictions=corpus_case.restrictions or None,
        grid_div_x=corpus_case.grid_div_x, grid_div_y=corpus_case.grid_div_y, smem_args=corpus_case.smem_args,
        active_sms=sm_counts)
    predicted: Predictions = {}
    for row in rows:
        shape = shape_of(row, case.params)
        if shape is not None:
            predicted[(shape, int(row["active_sms"]))] = row
    return predicted


def source_changed(case: MeasuredCase) -> bool | None:
    """Whether the corpus source differs from the one measured (None: unknown)."""
    from benchmarks.kernels.corpus.all import corpus

    measured = case.header.get("source_sha256")
    kernels = {k.case.name: k for k in corpus()}
    if measured is None or case.name not in kernels:
        return None
    return hashlib.sha256(kernels[case.name].case.source.encode()).hexdigest() != measured


# ----------------------------------------------------------------------------------------------
# Judging


def _relative_time_noise(case: MeasuredCase) -> float:
    """Median |t0/t1 − 1| over the configurations both passes measured (0 with one pass)."""
    first, second = case.passes.get(0, {}), case.passes.get(1, {})
    diffs = [abs(first[k]["measured_time"] / second[k]["measured_time"] - 1) for k in first if k in second]
    return float(np.median(diffs)) if diffs else 0.0


def faster_with_fewer_sms(case: MeasuredCase, keys: Sequence[Key], tolerance: float,
                          predicted: Predictions | None = None) -> list[dict]:
    """Pairs (shape, fewer SMs, more SMs) where fewer SMs ran faster by more than `tolerance`:
    in every pass that measured both, or in the predicted times when `predicted` is given."""
    by_shape: dict[Shape, list[int]] = {}
    for shape, n in keys:
        by_shape.setdefault(shape, []).append(n)
    found = []
    for shape, counts in by_shape.items():
        counts.sort()
        for i, fewer in enumerate(counts):
            for more in counts[i + 1:]:
                if predicted is not None:
                    pairs = [(predicted[(shape, fewer)]["time"], predicted[(shape, more)]["time"])]
                else:
                    pairs = [(rows[(shape, fewer)]["measured_time"], rows[(shape, more)]["measured_time"])
                             for rows in case.passes.values() if (shape, fewer) in rows and (shape, more) in rows]
                if pairs and all(t_few < t_more * (1 - tolerance) for t_few, t_more in pairs):
                    speedup = float(np.mean([1 - t_few / t_more for t_few, t_more in pairs]))
                    found.append({"shape": case.labels.get(shape, str(shape)), "fewer_sms": fewer, "more_sms": more,
                                  "time_saved": speedup})
    return found


def sm_only_view(case: MeasuredCase, keys: Sequence[Key], predicted: Predictions) -> list[dict]:
    """For each shape with ≥ 3 SM counts: ρ energy and time over its SM counts (prediction
    against pass 0, and the pass-to-pass ceiling), and the regret of its predicted SM count."""
    first, second = case.passes.get(0, {}), case.passes.get(1, {})
    shapes: dict[Shape, list[Key]] = {}
    for key in keys:
        shapes.setdefault(key[0], []).append(key)
    view = []
    for shape, mine in shapes.items():
        mine.sort(key=lambda k: k[1])
        if len(mine) < 3:
            continue
        pe = [predicted[k]["energy"] for k in mine]
        me = [mean_of_passes(case, k, "measured_energy") for k in mine]
        both = [k for k in mine if k in second]
        view.append({
            "shape": case.labels.get(shape, str(shape)), "sm_counts": [k[1] for k in mine],
            "rho_energy": spearman(pe, [first[k]["measured_energy"] for k in mine]),
            "rho_time": spearman([predicted[k]["time"] for k in mine], [first[k]["measured_time"] for k in mine]),
            "ceiling_rho_energy": spearman([first[k]["measured_energy"] for k in both],
                                           [second[k]["measured_energy"] for k in both]) if len(both) >= 3 else None,
            "regret_energy": regret(pe, me),
            "predicted_best_sms": mine[int(np.argmin(pe))][1], "measured_best_sms": mine[int(np.argmin(me))][1],
        })
    return view


def energy_pick(keys: Sequence[Key], predicted: Predictions) -> Key:
    """The (shape, SM count) flipflop.recommend picks: least predicted energy, on all SMs (the
    largest count) unless fewer save at least SM_SAVING_MARGIN of the best all-SM energy."""
    pick = min(keys, key=lambda k: predicted[k]["energy"])
    full = max(n for _s, n in keys)
    at_full = [k for k in keys if k[1] == full]
    if pick[1] == full or not at_full:
        return pick
    base = min(at_full, key=lambda k: predicted[k]["energy"])
    return pick if predicted[pick]["energy"] <= (1 - SM_SAVING_MARGIN) * predicted[base]["energy"] else base


def energy_saving(case: MeasuredCase, keys: Sequence[Key], predicted: Predictions) -> dict | None:
    """Measured energy saved by the SM count the model picks, against its pick at all SMs (the
    largest measured count), and the oracle's saving (module docstring); None without all-SM rows."""
    full = max(n for _s, n in keys)
    at_full = [k for k in keys if k[1] == full]
    if not at_full:
        return None
    e_meas = {k: mean_of_passes(case, k, "measured_energy") for k in keys}
    t_meas = {k: mean_of_passes(case, k, "measured_time") for k in keys}
    pick = energy_pick(keys, predicted)
    base = min(at_full, key=lambda k: predicted[k]["energy"])
    same_shape = [k for k in keys if k[0] == base[0]]
    pick_same_shape = energy_pick(same_shape, predicted)
    return {
        "all_sms": full,
        "pick": {"shape": case.labels.get(pick[0], str(pick[0])), "active_sms": pick[1]},
        "all_sm_pick": {"shape": case.labels.get(base[0], str(base[0])), "active_sms": full},
        "predicted": 1 - e_meas[pick] / e_meas[base],
        "promised": 1 - predicted[pick]["energy"] / predicted[base]["energy"],
        "best_possible": 1 - min(e_meas.values()) / e_meas[base],
        "oracle": 1 - min(e_meas.values()) / min(e_meas[k] for k in at_full),
        "time_ratio": t_meas[pick] / t_meas[base],
        "fixed_shape_active_sms": pick_same_shape[1],
        "fixed_shape_predicted": 1 - e_meas[pick_same_shape] / e_meas[base],
        "fixed_shape_best_possible": 1 - min(e_meas[k] for k in same_shape) / e_meas[base],
    }


def evaluate_case(case: MeasuredCase, predicted: Predictions) -> dict:
    """Every figure of one kernel (module docstring) from its ground truth and predictions."""
    first = case.passes.get(0, {})
    keys = [k for k in first if k in predicted]
    row: dict[str, Any] = {"case": case.name, "bound": case.bound, "configs": len(keys),
                           "shapes": len({k[0] for k in keys}), "sm_counts": sorted({k[1] for k in keys}),
                           "failed": len(case.failed), "unpredicted": len([k for k in first if k not in predicted])}
    if len(keys) < 3:
        return {**row, "error": "fewer than 3 configurations measured in pass 0 and predicted"}
    pe, pt = np.array([predicted[k]["energy"] for k in keys]), np.array([predicted[k]["time"] for k in keys])
    me0 = np.array([first[k]["measured_energy"] for k in keys])
    mt0 = np.array([first[k]["measured_time"] for k in keys])
    me = np.array([mean_of_passes(case, k, "measured_energy") for k in keys])
    ceiling = noise_ceiling({k: first[k] for k in keys}, case.passes.get(1, {}))
    view = sm_only_view(case, keys, predicted)
    noise = _relative_time_noise(case)
    tolerance = max(MIN_TIME_TOLERANCE, NOISE_FACTOR * noise)
    label = lambda k: {"shape": case.labels.get(k[0], str(k[0])), "active_sms": k[1]}  # noqa: E731
    return {
        **row,
        "rho_energy": spearman(pe, me0), "rho_time": spearman(pt, mt0),
        "rho_power": spearman([predicted[k]["power"] for k in keys], [first[k]["measured_power"] for k in keys]),
        "regret_energy": float(me[keys.index(energy_pick(keys, predicted))] / me.min()),
        "regret_energy_least_predicted": regret(pe, me),
        "ceiling": ceiling,
        "predicted_best": label(energy_pick(keys, predicted)), "measured_best": label(keys[int(np.argmin(me))]),
        "median_abs_energy_error": float(np.median(np.abs(pe / me0 - 1))),
        "sm_only": {"shapes": view, "median_rho_energy": _median([v["rho_energy"] for v in view]),
                    "median_rho_time": _median([v["rho_time"] for v in view]),
                    "median_ceiling_rho_energy": _median([v["ceiling_rho_energy"] for v in view]),
                    "geomean_regret_energy": _geomean([v["regret_energy"] for v in view])},
        "saving": energy_saving(case, keys, predicted),
        "monotonic": {"time_tolerance": tolerance, "pass_to_pass_time_noise": noise,
                      "measured_faster_with_fewer_sms": faster_with_fewer_sms(case, keys, tolerance),
                      "predicted_faster_with_fewer_sms": faster_with_fewer_sms(case, keys, 0.0, predicted)},
    }


def _finite(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and not math.isnan(v)]


def _median(values: Sequence[float | None]) -> float:
    kept = _finite(values)
    return float(np.median(kept)) if kept else math.nan


def _geomean(values: Sequence[float | None]) -> float:
    kept = _finite(values)
    return float(np.exp(np.mean(np.log(kept)))) if kept else math.nan


def summarise(rows: list[dict]) -> dict:
    """Medians over the kernels (geometric mean for regret) and the monotonic verdict."""
    ok = [r for r in rows if "rho_energy" in r]
    ceilings = [r["ceiling"] for r in ok if r.get("ceiling")]
    savings = [r["saving"] for r in ok if r.get("saving")]
    compute = [r for r in ok if r["bound"].startswith("compute")]
    return {
        "kernels": len(ok), "configs": sum(r["configs"] for r in ok),
        "median_rho_energy": _median([r["rho_energy"] for r in ok]),
        "median_rho_time": _median([r["rho_time"] for r in ok]),
        "geomean_regret_energy": _geomean([r["regret_energy"] for r in ok]),
        "geomean_regret_energy_least_predicted": _geomean([r["regret_energy_least_predicted"] for r in ok]),
        "worst_regret_energy": max((r["regret_energy"] for r in ok), default=math.nan),
        "ceiling": {"kernels": len(ceilings), "median_rho_energy": _median([c["rho_energy"] for c in ceilings]),
                    "median_rho_time": _median([c["rho_time"] for c in ceilings]),
                    "geomean_regret_energy": _geomean([c["regret_energy"] for c in ceilings]),
                    "median_abs_energy_diff": _median([c["median_abs_energy_diff"] for c in ceilings])},
        "sm_only": {"median_rho_energy": _median([r["sm_only"]["median_rho_energy"] for r in ok]),
                    "median_rho_time": _median([r["sm_only"]["median_rho_time"] for r in ok]),
                    "median_ceiling_rho_energy": _median([r["sm_only"]["median_ceiling_rho_energy"] for r in ok])},
        "saving": {"median_predicted": _median([s["predicted"] for s in savings]),
                   "median_best_possible": _median([s["best_possible"] for s in savings]),
                   "median_oracle": _median([s["oracle"] for s in savings]),
                   "median_promised": _median([s["promised"] for s in savings]),
                   "median_time_ratio": _median([s["time_ratio"] for s in savings]),
                   "median_fixed_shape_predicted": _median([s["fixed_shape_predicted"] for s in savings]),
                   "median_fixed_shape_best_possible": _median([s["fixed_shape_best_possible"] for s in savings])},
        "monotonic": {"compute_bound_kernels": len(compute),
                      "compute_bound_faster_with_fewer_sms": [
                          r["case"] for r in compute if r["monotonic"]["measured_faster_with_fewer_sms"]],
                      "predicted_violations": sum(len(r["monotonic"]["predicted_faster_with_fewer_sms"])
                                                  for r in compute)},
    }


# ----------------------------------------------------------------------------------------------
# Reporting


def _fmt(value: Any, width: int = 5, digits: int = 2) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value):
        return f"{value:{width}.{digits}f}"
    return f"{'-':>{width}s}"


def _pct(value: Any) -> str:
    return f"{100 * value:.1f} %" if isinstance(value, float) and not math.isnan(value) else "–"


def format_table(rows: list[dict], summary: dict) -> str:
    """The per-kernel table and the summary line, as printed."""
    lines = [f"{'case':52s} {'bound':8s} {'n':>3s} {'ρE':>5s} {'ceil':>5s} {'ρT':>5s} {'ceil':>5s} "
             f"{'regret':>6s} {'ceil':>6s} {'ρE/SM':>5s} {'ceil':>5s} {'pick':>12s} {'saved':>6s} {'best':>6s} "
             f"{'oracle':>6s} {'T×':>5s} {'mono':>4s}"]
    for r in rows:
        if "rho_energy" not in r:
            lines.append(f"{r['case']:52s} {r['bound'][:8]:8s} {r.get('error', '')}")
            continue
        c, s, v = r.get("ceiling") or {}, r.get("saving") or {}, r["sm_only"]
        pick = f"{r['predicted_best']['shape']}@{r['predicted_best']['active_sms']}"
        mono = len(r["monotonic"]["measured_faster_with_fewer_sms"])
        lines.append(
            f"{r['case'][:52]:52s} {r['bound'][:8]:8s} {r['configs']:3d} {_fmt(r['rho_energy'])} "
            f"{_fmt(c.get('rho_energy'))} {_fmt(r['rho_time'])} {_fmt(c.get('rho_time'))} "
            f"{_fmt(r['regret_energy'], 6, 3)} {_fmt(c.get('regret_energy'), 6, 3)} "
            f"{_fmt(v['median_rho_energy'])} {_fmt(v['median_ceiling_rho_energy'])} {pick:>12s} "
            f"{_fmt(s.get('predicted', math.nan) * 100, 6, 1)} {_fmt(s.get('best_possible', math.nan) * 100, 6, 1)} "
            f"{_fmt(s.get('oracle', math.nan) * 100, 6, 1)} "
            f"{_fmt(s.get('time_ratio'))} {mono:4d}")
    s, c, v, e, m = (summary, summary["ceiling"], summary["sm_only"], summary["saving"], summary["monotonic"])
    lines += [
        f"{s['kernels']} kernels, {s['configs']} configurations: median ρE {_fmt(s['median_rho_energy'], 0, 3)} "
        f"(ceiling {_fmt(c['median_rho_energy'], 0, 3)}), ρT {_fmt(s['median_rho_time'], 0, 3)} "
        f"(ceiling {_fmt(c['median_rho_time'], 0, 3)}); regret geo-mean {_fmt(s['geomean_regret_energy'], 0, 3)} "
        f"(ceiling {_fmt(c['geomean_regret_energy'], 0, 3)}), worst {_fmt(s['worst_regret_energy'], 0, 3)}; "
        f"least predicted energy alone {_fmt(s['geomean_regret_energy_least_predicted'], 0, 3)}",
        f"over SM counts per shape: median ρE {_fmt(v['median_rho_energy'], 0, 3)} (ceiling "
        f"{_fmt(v['median_ceiling_rho_energy'], 0, 3)}), ρT {_fmt(v['median_rho_time'], 0, 3)}",
        f"energy saved against all SMs, measured: median {_pct(e['median_predicted'])} by the predicted SM count "
        f"(promised {_pct(e['median_promised'])}, best possible {_pct(e['median_best_possible'])}, oracle "
        f"{_pct(e['median_oracle'])}, time × "
        f"{_fmt(e['median_time_ratio'], 0, 2)}); shape fixed: {_pct(e['median_fixed_shape_predicted'])} "
        f"(best possible {_pct(e['median_fixed_shape_best_possible'])})",
        f"compute-bound kernels faster with fewer SMs beyond noise (measured): "
        f"{len(m['compute_bound_faster_with_fewer_sms'])} of {m['compute_bound_kernels']}"
        + (f" ({', '.join(m['compute_bound_faster_with_fewer_sms'])})" if m["compute_bound_faster_with_fewer_sms"]
           else "") + f"; predicted: {m['predicted_violations']} pairs",
    ]
    return "\n".join(lines) + "\n"


def markdown(result: dict) -> str:
    """The docs/accuracy.md section: summary sentence, definitions and the per-kernel table."""
    s = result["summary"]
    c, v, e, m = (s[k] for k in ("ceiling", "sm_only", "saving", "monotonic"))
    truth = result["ground_truth"]
    data = result["data"] if isinstance(result["data"], list) else [result["data"]]  # one run, or several
    f3 = lambda x: _fmt(x, 0, 3).strip() if not isinstance(x, float) or not math.isnan(x) else "–"  # noqa: E731
    f2 = lambda x: _fmt(x, 0, 2).strip() if not isinstance(x, float) or not math.isnan(x) else "–"  # noqa: E731
    lines = [
        f"## SM count (CUDA green contexts, issue 12) on the {truth.get('gpu', '?')}", "",
        f"Generated {result['date']} by `{result['command']}`. Ground truth: {', '.join(f'`{d}`' for d in data)} — "
        f"{truth.get('gpu', '?')} (driver {truth.get('driver', '?')}, {truth.get('power_limit_w', '?')} W limit), "
        f"{truth.get('date', '?')}; each configuration inside a green context of that many SMs, two passes "
        "(SM counts ascending, then descending). Predictions: profile "
        f"`{result['gpu_profile']}` ({result['profile_status']}), default power limit, "
        "`flipflop.predict(..., active_sms=[the measured counts])`.", "",
        f"**{s['kernels']} kernels, {s['configs']} configurations (block shape × SM count): median ρ energy "
        f"{f3(s['median_rho_energy'])} (ceiling {f3(c['median_rho_energy'])}), median ρ time "
        f"{f3(s['median_rho_time'])} (ceiling {f3(c['median_rho_time'])}), geometric-mean energy regret "
        f"{f3(s['geomean_regret_energy'])} (ceiling {f3(c['geomean_regret_energy'])}), worst "
        f"{f3(s['worst_regret_energy'])} (flipflop.recommend's pick: fewer SMs only for a predicted saving of at "
        f"least {SM_SAVING_MARGIN:.0%}; the least predicted energy alone: "
        f"{f3(s['geomean_regret_energy_least_predicted'])}). Over the SM counts of one shape: median ρ energy "
        f"{f3(v['median_rho_energy'])} (ceiling {f3(v['median_ceiling_rho_energy'])}). Energy saved by the predicted "
        f"SM count against all SMs, measured: median {_pct(e['median_predicted'])} (the model promised "
        f"{_pct(e['median_promised'])}; the best choice from the same start would save "
        f"{_pct(e['median_best_possible'])}, and {_pct(e['median_oracle'])} against the measured-best shape at all "
        "SMs), at a median "
        f"{f2(e['median_time_ratio'])}× the time.** "
        f"Compute-bound kernels faster with fewer SMs beyond noise: "
        f"{len(m['compute_bound_faster_with_fewer_sms'])} of {m['compute_bound_kernels']}"
        + (f" ({', '.join(m['compute_bound_faster_with_fewer_sms'])})" if m["compute_bound_faster_with_fewer_sms"]
           else "") + ".", "",
        "ρ: Spearman between prediction and pass 0 over every measured (shape, SM count); ceiling: pass 0 against "
        "pass 1. Regret: measured energy (mean of the passes) of the predicted-best (shape, SM count) ÷ the "
        "measured least; ceiling: pass 0's pick judged by pass 1. ρ/SM: per shape over its SM counts, median over "
        "shapes. Saved: 1 − E(predicted-best shape and SM count) ÷ E(predicted-best shape at all SMs), both "
        "measured; best possible: the measured-best (shape, SM count) against the same all-SM pick; oracle: both "
        "picks the measured best (it can be below the saving when the model's all-SM pick is poor); T×: measured "
        "time of the pick ÷ that of the "
        "all-SM pick. Faster with fewer SMs: pairs of SM counts of one shape where fewer ran faster in both passes "
        f"by more than max({100 * MIN_TIME_TOLERANCE:.0f} %, {NOISE_FACTOR:.0f} × the kernel's median "
        "pass-to-pass time difference).", "",
        "| kernel | bound | configs | ρ E (ceiling) | ρ T (ceiling) | regret (ceiling) | ρ E / SM (ceiling) | "
        "pick (shape @ SMs) | saved (best possible, oracle) | T× | faster with fewer SMs |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["cases"]:
        if "rho_energy" not in r:
            lines.append(f"| {r['case']} | {r['bound']} | {r['configs']} | {r.get('error', '')} |||||||")
            continue
        n, sv, so = r.get("ceiling") or {}, r.get("saving") or {}, r["sm_only"]
        lines.append(
            f"| {r['case']} | {r['bound']} | {r['shapes']} × {len(r['sm_counts'])} | {f2(r['rho_energy'])} "
            f"({f2(n.get('rho_energy', math.nan))}) | {f2(r['rho_time'])} ({f2(n.get('rho_time', math.nan))}) | "
            f"{f3(r['regret_energy'])} ({f3(n.get('regret_energy', math.nan))}) | {f2(so['median_rho_energy'])} "
            f"({f2(so['median_ceiling_rho_energy'])}) | {r['predicted_best']['shape']} @ "
            f"{r['predicted_best']['active_sms']} | {_pct(sv.get('predicted', math.nan))} "
            f"({_pct(sv.get('best_possible', math.nan))}, {_pct(sv.get('oracle', math.nan))}) | "
            f"{f2(sv.get('time_ratio', math.nan))} | {len(r['monotonic']['measured_faster_with_fewer_sms'])} |")
    return "\n".join(lines) + "\n"


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def ground_truth_summary(headers: list[dict], cases: dict[str, MeasuredCase]) -> dict:
    """The run's GPU, driver, limit, dates and green launch modes, from the case headers."""
    first = headers[0] if headers else {}
    dates = sorted(str(h["date"]) for h in headers if h.get("date"))
    modes = sorted({str(r.get("green_launch_mode")) for c in cases.values() for rows in c.passes.values()
                    for r in rows.values() if r.get("green_launch_mode")})
    return {**{k: first.get(k) for k in ("gpu", "driver", "power_limit_w", "max_sm_clock_mhz", "sm_partitioning")},
            "date": f"{dates[0][:16]} – {dates[-1][:16]} UTC".replace("T", " ", 2) if dates else None,
            "green_launch_modes": modes, "passes": sorted({p for c in cases.values() for p in c.passes})}


def main(argv: list[str] | None = None,
         predictor: Callable[[MeasuredCase, list[int], str], Predictions] = predict_case) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, nargs="+", default=[DATA],
                        help="sm_count_collect.py's JSONL (several runs join into one space)")
    parser.add_argument("--gpu", default="h200-sxm", help="profile to predict with")
    parser.add_argument("--out", type=Path, default=OUT, help="JSON results (a .txt table beside it)")
    parser.add_argument("--markdown", action="store_true", help="print the docs/accuracy.md section to stdout")
    args = parser.parse_args(argv)
    missing = [str(path) for path in args.data if not path.is_file()]
    if missing:
        print(f"sm_count_accuracy: no ground truth at {', '.join(missing)} (benchmarks/ground_truth/sm_count_collect.py "
              "writes it)", file=sys.stderr)
        return 2
    from flipflop.errors import FlipflopError
    from flipflop.hardware.profile import load_profile

    headers, cases = load_sm_runs(args.data)
    started = time.perf_counter()
    rows = []
    for case in cases.values():
        try:
            row = evaluate_case(case, predictor(case, case.sm_counts(), args.gpu))
        except (FlipflopError, LookupError) as error:
            row = {"case": case.name, "bound": case.bound, "configs": 0, "error": f"{type(error).__name__}: {error}"}
        if predictor is predict_case:
            row["source_changed"] = source_changed(case)
        rows.append(row)
    summary = summarise(rows)
    table = format_table(rows, summary)
    print(table, end="")
    print(f"({time.perf_counter() - started:.0f} s)")
    data = [_relative(path) for path in args.data]
    profile = load_profile(args.gpu)
    result = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "gpu_profile": args.gpu,
              "profile_status": profile.status,
              "command": " ".join(["python", "benchmarks/sm_count_accuracy.py", *(argv if argv is not None
                                                                                    else sys.argv[1:])]),
              "data": data, "ground_truth": ground_truth_summary(headers, cases), "summary": summary, "cases": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(_json_safe(result), indent=1, default=str) + "\n")
    args.out.with_suffix(".txt").write_text(table)
    if args.markdown:
        print()
        print(markdown(result), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
