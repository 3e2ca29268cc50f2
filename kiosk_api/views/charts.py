"""Server-side SVG charts for the staff pages: grouped bar charts and line charts. Pure functions, no I/O.

Each chart is a self-contained `<svg>` string (no script, no external file, no CDN): `role="img"` with a
`<title>` and a `<desc>` referenced by `aria-labelledby`, axis labels, a legend, values printed in Vietnamese
format (decimal comma: "17,1"; thousands dot: "1.234"), and every text escaped. Colours come from a palette
readable on white and by people with the common colour-vision deficiencies; the legend names each series, so
colour is never the only cue. Pages show the same figures in a table next to each chart (`table_rows`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from procedures_kb.text import format_decimal

# Okabe–Ito palette (colour-blind safe), darkened where needed for ≥ 3:1 contrast on white.
PALETTE = ("#0063a6", "#c25e00", "#007a5a", "#b4457f", "#5b5b5b", "#8a6d00")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
AXIS_COLOUR = "#444"
GRID_COLOUR = "#d8d8d8"


@dataclass(frozen=True)
class Series:
    """One named series of values, one per label (None: no value for that label)."""

    name: str
    values: Sequence[float | None]
    colour: str | None = None  # default: the palette colour of the series' position

    def fill(self, index: int) -> str:
        return self.colour or PALETTE[index % len(PALETTE)]


def format_number(value: float, decimals: int = 1) -> str:
    """Vietnamese format: 17.1 → "17,1", 17.0 → "17", 1234 → "1.234", 0.5 → "0,5"."""
    if float(value).is_integer():
        return format_decimal(float(value), 0)
    return format_decimal(float(value), decimals)


def nice_max(value: float) -> float:
    """A round axis maximum ≥ value: 1, 2, 2.5, 5 × 10^k (at least 1)."""
    if value <= 1:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def ticks(maximum: float, count: int = 5) -> list[float]:
    """Evenly spaced axis ticks from 0 to `maximum` (inclusive)."""
    return [maximum * i / (count - 1) for i in range(count)]


def _attr(value: object) -> str:
    return quoteattr(str(value))


def _text(x: float, y: float, content: str, *, anchor: str = "middle", size: int = 12, weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}" '
        f'fill="{AXIS_COLOUR}">{escape(content)}</text>'
    )


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: max(1, limit - 1)] + "…"


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    left: int = 52
    right: int = 16
    top: int = 16
    bottom: int = 64

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    def y(self, value: float, maximum: float) -> float:
        return self.top + self.plot_height * (1 - value / maximum)


def _open(chart_id: str, title: str, desc: str, frame: _Frame) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" '
        f'width="100%" role="img" aria-labelledby={_attr(chart_id + "-title")} '
        f'aria-describedby={_attr(chart_id + "-desc")} id={_attr(chart_id)} font-family={_attr(FONT)} class="chart">',
        f"<title id={_attr(chart_id + '-title')}>{escape(title)}</title>",
        f"<desc id={_attr(chart_id + '-desc')}>{escape(desc)}</desc>",
    ]


def _y_axis(frame: _Frame, maximum: float, y_label: str | None, suffix: str) -> list[str]:
    parts = []
    for tick in ticks(maximum):
        y = frame.y(tick, maximum)
        parts.append(
            f'<line x1="{frame.left}" y1="{y:.1f}" x2="{frame.width - frame.right}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        parts.append(_text(frame.left - 6, y + 4, format_number(tick) + suffix, anchor="end", size=12))
    parts.append(
        f'<line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{frame.top + frame.plot_height:.1f}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append(
        f'<line x1="{frame.left}" y1="{frame.top + frame.plot_height:.1f}" x2="{frame.width - frame.right}" '
        f'y2="{frame.top + frame.plot_height:.1f}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    if y_label:
        cx, cy = 14, frame.top + frame.plot_height / 2
        parts.append(
            f'<text x="{cx}" y="{cy:.1f}" transform="rotate(-90 {cx} {cy:.1f})" text-anchor="middle" '
            f'font-size="11" fill="{AXIS_COLOUR}">{escape(y_label)}</text>'
        )
    return parts


def _x_labels(frame: _Frame, labels: Sequence[str], centres: Sequence[float]) -> list[str]:
    slot = frame.plot_width / max(1, len(labels))
    limit = max(3, int(slot / 7))
    y = frame.top + frame.plot_height + 16
    return [
        f"<g>{_text(x, y, _shorten(label, limit), size=12)}<title>{escape(label)}</title></g>"
        for label, x in zip(labels, centres, strict=True)
    ]


def _legend(frame: _Frame, series: Sequence[Series]) -> list[str]:
    parts = []
    x, y = float(frame.left), frame.height - 18
    for i, s in enumerate(series):
        parts.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill={_attr(s.fill(i))}/>')
        parts.append(_text(x + 16, y, s.name, anchor="start", size=12))
        x += 16 + 7.5 * len(s.name) + 24
    return parts


def _check(labels: Sequence[str], series: Sequence[Series]) -> None:
    if not series:
        raise ValueError("a chart needs at least one series")
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(labels)} labels")


def _maximum(series: Sequence[Series], y_max: float | None) -> float:
    if y_max is not None:
        return y_max
    values = [v for s in series for v in s.values if v is not None]
    return nice_max(max(values, default=0))


def bar_chart(
    chart_id: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    y_label: str | None = None,
    y_max: float | None = None,
    suffix: str = "",
    width: int = 640,
    height: int = 280,
) -> str:
    """Grouped vertical bars: one group per label, one bar per series, each bar labelled with its value."""
    _check(labels, series)
    frame = _Frame(width, height)
    maximum = _maximum(series, y_max)
    parts = _open(chart_id, title, desc, frame) + _y_axis(frame, maximum, y_label, suffix)
    slot = frame.plot_width / max(1, len(labels))
    bar = min(48.0, slot * 0.8 / len(series))
    centres = []
    for i, label in enumerate(labels):
        centre = frame.left + slot * (i + 0.5)
        centres.append(centre)
        first = centre - bar * len(series) / 2
        for j, s in enumerate(series):
            value = s.values[i]
            if value is None:
                continue
            shown = max(0.0, min(float(value), maximum))
            y = frame.y(shown, maximum)
            x = first + j * bar
            text = format_number(value) + suffix
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" '
                f'height="{frame.top + frame.plot_height - y:.1f}" fill={_attr(s.fill(j))}>'
                f"<title>{escape(f'{s.name} — {label}: {text}')}</title></rect>"
            )
            if bar >= 16:
                parts.append(_text(x + bar / 2, y - 4, text, size=11))
    parts += _x_labels(frame, labels, centres) + _legend(frame, series)
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    chart_id: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    y_label: str | None = None,
    y_max: float | None = None,
    suffix: str = "",
    width: int = 640,
    height: int = 280,
) -> str:
    """One line per series with a marked, labelled point per value (a missing value breaks the line)."""
    _check(labels, series)
    frame = _Frame(width, height)
    maximum = _maximum(series, y_max)
    parts = _open(chart_id, title, desc, frame) + _y_axis(frame, maximum, y_label, suffix)
    slot = frame.plot_width / max(1, len(labels))
    centres = [frame.left + slot * (i + 0.5) for i in range(len(labels))]
    markers = ("circle", "square", "diamond")
    for j, s in enumerate(series):
        colour = escape(s.fill(j), {'"': "&quot;"})
        runs: list[list[tuple[float, float]]] = [[]]
        points = []
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            x, y = centres[i], frame.y(max(0.0, min(float(value), maximum)), maximum)
            runs[-1].append((x, y))
            points.append((x, y, labels[i], value))
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for x, y, label, value in points:
            text = format_number(value) + suffix
            tip = f"<title>{escape(f'{s.name} — {label}: {text}')}</title>"
            shape = markers[j % len(markers)]
            if shape == "circle":
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}">{tip}</circle>')
            elif shape == "square":
                parts.append(f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}">{tip}</rect>')
            else:
                parts.append(
                    f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
                    f'{x - 5:.1f},{y:.1f}" fill="{colour}">{tip}</polygon>'
                )
            parts.append(_text(x, y - 9, text, size=11))
    parts += _x_labels(frame, labels, centres) + _legend(frame, series)
    parts.append("</svg>")
    return "\n".join(parts)


def table_rows(labels: Sequence[str], series: Sequence[Series], suffix: str = "") -> list[list[str]]:
    """The chart's figures as text rows (label, then one cell per series; "—" for no value): the table shown
    next to each chart."""
    _check(labels, series)
    return [[label] + [_cell(s.values[i], suffix) for s in series] for i, label in enumerate(labels)]


def _cell(value: float | None, suffix: str) -> str:
    return "—" if value is None else format_number(value) + suffix
