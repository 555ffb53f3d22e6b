"""One trainee's plan as a timeline: bars positioned in percent of the whole span."""

import datetime
import math
from dataclasses import dataclass

# Month labels ("Apr 26") never overlap: each screen size shows every n-th month, n chosen so that a
# label (about 3.5 rem with its gap) fits in the room that n months take on the narrowest screen of
# that size (the width the timeline has there, in px). site.css shows the marks of the size in use.
LABEL_PX = 56
WIDTHS = {"phone": 320, "tablet": 500, "desktop": 880}


@dataclass
class Bar:
    label: str
    category: str
    start: datetime.date
    end: datetime.date
    left: float
    width: float
    extent: int = 100
    kind: str = "placement"  # or "leave"


@dataclass
class MonthMark:
    month: datetime.date  # its first day
    left: float  # % of the span
    shown_on: tuple[str, ...]  # the screen sizes (WIDTHS) that label it


@dataclass
class Timeline:
    start: datetime.date
    end: datetime.date
    bars: list[Bar]
    months: list[MonthMark]

    @property
    def empty(self) -> bool:
        return not self.bars


def _month_starts(start: datetime.date, end: datetime.date):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def trainee_timeline(trainee, placements, leave) -> Timeline:
    dates = [p.start for p in placements] + [p.end for p in placements]
    start = min(dates + [trainee.planned_start])
    end = max(dates + [trainee.bt_end or trainee.planned_start])
    span = (end - start).days + 1

    def pos(a, b):
        left = (a - start).days / span * 100
        return round(left, 3), round(((b - a).days + 1) / span * 100, 3)

    bars = []
    for p in placements:
        left, width = pos(p.start, p.end)
        label = p.unit.name if p.unit_id else p.get_category_display()
        bars.append(Bar(label, p.category, p.start, p.end, left, width, p.extent))
    for x in leave:
        a, b = max(x.start, start), min(x.end, end)
        if a <= b:
            left, width = pos(a, b)
            bars.append(Bar(x.get_kind_display(), x.kind, x.start, x.end, left, width, kind="leave"))
    return Timeline(start, end, bars, month_marks(start, end, span))


def month_marks(start: datetime.date, end: datetime.date, span_days: int) -> list[MonthMark]:
    """A mark at the start of every month that begins inside the span, each labelled on the screen
    sizes where every n-th label has room."""
    firsts = [m for m in _month_starts(start, end) if m >= start] or [start.replace(day=1)]
    month_pct = 30.44 / span_days * 100  # the width of one month, in % of the span
    marks = []
    steps = {size: max(1, math.ceil(LABEL_PX / (width * month_pct / 100))) for size, width in WIDTHS.items()}
    for i, m in enumerate(firsts):
        left = round(max(0, (m - start).days) / span_days * 100, 3)
        shown = tuple(
            size
            for size, step in steps.items()
            if i % step == 0 and left + LABEL_PX / WIDTHS[size] * 100 <= 101  # room for the label before the end
        )
        marks.append(MonthMark(m, left, shown))
    return marks
