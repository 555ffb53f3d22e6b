"""Bar charts drawn on the server, as SVG with the figures beside them as text.

Why not chart.js: a chart here is a handful of bars. Drawn on the server it needs no JavaScript and
no new dependency, it works under a Content-Security-Policy without `unsafe-inline` (no style
attributes: the bars are SVG rectangles with classes, coloured by reports.css), it prints, and
WeasyPrint draws the same markup in a PDF. A canvas chart would need a table alternative anyway.

Each chart is a list of rows (a label, one bar of one or more stacked segments, the figure as
text, and optionally a marker such as a capacity line), a one-sentence summary, and the same
figures as a table (`reports/_chart.html` shows it under "Show as a table"). Colour never carries
meaning alone: the legend names the series, each row says its figure, and the table has them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Series:
    key: str  # also the CSS class suffix: chart-<key>
    label: str


@dataclass
class Segment:
    series: Series
    value: int | float
    x: float  # 0–100, in percent of the chart's scale
    width: float


@dataclass
class Row:
    label: str
    values: list[int | float]
    text: str
    segments: list[Segment] = field(default_factory=list)
    marker: float | None = None  # 0–100, a line across the bar (e.g. the capacity)
    flag: str = ""  # a short word shown after the figure (e.g. "over capacity"), never colour alone

    @property
    def total(self):
        return sum(self.values)


@dataclass
class Chart:
    id: str
    title: str
    summary: str
    series: list[Series]
    rows: list[Row]
    label_header: str
    table: tuple[list, list] | None = None  # (header, rows) when the table says more than the bars

    @property
    def empty(self) -> bool:
        return not self.rows or not any(r.total for r in self.rows)

    @property
    def legend(self) -> bool:
        return len(self.series) > 1

    @property
    def table_header(self) -> list[str]:
        if self.table:
            return self.table[0]
        return [self.label_header, *(s.label for s in self.series)]

    @property
    def table_rows(self) -> list[list]:
        if self.table:
            return self.table[1]
        return [[row.label, *row.values] for row in self.rows]


def _percent(value, scale) -> float:
    return round(100 * value / scale, 3) if scale else 0.0


def bar_chart(
    id: str,
    title: str,
    *,
    series: Sequence[Series],
    rows: Sequence[tuple[str, Sequence[int | float]]],
    summary: str,
    label_header: str,
    texts: Sequence[str] | None = None,
    markers: Sequence[int | float | None] | None = None,
    flags: Sequence[str] | None = None,
    table: tuple[list, list] | None = None,
) -> Chart:
    """A horizontal bar chart: one bar per row, its segments stacked in the order of `series`.

    The scale is the largest total (or marker), so the longest bar fills the width."""
    totals = [sum(values) for _, values in rows]
    scale = max([*totals, *(m for m in (markers or []) if m is not None), 0])
    out = []
    for i, (label, values) in enumerate(rows):
        x = 0.0
        segments = []
        for s, value in zip(series, values):
            width = _percent(value, scale)
            if width > 0:
                segments.append(Segment(s, value, x, width))
            x += width
        marker = markers[i] if markers else None
        out.append(
            Row(
                label=label,
                values=list(values),
                text=texts[i] if texts else str(totals[i]),
                segments=segments,
                marker=_percent(marker, scale) if marker is not None else None,
                flag=flags[i] if flags else "",
            )
        )
    return Chart(id, title, summary, list(series), out, label_header, table)
