"""Charts as SVG drawn on the server: no chart library, and no script needed to read them.

The SVG has no viewBox: lengths across are percentages of the chart's width and lengths down are pixels, so
text keeps its size from workbench.css at every width instead of scaling with the drawing. Gridlines stand
at round numbers (`nice_ticks`). Every figure's numbers are also in a table beside its chart.

Two forms. Columns over time (`bars`, `stacked`): each column shows its value on hover or keyboard focus
(the arrow keys move between columns). Horizontal bars per category (`hbars`): each bar has its value
written on its row, so a 0.3 % share beside a 99 % one is still read.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

TIP_Y, TOP, PLOT = 16, 26, 170  # columns: the band above the plot holds the hovered column's value
BASE = TOP + PLOT
MOST_LABELS = 12  # labels under the columns, at most: each needs about 50 px of an 800 px wide chart
ROW = 40  # horizontal bars: a line for the label and value, the bar under it, a gap
LONGEST_LABEL = 36


def nice_ticks(peak: float, count: int = 4, *, whole: bool = True) -> list[float]:
    """0, then equal round steps up to the first at or above `peak`: about `count` steps of 1, 2, 2.5 or 5
    times a power of ten (Heckbert's "nice numbers"); with `whole`, steps are whole numbers (for counts)."""
    if not peak > 0:
        return [0.0, 1.0]
    raw = max(peak / count, 1.0) if whole else peak / count
    power = 10.0 ** math.floor(math.log10(raw))
    factors = (1, 2, 5, 10) if whole and power == 1 else (1, 2, 2.5, 5, 10)  # 2.5 is no count
    step = next(factor * power for factor in factors if factor * power >= raw * (1 - 1e-9))
    steps = math.ceil(peak / step - 1e-9)  # a peak a rounding error above a round value ends on it
    return [float(f"{i * step:.12g}") for i in range(steps + 1)]


def number(value: float) -> str:
    """A tick or value as an officer reads it: thousands separated, decimals only where they say something."""
    if value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2g}"


def _pct(value: float) -> str:
    return f"{value:.3f}%"


