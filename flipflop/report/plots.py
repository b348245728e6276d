"""Plots: time–energy scatter with the Pareto front, energy heat-maps over the block shape,
and a self-contained HTML page embedding both. matplotlib is imported lazily (Agg backend)."""
from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from flipflop.errors import ConfigurationError


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise ConfigurationError("plots need matplotlib: pip install matplotlib") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def scatter_figure(rows: Sequence[dict], title: str = "") -> Any:
    """Time vs energy of every configuration, coloured by power limit, Pareto front as a line."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 5), dpi=110)
    t = np.array([r["time"] for r in rows])
    e = np.array([r["energy"] for r in rows])
    limits = np.array([r["power_limit"] for r in rows])
    points = ax.scatter(t, e, c=limits, cmap="viridis", s=14, alpha=0.7)
    if len(set(limits.tolist())) > 1:
        fig.colorbar(points, ax=ax, label="power limit (W)")
    front = sorted((r["time"], r["energy"]) for r in rows if r["pareto"])
    if front:
        ax.plot(*zip(*front), color="crimson", marker="o", markersize=5, lw=1.5, label="Pareto front")
        ax.legend()
    if t.size and t.max() > 10 * t.min():
        ax.set_xscale("log")
    if e.size and e.max() > 10 * e.min():
        ax.set_yscale("log")
    ax.set_xlabel("time per launch (ms)")
    ax.set_ylabel("energy per launch (J)")
    ax.set_title(title or "Predicted time and energy")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def heatmap_figure(rows: Sequence[dict], x_name: str = "block_size_x", y_name: str = "block_size_y") -> Any:
    """Predicted energy over block_size_x × block_size_y, one panel per power limit (min over other params)."""
    plt = _pyplot()
    if not rows or x_name not in rows[0] or y_name not in rows[0]:
        raise ConfigurationError(f"a heat-map needs tune params {x_name} and {y_name}")
    xs = sorted({r[x_name] for r in rows})
    ys = sorted({r[y_name] for r in rows})
    limits = sorted({r["power_limit"] for r in rows})
    cols = min(4, len(limits))
    nrows = math.ceil(len(limits) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(3.2 * cols + 1.2, 3.0 * nrows + 0.4), dpi=100, squeeze=False,
                             layout="constrained")
    all_e = [r["energy"] for r in rows]
    from matplotlib.colors import LogNorm, Normalize
    norm = LogNorm(min(all_e), max(all_e)) if min(all_e) > 0 and max(all_e) > 10 * min(all_e) \
        else Normalize(min(all_e), max(all_e))
    image = None
    for k, limit in enumerate(limits):
        grid = np.full((len(ys), len(xs)), np.nan)
        for r in rows:
            if r["power_limit"] == limit:
                i, j = ys.index(r[y_name]), xs.index(r[x_name])
                grid[i, j] = r["energy"] if np.isnan(grid[i, j]) else min(grid[i, j], r["energy"])
        ax = axes[k // cols][k % cols]
        image = ax.imshow(grid, origin="lower", cmap="magma_r", norm=norm, aspect="auto")
        ax.set_xticks(range(len(xs)), [str(x) for x in xs], rotation=90, fontsize=7)
        ax.set_yticks(range(len(ys)), [str(y) for y in ys], fontsize=7)
        ax.set_title(f"{limit:.0f} W", fontsize=9)
        ax.set_xlabel(x_name, fontsize=8)
        ax.set_ylabel(y_name, fontsize=8)
    for k in range(len(limits), nrows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.colorbar(image, ax=axes.ravel().tolist(), label="energy per launch (J)", shrink=0.8)
    return fig


def _png_bytes(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    _pyplot().close(fig)
    return buffer.getvalue()


def write_plot(rows: Sequence[dict], target: str | Path, title: str = "", summary_html: str = "") -> list[Path]:
    """``--plot FILE.png`` writes the scatter (and FILE-heatmap.png when the space is 2-D);
    ``--plot FILE.html`` one self-contained page with both and ``summary_html``."""
    target = Path(target)
    two_d = bool(rows) and "block_size_x" in rows[0] and "block_size_y" in rows[0]
    images = {"scatter": _png_bytes(scatter_figure(rows, title))}
    if two_d:
        images["heatmap"] = _png_bytes(heatmap_figure(rows))
    if target.suffix.lower() == ".png":
        target.write_bytes(images["scatter"])
        written = [target]
        if "heatmap" in images:
            heat = target.with_name(f"{target.stem}-heatmap.png")
            heat.write_bytes(images["heatmap"])
            written.append(heat)
        return written
    if target.suffix.lower() in (".html", ".htm"):
        figures = "".join(f'<img alt="{name}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
                          for name, png in images.items())
        target.write_text(
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>{html.escape(title or 'flipflop')}</title>"
            "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}img{max-width:100%}"
            "table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd}</style>"
            f"</head><body><h1>{html.escape(title or 'flipflop predictions')}</h1>{summary_html}{figures}"
            "</body></html>")
        return [target]
    raise ConfigurationError(f"--plot {target}: use a .png or .html file name")


def pareto_html(rows: Sequence[dict], param_names: Sequence[str]) -> str:
    """The Pareto set as an HTML table, for the HTML report."""
    front = sorted((r for r in rows if r["pareto"]), key=lambda r: r["time"])
    # The SM count sits with the tune params when the space has that dimension.
    param_names = [*param_names, *(["active_sms"] if rows and "active_sms" in rows[0] else [])]
    head = "".join(f"<th>{html.escape(n)}</th>" for n in [*param_names, "limit (W)", "time (ms)", "power (W)",
                                                             "energy (J)"])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(r[n]))}</td>" for n in param_names)
                   + f"<td>{r['power_limit']:.0f}</td><td>{r['time']:.4g}</td><td>{r['power']:.0f}</td>"
                   f"<td>{r['energy']:.4g}</td></tr>" for r in front)
    return f"<h2>Pareto set ({len(front)} of {len(rows)})</h2><table><tr>{head}</tr>{body}</table>"


def write_validation_plot(rows: Sequence[dict], target: str | Path) -> Path:
    """Predicted vs measured energy and time of the measured configurations, as a PNG."""
    plt = _pyplot()
    ok = [r for r in rows if r.get("measured_energy") is not None]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5), dpi=110)
    for ax, (pred, meas, unit) in zip(axes, (("energy", "measured_energy", "J"), ("time", "measured_time", "ms"))):
        x = [r[pred] for r in ok]
        y = [r[meas] for r in ok]
        ax.scatter(x, y, s=14, c=["crimson" if r["pareto"] else "steelblue" for r in ok])
        if x:
            lo, hi = min(x + y), max(x + y)
            ax.plot([lo, hi], [lo, hi], color="grey", lw=1, ls="--")
        ax.set_xlabel(f"predicted {pred} ({unit})")
        ax.set_ylabel(f"measured {pred} ({unit})")
        ax.grid(alpha=0.3)
    fig.suptitle("Predicted vs measured (red: predicted Pareto set)")
    fig.tight_layout()
    target = Path(target)
    target.write_bytes(_png_bytes(fig))
    return target


def recommendation_html(rec: dict) -> str:
    """The picks and baselines with their explanations, for the HTML report."""
    parts = []
    for key, title in (("energy_optimal", "Energy-optimal"), ("balanced", "Balanced"), ("time_optimal", "Time-optimal"),
                       ("occupancy_baseline", "Baseline: occupancy heuristic"),
                       ("fixed_256_baseline", "Baseline: fixed 256 threads")):
        pick = rec.get(key)
        if pick:
            params = ", ".join(f"{k}={v}" for k, v in pick["params"].items())
            if pick.get("active_sms") is not None:
                params += f" on {pick['active_sms']} SMs"
            parts.append(f"<h3>{title}: {html.escape(params)} at {pick['power_limit_w']:.0f} W</h3>"
                         f"<p>{html.escape(pick['why'])}</p>")
    return "".join(parts)
