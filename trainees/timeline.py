"""One trainee's plan as a timeline: bars positioned in percent of the whole span."""

import datetime
from dataclasses import dataclass


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
class Timeline:
    start: datetime.date
    end: datetime.date
    bars: list[Bar]
    months: list[tuple[datetime.date, float]]  # (first day, left %)

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
    months = [(m, pos(max(m, start), max(m, start))[0]) for m in _month_starts(start, end)]
    return Timeline(start, end, bars, months)
