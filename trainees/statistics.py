"""Statistics without personal data: per region and national.

- BT-läkare by region, by BT type and by status;
- the completed: median time from start to completion, and the share completed within 12 months;
- placements per category.

`national_statistics()` computes every figure of every region and of the country at once and applies
the suppression once (`core.suppression`), so a region's page, the national page, their exports and
the API (`region_statistics`, `national_statistics`, `.as_dict()`) always hide the same counts: hiding
a count differently on two pages would let a reader subtract one from the other.

Definitions (also on the pages):
- *start* of a BT: its first placement's start (the planned start when there is no placement);
  *completion*: the date its status became completed (its last placement's end when that is missing);
- time to completion in calendar months as the law counts them (`rules.counting.calendar_months`);
- *within 12 months*: completed no more than 12 calendar months after the start. The share is of the
  completed BTs (those still going are not counted until they end);
- placements: every placement registered for the region's BT-läkare (done, ongoing and planned).

Fixed number of queries: the regions, the trainee counts, the completed trainees, the placement counts.
"""

from __future__ import annotations

import datetime
import statistics as pystats
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count as DbCount
from django.db.models import Max, Min
from django.utils import timezone

import rules.counting
from core.suppression import THRESHOLD, Count, Ledger, suppress
from organisations.models import Region
from trainees.models import BtType, Placement, PlanCategory, Trainee, TraineeStatus

NATIONAL = "*"
WITHIN, LATER = "within", "later"
WITHIN_MONTHS = 12


@dataclass
class Figures:
    """The figures of one region (or of the country: `region` None)."""

    region: Region | None
    trainees: Count
    by_type: dict[str, Count]
    by_status: dict[str, Count]
    completed_within: Count
    completed_later: Count
    share_within: float | None  # 0–1; None when a count it is made of is hidden
    median_months: float | None  # None when fewer than THRESHOLD have completed
    placements: Count
    placements_by_category: dict[str, Count] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.region.name if self.region else ""

    @property
    def share_percent(self) -> float | None:
        return None if self.share_within is None else round(100 * self.share_within, 1)

    def as_dict(self) -> dict:
        """JSON-safe, for the API: every count as {"value": n or null, "suppressed": bool}."""
        return {
            "region": {"code": self.region.code, "slug": self.region.slug, "name": self.region.name}
            if self.region
            else None,
            "trainees": self.trainees.as_dict(),
            "by_type": {k: v.as_dict() for k, v in self.by_type.items()},
            "by_status": {k: v.as_dict() for k, v in self.by_status.items()},
            "completed_within_12_months": self.completed_within.as_dict(),
            "completed_later": self.completed_later.as_dict(),
            "share_completed_within_12_months": self.share_within,
            "median_months_to_completion": self.median_months,
            "placements": self.placements.as_dict(),
            "placements_by_category": {k: v.as_dict() for k, v in self.placements_by_category.items()},
        }


@dataclass
class NationalStatistics:
    on: datetime.date
    regions: list[Figures]
    total: Figures

    def region(self, region) -> Figures:
        slug = getattr(region, "slug", region)
        return next(f for f in self.regions if f.region.slug == slug)

    def as_dict(self) -> dict:
        return {
            "date": self.on.isoformat(),
            "threshold": THRESHOLD,
            "national": self.total.as_dict(),
            "regions": [f.as_dict() for f in self.regions],
        }


def _completion(row) -> tuple[datetime.date, datetime.date]:
    start = row["first_start"] or row["planned_start"]
    end = row["status_since"] or row["last_end"] or start
    return start, max(start, end)


def months_to_completion(start: datetime.date, end: datetime.date) -> float:
    return float(rules.counting.calendar_months(start, end))


