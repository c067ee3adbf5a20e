"""Figures next to their baselines: the pure part (ratios, percentiles, the printed table, the JSON)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One measured figure and the baseline measured beside it in the same run."""

    key: str
    title: str
    unit: str
    value: float | None
    baseline_title: str
    baseline: float | None
    better: str  # "higher" or "lower": which way the value is good
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def ratio(self) -> float | None:
        """value / baseline: how many baselines the figure is worth (None when either is missing)."""
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def as_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "title": self.title,
            "unit": self.unit,
            "value": _rounded(self.value),
            "baseline": {"what": self.baseline_title, "value": _rounded(self.baseline)},
            "ratio": _rounded(ratio, 4),
            "better": self.better,
            "details": self.details,
            **({"error": self.error} if self.error else {}),
        }


def failed(key: str, title: str, unit: str, baseline_title: str, better: str, error: str) -> Figure:
    """A figure that could not be measured: it is reported with the reason instead of a value."""
    return Figure(key, title, unit, None, baseline_title, None, better, error=error)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of `values`; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def number(value: float | None) -> str:
    """A figure for people: thousands separated, three significant digits below 100."""
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(figures: list[Figure]) -> str:
    """The short table printed at the end of a run."""
    rows = [("figure", "value", "baseline", "", "ratio")]
    for figure in figures:
        if figure.error:
            rows.append((figure.title, "not measured", figure.error[:70], "", ""))
            continue
        ratio = figure.ratio
        rows.append((
            figure.title,
            f"{number(figure.value)} {figure.unit}",
            f"{number(figure.baseline)} {figure.unit}" if figure.baseline is not None else "-",
            figure.baseline_title,
            f"{ratio:.2f}x" if ratio is not None else "-",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) if i != 1 and i != 2 else cell.rjust(widths[i])
                       for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def document(figures: list[Figure], machine: dict[str, Any], parameters: dict[str, Any],
             started: str, finished: str) -> dict[str, Any]:
    return {
        "started": started,
        "finished": finished,
        "machine": machine,
        "parameters": parameters,
        "figures": {figure.key: figure.as_json() for figure in figures},
    }


def write(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
