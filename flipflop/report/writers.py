"""JSON and CSV output of predictions and recommendations."""
from __future__ import annotations

import csv
import io
import json
import math
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return value


def to_json(data: Any) -> str:
    """JSON text of results, a recommendation dict or metadata (numpy and NaN made plain)."""
    return json.dumps(_plain(data), indent=1)


def write_text(text: str, target: str | Path) -> None:
    """Write to a file, or to stdout when ``target`` is "-"."""
    if str(target) == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        Path(target).write_text(text)


def to_csv(rows: Sequence[dict], units: Mapping[str, str] | None = None) -> str:
    """CSV of result dicts: one column per key, in first-seen order; a key with a unit in
    ``units`` is headed ``key (unit)``, e.g. ``time (ms per launch)``."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    units = units or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f"{k} ({units[k]})" if k in units else k for k in columns])
    for row in rows:
        writer.writerow([_plain(row[k]) if k in row else "" for k in columns])
    return buffer.getvalue()