def _ledger(regions, trainee_counts, completed, placement_counts) -> tuple[Ledger, dict]:
    """Every count and every published sum; also the medians' inputs (months per region)."""
    ledger = Ledger()
    keys = [r.pk for r in regions] + [NATIONAL]
    types, statuses, categories = BtType.values, TraineeStatus.values, PlanCategory.values
    by = Counter()
    for row in trainee_counts:
        for r in (row["region_id"], NATIONAL):
            by["n", r] += row["n"]
            by["type", r, row["bt_type"]] += row["n"]
            by["status", r, row["status"]] += row["n"]
    months: dict[object, list[float]] = {r: [] for r in keys}
    for row in completed:
        m = months_to_completion(*_completion(row))
        for r in (row["region_id"], NATIONAL):
            by["done", r, WITHIN if m <= WITHIN_MONTHS else LATER] += 1
            months[r].append(m)
    for row in placement_counts:
        for r in (row["trainee__region_id"], NATIONAL):
            by["placements", r] += row["n"]
            by["placements", r, row["category"]] += row["n"]

    for r in keys:
        ledger.add(("n", r), by["n", r])
        for t in types:
            ledger.add(("type", r, t), by["type", r, t])
        for s in statuses:
            ledger.add(("status", r, s), by["status", r, s])
        for d in (WITHIN, LATER):
            ledger.add(("done", r, d), by["done", r, d])
        ledger.add(("placements", r), by["placements", r])
        for c in categories:
            ledger.add(("placements", r, c), by["placements", r, c])
    for r in keys:
        ledger.add_sum(("n", r), [("type", r, t) for t in types])
        ledger.add_sum(("n", r), [("status", r, s) for s in statuses])
        ledger.add_sum(("status", r, TraineeStatus.COMPLETED), [("done", r, WITHIN), ("done", r, LATER)])
        ledger.add_sum(("placements", r), [("placements", r, c) for c in categories])
    regional = [r.pk for r in regions]
    for key in [("n",), *(("type", t) for t in types), *(("status", s) for s in statuses)]:
        head, rest = key[0], key[1:]
        ledger.add_sum((head, NATIONAL, *rest), [(head, r, *rest) for r in regional])
    for d in (WITHIN, LATER):
        ledger.add_sum(("done", NATIONAL, d), [("done", r, d) for r in regional])
    ledger.add_sum(("placements", NATIONAL), [("placements", r) for r in regional])
    for r in keys:
        if len(months[r]) >= THRESHOLD:  # a median is shown: the reader knows there are that many
            ledger.at_least(("status", r, TraineeStatus.COMPLETED), THRESHOLD)
    for c in categories:
        ledger.add_sum(("placements", NATIONAL, c), [("placements", r, c) for r in regional])
    return ledger, months


def _figures(region, r, shown: dict, months: list[float]) -> Figures:
    within, later = shown["done", r, WITHIN], shown["done", r, LATER]
    share = None
    if not within.hidden and not later.hidden and (within.value + later.value):
        share = within.value / (within.value + later.value)
    return Figures(
        region=region,
        trainees=shown["n", r],
        by_type={t: shown["type", r, t] for t in BtType.values},
        by_status={s: shown["status", r, s] for s in TraineeStatus.values},
        completed_within=within,
        completed_later=later,
        share_within=share,
        median_months=round(pystats.median(months), 1) if len(months) >= THRESHOLD else None,
        placements=shown["placements", r],
        placements_by_category={c: shown["placements", r, c] for c in PlanCategory.values},
    )


def collect() -> tuple[list[Region], Ledger, dict]:
    """The regions, every count with its published sums, and the months to completion per region."""
    regions = list(Region.objects.order_by("name"))
    trainee_counts = Trainee.objects.values("region_id", "bt_type", "status").annotate(n=DbCount("pk")).order_by()
    completed = (
        Trainee.objects.filter(status=TraineeStatus.COMPLETED)
        .annotate(first_start=Min("placements__start"), last_end=Max("placements__end"))
        .values("region_id", "planned_start", "status_since", "first_start", "last_end")
        .order_by()
    )
    placement_counts = Placement.objects.values("trainee__region_id", "category").annotate(n=DbCount("pk")).order_by()
    ledger, months = _ledger(regions, list(trainee_counts), list(completed), list(placement_counts))
    return regions, ledger, months


def national_statistics(*, today: datetime.date | None = None) -> NationalStatistics:
    """Every region's figures and the country's, with small counts suppressed (one computation, kept
    in the cache for REPORTS_STATISTICS_CACHE_SECONDS: every page, export and API call in that time
    shows the same figures)."""
    today = today or timezone.localdate()
    seconds = getattr(settings, "REPORTS_STATISTICS_CACHE_SECONDS", 0)
    if not seconds:
        return _compute(today)
    return cache.get_or_set(f"reports:national-statistics:{today.isoformat()}", lambda: _compute(today), seconds)


def _compute(today: datetime.date) -> NationalStatistics:
    regions, ledger, months = collect()
    shown = suppress(ledger)
    return NationalStatistics(
        on=today,
        regions=[_figures(region, region.pk, shown, months[region.pk]) for region in regions],
        total=_figures(None, NATIONAL, shown, months[NATIONAL]),
    )


def region_statistics(region, *, today: datetime.date | None = None) -> Figures:
    """One region's figures: its part of `national_statistics` (the same suppression)."""
    return national_statistics(today=today).region(region)


def national_label() -> str:
    from django.utils.translation import gettext

    return gettext("All of Sweden")
