"""Charts as inline SVG, drawn on the server (no JavaScript, no library): stacked columns, lines, bars.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``; each mark has a
``<title>`` of its own (a tooltip with the number). Colours are presentation attributes, not ``style``: the
app's Content-Security-Policy allows no inline styles. The page puts the numbers beside each chart as a table
and a CSV file, so no one depends on the picture.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Okabe-Ito-like colours, distinguishable for the common colour vision deficiencies; darkest first
PALETTE = ("#1d4f7a", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#6c4f9e", "#8a6d3b", "#5b6776")
INK, MUTED, GRID = "#1b2430", "#4a5563", "#d9dee5"
WIDTH = 720
CHAR = 6.6  # mean width of a character at font-size 12, for legends and labels


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[int, ...]  # one per category (year)


def tag(name: str, content="", **attrs) -> Markup:
    """``<name attrs>content</name>`` with escaped attribute values (``class_`` for class, ``_`` for ``-``);
    ``content`` is escaped unless it is Markup. Floats are rounded to one decimal."""
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        key = key.rstrip("_").replace("_", "-")
        value = f"{value:.1f}".removesuffix(".0") if isinstance(value, float) else value
        parts.append(Markup(' {}="{}"').format(Markup(key), value))
    opening = Markup("<{}{}").format(Markup(name), Markup("").join(parts))
    if content == "":
        return opening + Markup("/>")
    return opening + Markup(">") + escape(content) + Markup("</{}>").format(Markup(name))


def svg(chart_id: str, height: float, title: str, desc: str, body: Sequence[Markup], width: float = WIDTH) -> Markup:
    head = tag("title", title, id=f"{chart_id}-title") + tag("desc", desc, id=f"{chart_id}-desc")
    return tag("svg", head + Markup("").join(body), class_="chart", id=chart_id, viewBox=f"0 0 {width:g} {height:g}",
               role="img", aria_labelledby=f"{chart_id}-title {chart_id}-desc", xmlns="http://www.w3.org/2000/svg",
               font_size="12", font_family="system-ui, sans-serif")


def nice_ticks(top: int, most: int = 5) -> list[int]:
    """Axis ticks from 0 in steps of 1, 2 or 5 times a power of ten, the last at or above ``top``."""
    top = max(top, 1)
    raw = top / most
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(s * power for s in (1, 2, 5, 10) if s * power >= raw)
    step = max(1, int(step))
    return list(range(0, top + step, step)) if top % step else list(range(0, top + 1, step))


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _legend(series: Sequence[Series], y: float, left: float) -> tuple[list[Markup], float]:
    """Colour keys in rows across the chart's width; returns the marks and the height used."""
    marks, x, row = [], left, 0
    for i, s in enumerate(series):
        width = 18 + len(s.label) * CHAR + 16
        if x + width > WIDTH and x > left:
            x, row = left, row + 1
        top = y + row * 20
        marks.append(tag("rect", x=float(x), y=float(top), width=12, height=12, rx=2, fill=PALETTE[i % len(PALETTE)]))
        marks.append(tag("text", s.label, x=float(x + 18), y=float(top + 10.5), fill=INK))
        x += width
    return marks, (row + 1) * 20 if series else 0


@dataclass(frozen=True)
class _Frame:
    """The plot area of a chart with categories on the x axis and counts on the y axis."""

    left: float
    top: float
    width: float
    height: float
    ticks: list[int]
    categories: Sequence[str]

    @property
    def band(self) -> float:
        return self.width / max(len(self.categories), 1)

    def y(self, value: float) -> float:
        return self.top + self.height - value / self.ticks[-1] * self.height

    def center(self, i: int) -> float:
        return self.left + (i + 0.5) * self.band

    def axes(self) -> list[Markup]:
        marks = []
        for tick in self.ticks:
            y = self.y(tick)
            marks.append(tag("line", x1=self.left, x2=self.left + self.width, y1=y, y2=y, stroke=GRID))
            marks.append(tag("text", number(tick), x=self.left - 6, y=y + 4, text_anchor="end", fill=MUTED))
        every = max(1, math.ceil(len(self.categories) * 36 / self.width))  # a label needs about 36 units
        for i, label in enumerate(self.categories):
            if i % every == 0:
                marks.append(tag("text", label, x=self.center(i), y=self.top + self.height + 16, text_anchor="middle",
                                 fill=MUTED))
        return marks


