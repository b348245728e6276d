"""Rich tables for the terminal: predictions with the Pareto set highlighted, picks, GPUs."""
from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from rich.panel import Panel
from rich.table import Table

from flipflop.report.savings import MeasurementAvoided

FIGURES = ("power_limit", "time", "power", "energy", "sm_clock")
HEADERS = {"active_sms": "SMs",
           "power_limit": "limit (W)", "time": "time (ms)", "power": "power (W)", "energy": "energy (J)",
           "sm_clock": "clock (MHz)", "occupancy": "occupancy", "coalescing_efficiency": "coalescing",
           "bank_conflict_degree": "bank conflicts", "bound": "bound"}
REASON_COLUMNS = ("occupancy", "coalescing_efficiency", "bank_conflict_degree", "bound")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def predictions_table(rows: Sequence[dict], param_names: Sequence[str], limit: int | None = 25) -> Table:
    """Rows sorted by energy; Pareto rows in bold green with a ★. ``limit`` rows plus every Pareto row."""
    ordered = sorted(rows, key=lambda r: (r["energy"], r["time"]))
    shown = [r for i, r in enumerate(ordered) if limit is None or i < limit or r["pareto"]]
    table = Table(title=f"{len(shown)} of {len(rows)} predicted configurations (★ = Pareto: no other is faster "
                        "and cheaper)", header_style="bold")
    table.add_column("")
    for name in param_names:
        table.add_column(name, justify="right")
    # The SM count is a column only when the space has that dimension (rows carry active_sms).
    figures = (("active_sms",) if rows and "active_sms" in rows[0] else ()) + FIGURES
    for name in figures + REASON_COLUMNS:
        table.add_column(HEADERS[name], justify="right")
    for row in shown:
        cells = ["★" if row["pareto"] else ""] + [_fmt(row[n]) for n in param_names]
        cells += [_fmt(row[n]) for n in figures + REASON_COLUMNS]
        table.add_row(*cells, style="bold green" if row["pareto"] else None)
    return table


def _pick_line(pick: dict) -> str:
    params = ", ".join(f"{k}={v}" for k, v in pick["params"].items())
    sms = f" on {pick['active_sms']} SMs" if pick.get("active_sms") is not None else ""
    return (f"[bold]{params}[/]{sms} at {pick['power_limit_w']:.0f} W — {pick['time_ms']:.4g} ms, "
            f"{pick['power_w']:.0f} W, {pick['energy_j']:.4g} J")


def recommendation_panels(rec: dict) -> list[Panel]:
    """One panel per pick and baseline, each with its explanation."""
    panels = []
    for key, title, colour in (("energy_optimal", "Energy-optimal", "green"), ("balanced", "Balanced", "cyan"),
                               ("time_optimal", "Time-optimal", "magenta"),
                               ("occupancy_baseline", "Baseline: occupancy heuristic", "yellow"),
                               ("fixed_256_baseline", "Baseline: fixed 256 threads", "yellow")):
        pick = rec.get(key)
        if pick is None:
            continue
        panels.append(Panel(f"{_pick_line(pick)}\n{pick['why']}", title=title, border_style=colour, expand=True))
    return panels


def savings_table(rec: dict) -> Table:
    """Predicted savings of each pick against each baseline."""
    table = Table(title="Predicted savings", header_style="bold")
    for name in ("pick", "against", "energy saved (%)", "time change (%)"):
        table.add_column(name, justify="right" if "%" in name else "left")
    for key, value in rec["savings"].items():
        if not value:
            continue
        pick, against = key.split("_vs_")
        table.add_row(pick.replace("_", "-"), against.replace("_", " "), f"{value['energy_saving_pct']:.1f}",
                      f"{value['time_change_pct']:+.1f}")
    return table


def avoided_text(avoided: MeasurementAvoided) -> str:
    """One paragraph: the brute-force measurement this prediction replaced."""
    return (f"Measurement avoided: {avoided.configurations} configurations not run, "
            f"{avoided.gpu_minutes:.1f} GPU-minutes, {avoided.energy_j:,.0f} J, {avoided.co2_g:.1f} gCO2e "
            f"at {avoided.grid_intensity_g_per_kwh:.0f} gCO2e/kWh (Kernel Tuner brute force, estimated).")


def gpus_table(summaries: Sequence[Any]) -> Table:
    """``flipflop gpus``: the bundled profiles."""
    table = Table(title="GPU profiles", header_style="bold")
    for name in ("name", "GPU", "arch", "status", "SMs", "clock (MHz)", "DRAM (TB/s)", "power limit (W)",
                 "inherits"):
        table.add_column(name)
    for s in summaries:
        table.add_row(s.name, s.display_name, s.arch, s.status, str(s.sm_count), f"{s.max_sm_clock_mhz:.0f}",
                      f"{s.dram_bandwidth_tb_per_s:.3g}",
                      f"{s.power_limit_default_w:.0f} ({s.power_limit_range_w[0]:.0f}–{s.power_limit_range_w[1]:.0f})",
                      s.inherits_from or "")
    return table


def metrics_table(metrics: dict) -> Table:
    """``flipflop validate``: prediction quality."""
    table = Table(title="Predicted vs measured", header_style="bold")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in metrics.items():
        table.add_row(key.replace("_", " "), _fmt(value))
    return table


def dropped_summary(dropped: Sequence[tuple[dict, str]], shown: int = 3) -> str:
    """"N configurations dropped: k × reason; ..." with the commonest reasons first."""
    if not dropped:
        return "no configuration dropped"
    counts = Counter(reason for _, reason in dropped)
    parts = [f"{n} × {reason}" for reason, n in counts.most_common(shown)]
    more = len(counts) - shown
    return f"{len(dropped)} configurations dropped: " + "; ".join(parts) + (f"; {more} other reasons" if more > 0 else "")