def _svg(label: str, kind: str, height: int, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart {kind}" height="{height}" role="group" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def _tip_place(i: int, n: int) -> tuple[str, float]:
    """Where column i of n writes its value, in per cent across: from its left edge in the first quarter, up to
    its right edge in the last, centred between, so the text stays inside the chart."""
    if i < n / 4:
        return "start", i * 100 / n
    if i >= 3 * n / 4:
        return "end", (i + 1) * 100 / n
    return "middle", (i + 0.5) * 100 / n


def _columns(label: str, names: Sequence[str], series: Sequence[Sequence[float]], tips: Sequence[str]) -> Markup:
    """Columns (stacked when there are several series) with gridlines, every few labels under them, and per
    column a focusable mark whose value shows above the plot on hover or focus."""
    n = max(1, len(names))
    totals = [sum(values[i] for values in series) for i in range(len(names))]
    ticks = nice_ticks(max(totals, default=0.0))
    scale = PLOT / ticks[-1]
    axis = ['<g aria-hidden="true">']
    for tick in ticks:
        y = BASE - tick * scale
        axis.append(
            f'<line class="grid" x1="0" x2="100%" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="-8" y="{y + 4:.1f}" text-anchor="end">{number(tick)}</text>'
        )
    every = math.ceil(n / MOST_LABELS)
    axis += [
        f'<text class="tick" x="{_pct((i + 0.5) * 100 / n)}" y="{BASE + 17}" text-anchor="middle">{escape(name)}</text>'
        for i, name in enumerate(names)
        if i % every == 0
    ]
    axis.append("</g>")
    marks = []
    slot = 100 / n
    for i, tip in enumerate(tips):
        anchor, at = _tip_place(i, n)
        parts = [
            f'<g class="mark" tabindex="{0 if i == 0 else -1}" role="img" aria-label="{escape(tip)}">'
            f'<rect class="slot" x="{_pct(i * slot)}" y="{TOP}" width="{_pct(slot)}" height="{PLOT}"/>'
        ]
        base = float(BASE)
        for k, values in enumerate(series):
            if values[i] > 0:
                height = values[i] * scale
                base -= height
                parts.append(
                    f'<rect class="bar s{k}" x="{_pct((i + 0.15) * slot)}" y="{base:.1f}" '
                    f'width="{_pct(0.7 * slot)}" height="{height:.1f}"/>'
                )
        parts.append(f'<text class="tip" x="{_pct(at)}" y="{TIP_Y}" text-anchor="{anchor}">{escape(tip)}</text></g>')
        marks.append("".join(parts))
    baseline = f'<line class="axis" x1="0" x2="100%" y1="{BASE}" y2="{BASE}"/>'
    return _svg(label, "columns", BASE + 26, [*axis, *marks, baseline])


def bars(label: str, points: Sequence[tuple[str, float]]) -> Markup:
    """A column per (label, value), e.g. hits per day."""
    return _columns(
        label,
        [name for name, _ in points],
        [[value for _, value in points]],
        [f"{name}: {number(value)}" for name, value in points],
    )


def stacked(label: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> Markup:
    """A column per label, one segment per named series (classes s0, s1, ...), and the series' legend under it."""
    tips = []
    for i, name in enumerate(labels):
        parts = [f"{part} {number(values[i])}" for part, values in series]
        tips.append(f"{name}: {' · '.join(parts)} · total {number(sum(values[i] for _, values in series))}")
    legend = "".join(f'<li><span class="swatch s{k}"></span>{escape(name)}</li>' for k, (name, _) in enumerate(series))
    chart = _columns(label, labels, [values for _, values in series], tips)
    return chart + Markup(f'<ul class="chart-legend" aria-hidden="true">{legend}</ul>') if len(series) > 1 else chart


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: what it stands for, its length, and the value written on its row."""

    label: str
    value: float
    text: str
    series: int = 0  # colour class s0, s1, ...
    low: float | None = None  # an interval drawn across the bar, e.g. a 95 % confidence interval
    high: float | None = None


def hbars(label: str, rows: Sequence[Bar], *, tick: Callable[[float], str] = number, whole: bool = True) -> Markup:
    """A labelled horizontal bar per row, its value written at the row's right end, gridlines at round values."""
    if not rows:
        return _svg(label, "hbars", 24, ['<text x="0" y="16">Nothing to draw in this window.</text>'])
    ticks = nice_ticks(max(max(r.value, r.high or 0.0) for r in rows), whole=whole)
    width = 100 / ticks[-1]
    bottom = len(rows) * ROW
    axis = ['<g aria-hidden="true">']
    for k, value in enumerate(ticks):
        anchor = "start" if k == 0 else "end" if k == len(ticks) - 1 else "middle"
        axis.append(
            f'<line class="grid" x1="{_pct(value * width)}" x2="{_pct(value * width)}" y1="18" '
            f'y2="{bottom}"/><text class="tick" x="{_pct(value * width)}" y="{bottom + 14}" '
            f'text-anchor="{anchor}">{escape(tick(value))}</text>'
        )
    axis.append("</g>")
    marks = []
    for i, row in enumerate(rows):
        top = i * ROW
        name = row.label if len(row.label) <= LONGEST_LABEL else row.label[: LONGEST_LABEL - 1] + "…"
        parts = [
            f'<g class="row"><title>{escape(row.label)}: {escape(row.text)}</title>'
            f'<text class="name" x="0" y="{top + 13}">{escape(name)}</text>'
            f'<text class="value" x="100%" y="{top + 13}" text-anchor="end">{escape(row.text)}</text>'
        ]
        if row.value > 0:  # a stub of 2 px under the bar keeps a tiny share visible
            parts.append(
                f'<rect class="bar s{row.series}" x="0" y="{top + 19}" width="2" height="14"/>'
                f'<rect class="bar s{row.series}" x="0" y="{top + 19}" width="{_pct(row.value * width)}" '
                f'height="14"/>'
            )
        if row.low is not None and row.high is not None:
            low, high, mid = _pct(row.low * width), _pct(row.high * width), top + 26
            parts.append(
                f'<g class="interval"><line x1="{low}" x2="{high}" y1="{mid}" y2="{mid}"/>'
                f'<line x1="{low}" x2="{low}" y1="{mid - 5}" y2="{mid + 5}"/>'
                f'<line x1="{high}" x2="{high}" y1="{mid - 5}" y2="{mid + 5}"/></g>'
            )
        parts.append("</g>")
        marks.append("".join(parts))
    baseline = f'<line class="axis" x1="0" x2="0" y1="18" y2="{bottom}"/>'
    return _svg(label, "hbars", bottom + 20, [*axis, *marks, baseline])