def _frame(categories: Sequence[str], top_value: int, legend_height: float, plot_height: float = 220) -> _Frame:
    ticks = nice_ticks(top_value)
    left = 12 + len(number(ticks[-1])) * CHAR
    return _Frame(left, legend_height + 12, WIDTH - left - 8, plot_height, ticks, categories)


def stacked_columns(chart_id: str, title: str, desc: str, categories: Sequence[str],
                    series: Sequence[Series]) -> Markup:
    """One column per category (a year), its series stacked bottom up in legend order."""
    legend, legend_height = _legend(series, 4, 8)
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    frame = _frame(categories, max(totals, default=0), legend_height)
    marks = [*legend, *frame.axes()]
    gap = min(frame.band * 0.2, 8)
    for i, category in enumerate(categories):
        base = 0
        for k, s in enumerate(series):
            value = s.values[i]
            if not value:
                continue
            y_top, y_base = frame.y(base + value), frame.y(base)
            tip = tag("title", f"{category}, {s.label}: {number(value)}")
            marks.append(tag("rect", tip, x=frame.left + i * frame.band + gap / 2, y=y_top,
                             width=max(frame.band - gap, 1.0), height=max(y_base - y_top, 0.5),
                             fill=PALETTE[k % len(PALETTE)]))
            base += value
    return svg(chart_id, frame.top + frame.height + 26, title, desc, marks)


def lines(chart_id: str, title: str, desc: str, categories: Sequence[str], series: Sequence[Series]) -> Markup:
    """One line per series over the categories (years), a dot at each value."""
    legend, legend_height = _legend(series, 4, 8)
    frame = _frame(categories, max((max(s.values, default=0) for s in series), default=0), legend_height)
    marks = [*legend, *frame.axes()]
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = [(frame.center(i), frame.y(v)) for i, v in enumerate(s.values)]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            marks.append(tag("polyline", points=path, fill="none", stroke=colour, stroke_width=2))
        for (x, y), category, value in zip(points, categories, s.values, strict=True):
            marks.append(tag("circle", tag("title", f"{category}, {s.label}: {number(value)}"), cx=x, cy=y, r=3.5,
                             fill=colour))
    return svg(chart_id, frame.top + frame.height + 26, title, desc, marks)


def bars(chart_id: str, title: str, desc: str, items: Sequence[tuple[str, int]], label_width: int = 210) -> Markup:
    """Horizontal bars, one row per item, largest first as given; the number at the end of each bar."""
    row, top = 24, 6
    ticks = nice_ticks(max((n for _label, n in items), default=0))
    plot = WIDTH - label_width - 60
    marks = []
    for i, (label, value) in enumerate(items):
        y = top + i * row
        short = label if len(label) * CHAR <= label_width - 8 else label[: int((label_width - 8) / CHAR) - 1] + "…"
        width = value / ticks[-1] * plot
        content = short if short == label else escape(short) + tag("title", label)
        marks.append(tag("text", content, x=label_width - 8, y=y + 15, text_anchor="end", fill=INK))
        marks.append(tag("rect", tag("title", f"{label}: {number(value)}"), x=label_width, y=y + 3,
                         width=max(width, 1.0), height=row - 8, rx=2, fill=PALETTE[0]))
        marks.append(tag("text", number(value), x=label_width + width + 6, y=y + 15, fill=INK))
    return svg(chart_id, top + len(items) * row + 6, title, desc, marks)
