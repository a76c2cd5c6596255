"""Charts as inline SVG drawn on the server: no chart library, no script, readable without colour.

Each chart is a Markup string for a template; every bar carries a <title> (a tooltip and the text
a screen reader reads), and the figures are also in a table beside the chart on each page.
"""

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 10, 34


def _frame(label: str, body: list[str], peak: float) -> Markup:
    axis = [
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 8}" text-anchor="end">{_number(peak)}</text>',
        f'<text x="{LEFT - 6}" y="{HEIGHT - BOTTOM}" text-anchor="end">0</text>',
    ]
    return Markup(f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">'
                  f'<title>{escape(label)}</title>{"".join(axis + body)}</svg>')


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.2f}"


def _tick_every(count: int) -> int:
    return max(1, -(-count // 12))  # at most about a dozen labels under the axis


def bars(label: str, points: Sequence[tuple[str, float]], *, second: Sequence[float] | None = None,
         names: tuple[str, str] = ("", "")) -> Markup:
    """A bar per (label, value); with `second`, a pair of bars per label (e.g. targeted beside random)."""
    peak = max([v for _, v in points] + list(second or []) + [1.0])
    span = (WIDTH - LEFT - RIGHT) / max(1, len(points))
    per = 2 if second is not None else 1
    width = max(1.0, span * 0.8 / per)
    plot = HEIGHT - TOP - BOTTOM
    body = []
    every = _tick_every(len(points))
    for i, (name, value) in enumerate(points):
        values = [value] + ([second[i]] if second is not None else [])
        for j, v in enumerate(values):
            h = plot * v / peak
            x = LEFT + i * span + span * 0.1 + j * width
            what = f"{name}{' ' + names[j] if names[j] else ''}: {_number(v)}"
            body.append(f'<rect class="bar{" alt" if j else ""}" x="{x:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" '
                        f'width="{width:.1f}" height="{h:.1f}"><title>{escape(what)}</title></rect>')
        if i % every == 0:
            body.append(f'<text x="{LEFT + i * span + span / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" '
                        f'text-anchor="middle">{escape(name)}</text>')
    return _frame(label, body, peak)


def stacked(label: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> Markup:
    """Stacked bars: per label, one segment per named series (classes s0, s1, ...), with a legend above."""
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    peak = max([*totals, 1.0])
    span = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    plot = HEIGHT - TOP - BOTTOM
    body = [f'<text class="legend s{k}" x="{WIDTH - RIGHT - 70 * (len(series) - k)}" y="{TOP + 8}">&#9632; '
            f'{escape(name)}</text>' for k, (name, _) in enumerate(series)]
    every = _tick_every(len(labels))
    for i, name in enumerate(labels):
        base = HEIGHT - BOTTOM
        for k, (part, values) in enumerate(series):
            h = plot * values[i] / peak
            base -= h
            if values[i]:
                body.append(f'<rect class="bar s{k}" x="{LEFT + i * span + span * 0.1:.1f}" y="{base:.1f}" '
                            f'width="{max(1.0, span * 0.8):.1f}" height="{h:.1f}"><title>{escape(name)} '
                            f'{escape(part)}: {_number(values[i])}</title></rect>')
        if i % every == 0:
            body.append(f'<text x="{LEFT + i * span + span / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" '
                        f'text-anchor="middle">{escape(name)}</text>')
    return _frame(label, body, peak)
