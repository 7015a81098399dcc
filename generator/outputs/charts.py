"""Static SVG bar charts, drawn at build time: no JavaScript, printable, Chinese labels in local fonts.

Geometry is computed here; the markup is a Jinja2 template with XML escaping on.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment

from generator.outputs import jinja

TEMPLATES = Path(__file__).parent / "templates"
COLOURS = ["#3f6ec6", "#e0803a", "#4a9d5b", "#9b59b6"]  # distinct in print, also in greyscale by order
FONT = 12
ROW_GAP = 10
BAR = 14
LABEL_MAX = 26  # characters of a row label before it is shortened


@dataclass
class Bar:
    x: float
    y: float
    width: float
    colour: str
    text: str  # the value as written next to the bar


@dataclass
class Row:
    label: str
    y: float  # baseline of the label
    bars: list[Bar]


@cache
def _env() -> Environment:
    return jinja.environment(
        TEMPLATES,
        autoescape=True,
        keep_trailing_newline=False,  # SVG is XML: every text from YAML is escaped
    )


def text_width(text: str) -> float:
    """Rough rendered width in pixels: East Asian wide characters take a full em, others about half."""
    return sum(FONT if unicodedata.east_asian_width(ch) in "WF" else FONT * 0.6 for ch in text)


def shorten(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    title: str,
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    value_text=lambda v: "—" if v is None else f"{v:g}",
    width: int = 720,
) -> str:
    """A horizontal bar chart: one row per label, one bar per series; unknown values show as '—'."""
    labels = [shorten(label) for label in labels]
    label_w = max([text_width(label) for label in labels] + [40]) + 12
    top = 30 + (22 if len(series) > 1 else 0)
    plot_w = width - label_w - 90
    largest = max([v for _, values in series for v in values if v is not None] + [0]) or 1
    row_h = BAR * len(series) + ROW_GAP
    rows = []
    for i, label in enumerate(labels):
        y0 = top + i * row_h
        bars = []
        for j, (_, values) in enumerate(series):
            v = values[i]
            w = 0.0 if v is None else max(plot_w * v / largest, 1.0)
            bars.append(Bar(label_w, y0 + j * BAR, round(w, 1), COLOURS[j % len(COLOURS)], value_text(v)))
        rows.append(Row(label, y0 + (BAR * len(series)) / 2 + FONT / 2 - 2, bars))
    legend = [(name, COLOURS[j % len(COLOURS)], label_w + j * 150) for j, (name, _) in enumerate(series)]
    height = top + len(labels) * row_h + 10
    return (
        _env()
        .get_template("svg/bars.svg.j2")
        .render(title=title, width=width, height=height, rows=rows, legend=legend if len(series) > 1 else [], font=FONT)
    )
